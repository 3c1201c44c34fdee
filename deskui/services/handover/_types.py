"""What the handover and review services hand out: frozen plain data (no database), and `to_plain` for JSON."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from deskui.core.config_help import ChecklistStep
from deskui.core.errors import Conflict
from deskui.core.i18n import N_, t
from deskui.services.calls import CallInfo
from deskui.services.common.shifts import ShiftSlot
from deskui.services.handover._dutylog import LogEntry
from deskui.services.handover._facts import Named

DISPOSITIONS = ("ticket", "handled", "no_action")
DISPOSITION_LABELS = {"ticket": N_("Ticket"), "handled": N_("Handled"), "no_action": N_("No action")}
ITEM_KINDS = {
    "ticket_overdue": N_("Overdue ticket"),
    "ticket_due": N_("Ticket due next shift"),
    "callback_due": N_("Callback due"),
    "escalation": N_("Escalation not acknowledged"),
    "help_untaken": N_("Help request not taken"),
    "checklist_open": N_("Emergency checklist open"),
    "call_ticket_wanted": N_("Call wanting a ticket"),
    "key": N_("Key out"),
    "visitor_inside": N_("Visitor still inside"),
    "parcel_old": N_("Parcel waiting long"),
    "renovation_pending": N_("Renovation awaiting approval"),
    "renovation_active": N_("Renovation in progress"),
    "renovation_inspection": N_("Renovation inspection overdue"),
    "renovation_expired": N_("Renovation permit expired"),
    "patrol_missed": N_("Patrol round missed"),
    "patrol_finding": N_("Patrol finding without a ticket"),
    "patrol_open": N_("Patrol round not ended"),
}


@dataclass(frozen=True)
class EquipmentCount:
    key: str
    label: str
    expected: int
    counted: int | None = None
    explanation: str = ""
    holder: str = ""
    counted_by: str = ""
    ticket_id: int | None = None  # the ticket opened for a shortage at sign-off (stored: the id, a fact)
    ticket_number: str = ""  # its number (WX-…), what a person reads; looked up when the state is read

    @property
    def difference(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.counted) if self.counted is not None else 0

    @property
    def complete(self) -> bool:
        """Counted, and any difference explained (a shortage also says who has the item)."""
        if self.counted is None:
            return False
        if self.counted == self.expected:
            return True
        return bool(self.explanation) and (self.counted > self.expected or bool(self.holder))


def with_detail(base: str, detail: str, args: tuple[tuple[str, str], ...] = ()) -> str:
    """An item's title with deskui's own words about it, in the reader's language: "WX-… 3-2-1202 … (manager not
    told yet)"."""
    return f"{base} ({t(detail, **dict(args))})" if detail else base


@dataclass(frozen=True)
class OpenItem:
    """Something the next shift must know about. `id` ("ticket:12", "call:45", "key:3") is what notes and
    acknowledgements refer to."""

    id: str
    kind: str  # see ITEM_KINDS
    ref_id: int
    title: str
    due_at: datetime | None = None
    important: bool = False
    overdue: bool = False
    note: str = ""
    noted_by: str = ""
    acknowledged_by: str = ""
    # A title with a word of deskui's own ("(supervisor not told yet)"): `title` is it in the language it was read
    # in; stored (a signed handover's snapshot) are the title without it and the message id with its arguments,
    # said again in the reader's language when read (issue 12). See with_detail.
    base_title: str = ""
    detail: str = ""
    detail_args: tuple[tuple[str, str], ...] = ()
    # An item about a configured place (a patrol route or checkpoint): `title` names it in the language it was read
    # in, `base_title` is the rest; stored are the rest and the keys with their labels (issue 12). See named_title.
    named: Named | None = None
    # An open emergency's checklist steps (detail "open: {steps}"): the steps themselves, keys with their labels, so a
    # signed snapshot stores them as facts and names them in the reader's language when read (issue 12).
    steps: tuple[ChecklistStep, ...] = ()

    @property
    def kind_label(self) -> str:
        return t(ITEM_KINDS.get(self.kind, self.kind))

    @property
    def acknowledged(self) -> bool:
        return bool(self.acknowledged_by)


@dataclass(frozen=True)
class NightCall:
    """A night call that wanted a ticket, and what the morning handover decided."""

    call: CallInfo
    disposition: str | None = None  # ticket | handled | no_action
    reason: str = ""
    ticket_id: int | None = None
    decided_by: str = ""
    ticket_number: str = ""  # the ticket's number (WX-…), looked up when read

    @property
    def decision(self) -> str:
        """The decision as shown: "Ticket WX-…", "Handled: reason" (translated, for screens and the CLI)."""
        if self.disposition is None:
            return ""
        text = t(DISPOSITION_LABELS[self.disposition])
        if self.ticket_number:
            text += f" {self.ticket_number}"
        return text + (f": {self.reason}" if self.reason else "")

    @property
    def decided(self) -> bool:
        return self.disposition is not None


_Numbered = TypeVar("_Numbered", EquipmentCount, NightCall)


@dataclass(frozen=True)
class CheckState:
    key: str
    label: str
    done: bool = False
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Signature:
    role: str  # outgoing | incoming
    operator_id: int
    name: str
    at: datetime


@dataclass(frozen=True)
class Blocker:
    step: str
    item: str
    message: str


@dataclass(frozen=True)
class ReliefStatus:
    """Whether the relief is here. `late_minutes` > 0: past the time they should have arrived, not yet here."""

    slot: ShiftSlot
    next: ShiftSlot
    expected: tuple[str, ...]  # who the roster plans on the next shift
    due_at: datetime  # next shift start less the early-arrival minutes
    arrived: str  # the incoming person, once they have joined the handover
    late_minutes: int
    outgoing_remains: bool
    message: str


@dataclass(frozen=True)
class HandoverState:
    id: int
    duty_date: date
    shift_key: str
    next_date: date
    next_shift_key: str
    started_at: datetime
    outgoing: OperatorRef
    incoming: OperatorRef | None
    morning: bool  # the outgoing shift crosses midnight: night calls are carried over
    counts: tuple[EquipmentCount, ...]
    keys: tuple[OpenItem, ...]
    items: tuple[OpenItem, ...]
    night_calls: tuple[NightCall, ...]
    checks: tuple[CheckState, ...]
    signatures: tuple[Signature, ...]
    blockers: tuple[Blocker, ...]
    relief: ReliefStatus | None
    signed_at: datetime | None = None
    chain_seq: int | None = None
    revision: int = 0  # id of the latest record that changed what is handed over (signatures must be newer)
    keys_tally: tuple[int, int] | None = None  # the key inventory's (held, out) behind the key count (issue 13)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def can_sign(self) -> bool:
        return not self.signed and not self.blockers

    def signature(self, role: str) -> Signature | None:
        return next((s for s in self.signatures if s.role == role), None)

    def step_done(self, step: str) -> bool:
        if step == "sign":
            return self.signed
        return not any(b.step == step for b in self.blockers)

    @property
    def discrepancies(self) -> tuple[EquipmentCount, ...]:
        return tuple(c for c in self.counts if c.counted is not None and c.counted != c.expected)


@dataclass(frozen=True)
class OperatorRef:
    id: int
    name: str


@dataclass(frozen=True)
class HandoverSummary:
    id: int
    duty_date: date
    shift_key: str
    outgoing: str
    incoming: str
    started_at: datetime
    signed_at: datetime | None
    chain_seq: int | None
    discrepancies: tuple[EquipmentCount, ...] = ()


@dataclass(frozen=True)
class Discrepancy:
    handover_id: int
    duty_date: date
    shift_key: str
    count: EquipmentCount


@dataclass(frozen=True)
class ReviewSignature:
    day: date
    supervisor: str
    signed_at: datetime
    head_seq: int  # the chain head the supervisor signed
    head_hash: str
    note: str
    entry_seq: int


@dataclass(frozen=True)
class DayReview:
    """What the supervisor reads each morning: one duty date's log, handovers, count discrepancies, the night's
    calls and what became of them; and whether it is signed."""

    day: date
    entries: tuple[LogEntry, ...]
    handovers: tuple[HandoverSummary, ...]
    discrepancies: tuple[Discrepancy, ...]
    night_calls: tuple[NightCall, ...]
    signature: ReviewSignature | None
    head_seq: int
    head_hash: str
    registers: tuple[OpenItem, ...] = ()
    """What the registers leave open as the review is read (visitors still inside, old parcels; issue 13)."""

    @property
    def signed(self) -> bool:
        return self.signature is not None


class HandoverExists(Conflict):
    """The handover of that shift was already started (by this or another terminal); open it instead."""

    def __init__(self, message: str, *, handover_id: int) -> None:
        super().__init__(message)
        self.handover_id = handover_id


def to_plain(value: Any, tz: ZoneInfo | None = None) -> Any:
    """A state / review as JSON-ready data: dates ISO, times ISO in the site zone, enums as their value."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_plain(getattr(value, f.name), tz) for f in fields(value)}
        if isinstance(value, LogEntry):
            out["payload"] = value.payload
            out.pop("payload_json", None)
        return out
    if isinstance(value, datetime):
        return (value.astimezone(tz) if tz else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_plain(v, tz) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v, tz) for v in value]
    return value
