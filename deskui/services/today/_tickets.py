"""The few ticket questions the queues do not ask: callbacks due before a moment, open tickets of a kind, visits
booked in a period, and the Overdue queue split by department. Each is a count and the first rows, over the same
indexed columns the queues read (models.tickets); the rows become TicketInfo (with their targets) through
`TicketService.infos`, as the queues' do, so a line and the queue it opens agree on every ticket."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from deskui.models import Ticket
from deskui.services.tickets import TicketInfo, TicketService

_T = Ticket.__table__  # type: ignore[attr-defined]


def _count_and_first(
    tickets: TicketService, conditions: Sequence[Any], order: Sequence[Any], limit: int
) -> tuple[int, list[TicketInfo]]:
    c = _T.c
    where = [c.site_id == tickets.site_id, c.is_open == True, *conditions]  # noqa: E712  (SQL)
    with tickets.db.read() as s:
        count = int(s.execute(select(func.count()).select_from(_T).where(*where)).scalar() or 0)
        rows = list(s.execute(select(_T).where(*where).order_by(*order, c.id).limit(limit))) if count and limit else []
        return count, tickets.infos(s, rows)


def callbacks_due(tickets: TicketService, before: datetime, limit: int) -> tuple[int, list[TicketInfo]]:
    """Done tickets waiting for their callback (the Awaiting callback queue) whose callback is due before `before`,
    the earliest due first."""
    c = _T.c
    conditions = [c.status == "done", c.callback_due_at.is_not(None), c.callback_due_at < before]
    return _count_and_first(tickets, conditions, [c.callback_due_at], limit)


def open_of_kinds(
    tickets: TicketService, kinds: Sequence[str], limit: int, *, due_before: datetime | None = None
) -> tuple[int, list[TicketInfo]]:
    """Open tickets of `kinds` (with a target due before `due_before`, if given), nearest due first."""
    conditions = [_T.c.kind.in_(list(kinds))]
    if due_before is not None:
        conditions.append(_T.c.due_at < due_before)
    return _count_and_first(tickets, conditions, [_T.c.due_at], limit)


def booked_between(tickets: TicketService, start: datetime, end: datetime, limit: int) -> tuple[int, list[TicketInfo]]:
    """Open tickets with a visit booked with the resident in [start, end), the earliest visit first."""
    c = _T.c
    conditions = [c.appointment_at.is_not(None), c.appointment_at >= start, c.appointment_at < end]
    return _count_and_first(tickets, conditions, [c.appointment_at], limit)


def overdue_by_department(tickets: TicketService, now: datetime) -> dict[str, int]:
    """The Overdue queue's tickets (open, a target past due as of `now`) counted per department ("" = not
    dispatched yet)."""
    c = _T.c
    q = (
        select(c.department, func.count())
        .where(c.site_id == tickets.site_id, c.is_open == True, c.due_at < now)  # noqa: E712  (SQL)
        .group_by(c.department)
    )
    with tickets.db.read() as s:
        return {str(department or ""): int(n) for department, n in s.execute(q)}
