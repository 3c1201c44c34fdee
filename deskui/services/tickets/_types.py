"""What the tickets package says and hands out: the kinds, statuses and outcomes with their labels, and the plain
data passed in and out (a new ticket, a ticket as read, its events, a queue page). No database here: a screen or
a report imports these without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskui.core.config_help import HELP_KINDS as _HELP_KINDS
from deskui.core.errors import Conflict
from deskui.core.i18n import N_, t
from deskui.services.tickets._replay import TERMINAL_STATUSES
from deskui.services.tickets._targets import TargetState

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo
    from deskui.services.tickets._help import StepInfo

KINDS = ("repair", "complaint", "help", "inquiry", "service")
PREFIXES = {"repair": "WX", "complaint": "TS", "help": "QZ", "inquiry": "ZX", "service": "FW"}
KIND_LABELS = {
    "repair": N_("Repair"),
    "complaint": N_("Complaint"),
    "help": N_("Help request"),
    "inquiry": N_("Inquiry"),
    "service": N_("Paid service"),
}
SEVERITIES = ("major", "important", "minor")
SEVERITY_LABELS = {"major": N_("Major"), "important": N_("Important"), "minor": N_("Minor")}
REPAIR_TYPES = ("leak", "safety", "other")
REPAIR_TYPE_LABELS = {"leak": N_("Leak"), "safety": N_("Safety facility"), "other": N_("Other repair")}
HELP_KINDS = _HELP_KINDS  # 003 4.1.1 a)-g); core.config_help names the checklists by them
HELP_KIND_LABELS = {
    "medical": N_("Medical emergency"),
    "repair": N_("Repair help"),
    "complaint": N_("Complaint help"),
    "inquiry": N_("Inquiry help"),
    "security": N_("Security incident"),
    "disaster": N_("Disaster"),
    "other": N_("Other help"),
}
STATUS_LABELS = {
    "new": N_("New"),
    "dispatched": N_("Dispatched"),
    "in_progress": N_("In progress"),
    "waiting": N_("Waiting"),
    "done": N_("Done, awaiting callback"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
    "merged": N_("Merged"),
}
EVENT_LABELS = {
    "created": N_("Created"),
    "call_attached": N_("Call attached"),
    "dispatched": N_("Dispatched"),
    "reassigned": N_("Reassigned"),
    "note": N_("Note"),
    "status": N_("Status changed"),
    "appointment": N_("Appointment set"),
    "informed": N_("Supervisor / manager informed"),
    "escalated": N_("Escalated"),
    "replied": N_("Replied to the resident"),
    "deadline": N_("Resident's deadline set"),
    "followed_up": N_("Followed up"),
    "callback": N_("Callback attempt"),
    "merged": N_("Merged"),
    "merged_in": N_("Merged in"),
    "reopened": N_("Reopened"),
    "cancelled": N_("Cancelled"),
    "closed": N_("Closed"),
    "help_kind": N_("Help kind set"),
    "step": N_("Checklist step"),
}
WAITING_ON = ("resident", "third_party")
INFORMED = ("supervisor", "manager")
CALLBACK_OUTCOMES = ("reached", "no_answer", "left_message")
CALLBACK_VIA = ("phone", "visit")  # 002 四.5(1): 回访可上门或电话回访
CALLBACK_VIA_LABELS = {"phone": N_("By phone"), "visit": N_("By visit")}
CALLBACK_OUTCOME_LABELS = {
    "reached": N_("Reached"),
    "no_answer": N_("No answer"),
    "left_message": N_("Left a message"),
}
WRITTEN_CHANNELS = frozenset({"letter", "fax", "online"})
# A call's category → the kind of ticket it opens (other categories need an explicit kind).
CATEGORY_KINDS = {
    "repair": "repair",
    "complaint": "complaint",
    "help": "help",
    "inquiry": "inquiry",
    "service": "service",
}
MAX_NOTE = 10_000

QUEUES = ("mine", "new", "overdue", "due_soon", "callback", "waiting", "department", "open", "closed")
QUEUE_LABELS = {
    "mine": N_("My queue"),
    "new": N_("New"),
    "overdue": N_("Overdue"),
    "due_soon": N_("Due soon"),
    "callback": N_("Awaiting callback"),
    "waiting": N_("Waiting"),
    "department": N_("By department"),
    "open": N_("All open"),
    "closed": N_("Recently closed"),
}


# --- data passed in and out ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrgentTicket:
    """An urgent ticket nobody has taken yet (status new): what every screen's banner shows."""

    id: int
    number: str
    kind: str
    unit: str
    description: str
    created_at: datetime


@dataclass(frozen=True)
class TicketInput:
    """A new ticket. Empty fields are filled from the first call; `kind` from its category."""

    call_ids: tuple[int, ...] = ()
    kind: str | None = None
    severity: str | None = None
    repair_type: str | None = None
    help_kind: str | None = None  # help requests: a HELP_KINDS key or its name (issue 14)
    written: bool | None = None
    unit: str | None = None
    caller: str | None = None
    phone: str | None = None
    description: str | None = None
    department: str | None = None
    assignee: str | None = None
    resident_deadline: datetime | str | None = None  # a minor complaint's (issue 14: as typed, site time)
    paid: bool | str | None = None  # repairs: paid, or free under warranty (default); a paid service is paid
    appointment: datetime | str | None = None  # the visit booked with the resident, else the call's visit time
    # The complaint record (issue 14; 002 投诉接待(1)): where, about whom, what happened, what the resident wants.
    place: str | None = None
    about: str | None = None
    happened: str | None = None
    wants: str | None = None
    # A ticket deskui opens itself: its facts, kept in the "created" event and described in the reader's language
    # when read (services.tickets._facts; issue 12). `description` is then the same in the site's language.
    facts: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class TicketInfo:
    """One ticket as a screen shows it; `targets` as of when it was read. Times aware UTC."""

    id: int
    number: str
    kind: str
    repair_type: str
    severity: str
    channel: str
    written: bool
    status: str
    unit: str
    unit_key: str
    unit_id: int | None
    resident_id: int | None
    caller: str
    phone: str
    description: str
    department: str
    assignee_id: int | None
    assignee: str
    appointment_at: datetime | None
    resident_deadline: datetime | None
    due_at: datetime | None  # nearest running target; None when none runs
    done_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    waiting_on: str
    callback_result: str
    satisfaction: int | None
    callback_comment: str
    callback_due_at: datetime | None
    merged_into_id: int | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    version: int
    targets: tuple[TargetState, ...] = ()
    worker_id: int | None = None  # the department's worker the last dispatch named (issue 14)
    worker: str = ""
    result: str = ""  # what the department reported with the last completion (the done event's note)
    callback_via: str = ""  # how the last callback was made: phone or visit ("" before issue 14)
    complaint: Mapping[str, str] = field(default_factory=dict)  # place, about, happened, wants (see _complaints)
    reply: str = ""  # what the resident was last told (a "replied" event) and how: phone, visit, written (issue 14)
    reply_via: str = ""
    notes: tuple[str, ...] = ()  # the "note" events' texts, oldest first (the exports carry them)
    help_kind: str = ""  # a help request's 003 4.1.1 sub-kind (HELP_KINDS; "" not classified yet), issue 14
    paid: bool = False  # a repair paid, or free under warranty; a paid service always paid (issue 14, _repairs)
    fee_cents: int | None = None  # a paid repair's fee, recorded when done
    signed_off: bool | None = None  # the resident's sign-off at the last reached callback of a repair (002 入住⑤)
    signed_by: str = ""

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATUSES

    @property
    def kind_label(self) -> str:
        return t(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return t(STATUS_LABELS[self.status])

    @property
    def severity_label(self) -> str:
        return t(SEVERITY_LABELS[self.severity]) if self.severity else ""


@dataclass(frozen=True)
class EventInfo:
    id: int
    ticket_id: int
    ticket_number: str
    seq: int
    kind: str
    at: datetime
    operator_id: int | None
    operator: str
    status: str
    note: str
    data: Mapping[str, Any]

    @property
    def label(self) -> str:
        return t(EVENT_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class TicketDetail:
    """Everything the ticket-detail screen shows: facts, targets, originating calls, the whole timeline (including
    the history of tickets merged into this one), and the actions the operator may take now."""

    ticket: TicketInfo
    targets: tuple[TargetState, ...]
    calls: tuple[CallInfo, ...]
    events: tuple[EventInfo, ...]
    merged_from: tuple[str, ...]  # numbers of tickets merged into this one
    merged_into: str | None
    allowed: frozenset[str]
    checklist: tuple[StepInfo, ...] = ()  # a medical emergency's or disaster's steps (issue 14, _help)


class TicketChanged(Conflict):
    """Someone changed the ticket since the operator saw it; `current` is the fresh state to show."""

    def __init__(self, message: str, *, current: TicketInfo) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, with the key to pass as `after` for the next page (None: this was the last)."""

    queue: str
    rows: tuple[TicketInfo, ...]
    next_after: tuple[datetime, int] | None


@dataclass(frozen=True)
class SectionCounts:
    mine: int
    new: int
    overdue: int
    due_soon: int
    callback: int
    waiting: int
    open: int
    closed: int
    by_department: Mapping[str, int] = field(default_factory=dict)  # "" = not dispatched yet

    def get(self, queue: str) -> int:
        if queue == "department":
            return self.open
        return int(getattr(self, queue))
