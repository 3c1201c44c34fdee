"""Ticket rows and events in and out, inside a transaction the caller holds: the one place that writes `ticket`,
`ticketevent`, `ticketcall` and `ticketcount`.

Every change appends an event and rewrites the row from `_replay.apply`, so the row is always the replay of the
history; `save` writes only over the version read (`WHERE version = :seen`), so two PostgreSQL transactions that
both read one version cannot both write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Table, delete, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.dml import Insert, Update
from sqlmodel import Session, SQLModel

from deskui.core.db import serialize_writers
from deskui.core.errors import Conflict, NotFound
from deskui.core.i18n import t
from deskui.models import Call, Ticket, TicketCall, TicketCount, TicketCounter, TicketEvent
from deskui.services.context import ContextService
from deskui.services.operators import OperatorInfo
from deskui.services.tickets import _targets as tg
from deskui.services.tickets._complaints import complaint_of, last_reply, notes_of
from deskui.services.tickets._facts import described
from deskui.services.tickets._repairs import signoff
from deskui.services.tickets._replay import FAR_FUTURE, EventRecord, TicketState, apply, row_values, status_after
from deskui.services.tickets._types import TicketInfo


def _table(model: type[SQLModel]) -> Table:
    """A model's table as SQLAlchemy Core sees it (SQLModel's classes do not declare `__table__` to a type checker)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


TICKETS = _table(Ticket)
EVENTS = _table(TicketEvent)
LINKS = _table(TicketCall)
COUNTERS = _table(TicketCounter)
COUNTS = _table(TicketCount)
CALLS = _table(Call)
IS_OPEN = TICKETS.c.is_open == True  # noqa: E712  (SQL, not Python truth)
_T, _E, _L, _N = TICKETS, EVENTS, LINKS, COUNTS


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def who(operator: OperatorInfo | None) -> tuple[int | None, str]:
    return (operator.id, operator.name) if operator is not None else (None, "")


def display_name(name: str) -> str:
    return name or t("the administrator")


def written(s: Session, stmt: Insert | Update) -> CursorResult[Any]:
    """Execute an INSERT or UPDATE; its result is a cursor result (SQLModel's `execute` types it as any Result)."""
    result = s.execute(stmt)
    assert isinstance(result, CursorResult)
    return result


def inserted_id(s: Session, stmt: Insert) -> int:
    """Execute an INSERT of one row and return its new primary key."""
    key = written(s, stmt).inserted_primary_key
    assert key is not None
    return int(key[0])


def record(row: Any) -> EventRecord:
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
        help_kind=row.help_kind,
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
        worker_id=row.worker_id,
        worker=row.worker_name,
        paid=bool(row.paid),
        fee_cents=row.fee_cents,
    )


def told(events: Sequence[EventRecord]) -> tuple[str, str]:
    """(result, callback via) as the events say: the note of the last completion (a reopen clears it) and how the
    last callback was made."""
    result = via = ""
    for ev in events:
        if ev.kind == "status" and ev.data.get("to") == "done":
            result = ev.note
        elif ev.kind == "reopened":
            result = ""
        elif ev.kind == "closed" and ev.data.get("result"):  # a complaint's result given when closing (issue 14)
            result = str(ev.data["result"])
        elif ev.kind == "callback":
            via = str(ev.data.get("via") or "")
    return result, via


class TicketStore(ContextService):
    """Reads and writes of one site's tickets; every method runs in the session it is given."""

    # --- reading ----------------------------------------------------------------------------------------------

    def row(self, s: Session, ref: str | int) -> Row[Any]:
        q = select(_T).where(_T.c.site_id == self.site_id)
        q = q.where(_T.c.id == ref) if isinstance(ref, int) else q.where(_T.c.number == ref.strip().upper())
        row = s.execute(q).first()
        if row is None:
            raise NotFound(t("No ticket {number}", number=str(ref)))
        return row

    def row_by_id(self, s: Session, ticket_id: int) -> Row[Any]:
        return s.execute(select(_T).where(_T.c.id == ticket_id)).one()

    def events(self, s: Session, ticket_id: int) -> list[EventRecord]:
        rows = s.execute(select(_E).where(_E.c.ticket_id == ticket_id).order_by(_E.c.seq))
        return [record(r) for r in rows]

    def events_of(self, s: Session, ids: Sequence[int]) -> dict[int, list[EventRecord]]:
        out: dict[int, list[EventRecord]] = {i: [] for i in ids}
        if ids:
            for r in s.execute(select(_E).where(_E.c.ticket_id.in_(list(ids))).order_by(_E.c.ticket_id, _E.c.seq)):
                out[r.ticket_id].append(record(r))
        return out

    def info(self, row: Any, events: Sequence[EventRecord], now: datetime | None = None) -> TicketInfo:
        snapshot = info_from_row(row)
        result, via = told(events)
        targets = tuple(tg.compute(snapshot, events, self.settings, now or self.clock.now()))
        sign = signoff(events)  # issue 14: the resident's sign-off on a repair (_repairs)
        reply = last_reply(events)  # issue 14: the complaint record, the reply to the resident, the notes
        return replace(
            snapshot,
            description=described(events, snapshot.description),  # facts in the reader's language (issue 12)
            targets=targets,
            result=result,
            callback_via=via,
            complaint=complaint_of(events),
            reply=reply.text,
            reply_via=reply.via,
            notes=notes_of(events),
            signed_off=sign.signed_off,
            signed_by=sign.signed_by,
        )

    def infos(self, s: Session, rows: Sequence[Any]) -> list[TicketInfo]:
        """Rows → TicketInfo with targets, the events of all of them fetched in one query."""
        events = self.events_of(s, [r.id for r in rows])
        now = self.clock.now()
        return [self.info(r, events[r.id], now) for r in rows]

    # --- writing ----------------------------------------------------------------------------------------------

    def append(
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
        op_id, op_name = who(operator)
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
        event_id = inserted_id(s, insert(_E).values(**values))
        ev = EventRecord(seq, kind, moment, status, op_id, op_name, note, data, event_id, ticket_id)
        new = apply(state, ev, history, self.settings)
        history.append(ev)
        return new

    def link(self, s: Session, ticket_id: int, call_id: int, event: EventRecord) -> None:
        """Link a call to the ticket, by the event that attached it."""
        s.execute(
            insert(_L).values(
                site_id=self.site_id, ticket_id=ticket_id, call_id=call_id, event_id=event.id, linked_at=event.at
            )
        )

    def save(
        self, s: Session, ticket_id: int, seen_version: int, state: TicketState, before: tuple[str, str] | None
    ) -> None:
        """Write the row from `state` (only over the version seen) and move the queue counts with it."""
        result = written(
            s, update(_T).where(_T.c.id == ticket_id, _T.c.version == seen_version).values(**row_values(state))
        )
        if result.rowcount != 1:  # pragma: no cover - only a concurrent PostgreSQL writer gets here
            raise Conflict(t("Changed by {name} just now", name=t("another terminal")))
        after = (state.status, state.department)
        if before != after:
            if before is not None:
                self.count(s, before, -1)
            self.count(s, after, 1)

    def count(self, s: Session, key: tuple[str, str], delta: int) -> None:
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
