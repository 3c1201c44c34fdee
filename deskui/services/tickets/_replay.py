"""A ticket's state as the replay of its events: pure functions, the one definition of what each event does.

The service builds every new state with `apply(previous, event)` and writes the row from it, so the stored row is by
construction a projection of the history; `replay(events)` rebuilds it from nothing (a property test compares it
with the stored row after random action sequences). No database, no clock, no validation: the service checks an
action is allowed before it makes the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from deskui.core.config import Settings
from deskui.services.tickets import _repairs as rp
from deskui.services.tickets import _targets as tg

OPEN_STATUSES = ("new", "dispatched", "in_progress", "waiting", "done")
TERMINAL_STATUSES = ("closed", "cancelled", "merged")
# Stored as ticket.due_at when no target runs, so the queues' keyset (due_at, id) never meets a NULL.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class EventRecord:
    """One event as stored (or about to be). `status` is the ticket's status after it."""

    seq: int
    kind: str
    at: datetime
    status: str
    operator_id: int | None = None
    operator_name: str = ""
    note: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class TicketState:
    """Everything the events say about a ticket now; the ticket row holds the columns of the same names."""

    number: str
    kind: str
    created_at: datetime
    status: str = "new"
    repair_type: str = ""
    help_kind: str = ""  # help requests: 003 4.1.1 sub-kind (issue 14)
    severity: str = ""
    channel: str = ""
    written: bool = False
    unit_text: str = ""
    unit_key: str = ""
    unit_id: int | None = None
    resident_id: int | None = None
    caller: str = ""
    phone: str = ""
    description: str = ""
    department: str = ""
    assignee_id: int | None = None
    assignee_name: str = ""
    worker_id: int | None = None  # the department's worker the last dispatch named (issue 14)
    worker_name: str = ""
    appointment_at: datetime | None = None
    resident_deadline: datetime | None = None
    paid: bool = False  # repairs: paid or free under warranty (issue 14, services.tickets._repairs)
    fee_cents: int | None = None
    due_at: datetime = FAR_FUTURE
    done_at: datetime | None = None
    closed_at: datetime | None = None
    paused_since: datetime | None = None
    paused_seconds: int = 0
    waiting_on: str = ""
    resume_status: str = ""  # where a pause returns to (not a column: read from the events)
    callback_result: str = ""
    satisfaction: int | None = None
    callback_comment: str = ""
    callback_due_at: datetime | None = None
    callback_reached: bool = False  # a callback reached the resident since the last completion
    merged_into_id: int | None = None
    created_by_id: int | None = None
    created_by_name: str = ""
    updated_at: datetime | None = None
    updated_by_name: str = ""
    version: int = 0
    last_event_id: int = 0
    call_ids: tuple[int, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# Columns of `ticket` that are a projection of TicketState (the rest: id, site_id, search_text).
ROW_FIELDS = (
    "number",
    "kind",
    "repair_type",
    "help_kind",
    "severity",
    "channel",
    "written",
    "status",
    "is_open",
    "unit_text",
    "unit_key",
    "unit_id",
    "resident_id",
    "caller",
    "phone",
    "description",
    "department",
    "assignee_id",
    "assignee_name",
    "worker_id",
    "worker_name",
    "appointment_at",
    "resident_deadline",
    "paid",
    "fee_cents",
    "due_at",
    "done_at",
    "closed_at",
    "paused_since",
    "waiting_on",
    "paused_seconds",
    "callback_result",
    "satisfaction",
    "callback_comment",
    "callback_due_at",
    "merged_into_id",
    "created_at",
    "created_by_id",
    "created_by_name",
    "updated_at",
    "updated_by_name",
    "version",
    "last_event_id",
)


def row_values(state: TicketState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in ROW_FIELDS}


def _dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def status_after(state: TicketState | None, kind: str, data: Mapping[str, Any]) -> str:
    """The status an event of `kind` leaves the ticket in."""
    if state is None or kind == "created":
        return "new"
    if kind in ("dispatched", "reassigned"):
        return "dispatched" if state.status == "new" else state.status
    if kind == "status":
        return str(data["to"])
    if kind == "reopened":
        return str(data.get("to") or "dispatched")
    if kind in TERMINAL_STATUSES:
        return kind
    return state.status


def _created(ev: EventRecord) -> TicketState:
    d = ev.data
    return TicketState(
        number=str(d["number"]),
        kind=str(d["kind"]),
        created_at=ev.at,
        repair_type=str(d.get("repair_type") or ""),
        help_kind=str(d.get("help_kind") or ""),
        severity=str(d.get("severity") or ""),
        channel=str(d.get("channel") or ""),
        written=bool(d.get("written", False)),
        unit_text=str(d.get("unit_text") or ""),
        unit_key=str(d.get("unit_key") or ""),
        unit_id=d.get("unit_id"),
        resident_id=d.get("resident_id"),
        caller=str(d.get("caller") or ""),
        phone=str(d.get("phone") or ""),
        description=str(d.get("description") or ""),
        resident_deadline=_dt(d.get("resident_deadline")),
        appointment_at=_dt(d.get("appointment_at")),
        paid=rp.created_paid(d),
        created_by_id=ev.operator_id,
        created_by_name=ev.operator_name,
        call_ids=tuple(int(c) for c in d.get("call_ids", ())),
    )


def _step(s: TicketState, ev: EventRecord) -> TicketState:
    """The event's own effect, before the bookkeeping every event shares."""
    d = ev.data
    kind = ev.kind
    changes: dict[str, Any] = {}
    if kind in ("dispatched", "reassigned"):
        changes.update(
            department=str(d.get("department") or s.department),
            assignee_id=d.get("assignee_id"),
            assignee_name=str(d.get("assignee_name") or ""),
            worker_id=d.get("worker_id"),
            worker_name=str(d.get("worker_name") or ""),
        )
    elif kind == "call_attached":
        changes["call_ids"] = (*s.call_ids, int(d["call_id"]))
    elif kind == "merged_in":
        changes["call_ids"] = s.call_ids + tuple(int(c) for c in d.get("call_ids", ()) if int(c) not in s.call_ids)
    elif kind == "appointment":
        changes["appointment_at"] = _dt(d.get("appointment_at"))
    elif kind == "deadline":  # a minor complaint's deadline agreed with the resident (issue 14)
        changes["resident_deadline"] = _dt(d.get("resident_deadline"))
    elif kind == "escalated":
        if d.get("severity"):
            changes["severity"] = str(d["severity"])
        if d.get("department"):
            changes["department"] = str(d["department"])
    elif kind == "callback":
        outcome = str(d["outcome"])
        changes["callback_result"] = outcome
        if outcome == "reached":
            changes.update(satisfaction=d.get("satisfaction"), callback_comment=ev.note, callback_reached=True)
    elif kind == "merged":
        changes["merged_into_id"] = d.get("into_id")
    if kind != "created" and d.get("repair_type"):
        changes["repair_type"] = str(d["repair_type"])
    changes.update(rp.step_changes(kind, d))  # a repair's paid and fee, recorded when done (issue 14)
    if kind == "help_kind":  # a help request classified (or corrected), issue 14
        changes["help_kind"] = str(d.get("help_kind") or "")
    return replace(s, **changes) if changes else s


def _status_change(s: TicketState, before: TicketState, ev: EventRecord) -> TicketState:
    old, new = before.status, ev.status
    if old == new:
        return s
    changes: dict[str, Any] = {"status": new}
    if new == "waiting":
        changes.update(paused_since=ev.at, waiting_on=str(ev.data.get("waiting_on") or ""), resume_status=old)
    elif old == "waiting":
        assert before.paused_since is not None
        paused = int((ev.at - before.paused_since).total_seconds())
        changes.update(paused_since=None, waiting_on="", resume_status="", paused_seconds=s.paused_seconds + paused)
    if new == "done":
        # A new completion: the callback starts over (earlier callbacks stay in the events).
        changes.update(
            done_at=ev.at, callback_reached=False, callback_result="", satisfaction=None, callback_comment=""
        )
    elif new == "closed" and old != "done":
        changes["done_at"] = s.done_at or ev.at
    elif new in OPEN_STATUSES:
        changes["done_at"] = None
    if new in TERMINAL_STATUSES:
        changes["closed_at"] = ev.at
    elif old in TERMINAL_STATUSES:
        changes["closed_at"] = None
    return replace(s, **changes)


def apply(
    state: TicketState | None, ev: EventRecord, history: Sequence[EventRecord], settings: Settings
) -> TicketState:
    """The state after `ev`; `history` is every event before it (the targets need them for the due time)."""
    if ev.kind == "created" or state is None:
        s = _created(ev)
        before = s
    else:
        before = state
        s = _step(state, ev)
    s = _status_change(s, before, ev)
    events = [*history, ev]
    states = tg.compute(s, events, settings, ev.at)
    due = tg.nearest_due(states, ended=s.status in TERMINAL_STATUSES)
    callback = next((x.due_at for x in states if x.name == "callback"), None)
    return replace(
        s,
        due_at=due or FAR_FUTURE,
        callback_due_at=callback,
        updated_at=ev.at,
        updated_by_name=ev.operator_name,
        version=ev.seq,
        last_event_id=ev.id or 0,
    )


def replay(events: Iterable[EventRecord], settings: Settings) -> TicketState:
    """The state a ticket's whole history leads to (events in `seq` order, the first one "created")."""
    state: TicketState | None = None
    history: list[EventRecord] = []
    for ev in events:
        state = apply(state, ev, history, settings)
        history.append(ev)
    if state is None:
        raise ValueError("a ticket has at least its 'created' event")
    return state
