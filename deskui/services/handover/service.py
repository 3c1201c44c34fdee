"""Shift handover 交接班 (002 交接班制度, 003 4.2) and the supervisor's daily review (003 4.3).

The checklist, in the order the two people work through it:

1. equipment — the configured items (settings.equipment, expected counts): the incoming person enters what they
   count; a difference needs an explanation, a shortage also who has the item. A shortage opens a ticket naming
   the shift when the handover is signed (if a ticket service is there; otherwise it stays a recorded discrepancy,
   listed by `discrepancies()` and in the review);
2. keys — keys still out (services.keys), overdue ones flagged; the incoming acknowledges each;
3. open items — gathered by small source functions (`item_sources`): overdue tickets and tickets due before the
   next shift ends, callbacks due, escalations not yet acknowledged, help requests nobody has taken, calls of this
   shift that wanted a ticket and have none. The outgoing writes a note per item, the incoming acknowledges each;
4. night calls — at the morning handover (the outgoing shift crosses midnight), every night call that wanted a
   ticket and has none is listed; each becomes a ticket or is marked handled / no action with a reason
   (002 值班制度 五). Dispositions are rows of their own, append-only;
5. checks — desk tidy, previous log read, area checked (with notes);
6. sign-off — both sign with their PINs. Nothing is signed while a step is open; an important item (an overdue
   major or important complaint, a help request nobody has taken) without the outgoing's note is named first.

Every step is written as it is entered (a crash loses nothing): `handover` is one row per shift, unique per site,
duty date and shift (two terminals cannot start two), and each entry is an append-only `handover_record`; the latest
record per item wins. A signature counts only if nothing was entered after it. When both have signed, one
transaction writes a snapshot of what was handed over and a "handover" entry in the duty-log chain whose payload
holds a digest of every record; from then on the database refuses any record for that handover.

If the relief has not come, the handover stays open and `relief()` says the outgoing remains on duty and how late
the relief is (roster + shift times + settings.shifts.handover_early_minutes).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import Database
from deskui.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.models import Call, CallDisposition, DutyLogEntry, Handover, HandoverRecord, Ticket, TicketCall
from deskui.services.calls.service import CallInfo, CallService
from deskui.services.common.shifts import ShiftSlot, shift_at
from deskui.services.handover.dutylog import (
    DutyLogService,
    LogEntry,
    append_entry,
    chain_head,
    clean_text,
    dumps,
    handover_digest,
    lock_chain,
    ref_taken,
)
from deskui.services.handover.keylog import KeyLoanInfo, KeyService
from deskui.services.handover.roster import (
    RosterService,
    crosses_midnight,
    day_slots,
    next_slot,
    previous_slot,
    relief_due,
    slot_of,
)
from deskui.services.operators import SUPERVISORS, OperatorInfo, OperatorService, Role

_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_RECORD = HandoverRecord.__table__  # type: ignore[attr-defined]
_DISPOSITION = CallDisposition.__table__  # type: ignore[attr-defined]
_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_TICKETCALL = TicketCall.__table__  # type: ignore[attr-defined]
_CALL = Call.__table__  # type: ignore[attr-defined]

STEPS = ("equipment", "keys", "items", "night_calls", "checks", "sign")
STEP_LABELS = {
    "equipment": N_("Equipment count"),
    "keys": N_("Keys out"),
    "items": N_("Open items"),
    "night_calls": N_("Night calls"),
    "checks": N_("Checks"),
    "sign": N_("Sign-off"),
}
CHECKS = (
    ("desk_tidy", N_("Desk tidy")),
    ("log_read", N_("Previous shift's log read")),
    ("area_checked", N_("Area checked for anything abnormal")),
)
DISPOSITIONS = ("ticket", "handled", "no_action")
DISPOSITION_LABELS = {"ticket": N_("Ticket"), "handled": N_("Handled"), "no_action": N_("No action")}
# Records that change what is handed over: a signature older than the latest of them no longer counts.
DATA_STEPS = frozenset({"arrive", "count", "note", "ack", "check", "dispose"})
ITEM_KINDS = {
    "ticket_overdue": N_("Overdue ticket"),
    "ticket_due": N_("Ticket due next shift"),
    "callback_due": N_("Callback due"),
    "escalation": N_("Escalation not acknowledged"),
    "help_untaken": N_("Help request not taken"),
    "call_ticket_wanted": N_("Call wanting a ticket"),
    "key": N_("Key out"),
}
MAX_COUNT = 9999
ESCALATED_SEVERITIES = ("major", "important")
ESCALATION_TARGETS = {
    "manager_informed": N_("manager not told yet"),
    "supervisor_informed": N_("supervisor not told yet"),
}
RUNNING_TARGETS = frozenset({"ok", "due_soon", "overdue"})
# Who opens tickets (the ticket service's desk roles); a shortage ticket is opened in one of their names.
DESK_ROLES = frozenset({Role.RECEPTIONIST}) | SUPERVISORS


# --- data out ---------------------------------------------------------------------------------------------------


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

    @property
    def signed(self) -> bool:
        return self.signature is not None


class HandoverExists(Conflict):
    """The handover of that shift was already started (by this or another terminal); open it instead."""

    def __init__(self, message: str, *, handover_id: int) -> None:
        super().__init__(message)
        self.handover_id = handover_id


# --- gathering open items ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GatherContext:
    s: Session
    site_id: int
    settings: Settings
    now: datetime
    slot: ShiftSlot
    next: ShiftSlot
    tickets: Any | None


ItemSource = Callable[[GatherContext], list[OpenItem]]


def _ticket_title(r: Any) -> str:
    text = " ".join((r.description or "").split())
    where = f"{r.unit_text} " if r.unit_text else ""
    return f"{r.number} {where}{text[:40]}".strip()


def _open_tickets(ctx: GatherContext, *conditions: Any) -> list[Any]:
    q = select(_TICKET).where(_TICKET.c.site_id == ctx.site_id, _TICKET.c.is_open == True, *conditions)  # noqa: E712
    return list(ctx.s.execute(q.order_by(_TICKET.c.due_at, _TICKET.c.id).limit(200)))


def overdue_tickets(ctx: GatherContext) -> list[OpenItem]:
    """Open tickets past a target. An overdue major or important complaint is important (002 投诉接待)."""
    out = []
    for r in _open_tickets(ctx, _TICKET.c.due_at < ctx.now, _TICKET.c.status != "done"):
        important = r.kind == "complaint" and r.severity in ESCALATED_SEVERITIES
        out.append(
            OpenItem(f"ticket:{r.id}", "ticket_overdue", r.id, _ticket_title(r), r.due_at, important, overdue=True)
        )
    return out


def tickets_due_next_shift(ctx: GatherContext) -> list[OpenItem]:
    """Open tickets whose next target falls before the next shift ends."""
    rows = _open_tickets(ctx, _TICKET.c.due_at >= ctx.now, _TICKET.c.due_at < ctx.next.end, _TICKET.c.status != "done")
    return [OpenItem(f"ticket:{r.id}", "ticket_due", r.id, _ticket_title(r), r.due_at) for r in rows]


def callbacks_due(ctx: GatherContext) -> list[OpenItem]:
    """Done tickets waiting for their callback, due before the next shift ends."""
    rows = _open_tickets(
        ctx,
        _TICKET.c.status == "done",
        func.coalesce(_TICKET.c.callback_due_at, _TICKET.c.due_at) < ctx.next.end,
    )
    out = []
    for r in rows:
        due = r.callback_due_at or r.due_at
        out.append(OpenItem(f"callback:{r.id}", "callback_due", r.id, _ticket_title(r), due, overdue=due < ctx.now))
    return out


def escalations_unacknowledged(ctx: GatherContext) -> list[OpenItem]:
    """Major and important complaints whose supervisor / manager has not been told yet (a running "informed"
    target of the ticket service); overdue ones are important."""
    get = getattr(ctx.tickets, "get", None)
    if not callable(get):
        return []
    out = []
    for r in _open_tickets(ctx, _TICKET.c.kind == "complaint", _TICKET.c.severity.in_(ESCALATED_SEVERITIES)):
        for target in getattr(get(r.id), "targets", ()):
            if target.name in ESCALATION_TARGETS and target.met_at is None and target.state in RUNNING_TARGETS:
                overdue = target.due_at < ctx.now
                title = f"{_ticket_title(r)} ({t(ESCALATION_TARGETS[target.name])})"
                out.append(OpenItem(f"escalation:{r.id}", "escalation", r.id, title, target.due_at, overdue, overdue))
                break
    return out


def help_untaken(ctx: GatherContext) -> list[OpenItem]:
    """Help requests (求助) still new: nobody has answered them. Important: 003 4.1.2 wants a reply in minutes."""
    rows = _open_tickets(ctx, _TICKET.c.kind == "help", _TICKET.c.status == "new")
    return [
        OpenItem(f"ticket:{r.id}", "help_untaken", r.id, _ticket_title(r), r.due_at, True, r.due_at < ctx.now)
        for r in rows
    ]


def calls_wanting_ticket(ctx: GatherContext) -> list[OpenItem]:
    """Calls of this shift marked "ticket wanted" with no ticket yet; an urgent help call is important. At the
    morning handover the night-calls step lists them instead."""
    if crosses_midnight(ctx.slot):
        return []
    out = []
    for r in _calls_without_ticket(ctx.s, ctx.site_id, ctx.slot.duty_date, ctx.slot.key):
        if not r.ticket_wanted:
            continue
        title = " ".join(f"{r.unit_text} {r.content}".split())[:60]
        important = bool(r.urgent) and r.category == "help"
        out.append(OpenItem(f"call:{r.id}", "call_ticket_wanted", r.id, title, r.called_at, important))
    return out


DEFAULT_SOURCES: tuple[ItemSource, ...] = (
    help_untaken,
    overdue_tickets,
    tickets_due_next_shift,
    callbacks_due,
    escalations_unacknowledged,
    calls_wanting_ticket,
)


def _calls_without_ticket(s: Session, site_id: int, duty_date: date, shift_key: str) -> list[Any]:
    """Current versions of a shift's calls that are linked to no ticket (any version of the call)."""
    newer = _CALL.alias("newer")
    linked = select(_TICKETCALL.c.call_id).where(_TICKETCALL.c.site_id == site_id)
    q = (
        select(_CALL)
        .select_from(_CALL.outerjoin(newer, newer.c.amends_id == _CALL.c.id))
        .where(
            _CALL.c.site_id == site_id,
            _CALL.c.duty_date == duty_date,
            _CALL.c.shift_key == shift_key,
            newer.c.id.is_(None),
            _CALL.c.id.not_in(linked),
            or_(_CALL.c.original_id.is_(None), _CALL.c.original_id.not_in(linked)),
        )
        .order_by(_CALL.c.called_at, _CALL.c.id)
    )
    return list(s.execute(q))


# --- the service ------------------------------------------------------------------------------------------------


class HandoverService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        site_id: int,
        *,
        operators: OperatorService,
        calls: CallService,
        keys: KeyService,
        roster: RosterService,
        dutylog: DutyLogService,
        tickets: Any | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.site_id = site_id
        self.operators = operators
        self.calls = calls
        self.keys = keys
        self.roster = roster
        self.dutylog = dutylog
        self.tickets = tickets
        self.tz = ZoneInfo(settings.time_zone)
        # Open items come from these; the ticket service may add its own.
        self.item_sources: list[ItemSource] = list(DEFAULT_SOURCES)

    # --- which shift --------------------------------------------------------------------------------------------

    def slot_to_hand_over(self, at: datetime | None = None) -> ShiftSlot:
        """The shift a handover started now belongs to: of the current shift and the one before it, the one whose
        end is nearer, unless that earlier one is already signed. So a relief who is late (the outgoing starts at
        08:40) still hands over the night, while a handover started at 17:20 is the day shift's. A shift already
        handed over is done: the night signed at 08:27 leaves the day shift (08:30) as the next to hand over."""
        now = at or self.clock.now()
        current = shift_at(self.settings, now)
        before = previous_slot(self.settings, current)
        with self.db.read() as s:
            if now - current.start < current.end - now and not self._slot_signed(s, before):
                return before
            for _ in range(len(self.settings.shifts.shifts)):
                if not self._slot_signed(s, current):
                    break
                current = next_slot(self.settings, current)
        return current

    def _slot_signed(self, s: Session, slot: ShiftSlot) -> bool:
        row = self._row_for(s, slot.duty_date, slot.key)
        return row is not None and self._signed_entry(s, row.id) is not None

    def _slot(self, duty_date: date | None, shift_key: str | None) -> ShiftSlot:
        if duty_date is None and shift_key is None:
            return self.slot_to_hand_over()
        if duty_date is None or shift_key is None:
            raise ValidationError(t("Give both the duty date and the shift"), field="shift")
        slot = slot_of(self.settings, duty_date, shift_key)
        if any(d.key == shift_key and d.cover for d in self.settings.shifts.shifts):
            raise ValidationError(t("A cover shift has no handover of its own"), field="shift")
        return slot

    # --- starting and finding -------------------------------------------------------------------------------

    def start(
        self, outgoing: OperatorInfo, *, duty_date: date | None = None, shift_key: str | None = None
    ) -> HandoverState:
        """Start the handover of a shift (default: `slot_to_hand_over()`); a second start gets HandoverExists."""
        slot = self._slot(duty_date, shift_key)
        following = next_slot(self.settings, slot)
        now = self.clock.now()
        try:
            with self.db.write() as s:
                existing = self._row_for(s, slot.duty_date, slot.key)
                if existing is not None:
                    raise self._exists(existing)
                result = s.execute(
                    _HANDOVER.insert().values(
                        site_id=self.site_id,
                        duty_date=slot.duty_date,
                        shift_key=slot.key,
                        next_date=following.duty_date,
                        next_shift_key=following.key,
                        outgoing_id=outgoing.id,
                        outgoing_name=outgoing.name,
                        started_at=now,
                    )
                )
                handover_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError:  # PostgreSQL: another terminal inserted between our check and our insert
            with self.db.read() as s:
                existing = self._row_for(s, slot.duty_date, slot.key)
            if existing is None:
                raise
            raise self._exists(existing) from None
        return self.state(handover_id)

    def _exists(self, row: Any) -> HandoverExists:
        return HandoverExists(
            t(
                "The handover of the {shift} shift of {day} was already started by {name} at {when}; open it instead",
                shift=row.shift_key,
                day=row.duty_date.isoformat(),
                name=row.outgoing_name,
                when=self._hm(row.started_at),
            ),
            handover_id=row.id,
        )

    def _row_for(self, s: Session, duty_date: date, shift_key: str) -> Any | None:
        return s.execute(
            select(_HANDOVER).where(
                _HANDOVER.c.site_id == self.site_id,
                _HANDOVER.c.duty_date == duty_date,
                _HANDOVER.c.shift_key == shift_key,
            )
        ).first()

    def _row(self, s: Session, handover_id: int) -> Any:
        row = s.execute(
            select(_HANDOVER).where(_HANDOVER.c.id == handover_id, _HANDOVER.c.site_id == self.site_id)
        ).first()
        if row is None:
            raise NotFound(t("No handover #{id}", id=handover_id))
        return row

    def _signed_entry(self, s: Session, handover_id: int) -> Any | None:
        return ref_taken(s, self.site_id, f"handover:{handover_id}")

    def for_shift(self, duty_date: date, shift_key: str) -> HandoverState | None:
        with self.db.read() as s:
            row = self._row_for(s, duty_date, shift_key)
        return self.state(row.id) if row is not None else None

    def open_handover(self) -> HandoverState | None:
        """The latest handover not yet signed (to resume after a crash or on another terminal), if any."""
        with self.db.read() as s:
            ref = literal("handover:", String) + cast(_HANDOVER.c.id, String)
            signed = and_(_LOG.c.site_id == _HANDOVER.c.site_id, _LOG.c.ref_key == ref)
            row = s.execute(
                select(_HANDOVER.c.id)
                .select_from(_HANDOVER.outerjoin(_LOG, signed))
                .where(_HANDOVER.c.site_id == self.site_id, _LOG.c.id.is_(None))
                .order_by(_HANDOVER.c.duty_date.desc(), _HANDOVER.c.id.desc())
                .limit(1)
            ).first()
        return self.state(row.id) if row is not None else None

    def last(self, *, signed: bool = True) -> HandoverState | None:
        """The most recent handover (by default the most recent signed one)."""
        with self.db.read() as s:
            if signed:
                q = (
                    select(_LOG.c.payload)
                    .where(_LOG.c.site_id == self.site_id, _LOG.c.kind == "handover")
                    .order_by(_LOG.c.seq.desc())
                    .limit(1)
                )
                payload = s.execute(q).scalar()
                handover_id = json.loads(payload)["handover_id"] if payload else None
            else:
                handover_id = s.execute(
                    select(_HANDOVER.c.id)
                    .where(_HANDOVER.c.site_id == self.site_id)
                    .order_by(_HANDOVER.c.duty_date.desc(), _HANDOVER.c.started_at.desc(), _HANDOVER.c.id.desc())
                    .limit(1)
                ).scalar()
        return self.state(handover_id) if handover_id is not None else None

    def summaries(self, first: date, last: date | None = None) -> list[HandoverSummary]:
        """Handovers of duty dates in [first, last], oldest first, with their discrepancies."""
        q = select(_HANDOVER.c.id).where(_HANDOVER.c.site_id == self.site_id, _HANDOVER.c.duty_date >= first)
        if last is not None:
            q = q.where(_HANDOVER.c.duty_date <= last)
        with self.db.read() as s:
            ids = list(s.execute(q.order_by(_HANDOVER.c.duty_date, _HANDOVER.c.started_at)).scalars())
        out = []
        for handover_id in ids:
            st = self._state(handover_id, gather=False)  # counts and signatures only: no live gathering
            out.append(
                HandoverSummary(
                    st.id,
                    st.duty_date,
                    st.shift_key,
                    st.outgoing.name,
                    st.incoming.name if st.incoming else "",
                    st.started_at,
                    st.signed_at,
                    st.chain_seq,
                    st.discrepancies,
                )
            )
        return out

    def discrepancies(self, first: date, last: date | None = None) -> list[Discrepancy]:
        """Count differences of handovers in [first, last]: what is missing or extra, why, and who has it."""
        return [
            Discrepancy(h.id, h.duty_date, h.shift_key, c) for h in self.summaries(first, last) for c in h.discrepancies
        ]

    # --- the state ------------------------------------------------------------------------------------------

    def state(self, handover_id: int) -> HandoverState:
        """Everything about one handover, as of now (or as it was signed)."""
        return self._state(handover_id, gather=True)

    def _state(self, handover_id: int, *, gather: bool) -> HandoverState:
        now = self.clock.now()
        with self.db.read() as s:
            row = self._row(s, handover_id)
            records = list(
                s.execute(select(_RECORD).where(_RECORD.c.handover_id == handover_id).order_by(_RECORD.c.id))
            )
            signed_entry = self._signed_entry(s, handover_id)
            slot = slot_of(self.settings, row.duty_date, row.shift_key)
            following = slot_of(self.settings, row.next_date, row.next_shift_key)
            snapshot = next((json.loads(r.value) for r in reversed(records) if r.step == "snapshot"), None)
            if snapshot is not None:
                items = tuple(_item_from(d) for d in snapshot["items"])
                keys = tuple(_item_from(d) for d in snapshot["keys"])
                night_ids = list(snapshot["night_calls"])
            elif gather:
                ctx = GatherContext(s, self.site_id, self.settings, now, slot, following, self.tickets)
                items = tuple(self._gather(ctx))
                keys = ()
                night_ids = self._night_ids(s, handover_id, slot)
            else:
                items, keys, night_ids = (), (), []
            dispositions = self._dispositions(s, night_ids)
        if snapshot is None and gather:
            keys = tuple(_key_item(loan, now) for loan in self.keys.out(now))
        night_calls = self._night_calls(night_ids, dispositions)
        st = self._fold(row, records, slot, following, items, keys, night_calls, signed_entry, now)
        return replace(st, counts=self.ticket_numbers(st.counts), night_calls=self.ticket_numbers(st.night_calls))

    def ticket_numbers(self, rows: Sequence[_Numbered]) -> tuple[_Numbered, ...]:
        """`rows` with `ticket_number` filled from their `ticket_id`: records keep the id, people read the number."""
        ids = sorted({r.ticket_id for r in rows if r.ticket_id is not None})
        if not ids:
            return tuple(rows)
        with self.db.read() as s:
            numbers = dict(
                s.execute(
                    select(_TICKET.c.id, _TICKET.c.number).where(
                        _TICKET.c.site_id == self.site_id, _TICKET.c.id.in_(ids)
                    )
                ).all()
            )
        return tuple(
            replace(r, ticket_number=numbers.get(r.ticket_id, "")) if r.ticket_id is not None else r for r in rows
        )

    def _gather(self, ctx: GatherContext) -> list[OpenItem]:
        seen: dict[str, OpenItem] = {}
        for source in self.item_sources:
            for item in source(ctx):
                if item.id not in seen:
                    seen[item.id] = item
                elif item.important and not seen[item.id].important:
                    seen[item.id] = replace(seen[item.id], important=True)
        # Important first, then by due time: what must not be missed comes at the top.
        far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
        return sorted(seen.values(), key=lambda i: (not i.important, i.due_at or far, i.id))

    def _night_ids(self, s: Session, handover_id: int, slot: ShiftSlot) -> list[int]:
        """At the morning handover: night calls that wanted a ticket (a ticket category, or marked) and are linked
        to none, plus those already decided in this handover (a call made a ticket here is linked now)."""
        if not crosses_midnight(slot):
            return []
        ticket_categories = {c.key for c in self.settings.categories if c.ticket}
        found = {
            r.id: (r.called_at, r.id)
            for r in _calls_without_ticket(s, self.site_id, slot.duty_date, slot.key)
            if r.ticket_wanted or r.category in ticket_categories
        }
        decided = s.execute(
            select(_CALL.c.id, _CALL.c.called_at)
            .join(_DISPOSITION, _DISPOSITION.c.call_id == _CALL.c.id)
            .where(_DISPOSITION.c.handover_id == handover_id)
        )
        for r in decided:
            found[r.id] = (r.called_at, r.id)
        return sorted(found, key=lambda i: found[i])

    def _dispositions(self, s: Session, call_ids: Sequence[int]) -> dict[int, Any]:
        if not call_ids:
            return {}
        q = (
            select(_DISPOSITION)
            .where(_DISPOSITION.c.site_id == self.site_id, _DISPOSITION.c.call_id.in_(list(call_ids)))
            .order_by(_DISPOSITION.c.id)
        )
        return {r.call_id: r for r in s.execute(q)}  # the latest per call wins

    def _night_calls(self, call_ids: Sequence[int], dispositions: dict[int, Any]) -> tuple[NightCall, ...]:
        out = []
        for call_id in call_ids:
            info = self.calls.get(call_id)
            d = dispositions.get(call_id)
            if d is None:
                out.append(NightCall(info))
            else:
                out.append(NightCall(info, d.action, d.reason, d.ticket_id, d.operator_name))
        return tuple(out)

    def _fold(
        self,
        row: Any,
        records: list[Any],
        slot: ShiftSlot,
        following: ShiftSlot,
        items: tuple[OpenItem, ...],
        keys: tuple[OpenItem, ...],
        night_calls: tuple[NightCall, ...],
        signed_entry: Any | None,
        now: datetime,
    ) -> HandoverState:
        incoming: OperatorRef | None = None
        counts: dict[str, Any] = {}
        notes: dict[str, Any] = {}
        acks: dict[str, Any] = {}
        checks: dict[str, Any] = {}
        tickets: dict[str, int | None] = {}
        signs: dict[str, Any] = {}
        last_data = 0
        for r in records:
            value = json.loads(r.value)
            if r.step in DATA_STEPS:
                last_data = r.id
            if r.step == "arrive":
                incoming = OperatorRef(value["operator_id"], value["name"])
            elif r.step == "count":
                counts[r.item] = (value, r.operator_name)
            elif r.step == "note":
                notes[r.item] = (value.get("text", ""), r.operator_name)
            elif r.step == "ack":
                acks[r.item] = r.operator_name if value.get("ack", True) else ""
            elif r.step == "check":
                checks[r.item] = (value, r.operator_name)
            elif r.step == "ticket":
                tickets[r.item] = value.get("ticket_id")
            elif r.step == "sign":
                signs[r.item] = r
        signatures = tuple(
            Signature(role, r.operator_id, r.operator_name, r.recorded_at)
            for role in ("outgoing", "incoming")
            if (r := signs.get(role)) is not None and r.id > last_data
        )

        def with_notes(item: OpenItem) -> OpenItem:
            note, by = notes.get(item.id, ("", ""))
            return replace(item, note=note, noted_by=by if note else "", acknowledged_by=acks.get(item.id, ""))

        items = tuple(with_notes(i) for i in items)
        keys = tuple(with_notes(k) for k in keys)
        equipment = []
        for choice in self.settings.equipment:
            entered = counts.get(choice.key)
            base = EquipmentCount(choice.key, choice.label(get_language()), choice.count)
            if entered is not None:
                value, by = entered
                base = replace(
                    base,
                    counted=value["counted"],
                    explanation=value.get("explanation", ""),
                    holder=value.get("holder", ""),
                    counted_by=by,
                )
            equipment.append(replace(base, ticket_id=tickets.get(f"equipment:{choice.key}")))
        check_states = []
        for key, label in CHECKS:
            value, by = checks.get(key, ({}, ""))
            check_states.append(CheckState(key, t(label), bool(value.get("done")), value.get("note", ""), by))
        signed_at = signed_entry.written_at if signed_entry is not None else None
        state = HandoverState(
            id=row.id,
            duty_date=row.duty_date,
            shift_key=row.shift_key,
            next_date=row.next_date,
            next_shift_key=row.next_shift_key,
            started_at=row.started_at,
            outgoing=OperatorRef(row.outgoing_id, row.outgoing_name),
            incoming=incoming,
            morning=crosses_midnight(slot),
            counts=tuple(equipment),
            keys=keys,
            items=items,
            night_calls=night_calls,
            checks=tuple(check_states),
            signatures=signatures,
            blockers=(),
            relief=None,
            signed_at=signed_at,
            chain_seq=signed_entry.seq if signed_entry is not None else None,
            revision=last_data,
        )
        if signed_entry is None:
            state = replace(state, blockers=self._blockers(state), relief=self._relief(state, slot, following, now))
        return state

    def _blockers(self, st: HandoverState) -> tuple[Blocker, ...]:
        """What stands between this handover and its signatures, the outgoing's missing notes on important items
        first (002: the outgoing may not hand over while important work is unexplained)."""
        out: list[Blocker] = []
        for item in st.items:
            if item.important and not item.note:
                out.append(
                    Blocker(
                        "items",
                        item.id,
                        t("Important: {title} needs a note from the outgoing operator", title=item.title),
                    )
                )
        if st.incoming is None:
            out.append(Blocker("sign", "", t("The incoming operator has not joined the handover")))
        for c in st.counts:
            if c.counted is None:
                out.append(Blocker("equipment", c.key, t("Count the {item}", item=c.label)))
            elif not c.complete:
                out.append(
                    Blocker(
                        "equipment",
                        c.key,
                        t(
                            "{item}: {counted} counted, {expected} expected; explain the difference and who has it",
                            item=c.label,
                            counted=c.counted,
                            expected=c.expected,
                        ),
                    )
                )
        for k in st.keys:
            if not k.acknowledged:
                out.append(Blocker("keys", k.id, t("Acknowledge the key still out: {title}", title=k.title)))
        for item in st.items:
            if not item.acknowledged:
                out.append(Blocker("items", item.id, t("Acknowledge the open item: {title}", title=item.title)))
        for n in st.night_calls:
            if not n.decided:
                out.append(
                    Blocker(
                        "night_calls",
                        f"call:{n.call.id}",
                        t("Night call #{id}: make it a ticket or mark it handled / no action", id=n.call.id),
                    )
                )
        for c in st.checks:
            if not c.done:
                out.append(Blocker("checks", c.key, t("Check not done: {check}", check=c.label)))
        return tuple(out)

    # --- relief ---------------------------------------------------------------------------------------------

    def relief(self, handover_id: int) -> ReliefStatus | None:
        """Whether the relief has come (None once the handover is signed)."""
        return self.state(handover_id).relief

    def _relief(self, st: HandoverState, slot: ShiftSlot, following: ShiftSlot, now: datetime) -> ReliefStatus:
        expected = tuple(o.name for o in self.roster.assigned(following.duty_date, following.key))
        due = relief_due(self.settings, following)
        arrived = st.incoming.name if st.incoming else ""
        late = 0 if arrived or now <= due else math.ceil((now - due).total_seconds() / 60)
        if arrived:
            message = t("{name} has taken over the handover; sign off together", name=arrived)
        elif late:
            message = t(
                "The relief ({names}) is {n} min late; {outgoing} remains on duty until relieved",
                names=", ".join(expected) or t("nobody on the roster"),
                n=late,
                outgoing=st.outgoing.name,
            )
        else:
            message = t(
                "Waiting for the relief ({names}), due at {when}; {outgoing} remains on duty until relieved",
                names=", ".join(expected) or t("nobody on the roster"),
                when=self._hm(due),
                outgoing=st.outgoing.name,
            )
        return ReliefStatus(slot, following, expected, due, arrived, late, True, message)

    # --- entering the steps ---------------------------------------------------------------------------------

    def _open_for_change(self, s: Session, handover_id: int) -> Any:
        """The handover row, if it may still change; inside a write transaction that holds the chain's lock, so
        on PostgreSQL too nothing is added between a signature check and the signing."""
        lock_chain(s, self.site_id)
        row = self._row(s, handover_id)
        entry = self._signed_entry(s, handover_id)
        if entry is not None:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(entry.written_at))
            )
        return row

    def _incoming_of(self, s: Session, handover_id: int) -> OperatorRef | None:
        r = s.execute(
            select(_RECORD.c.value)
            .where(_RECORD.c.handover_id == handover_id, _RECORD.c.step == "arrive")
            .order_by(_RECORD.c.id.desc())
            .limit(1)
        ).scalar()
        if r is None:
            return None
        value = json.loads(r)
        return OperatorRef(value["operator_id"], value["name"])

    def _as_incoming(self, s: Session, row: Any, operator: OperatorInfo, now: datetime) -> None:
        """The incoming person's steps: not the outgoing; the first one to act joins as the incoming."""
        if operator.id == row.outgoing_id:
            raise PermissionDenied(
                t("{name} is handing over; the incoming operator does this step", name=operator.name)
            )
        current = self._incoming_of(s, row.id)
        if current is None:
            self._record(s, row.id, "arrive", "", {"operator_id": operator.id, "name": operator.name}, operator, now)
        elif current.id != operator.id:
            raise PermissionDenied(t("{name} is taking over this shift; only they do this step", name=current.name))

    def _record(
        self,
        s: Session,
        handover_id: int,
        step: str,
        item: str,
        value: dict[str, Any],
        operator: OperatorInfo | None,
        now: datetime,
    ) -> None:
        s.execute(
            _RECORD.insert().values(
                site_id=self.site_id,
                handover_id=handover_id,
                step=step,
                item=item,
                value=dumps(value),
                operator_id=operator.id if operator else None,
                operator_name=operator.name if operator else "",
                recorded_at=now,
            )
        )

    def arrive(self, handover_id: int, incoming: OperatorInfo) -> HandoverState:
        """The incoming person joins (or, if the wrong person was recorded, replaces who joined)."""
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            if incoming.id == row.outgoing_id:
                raise PermissionDenied(t("{name} is handing over and cannot also take over", name=incoming.name))
            current = self._incoming_of(s, handover_id)
            if current is None or current.id != incoming.id:
                value = {"operator_id": incoming.id, "name": incoming.name}
                self._record(s, handover_id, "arrive", "", value, incoming, now)
        return self.state(handover_id)

    def record_count(
        self,
        handover_id: int,
        item_key: str,
        counted: int | str,
        *,
        operator: OperatorInfo,
        explanation: str = "",
        holder: str = "",
    ) -> HandoverState:
        """The incoming person's count of one equipment item, with the explanation of any difference."""
        choice = next((c for c in self.settings.equipment if c.key == item_key), None)
        if choice is None:
            raise ValidationError(
                t(
                    "Unknown equipment {item!r}; use one of: {keys}",
                    item=item_key,
                    keys=", ".join(c.key for c in self.settings.equipment),
                ),
                field="item",
            )
        label = choice.label(get_language())
        number = parse_count(counted, label)
        why = clean_text(explanation, "explanation", t("Explanation"), max_chars=self.settings.calls.max_line_chars)
        who = clean_text(holder, "holder", t("Who has it"), max_chars=self.settings.calls.max_line_chars)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            value = {"counted": number, "explanation": why, "holder": who}
            self._record(s, handover_id, "count", choice.key, value, operator, now)
        return self.state(handover_id)

    def note(self, handover_id: int, item_id: str, text: str, *, operator: OperatorInfo) -> HandoverState:
        """The outgoing operator's note on an open item or key (what was done, what to watch)."""
        body = clean_text(
            text, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True
        ).strip()
        item = self._item_id(item_id)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            if operator.id != row.outgoing_id:
                raise PermissionDenied(
                    t("Notes on open items are written by the outgoing operator, {name}", name=row.outgoing_name)
                )
            self._record(s, handover_id, "note", item, {"text": body}, operator, now)
        return self.state(handover_id)

    def acknowledge(
        self, handover_id: int, item_id: str, *, operator: OperatorInfo, acknowledged: bool = True
    ) -> HandoverState:
        """The incoming operator acknowledges an open item or a key still out (or takes it back)."""
        item = self._item_id(item_id)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            self._record(s, handover_id, "ack", item, {"ack": acknowledged}, operator, now)
        return self.state(handover_id)

    def check(
        self, handover_id: int, check_key: str, *, operator: OperatorInfo, done: bool = True, note: str = ""
    ) -> HandoverState:
        """Tick one check (desk tidy, previous log read, area checked); the note says what was found."""
        if check_key not in dict(CHECKS):
            raise ValidationError(
                t("Unknown check {item!r}; use one of: {keys}", item=check_key, keys=", ".join(k for k, _ in CHECKS)),
                field="check",
            )
        remark = clean_text(note, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            self._record(
                s, handover_id, "check", check_key, {"done": bool(done), "note": remark.strip()}, operator, now
            )
        return self.state(handover_id)

    def dispose(
        self,
        handover_id: int,
        call_id: int,
        action: str,
        *,
        operator: OperatorInfo,
        reason: str = "",
        ticket_kind: str | None = None,
        severity: str | None = None,
    ) -> HandoverState:
        """Decide a night call at the morning handover: "ticket" (one key: opens the ticket from the call; a
        complaint also needs `severity`), "handled" or "no_action" (both with a reason). A new disposition row."""
        if action not in DISPOSITIONS:
            raise ValidationError(
                t("Unknown decision {item!r}; use one of: {keys}", item=action, keys=", ".join(DISPOSITIONS)),
                field="action",
            )
        why = clean_text(reason, "reason", t("Reason"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        why = why.strip()
        if action != "ticket" and not why:
            raise ValidationError(t("Say why: a call marked handled or no action needs a reason"), field="reason")
        st = self.state(handover_id)
        if st.signed:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(st.signed_at))  # type: ignore[arg-type]
            )
        call = next((n for n in st.night_calls if n.call.id == call_id), None)
        if call is None:
            raise NotFound(t("Call #{id} is not one of this handover's night calls", id=call_id), field="call")
        ticket_id: int | None = call.ticket_id if call.disposition == "ticket" else None
        if action == "ticket" and ticket_id is None:
            ticket_id = self._ticket_from_call(call.call, operator, kind=ticket_kind, severity=severity)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            result = s.execute(
                _DISPOSITION.insert().values(
                    site_id=self.site_id,
                    call_id=call_id,
                    handover_id=handover_id,
                    action=action,
                    reason=why,
                    ticket_id=ticket_id,
                    operator_id=operator.id,
                    operator_name=operator.name,
                    recorded_at=now,
                )
            )
            disposition_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            value = {"action": action, "disposition_id": disposition_id}
            self._record(s, handover_id, "dispose", f"call:{call_id}", value, operator, now)
        return self.state(handover_id)

    def _item_id(self, item_id: str) -> str:
        item = unicodedata.normalize("NFKC", item_id or "").strip()
        kind, _, ref = item.partition(":")
        if not kind or not ref.isdigit() or len(item) > 64:
            raise ValidationError(t("Not an item id: {item!r}", item=item_id), field="item")
        return item

    # --- tickets (when the ticket service is there) --------------------------------------------------------

    def _ticket_from_call(
        self, call: CallInfo, operator: OperatorInfo, *, kind: str | None, severity: str | None
    ) -> int | None:
        """Open a ticket from a night call through the ticket service (None while there is none). A complaint
        needs its severity: the service refuses without one, and the screen asks."""
        fn = getattr(self.tickets, "open_from_call", None)
        if not callable(fn):
            return None
        ticket = fn(call.id, kind=kind, severity=severity, operator=operator)
        return int(ticket.id)

    @property
    def desk_place(self) -> str:
        """Where the desk is, for the tickets it opens for itself (site.desk_place, else the site's name)."""
        return self.settings.desk_place or self.settings.site_name

    def _ticket_for_shortage(self, st: HandoverState, c: EquipmentCount, operator: OperatorInfo | None) -> int | None:
        """Open a repair ticket (sub-kind "other") for a missing item, naming the shift; None while there is no
        ticket service. A repair because replacing lost or broken equipment is maintenance's job."""
        fn = getattr(self.tickets, "create", None)
        if not callable(fn):
            return None
        from deskui.services.tickets.service import TicketInput

        description = t(
            "Handover of the {shift} shift of {day}: {item} missing ({counted} of {expected}); {explanation}; "
            "held by: {holder}",
            shift=st.shift_key,
            day=st.duty_date.isoformat(),
            item=c.label,
            counted=c.counted,
            expected=c.expected,
            explanation=c.explanation or "-",
            holder=c.holder or "-",
        )
        # The place is the desk itself (settings: site.desk_place), where the equipment is kept: never a ticket
        # with no place on it.
        data = TicketInput(kind="repair", repair_type="other", unit=self.desk_place, description=description)
        ticket = fn(data, operator=operator)
        return int(ticket.id)

    # --- signing --------------------------------------------------------------------------------------------

    def sign(self, handover_id: int, operator: OperatorInfo, pin: str) -> HandoverState:
        """One of the two signs with their PIN (the outgoing if it is them, otherwise the incoming). When both
        have signed and nothing changed since, the handover is locked into the duty-log chain."""
        st = self.state(handover_id)
        if st.signed:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(st.signed_at))  # type: ignore[arg-type]
            )
        role = "outgoing" if operator.id == st.outgoing.id else "incoming"
        if role == "incoming" and st.incoming is not None and st.incoming.id != operator.id:
            raise PermissionDenied(t("{name} is taking over this shift; only they do this step", name=st.incoming.name))
        if role == "incoming" and st.incoming is None:
            raise ValidationError(t("The incoming operator has not joined the handover"), field="pin")
        mine = st.signature(role)
        if mine is not None:
            raise Conflict(t("{name} has already signed this handover", name=mine.name))
        if st.blockers:
            first = st.blockers[0].message
            more = len(st.blockers) - 1
            raise ValidationError(
                t("Cannot sign yet: {reason}", reason=first)
                if not more
                else t("Cannot sign yet: {reason} (and {n} more)", reason=first, n=more),
                field="pin",
            )
        signer = self.operators.authenticate(operator.id, pin)  # PinRejected / OperatorLocked; nothing written here
        other = "incoming" if role == "outgoing" else "outgoing"
        completes = st.signature(other) is not None
        if completes:
            self._open_shortage_tickets(handover_id, st, signer)
            st = self.state(handover_id)  # with the tickets just opened (not a change: signatures stand)
        now = self.clock.now()
        try:
            with self.db.write() as s:
                self._open_for_change(s, handover_id)
                # Nothing may have changed since the state we checked: a data record after it voids the check.
                latest = s.execute(
                    select(func.max(_RECORD.c.id)).where(
                        _RECORD.c.handover_id == handover_id, _RECORD.c.step.in_(sorted(DATA_STEPS))
                    )
                ).scalar()
                if (latest or 0) != st.revision:
                    raise Conflict(t("The handover changed on another terminal; look again before signing"))
                signed = s.execute(
                    select(_RECORD.c.item).where(
                        _RECORD.c.handover_id == handover_id, _RECORD.c.step == "sign", _RECORD.c.id > st.revision
                    )
                ).scalars()
                if role in set(signed):
                    raise Conflict(t("{name} has already signed this handover", name=signer.name))
                value = {"operator_id": signer.id, "name": signer.name}
                self._record(s, handover_id, "sign", role, value, signer, now)
                # The other may have signed on another terminal a moment ago: the second signature locks.
                if completes or other in set(
                    s.execute(
                        select(_RECORD.c.item).where(
                            _RECORD.c.handover_id == handover_id, _RECORD.c.step == "sign", _RECORD.c.id > st.revision
                        )
                    ).scalars()
                ):
                    self._lock(s, handover_id, st, signer, now)
        except IntegrityError:  # PostgreSQL: signed by another terminal between our check and our write
            raise Conflict(t("The handover changed on another terminal; look again before signing")) from None
        return self.state(handover_id)

    def _open_shortage_tickets(self, handover_id: int, st: HandoverState, signer: OperatorInfo) -> None:
        """Before the locking transaction (the ticket service writes in its own): one ticket per missing item,
        each recorded at once, so a retry after a failure does not open a second one. Opened in the name of the
        desk person of the two (maintenance may not open tickets)."""
        missing = [c for c in st.counts if c.missing and c.ticket_id is None]
        if not missing:
            return
        people = [signer] + [
            self.operators.get(ref.id) for ref in (st.outgoing, st.incoming) if ref is not None and ref.id != signer.id
        ]
        opener = next((p for p in people if p.role in DESK_ROLES), None)
        for c in missing:
            ticket_id = self._ticket_for_shortage(st, c, opener)
            if ticket_id is None:
                continue
            with self.db.write() as s:
                self._open_for_change(s, handover_id)
                value = {"ticket_id": ticket_id}
                self._record(s, handover_id, "ticket", f"equipment:{c.key}", value, signer, self.clock.now())

    def _lock(self, s: Session, handover_id: int, st: HandoverState, signer: OperatorInfo, now: datetime) -> None:
        """Snapshot what was handed over, then the chain entry with the digest of every record."""
        head_seq, head_hash = chain_head(s, self.site_id)
        snapshot = {
            "items": [_item_dict(i) for i in st.items],
            "keys": [_item_dict(k) for k in st.keys],
            "night_calls": [n.call.id for n in st.night_calls],
            "chain_head": {"seq": head_seq, "hash": head_hash},  # an anchor outside the duty log (issue 16)
        }
        self._record(s, handover_id, "snapshot", "", snapshot, signer, now)
        digest, n = handover_digest(s, handover_id)
        outgoing = st.outgoing
        incoming = st.incoming
        assert incoming is not None
        lines = [
            t(
                "Handover of the {shift} shift of {day}: {outgoing} to {incoming}",
                shift=st.shift_key,
                day=st.duty_date.isoformat(),
                outgoing=outgoing.name,
                incoming=incoming.name,
            )
        ]
        for c in st.discrepancies:
            lines.append(
                t(
                    "{item}: {counted} of {expected} ({explanation}; held by: {holder})",
                    item=c.label,
                    counted=c.counted,
                    expected=c.expected,
                    explanation=c.explanation,
                    holder=c.holder or "-",
                )
                + (f" → {c.ticket_number}" if c.ticket_number else "")
            )
        for k in st.keys:
            lines.append(t("Key out: {title}", title=k.title) + (f" — {k.note}" if k.note else ""))
        for item in st.items:
            lines.append(f"{item.kind_label}: {item.title}" + (f" — {item.note}" if item.note else ""))
        for nc in st.night_calls:
            lines.append(f"#{nc.call.id} {nc.decision or t(DISPOSITION_LABELS['ticket'])}")
        append_entry(
            s,
            self.site_id,
            kind="handover",
            duty_date=st.duty_date,
            shift_key=st.shift_key,
            written_at=now,
            operator=signer,
            text="\n".join(lines),
            ref_key=f"handover:{handover_id}",
            payload={
                "handover_id": handover_id,
                "records_digest": digest,
                "records": n,
                "outgoing": {"id": outgoing.id, "name": outgoing.name},
                "incoming": {"id": incoming.id, "name": incoming.name},
                "next": {"duty_date": st.next_date.isoformat(), "shift": st.next_shift_key},
                "discrepancies": [
                    {"item": c.key, "expected": c.expected, "counted": c.counted, "ticket_id": c.ticket_id}
                    for c in st.discrepancies
                ],
            },
        )

    def _hm(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%m-%d %H:%M")


def parse_count(value: int | str, label: str) -> int:
    """A count as typed: a whole number from 0 (full-width digits accepted); anything else is refused."""
    if isinstance(value, bool):
        raise ValidationError(
            t("The count of {item} is not a number: {value!r}", item=label, value=value), field="count"
        )
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text.isascii() or not text.isdigit():
            raise ValidationError(
                t("The count of {item} is not a number: {value!r}", item=label, value=value), field="count"
            )
        number = int(text)
    if not 0 <= number <= MAX_COUNT:
        raise ValidationError(
            t("The count of {item} must be between 0 and {max}", item=label, max=MAX_COUNT), field="count"
        )
    return number


def _key_item(loan: KeyLoanInfo, now: datetime) -> OpenItem:
    title = f"{loan.tag} → {loan.borrower}"
    return OpenItem(f"key:{loan.id}", "key", loan.id, title, loan.due_at, False, loan.due_at < now)


def _item_dict(item: OpenItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "ref_id": item.ref_id,
        "title": item.title,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "important": item.important,
        "overdue": item.overdue,
    }


def _item_from(d: dict[str, Any]) -> OpenItem:
    due = datetime.fromisoformat(d["due_at"]) if d.get("due_at") else None
    return OpenItem(d["id"], d["kind"], d["ref_id"], d["title"], due, d["important"], d["overdue"])


# --- the supervisor's review --------------------------------------------------------------------------------------

# How far back the review screen and 'review unsigned' look for days without a signature, by default.
REVIEW_LOOKBACK_DAYS = 31


class ReviewService:
    """Each morning the supervisor reads yesterday's duty log, handovers, count discrepancies and night calls, and
    signs (003 4.3). The signature is a "review" entry of the chain that records the chain head it signed."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        site_id: int,
        *,
        operators: OperatorService,
        dutylog: DutyLogService,
        handover: HandoverService,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.site_id = site_id
        self.operators = operators
        self.dutylog = dutylog
        self.handover = handover
        self.tz = ZoneInfo(settings.time_zone)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def review(self, day: date | None = None) -> DayReview:
        """One duty date's review (default: yesterday)."""
        day = day or self.today() - timedelta(days=1)
        entries = tuple(self.dutylog.entries(day))
        handovers = tuple(self.handover.summaries(day, day))
        discrepancies = tuple(
            Discrepancy(h.id, h.duty_date, h.shift_key, c) for h in handovers for c in h.discrepancies
        )
        night = tuple(self._night_calls(day))
        with self.db.read() as s:
            head_seq, head_hash = chain_head(s, self.site_id)
        return DayReview(day, entries, handovers, discrepancies, night, self.signature(day), head_seq, head_hash)

    def _night_calls(self, day: date) -> list[NightCall]:
        """Every call of the night shift(s) of `day` and what became of it: a disposition, a ticket, or nothing."""
        out = []
        for slot_def in self.settings.shifts.shifts:
            if slot_def.cover:
                continue
            slot = slot_of(self.settings, day, slot_def.key)
            if not crosses_midnight(slot):
                continue
            calls = self.handover.calls.shift_calls(day, slot.key)
            with self.db.read() as s:
                dispositions = self.handover._dispositions(s, [c.id for c in calls])
                linked = dict(
                    s.execute(
                        select(_TICKETCALL.c.call_id, func.min(_TICKETCALL.c.ticket_id))
                        .where(_TICKETCALL.c.site_id == self.site_id, _TICKETCALL.c.call_id.in_([c.id for c in calls]))
                        .group_by(_TICKETCALL.c.call_id)
                    ).all()
                )
            for c in calls:
                d = dispositions.get(c.id)
                if d is not None:
                    out.append(NightCall(c, d.action, d.reason, d.ticket_id or linked.get(c.id), d.operator_name))
                elif c.id in linked:
                    out.append(NightCall(c, "ticket", "", linked[c.id], ""))
                else:
                    out.append(NightCall(c))
        return list(self.handover.ticket_numbers(out))

    def signature(self, day: date) -> ReviewSignature | None:
        """The day's review signature; one without a valid seal (appended by script, no PIN) is none."""
        with self.db.read() as s:
            row = self._sealed_review(s, day)
        return _review_signature(row) if row is not None else None

    def _sealed_review(self, s: Session, day: date) -> Any | None:
        """The first review entry of `day` with a valid seal (one appended by script does not count)."""
        rows = s.execute(
            select(_LOG)
            .where(_LOG.c.site_id == self.site_id, _LOG.c.kind == "review", _LOG.c.duty_date == day)
            .order_by(_LOG.c.seq)
        )
        return next((r for r in rows if self.dutylog.is_sealed(r.hash, r.seal, r.seq)), None)

    def sign(self, day: date, supervisor: OperatorInfo, pin: str, *, note: str = "") -> ReviewSignature:
        """Sign one day's review with the PIN; records the chain head. Supervisors and managers only, once per day,
        and only for a day that is over."""
        if supervisor.role not in SUPERVISORS:
            raise PermissionDenied(
                t("Only a supervisor or manager signs the daily review; {name} is not one", name=supervisor.name)
            )
        if not self.is_over(day):  # its night ends tomorrow
            raise ValidationError(t("{day} is not over yet; review it tomorrow", day=day.isoformat()), field="day")
        remark = clean_text(note, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        existing = self.signature(day)
        if existing is not None:
            raise Conflict(
                t(
                    "The review of {day} was already signed by {name} at {when}",
                    day=day.isoformat(),
                    name=existing.supervisor,
                    when=self.handover._hm(existing.signed_at),
                )
            )
        signer = self.operators.authenticate(supervisor.id, pin)
        now = self.clock.now()
        ref = f"review:{day.isoformat()}"
        with self.db.write() as s:
            lock_chain(s, self.site_id)
            taken = self._sealed_review(s, day)
            if taken is None and ref_taken(s, self.site_id, ref) is not None:
                # An entry without a valid seal holds the day's name (written by script): it stays in the log,
                # reported by verify; the real signature takes the next free name.
                n = 2
                while ref_taken(s, self.site_id, f"{ref}#{n}") is not None:
                    n += 1
                ref = f"{ref}#{n}"
            if taken is not None:
                raise Conflict(
                    t(
                        "The review of {day} was already signed by {name} at {when}",
                        day=day.isoformat(),
                        name=taken.operator_name,
                        when=self.handover._hm(taken.written_at),
                    )
                )
            head_seq, head_hash = chain_head(s, self.site_id)
            append_entry(
                s,
                self.site_id,
                kind="review",
                duty_date=day,
                shift_key="",
                written_at=now,
                operator=signer,
                text=t("Duty log of {day} reviewed and signed", day=day.isoformat())
                + (f"\n{remark.strip()}" if remark.strip() else ""),
                ref_key=ref,
                payload={"head_seq": head_seq, "head_hash": head_hash, "note": remark.strip()},
            )
            row = ref_taken(s, self.site_id, ref)
        return _review_signature(row)

    def is_over(self, day: date) -> bool:
        """A duty date is over when its last shift has ended (its night ends the next morning); only then is it
        signed, and only then does it wait for a signature."""
        return self.clock.now() >= max(slot.end for slot in day_slots(self.settings, day))

    def last_day_over(self) -> date:
        day = self.today()
        while not self.is_over(day):
            day -= timedelta(days=1)
        return day

    def first_day(self) -> date | None:
        """The first duty date the desk kept a record of in deskui: a call, a duty-log entry or a handover. Days
        before it have nothing to sign."""
        with self.db.read() as s:
            firsts = [
                s.execute(select(func.min(table.c.duty_date)).where(table.c.site_id == self.site_id)).scalar()
                for table in (_CALL, _LOG, _HANDOVER)
            ]
        days = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in firsts if d is not None]
        return min(days) if days else None

    def unsigned_days(self, since: date | None = None, until: date | None = None) -> list[date]:
        """The days waiting for the supervisor's signature (003 4.3: the duty log is read and signed every
        morning): every duty date that is over, from the desk's first record in deskui (`first_day`), without a
        review signature, including a day with no record of its own. Limited to [since, until]; `since` defaults
        to REVIEW_LOOKBACK_DAYS before today. The review screen, 'review unsigned' and the report ask this."""
        first = self.first_day()
        if first is None:
            return []
        since = max(since or self.today() - timedelta(days=REVIEW_LOOKBACK_DAYS), first)
        last = self.last_day_over() if until is None else min(until, self.last_day_over())
        if last < since:
            return []
        with self.db.read() as s:
            signed = {
                r.duty_date
                for r in s.execute(
                    select(_LOG.c.duty_date, _LOG.c.hash, _LOG.c.seal, _LOG.c.seq).where(
                        _LOG.c.site_id == self.site_id,
                        _LOG.c.kind == "review",
                        _LOG.c.duty_date >= since,
                        _LOG.c.duty_date <= last,
                    )
                )
                if self.dutylog.is_sealed(r.hash, r.seal, r.seq)  # a review without a valid seal does not count
            }
        out = []
        day = since
        while day <= last:
            if day not in signed:
                out.append(day)
            day += timedelta(days=1)
        return out


def _review_signature(row: Any) -> ReviewSignature:
    payload = json.loads(row.payload or "{}")
    return ReviewSignature(
        row.duty_date,
        row.operator_name,
        row.written_at,
        int(payload.get("head_seq", row.seq - 1)),
        str(payload.get("head_hash", row.prev_hash)),
        str(payload.get("note", "")),
        row.seq,
    )


# --- plain data for JSON ----------------------------------------------------------------------------------------


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


__all__ = [
    "CHECKS",
    "DISPOSITIONS",
    "STEPS",
    "Blocker",
    "CheckState",
    "DayReview",
    "Discrepancy",
    "EquipmentCount",
    "GatherContext",
    "HandoverExists",
    "HandoverService",
    "HandoverState",
    "HandoverSummary",
    "NightCall",
    "OpenItem",
    "OperatorRef",
    "ReliefStatus",
    "ReviewService",
    "ReviewSignature",
    "Signature",
    "parse_count",
    "to_plain",
]
