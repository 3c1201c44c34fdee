"""Tickets (工单): create from calls, act on them, read them. DOMAIN.md "Tickets".

Every action is one write transaction that appends one event (rarely two) and rewrites the ticket row from
`tickets_replay.apply`, so the row is always the replay of the history. Every action takes the `version` the
operator saw: if someone else changed the ticket since, it raises TicketChanged ("Changed by X just now") carrying the
fresh ticket, and writes nothing. The UPDATE also says `WHERE version = :seen` and (ticket_id, seq) is unique, so
even two PostgreSQL transactions that both read the same version cannot both write.

Role and status rules are in `tickets_rules.RULES`; queues, counts and search in `tickets_queues`; targets in
`targets`. Choices the issue left open:
- a complaint needs a severity (no default): a major complaint filed as "minor" by default would silently lose its
  "manager the same day" target, so the desk must choose;
- a repair without a sub-kind is "other" (callback in 2 days); leak and safety set their own callback targets;
- an inquiry is "written" (reply within N days) when its first call came by letter, fax or online, unless told;
- attaching a call, the attached call's people are not added to the ticket's search text (its number, unit,
  first caller, phone and description are).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import Database, serialize_writers
from deskui.core.errors import Conflict, DeskError, NotFound, PermissionDenied, ValidationError
from deskui.core.i18n import N_, t
from deskui.models import Call, Ticket, TicketCall, TicketCount, TicketCounter, TicketEvent, ticket_char
from deskui.services.calls.service import CallInfo, CallService, OpenMatter
from deskui.services.common import search as idx
from deskui.services.common.places import phone_digits
from deskui.services.common.text import check_text, choose
from deskui.services.operators import OperatorInfo, OperatorService, Role
from deskui.services.tickets import targets as tg
from deskui.services.tickets.queues import QueuePage, SectionCounts, TicketQueues
from deskui.services.tickets.replay import (
    FAR_FUTURE,
    TERMINAL_STATUSES,
    EventRecord,
    TicketState,
    apply,
    replay,
    row_values,
    status_after,
)
from deskui.services.tickets.rules import CALLBACK_KINDS, RULES, SUPERVISORS

_T = Ticket.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]
_L = TicketCall.__table__  # type: ignore[attr-defined]
_C = TicketCounter.__table__  # type: ignore[attr-defined]
_N = TicketCount.__table__  # type: ignore[attr-defined]
IS_OPEN = _T.c.is_open == True  # noqa: E712  (SQL, not Python truth)

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
    "followed_up": N_("Followed up"),
    "callback": N_("Callback attempt"),
    "merged": N_("Merged"),
    "merged_in": N_("Merged in"),
    "reopened": N_("Reopened"),
    "cancelled": N_("Cancelled"),
    "closed": N_("Closed"),
}
WAITING_ON = ("resident", "third_party")
INFORMED = ("supervisor", "manager")
CALLBACK_OUTCOMES = ("reached", "no_answer", "left_message")
WRITTEN_CHANNELS = frozenset({"letter", "fax", "online"})
# A call's category → the kind of ticket it opens (other categories need an explicit kind).
CATEGORY_KINDS = {
    "repair": "repair",
    "complaint": "complaint",
    "help": "help",
    "inquiry": "inquiry",
    "service": "service",
}
# The department whose tickets are in a maintenance operator's "My queue".
ROLE_DEPARTMENTS = {Role.MAINTENANCE: "maintenance"}
MAX_NOTE = 10_000


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
    written: bool | None = None
    unit: str | None = None
    caller: str | None = None
    phone: str | None = None
    description: str | None = None
    department: str | None = None
    assignee: str | None = None
    resident_deadline: datetime | None = None


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
    targets: tuple[tg.TargetState, ...] = ()

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
    targets: tuple[tg.TargetState, ...]
    calls: tuple[CallInfo, ...]
    events: tuple[EventInfo, ...]
    merged_from: tuple[str, ...]  # numbers of tickets merged into this one
    merged_into: str | None
    allowed: frozenset[str]


class TicketChanged(Conflict):
    """Someone changed the ticket since the operator saw it; `current` is the fresh state to show."""

    def __init__(self, message: str, *, current: TicketInfo) -> None:
        super().__init__(message)
        self.current = current


# --- helpers ------------------------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(row: Any) -> EventRecord:
    return EventRecord(
        seq=row.seq,
        kind=row.kind,
        at=row.at,
        status=row.status,
        operator_id=row.operator_id,
        operator_name=row.operator_name,
        note=row.note,
        data=json.loads(row.data),
        id=row.id,
        ticket_id=row.ticket_id,
    )


def info_from_row(row: Any, targets: Sequence[tg.TargetState] = ()) -> TicketInfo:
    due = row.due_at
    return TicketInfo(
        id=row.id,
        number=row.number,
        kind=row.kind,
        repair_type=row.repair_type,
        severity=row.severity,
        channel=row.channel,
        written=bool(row.written),
        status=row.status,
        unit=row.unit_text,
        unit_key=row.unit_key,
        unit_id=row.unit_id,
        resident_id=row.resident_id,
        caller=row.caller,
        phone=row.phone,
        description=row.description,
        department=row.department,
        assignee_id=row.assignee_id,
        assignee=row.assignee_name,
        appointment_at=row.appointment_at,
        resident_deadline=row.resident_deadline,
        due_at=None if due is None or due >= FAR_FUTURE else due,
        done_at=row.done_at,
        closed_at=row.closed_at,
        paused_since=row.paused_since,
        waiting_on=row.waiting_on,
        callback_result=row.callback_result,
        satisfaction=row.satisfaction,
        callback_comment=row.callback_comment,
        callback_due_at=row.callback_due_at,
        merged_into_id=row.merged_into_id,
        created_at=row.created_at,
        created_by=row.created_by_name,
        updated_at=row.updated_at,
        updated_by=row.updated_by_name,
        version=row.version,
        targets=tuple(targets),
    )


def _who(operator: OperatorInfo | None) -> tuple[int | None, str]:
    return (operator.id, operator.name) if operator is not None else (None, "")


def _display_name(name: str) -> str:
    return name or t("the administrator")


# --- the service --------------------------------------------------------------------------------------------------


class TicketService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        site_id: int,
        *,
        calls: CallService,
        operators: OperatorService | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.site_id = site_id
        self.calls = calls
        self.operators = operators or OperatorService(db, settings, clock, site_id)
        self.tz = ZoneInfo(settings.time_zone)
        self.dept_keys = tuple(d.key for d in settings.departments)
        # The call form's duplicate warning also names this unit's open tickets of the same kind.
        calls.open_matter_sources.append(self._open_ticket_matters)
        # An urgent call opens its ticket in the transaction that saves it.
        calls.saved_hooks.append(self._open_if_urgent)
        self.queues = TicketQueues(self)

    # --- permissions ----------------------------------------------------------------------------------------

    def _refusal(
        self, action: str, state: TicketState | TicketInfo, operator: OperatorInfo | None
    ) -> tuple[type[DeskError], str] | None:
        """Why `operator` may not do `action` to the ticket now (error class, translated message), or None."""
        rule = RULES[action]
        role = operator.role if operator is not None else None
        supervisor = role is None or role in SUPERVISORS

        def denied() -> tuple[type[DeskError], str]:
            assert operator is not None
            name, role_label = operator.name, operator.role_label
            return PermissionDenied, t(
                "{name} ({role}) may not do this: {action}", name=name, role=role_label, action=t(rule.label)
            )

        if role is not None and role not in rule.roles:
            return denied()
        if state.status not in rule.statuses:
            status = t(STATUS_LABELS[state.status])
            return ValidationError, t(
                "{action}: not possible while the ticket is {status}", action=t(rule.label), status=status
            )
        if action == "reopen" and state.status == "closed" and not supervisor:
            return PermissionDenied, t("Only a supervisor or manager may reopen a closed ticket")
        if action == "close" and state.kind in CALLBACK_KINDS and not supervisor:
            reached = state.callback_reached if isinstance(state, TicketState) else state.callback_result == "reached"
            if state.status != "done" or not reached:
                return PermissionDenied, t(
                    "A repair or complaint is closed after a callback that reached the resident; "
                    "a supervisor may close it without one, giving a reason"
                )
        own = ROLE_DEPARTMENTS.get(role) if role is not None else None
        if own and action in ("take", "start", "done") and state.department not in ("", own):
            return denied()
        return None

    def _require(self, action: str, state: TicketState, operator: OperatorInfo | None) -> None:
        refusal = self._refusal(action, state, operator)
        if refusal is not None:
            cls, message = refusal
            raise cls(message, field=None if cls is PermissionDenied else "status")

    def allowed_actions(self, ticket: TicketInfo, operator: OperatorInfo | None) -> frozenset[str]:
        """The actions a screen should offer `operator` for `ticket` as it is now (status and role)."""
        return frozenset(a for a in RULES if self._refusal(a, ticket, operator) is None)

    # --- loading ----------------------------------------------------------------------------------------------

    def _row(self, s: Session, ref: str | int) -> Any:
        q = select(_T).where(_T.c.site_id == self.site_id)
        q = q.where(_T.c.id == ref) if isinstance(ref, int) else q.where(_T.c.number == ref.strip().upper())
        row = s.execute(q).first()
        if row is None:
            raise NotFound(t("No ticket {number}", number=str(ref)))
        return row

    def _events(self, s: Session, ticket_id: int) -> list[EventRecord]:
        rows = s.execute(select(_E).where(_E.c.ticket_id == ticket_id).order_by(_E.c.seq))
        return [_record(r) for r in rows]

    def _events_of(self, s: Session, ids: Sequence[int]) -> dict[int, list[EventRecord]]:
        out: dict[int, list[EventRecord]] = {i: [] for i in ids}
        if ids:
            for r in s.execute(select(_E).where(_E.c.ticket_id.in_(list(ids))).order_by(_E.c.ticket_id, _E.c.seq)):
                out[r.ticket_id].append(_record(r))
        return out

    def _info(self, row: Any, events: Sequence[EventRecord], now: datetime | None = None) -> TicketInfo:
        snapshot = info_from_row(row)
        return replace(snapshot, targets=tuple(tg.compute(snapshot, events, self.settings, now or self.clock.now())))

    def infos(self, s: Session, rows: Sequence[Any]) -> list[TicketInfo]:
        """Rows → TicketInfo with targets, the events of all of them fetched in one query."""
        events = self._events_of(s, [r.id for r in rows])
        now = self.clock.now()
        return [self._info(r, events[r.id], now) for r in rows]

    # --- writing ----------------------------------------------------------------------------------------------

    def _append(
        self,
        s: Session,
        state: TicketState | None,
        history: list[EventRecord],
        ticket_id: int,
        kind: str,
        *,
        operator: OperatorInfo | None,
        note: str = "",
        data: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> TicketState:
        """Insert one event and return the state after it (the caller writes the row)."""
        data = dict(data or {})
        op_id, op_name = _who(operator)
        seq = (state.version if state else 0) + 1
        moment = at or self.clock.now().replace(microsecond=0)
        status = status_after(state, kind, data)
        values = {
            "site_id": self.site_id,
            "ticket_id": ticket_id,
            "seq": seq,
            "kind": kind,
            "at": moment,
            "operator_id": op_id,
            "operator_name": op_name,
            "status": status,
            "note": note,
            "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        }
        event_id = s.execute(insert(_E).values(**values)).inserted_primary_key[0]
        ev = EventRecord(seq, kind, moment, status, op_id, op_name, note, data, event_id, ticket_id)
        new = apply(state, ev, history, self.settings)
        history.append(ev)
        return new

    def _save(
        self, s: Session, ticket_id: int, seen_version: int, state: TicketState, before: tuple[str, str] | None
    ) -> None:
        """Write the row from `state` (only over the version seen) and move the queue counts with it."""
        result = s.execute(
            update(_T).where(_T.c.id == ticket_id, _T.c.version == seen_version).values(**row_values(state))
        )
        if result.rowcount != 1:  # pragma: no cover - only a concurrent PostgreSQL writer gets here
            raise Conflict(t("Changed by {name} just now", name=t("another terminal")))
        after = (state.status, state.department)
        if before != after:
            if before is not None:
                self._count(s, before, -1)
            self._count(s, after, 1)

    def _count(self, s: Session, key: tuple[str, str], delta: int) -> None:
        dialect = sqlite if self.db.backend == "sqlite" else postgresql
        stmt = dialect.insert(_N).values(site_id=self.site_id, status=key[0], department=key[1], n=delta)
        s.execute(
            stmt.on_conflict_do_update(index_elements=["site_id", "status", "department"], set_={"n": _N.c.n + delta})
        )

    def recount(self) -> None:
        """Rebuild the queue counts from the tickets themselves (after a bulk load; `ticketcount` is derived)."""
        with self.db.write() as s:
            serialize_writers(s, "tickets", self.site_id)
            s.execute(delete(_N).where(_N.c.site_id == self.site_id))
            grouped = (
                select(_T.c.site_id, _T.c.status, _T.c.department, func.count())
                .where(_T.c.site_id == self.site_id)
                .group_by(_T.c.site_id, _T.c.status, _T.c.department)
            )
            s.execute(insert(_N).from_select(["site_id", "status", "department", "n"], grouped))

    def _act(
        self,
        ref: str | int,
        version: int,
        action: str,
        operator: OperatorInfo | None,
        build: Any,
    ) -> TicketInfo:
        """One action: lock, compare versions, check the rule, append the event(s) `build` makes, save the row."""
        with self.db.write() as s:
            serialize_writers(s, "tickets", self.site_id)  # PostgreSQL: before reading the version (db.py)
            row = self._row(s, ref)
            events = self._events(s, row.id)
            if row.version != version:
                current = self._info(row, events)
                raise TicketChanged(
                    t("Changed by {name} just now", name=_display_name(row.updated_by_name)), current=current
                )
            state = replay(events, self.settings)
            self._require(action, state, operator)
            history = list(events)
            new = build(s, row, state, history)
            self._save(s, row.id, version, new, (row.status, row.department))
            return self._info(s.execute(select(_T).where(_T.c.id == row.id)).one(), history)

    # --- checks -----------------------------------------------------------------------------------------------

    def _note(self, value: str, name: str = "note", *, required: bool = False) -> str:
        text = check_text(value or "", name, max_chars=MAX_NOTE, multiline=True).strip()
        if required and not text:
            raise ValidationError(t("Please write a {what}", what=t(_FIELD_WORDS.get(name, name))), field=name)
        return text

    def _department(self, value: str) -> str:
        try:
            return choose(value, self.settings.departments, "department").key
        except ValidationError:
            raise ValidationError(
                t("Unknown department {value!r}; use one of: {keys}", value=value, keys=", ".join(self.dept_keys)),
                field="department",
            ) from None

    def _assignee(self, value: OperatorInfo | str | None) -> tuple[int | None, str]:
        if value is None:
            return None, ""
        if isinstance(value, OperatorInfo):
            return value.id, value.name
        name = check_text(value, "assignee", max_chars=100)
        if not name:
            return None, ""
        try:
            op = self.operators.by_name(name)
        except NotFound:
            return None, name  # someone outside the desk (a plumber of the department, a utility)
        return op.id, op.name

    def _severity(self, kind: str, severity: str | None) -> str:
        value = (severity or "").strip().lower()
        if kind != "complaint":
            if value:
                raise ValidationError(t("Only a complaint has a severity"), field="severity")
            return ""
        if not value:
            raise ValidationError(t("A complaint needs a severity: major, important or minor"), field="severity")
        if value not in SEVERITIES:
            raise ValidationError(
                t("Unknown severity {value!r}; use major, important or minor", value=severity), field="severity"
            )
        return value

    def _repair_type(self, kind: str, value: str | None) -> str:
        v = (value or "").strip().lower()
        if kind != "repair":
            if v:
                raise ValidationError(t("Only a repair has a repair type"), field="repair_type")
            return ""
        if not v:
            return "other"
        if v not in REPAIR_TYPES:
            raise ValidationError(
                t("Unknown repair type {value!r}; use leak, safety or other", value=value), field="repair_type"
            )
        return v

    def _moment(self, value: datetime | str | None, name: str, *, ahead: bool = True) -> datetime | None:
        """A time as typed (site time): `ahead` for appointments and deadlines, where a bare "9:00" is the next
        one, not the last."""
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return (value.replace(tzinfo=self.tz) if value.tzinfo is None else value).astimezone(UTC)
        from deskui.services.common.timeparse import parse_time

        try:
            return parse_time(value, self.clock.now(), self.tz, rollback_hours=24 if ahead else 6)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=name) from None

    def _visit(self, call: CallInfo | None) -> datetime | None:
        """The appointment a call's visit time (上门时间, 002 报修接待①) names, read as the appointment form reads a
        time but from the moment of the call: "明天9点" said at 23:00 is 09:00 the next morning, whenever the ticket
        is opened, and a bare time of day already past at the call is the next one. Free text that names no moment
        ("周末都行") books nothing; it stays on the call as typed."""
        text = call.visit_time.strip() if call is not None else ""
        if call is None or not text:
            return None
        from deskui.services.common.timeparse import is_time_of_day, parse_time

        try:
            moment = parse_time(text, call.time, self.tz, rollback_hours=24)
        except ValidationError:
            return None
        if moment < call.time and is_time_of_day(text):
            moment += timedelta(days=1)
        return moment.replace(microsecond=0)

    # --- creating ---------------------------------------------------------------------------------------------

    def _next_number(self, s: Session, kind: str, moment: datetime) -> str:
        """The next number for this kind and local day, from the counter row, inside the write transaction."""
        prefix = PREFIXES[kind]
        day: date = moment.astimezone(self.tz).date()
        dialect = sqlite if self.db.backend == "sqlite" else postgresql
        stmt = dialect.insert(_C).values(site_id=self.site_id, prefix=prefix, day=day, last=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["site_id", "prefix", "day"], set_={"last": _C.c.last + 1}
        ).returning(_C.c.last)
        last = s.execute(stmt).scalar_one()
        return f"{prefix}-{day:%Y%m%d}-{last:04d}"

    def _root_calls(self, call_ids: Iterable[int]) -> list[CallInfo]:
        out: list[CallInfo] = []
        seen: set[int] = set()
        for cid in call_ids:
            call = self.calls.current(int(cid))
            if call.root_id in seen:
                continue
            seen.add(call.root_id)
            out.append(call)
        return out

    def _resident(self, call: CallInfo | None, caller: str, phone: str) -> int | None:
        if not phone:
            return None
        residents = self.calls.directory.lookup_phone(phone)
        for r in residents:
            if r.name == caller:
                return int(r.id)
        same_unit = [r for r in residents if call is not None and r.unit_key == call.unit_key]
        return int(same_unit[0].id) if len(same_unit) == 1 else None

    def create(self, data: TicketInput, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """A new ticket from one or more calls (or none: a ticket the desk opens itself); returns it."""
        if operator is not None and operator.role not in RULES["attach_call"].roles:
            raise PermissionDenied(
                t(
                    "{name} ({role}) may not do this: {action}",
                    name=operator.name,
                    role=operator.role_label,
                    action=t(N_("Open a ticket")),
                )
            )
        calls = self._root_calls(data.call_ids)
        first = calls[0] if calls else None
        kind = (data.kind or "").strip().lower()
        if not kind:
            kind = CATEGORY_KINDS.get(first.category, "") if first else ""
            if not kind:
                raise ValidationError(
                    t("Which kind of ticket? Use one of: {kinds}", kinds=", ".join(KINDS)), field="kind"
                )
        if kind not in KINDS:
            raise ValidationError(
                t("Unknown ticket kind {value!r}; use one of: {kinds}", value=data.kind, kinds=", ".join(KINDS)),
                field="kind",
            )
        severity = self._severity(kind, data.severity)
        repair_type = self._repair_type(kind, data.repair_type)
        limits = self.settings.calls
        unit_text = check_text(
            data.unit if data.unit is not None else (first.unit if first else ""),
            "unit",
            max_chars=limits.max_line_chars,
        )
        caller = check_text(
            data.caller if data.caller is not None else (first.caller if first else ""),
            "caller",
            max_chars=limits.max_line_chars,
        )
        phone = check_text(
            data.phone if data.phone is not None else (first.phone if first else ""),
            "phone",
            max_chars=limits.max_line_chars,
        )
        description = data.description if data.description is not None else (first.content if first else "")
        description = check_text(description, "content", max_chars=limits.max_content_chars, multiline=True)
        if not description.strip():
            raise ValidationError(t("A ticket needs a description"), field="description")
        channel = first.channel if first else ""
        written = data.written if data.written is not None else channel in WRITTEN_CHANNELS
        if written and kind != "inquiry":
            written = False if data.written is None else written
            if data.written:
                raise ValidationError(t("Only an inquiry can be a written inquiry"), field="written")
        department = self._department(data.department) if data.department else ""
        assignee = self._assignee(data.assignee)
        if assignee[1] and not department:
            raise ValidationError(t("Choose the department before the person"), field="department")
        deadline = self._moment(data.resident_deadline, "resident_deadline")
        if deadline is not None and kind != "complaint":
            raise ValidationError(t("Only a complaint has a resident's deadline"), field="resident_deadline")
        from deskui.services.calls.service import unit_key

        key = first.unit_key if first and data.unit is None else unit_key(unit_text)
        unit_id = first.unit_id if first and data.unit is None else None
        if unit_id is None and key:
            found = self.calls.directory.resolve_unit(unit_text)
            unit_id = found.id if found else None
        resident_id = self._resident(first, caller, phone)
        appointment = self._visit(first)
        now = self.clock.now().replace(microsecond=0)  # kept to the second, like the call log
        with self.db.write() as s:
            serialize_writers(s, "tickets", self.site_id)
            self._refuse_linked(s, [c.root_id for c in calls], kind)
            fields = {
                "kind": kind,
                "repair_type": repair_type,
                "severity": severity,
                "channel": channel,
                "written": bool(written),
                "unit_text": unit_text,
                "unit_key": key,
                "unit_id": unit_id,
                "resident_id": resident_id,
                "caller": caller,
                "phone": phone,
                "description": description,
                "resident_deadline": _iso(deadline),
            }
            return self._insert_new(
                s, fields, calls, appointment, operator=operator, now=now, department=department, assignee=assignee
            )

    def _insert_new(
        self,
        s: Session,
        fields: dict[str, Any],
        calls: Sequence[CallInfo],
        appointment: datetime | None,
        *,
        operator: OperatorInfo | None,
        now: datetime,
        department: str = "",
        assignee: tuple[int | None, str] = (None, ""),
        extra: Mapping[str, Any] | None = None,
    ) -> TicketInfo:
        """Write a checked new ticket, its "created" event and call links, inside the caller's write transaction."""
        number = self._next_number(s, str(fields["kind"]), now)
        created = {"number": number, **fields, "call_ids": [c.root_id for c in calls]}
        if appointment is not None:
            created["appointment_at"] = _iso(appointment)  # the call's visit time, booked with the ticket
        created.update(extra or {})
        unit_text, caller, phone, description = (
            fields["unit_text"],
            fields["caller"],
            fields["phone"],
            fields["description"],
        )
        search = idx.search_text((number, unit_text, caller, phone, phone_digits(phone), description))
        placeholder = {
            **{k: v for k, v in created.items() if k in _T.c and k not in ("resident_deadline", "appointment_at")},
            "site_id": self.site_id,
            "status": "new",
            "is_open": True,
            "due_at": FAR_FUTURE,
            "created_at": now,
            "updated_at": now,
            "version": 0,
            "search_text": search,
        }
        ticket_id = s.execute(insert(_T).values(**placeholder)).inserted_primary_key[0]
        history: list[EventRecord] = []
        state = self._append(s, None, history, ticket_id, "created", operator=operator, data=created, at=now)
        for c in calls:
            s.execute(
                insert(_L).values(
                    site_id=self.site_id,
                    ticket_id=ticket_id,
                    call_id=c.root_id,
                    event_id=history[0].id,
                    linked_at=now,
                )
            )
        if department:
            state = self._append(
                s,
                state,
                history,
                ticket_id,
                "dispatched",
                operator=operator,
                at=now,
                data={"department": department, "assignee_id": assignee[0], "assignee_name": assignee[1]},
            )
        self._save(s, ticket_id, 0, state, None)
        chars = idx.index_chars(search)
        if chars:
            s.execute(
                insert(ticket_char), [{"site_id": self.site_id, "ch": ch, "ticket_id": ticket_id} for ch in chars]
            )
        row = s.execute(select(_T).where(_T.c.id == ticket_id)).one()
        return self._info(row, history, now)

    # --- urgent calls -----------------------------------------------------------------------------------------

    def urgent_categories(self) -> frozenset[str]:
        return frozenset(c.key for c in self.settings.categories if c.urgent)

    def _open_if_urgent(self, s: Session, call: CallInfo, operator: OperatorInfo | None) -> None:
        """Inside the transaction saving `call`: an urgent call (紧急, or a category urgent by configuration) gets its
        ticket now, whoever is at the desk (the night shift's maintenance operator too), so its clock starts with
        the call and nothing waits for the morning handover. A correction of a call already behind an open ticket
        opens no second one."""
        if not (call.urgent or call.category in self.urgent_categories()):
            return
        serialize_writers(s, "tickets", self.site_id)
        linked = s.execute(
            select(_L.c.ticket_id)
            .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
            .where(_L.c.site_id == self.site_id, _L.c.call_id == call.root_id, IS_OPEN)
            .limit(1)
        ).first()
        if linked is not None:
            return
        kind = CATEGORY_KINDS.get(call.category) or "help"
        severity = self._severity(kind, self.settings.calls.urgent_complaint_severity) if kind == "complaint" else ""
        fields = {
            "kind": kind,
            "repair_type": self._repair_type(kind, None),
            "severity": severity,
            "channel": call.channel,
            "written": False,
            "unit_text": call.unit,
            "unit_key": call.unit_key,
            "unit_id": call.unit_id,
            "resident_id": self._resident(call, call.caller, call.phone),
            "caller": call.caller,
            "phone": call.phone,
            "description": call.content,
            "resident_deadline": None,
        }
        now = self.clock.now().replace(microsecond=0)
        self._insert_new(s, fields, [call], self._visit(call), operator=operator, now=now, extra={"urgent": True})

    def urgent_untaken(self, *, limit: int = 20) -> list[UrgentTicket]:
        """Open tickets of urgent calls that nobody has taken yet (still new), oldest first: every screen's banner.
        Dispatching or taking a ticket clears it; so does correcting the call to not urgent."""
        call = Call.__table__  # type: ignore[attr-defined]
        newer = call.alias("newer")
        urgent = call.c.urgent == True  # noqa: E712  (SQL)
        categories = sorted(self.urgent_categories())
        if categories:
            urgent = urgent | call.c.category.in_(categories)
        current_urgent = (
            select(_L.c.ticket_id)
            .select_from(
                _L.join(call, (call.c.id == _L.c.call_id) | (call.c.original_id == _L.c.call_id)).outerjoin(
                    newer, newer.c.amends_id == call.c.id
                )
            )
            .where(_L.c.site_id == self.site_id, newer.c.id.is_(None), urgent)
        )
        with self.db.read() as s:
            rows = s.execute(
                select(_T.c.id, _T.c.number, _T.c.kind, _T.c.unit_text, _T.c.description, _T.c.created_at)
                .where(_T.c.site_id == self.site_id, IS_OPEN, _T.c.status == "new", _T.c.id.in_(current_urgent))
                .order_by(_T.c.created_at, _T.c.id)
                .limit(limit)
            ).all()
        return [UrgentTicket(r.id, r.number, r.kind, r.unit_text, r.description, _aware(r.created_at)) for r in rows]

    def open_from_call(
        self,
        call_id: int,
        *,
        kind: str | None = None,
        severity: str | None = None,
        repair_type: str | None = None,
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """`deskui tickets open --from-call ID`: a ticket prefilled from one call."""
        return self.create(
            TicketInput(call_ids=(call_id,), kind=kind, severity=severity, repair_type=repair_type), operator=operator
        )

    def _refuse_linked(self, s: Session, call_ids: Sequence[int], kind: str) -> None:
        """A call already behind an open ticket of the same kind is attached to it, not opened twice."""
        if not call_ids:
            return
        row = s.execute(
            select(_T.c.number, _L.c.call_id)
            .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
            .where(_L.c.site_id == self.site_id, _L.c.call_id.in_(list(call_ids)), IS_OPEN, _T.c.kind == kind)
            .limit(1)
        ).first()
        if row is not None:
            raise Conflict(
                t(
                    "Call #{id} already has the open ticket {number}; attach to it instead",
                    id=row.call_id,
                    number=row.number,
                ),
                field="call_ids",
            )

    def attach_call(
        self, ref: str | int, version: int, call_id: int, *, operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Link one more call to the ticket (five neighbours reporting one burst pipe)."""
        call = self.calls.current(call_id)

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            if call.root_id in state.call_ids:
                raise Conflict(t("Call #{id} is already attached to {number}", id=call.root_id, number=row.number))
            new = self._append(
                s, state, history, row.id, "call_attached", operator=operator, data={"call_id": call.root_id}
            )
            s.execute(
                insert(_L).values(
                    site_id=self.site_id,
                    ticket_id=row.id,
                    call_id=call.root_id,
                    event_id=history[-1].id,
                    linked_at=history[-1].at,
                )
            )
            return new

        return self._act(ref, version, "attach_call", operator, build)

    # --- actions ----------------------------------------------------------------------------------------------

    def _simple(
        self,
        ref: str | int,
        version: int,
        action: str,
        kind: str,
        operator: OperatorInfo | None,
        *,
        note: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> TicketInfo:
        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            return self._append(s, state, history, row.id, kind, operator=operator, note=note, data=data)

        return self._act(ref, version, action, operator, build)

    def dispatch(
        self,
        ref: str | int,
        version: int,
        department: str,
        *,
        assignee: OperatorInfo | str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """Send a new ticket to a department (and optionally a person)."""
        dept = self._department(department)
        who = self._assignee(assignee)
        note = self._note(note)
        data = {"department": dept, "assignee_id": who[0], "assignee_name": who[1]}
        return self._simple(ref, version, "dispatch", "dispatched", operator, note=note, data=data)

    def reassign(
        self,
        ref: str | int,
        version: int,
        department: str,
        *,
        assignee: OperatorInfo | str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """Another department or person for a ticket already dispatched."""
        dept = self._department(department)
        who = self._assignee(assignee)
        note = self._note(note)
        data = {"department": dept, "assignee_id": who[0], "assignee_name": who[1]}
        return self._simple(ref, version, "reassign", "reassigned", operator, note=note, data=data)

    def take(self, ref: str | int, version: int, *, operator: OperatorInfo | None) -> TicketInfo:
        """Maintenance takes the ticket: assigned to them (dispatched to their department if it was new)."""
        if operator is None:
            raise ValidationError(t("Taking a ticket needs an operator"), field="operator")
        dept = ROLE_DEPARTMENTS.get(operator.role, "")

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            kind = "dispatched" if state.status == "new" else "reassigned"
            data = {"department": state.department or dept, "assignee_id": operator.id, "assignee_name": operator.name}
            return self._append(s, state, history, row.id, kind, operator=operator, data=data)

        return self._act(ref, version, "take", operator, build)

    def note(self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        return self._simple(ref, version, "note", "note", operator, note=self._note(text, required=True))

    def start(
        self, ref: str | int, version: int, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        return self._simple(
            ref, version, "start", "status", operator, note=self._note(note), data={"to": "in_progress"}
        )

    def mark_done(
        self,
        ref: str | int,
        version: int,
        *,
        note: str = "",
        water_test_at: datetime | str | None = None,
        repair_type: str | None = None,
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The work is done; the callback clock starts (for a leak, from the water test)."""
        data: dict[str, Any] = {"to": "done"}
        if repair_type:
            data["repair_type"] = self._repair_type("repair", repair_type)
        moment = self._moment(water_test_at, "water_test_at", ahead=False)
        if moment is not None:
            data["water_test_at"] = _iso(moment)

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            if repair_type and state.kind != "repair":
                raise ValidationError(t("Only a repair has a repair type"), field="repair_type")
            if moment is not None and (data.get("repair_type") or state.repair_type) != "leak":
                raise ValidationError(t("A water test is for a leak repair"), field="water_test_at")
            return self._append(
                s, state, history, row.id, "status", operator=operator, note=self._note(note), data=data
            )

        return self._act(ref, version, "done", operator, build)

    def wait(
        self, ref: str | int, version: int, waiting_on: str, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """On hold for the resident or a third party: the resolution clock pauses."""
        on = (waiting_on or "").strip().lower()
        if on not in WAITING_ON:
            raise ValidationError(t("Waiting on whom? Use resident or third_party"), field="waiting_on")
        return self._simple(
            ref, version, "wait", "status", operator, note=self._note(note), data={"to": "waiting", "waiting_on": on}
        )

    def resume(
        self, ref: str | int, version: int, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            to = state.resume_status or "dispatched"
            return self._append(
                s, state, history, row.id, "status", operator=operator, note=self._note(note), data={"to": to}
            )

        return self._act(ref, version, "resume", operator, build)

    def set_status(
        self,
        ref: str | int,
        version: int,
        status: str,
        *,
        note: str = "",
        waiting_on: str | None = None,
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The generic status change: in_progress (start), done, waiting (with waiting_on), or back from waiting."""
        to = (status or "").strip().lower()
        if to == "in_progress":
            return self.start(ref, version, note=note, operator=operator)
        if to == "done":
            return self.mark_done(ref, version, note=note, operator=operator)
        if to == "waiting":
            return self.wait(ref, version, waiting_on or "", note=note, operator=operator)
        if to in ("dispatched", "resume"):
            return self.resume(ref, version, note=note, operator=operator)
        raise ValidationError(
            t("Cannot change the status to {status!r}; use in_progress, done, waiting or resume", status=status),
            field="status",
        )

    def set_appointment(
        self,
        ref: str | int,
        version: int,
        when: datetime | str | None,
        *,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The visit booked with the resident (never arrive unannounced); None clears it."""
        moment = self._moment(when, "appointment_at")
        return self._simple(
            ref,
            version,
            "appointment",
            "appointment",
            operator,
            note=self._note(note),
            data={"appointment_at": _iso(moment)},
        )

    def inform(
        self, ref: str | int, version: int, whom: str, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Record that the supervisor or the manager was told (important: 1 hour; major: the same day)."""
        w = (whom or "").strip().lower()
        if w not in INFORMED:
            raise ValidationError(t("Informed whom? Use supervisor or manager"), field="informed")
        return self._simple(ref, version, "inform", "informed", operator, note=self._note(note), data={"informed": w})

    def escalate(
        self,
        ref: str | int,
        version: int,
        *,
        severity: str | None = None,
        informed: str | None = None,
        department: str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """A supervisor's decision: raise a complaint's severity, send it elsewhere, record whom they told."""
        data: dict[str, Any] = {}
        if informed:
            w = informed.strip().lower()
            if w not in INFORMED:
                raise ValidationError(t("Informed whom? Use supervisor or manager"), field="informed")
            data["informed"] = w
        if department:
            data["department"] = self._department(department)
        text = self._note(note, "reason", required=True)

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            if severity:
                data["severity"] = self._severity(state.kind, severity)
            return self._append(s, state, history, row.id, "escalated", operator=operator, note=text, data=data)

        return self._act(ref, version, "escalate", operator, build)

    def reply(self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """What the resident was told (help request reply, written inquiry reply, a major complaint's answer)."""
        return self._simple(ref, version, "reply", "replied", operator, note=self._note(text, "answer", required=True))

    def follow_up(self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """The desk checked on the outcome with the department (within N days)."""
        return self._simple(ref, version, "follow_up", "followed_up", operator, note=self._note(text, required=True))

    def callback(
        self,
        ref: str | int,
        version: int,
        outcome: str,
        *,
        satisfaction: int | None = None,
        comment: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """A callback attempt 回访: reached (satisfaction 1–5 and a comment), no answer (tried again later, the due
        time moves by the configured hours) or left a message."""
        out = (outcome or "").strip().lower()
        if out not in CALLBACK_OUTCOMES:
            raise ValidationError(t("Callback outcome: reached, no_answer or left_message"), field="outcome")
        data: dict[str, Any] = {"outcome": out}
        if out == "reached":
            if satisfaction is None or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
                raise ValidationError(t("Satisfaction is 1 to 5"), field="satisfaction")
            data["satisfaction"] = satisfaction
        elif satisfaction is not None:
            raise ValidationError(t("Satisfaction only when the resident was reached"), field="satisfaction")
        else:
            retry = timedelta(hours=self.settings.target("callback_retry_hours"))
            data["next_due"] = _iso(self.clock.now() + retry)
        text = self._note(comment, "comment")
        return self._simple(ref, version, "callback", "callback", operator, note=text, data=data)

    def merge(
        self, ref: str | int, version: int, into: str | int, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Merge this ticket into `into` (the survivor), which gets its calls and shows its history. Returns the
        merged (source) ticket."""
        text = self._note(note)

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            target = self._row(s, into)
            if target.id == row.id:
                raise ValidationError(t("A ticket cannot be merged into itself"), field="into")
            if not target.is_open:
                raise ValidationError(
                    t("{number} is not open; merge into an open ticket", number=target.number), field="into"
                )
            if target.kind != state.kind:
                raise ValidationError(t("Only tickets of the same kind can be merged"), field="into")
            new = self._append(
                s,
                state,
                history,
                row.id,
                "merged",
                operator=operator,
                note=text,
                data={"into_id": target.id, "into_number": target.number},
            )
            t_events = self._events(s, target.id)
            t_state = replay(t_events, self.settings)
            moved = [c for c in state.call_ids if c not in t_state.call_ids]
            t_new = self._append(
                s,
                t_state,
                t_events,
                target.id,
                "merged_in",
                operator=operator,
                note=text,
                data={"from_id": row.id, "from_number": row.number, "call_ids": moved},
            )
            for cid in moved:
                s.execute(
                    insert(_L).values(
                        site_id=self.site_id,
                        ticket_id=target.id,
                        call_id=cid,
                        event_id=t_events[-1].id,
                        linked_at=t_events[-1].at,
                    )
                )
            self._save(s, target.id, target.version, t_new, (target.status, target.department))
            return new

        return self._act(ref, version, "merge", operator, build)

    def reopen(self, ref: str | int, version: int, reason: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """Back to the department: the fix failed (from done), or a closed ticket comes back (supervisors)."""
        text = self._note(reason, "reason", required=True)

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            to = "dispatched" if state.department else "new"
            return self._append(s, state, history, row.id, "reopened", operator=operator, note=text, data={"to": to})

        return self._act(ref, version, "reopen", operator, build)

    def cancel(self, ref: str | int, version: int, reason: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        text = self._note(reason, "reason", required=True)
        return self._simple(ref, version, "cancel", "cancelled", operator, note=text)

    def close(
        self, ref: str | int, version: int, *, reason: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Close: a repair or complaint after a callback that reached the resident; a supervisor may close
        without one, and must then give the reason (recorded with the event)."""
        text = self._note(reason, "reason")

        def build(s: Session, row: Any, state: TicketState, history: list[EventRecord]) -> TicketState:
            needs = state.kind in CALLBACK_KINDS and not (state.status == "done" and state.callback_reached)
            if needs and not text:
                raise ValidationError(
                    t("Closing a repair or complaint without a callback needs a reason"), field="reason"
                )
            return self._append(
                s, state, history, row.id, "closed", operator=operator, note=text, data={"without_callback": needs}
            )

        return self._act(ref, version, "close", operator, build)

    # --- reading ----------------------------------------------------------------------------------------------

    def get(self, ref: str | int) -> TicketInfo:
        with self.db.read() as s:
            row = self._row(s, ref)
            return self._info(row, self._events(s, row.id))

    def state(self, ref: str | int) -> TicketState:
        """The replay of the ticket's events (for checks and tests)."""
        with self.db.read() as s:
            row = self._row(s, ref)
            return replay(self._events(s, row.id), self.settings)

    def events(self, ref: str | int) -> list[EventInfo]:
        with self.db.read() as s:
            row = self._row(s, ref)
            return [self._event_info(e, row.number) for e in self._events(s, row.id)]

    @staticmethod
    def _event_info(e: EventRecord, number: str) -> EventInfo:
        assert e.id is not None and e.ticket_id is not None
        return EventInfo(
            e.id, e.ticket_id, number, e.seq, e.kind, e.at, e.operator_id, e.operator_name, e.status, e.note, e.data
        )

    def latest_events(self, ticket_id: int, n: int = 5) -> list[EventInfo]:
        """The last `n` events, newest first: the preview pane under a queue."""
        with self.db.read() as s:
            number = s.execute(select(_T.c.number).where(_T.c.id == ticket_id, _T.c.site_id == self.site_id)).scalar()
            if number is None:
                raise NotFound(t("No ticket {number}", number=f"#{ticket_id}"))
            rows = s.execute(select(_E).where(_E.c.ticket_id == ticket_id).order_by(_E.c.seq.desc()).limit(max(1, n)))
            return [self._event_info(_record(r), number) for r in rows]

    def detail(self, ref: str | int, *, operator: OperatorInfo | None = None) -> TicketDetail:
        with self.db.read() as s:
            row = self._row(s, ref)
            own = self._events(s, row.id)
            info = self._info(row, own)
            merged = s.execute(
                select(_T.c.id, _T.c.number).where(_T.c.site_id == self.site_id, _T.c.merged_into_id == row.id)
            ).all()
            events = [self._event_info(e, row.number) for e in own]
            for m in merged:
                events += [self._event_info(e, m.number) for e in self._events(s, m.id)]
            events.sort(key=lambda e: (e.at, e.id))
            call_ids = s.execute(select(_L.c.call_id).where(_L.c.ticket_id == row.id).order_by(_L.c.call_id)).scalars()
            ids = list(call_ids)
            into = None
            if row.merged_into_id is not None:
                into = s.execute(select(_T.c.number).where(_T.c.id == row.merged_into_id)).scalar()
        calls = tuple(self.calls.current(cid) for cid in ids)
        return TicketDetail(
            ticket=info,
            targets=info.targets,
            calls=calls,
            events=tuple(events),
            merged_from=tuple(m.number for m in merged),
            merged_into=into,
            allowed=self.allowed_actions(info, operator),
        )

    def call_ids(self, ref: str | int) -> list[int]:
        with self.db.read() as s:
            row = self._row(s, ref)
            return list(
                s.execute(select(_L.c.call_id).where(_L.c.ticket_id == row.id).order_by(_L.c.call_id)).scalars()
            )

    def calls_of(self, ticket_ids: Sequence[int]) -> dict[int, list[int]]:
        """The call ids of several tickets in one query (lists and exports)."""
        out: dict[int, list[int]] = {i: [] for i in ticket_ids}
        if ticket_ids:
            with self.db.read() as s:
                q = select(_L.c.ticket_id, _L.c.call_id).where(_L.c.ticket_id.in_(list(ticket_ids)))
                for r in s.execute(q.order_by(_L.c.ticket_id, _L.c.call_id)):
                    out[r.ticket_id].append(r.call_id)
        return out

    def tickets_of_call(self, call_id: int) -> list[TicketInfo]:
        """The tickets a call is linked to (the call screen shows them)."""
        root = self.calls.get(call_id).root_id
        with self.db.read() as s:
            rows = s.execute(
                select(_T)
                .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
                .where(_L.c.site_id == self.site_id, _L.c.call_id == root)
                .order_by(_T.c.id)
            ).all()
            return self.infos(s, rows)

    def last_change_marker(self) -> int:
        """The newest event id of the site: a screen polls this (one indexed lookup) and reloads when it moves."""
        with self.db.read() as s:
            return int(s.execute(select(func.max(_E.c.id)).where(_E.c.site_id == self.site_id)).scalar() or 0)

    def changes_since(self, marker: int, *, limit: int = 1000) -> tuple[int, frozenset[int]]:
        """(new marker, ids of tickets changed after `marker`): what another terminal changed since the last poll."""
        with self.db.read() as s:
            rows = s.execute(
                select(_E.c.id, _E.c.ticket_id)
                .where(_E.c.site_id == self.site_id, _E.c.id > marker)
                .order_by(_E.c.id)
                .limit(limit)
            ).all()
        if not rows:
            return marker, frozenset()
        return rows[-1].id, frozenset(r.ticket_id for r in rows)

    def iter_all(self, *, batch: int = 1000) -> Iterator[tuple[TicketInfo, list[int]]]:
        """Every ticket oldest first with its call ids, a batch at a time by keyset (exports of any size)."""
        after = 0
        while True:
            with self.db.read() as s:
                rows = s.execute(
                    select(_T).where(_T.c.site_id == self.site_id, _T.c.id > after).order_by(_T.c.id).limit(batch)
                ).all()
                infos = self.infos(s, rows)
                links: dict[int, list[int]] = {r.id: [] for r in rows}
                if rows:
                    for link in s.execute(
                        select(_L.c.ticket_id, _L.c.call_id)
                        .where(_L.c.ticket_id.in_([r.id for r in rows]))
                        .order_by(_L.c.ticket_id, _L.c.call_id)
                    ):
                        links[link.ticket_id].append(link.call_id)
            for info in infos:
                yield info, links[info.id]
            if len(rows) < batch:
                return
            after = rows[-1].id

    # --- queues -----------------------------------------------------------------------------------------------

    def queue(
        self,
        name: str,
        *,
        operator: OperatorInfo | None = None,
        department: str | None = None,
        text: str | None = None,
        unit: str | None = None,
        after: tuple[datetime, int] | None = None,
        limit: int | None = None,
    ) -> QueuePage:
        """One page of a queue (mine, new, overdue, due_soon, callback, waiting, department, open, closed), nearest
        due first (closed: newest first); pass `page.next_after` as `after` for the next page."""
        return self.queues.page(
            name, operator=operator, department=department, text_filter=text, unit=unit, after=after, limit=limit
        )

    def section_counts(self, *, operator: OperatorInfo | None = None) -> SectionCounts:
        """Every queue's count at once (the section list's badges)."""
        return self.queues.counts(operator=operator)

    # --- open matters for the call form -------------------------------------------------------------------------

    def _open_ticket_matters(
        self, s: Session, site_id: int, key: str, category: str, now: datetime, exclude: frozenset[int]
    ) -> list[OpenMatter]:
        kind = CATEGORY_KINDS.get(category)
        if kind is None:
            return []
        rows = s.execute(
            select(_T.c.id, _T.c.number, _T.c.created_at, _T.c.description)
            .where(_T.c.site_id == site_id, _T.c.unit_key == key, IS_OPEN, _T.c.kind == kind)
            .order_by(_T.c.id.desc())
            .limit(self.settings.calls.history_limit)
        ).all()
        linked: dict[int, list[int]] = {r.id: [] for r in rows}
        if rows:
            for link in s.execute(
                select(_L.c.ticket_id, _L.c.call_id).where(_L.c.site_id == site_id, _L.c.ticket_id.in_(list(linked)))
            ):
                linked[link.ticket_id].append(int(link.call_id))
        out = []
        for r in rows:
            flat = " ".join(r.description.split())
            summary = flat if len(flat) <= 40 else flat[:39] + "…"
            calls = tuple(sorted(linked[r.id]))
            out.append(OpenMatter("ticket", r.id, r.created_at, category, summary, r.number, calls))
        return out


_FIELD_WORDS = {"note": N_("note"), "reason": N_("reason"), "answer": N_("answer"), "comment": N_("comment")}


def kind_label(kind: str) -> str:
    return t(KIND_LABELS.get(kind, kind))


__all__ = [
    "EventInfo",
    "TicketChanged",
    "TicketDetail",
    "TicketInfo",
    "TicketInput",
    "TicketService",
    "UrgentTicket",
]
