"""The few ticket questions the queues do not ask, each a count and the first rows: callbacks due before a moment,
open tickets of some kinds, visits booked in a period, and the Overdue queue split by department. The home screen's
today (services.today) asks them through `TicketService.summaries`.

Each reads the same indexed columns the queues read (models.tickets), and its rows become TicketInfo (with their
targets) through the store, as the queues' do, so a line and the queue it opens agree on every ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from deskui.services.context import ContextService, DeskContext
from deskui.services.tickets._queues import overdue_condition
from deskui.services.tickets._store import TICKETS, TicketStore
from deskui.services.tickets._types import TicketInfo

_T = TICKETS
_OPEN = _T.c.is_open == True  # noqa: E712  (SQL)


class TicketSummaries(ContextService):
    """Counts and first rows for the home screen's today; each question states the tickets' openness itself (`_OPEN`,
    or `overdue_condition`, which holds it)."""

    def __init__(self, ctx: DeskContext, *, store: TicketStore) -> None:
        super().__init__(ctx)
        self.store = store

    def _count_and_first(
        self, conditions: Sequence[Any], order: Sequence[Any], limit: int
    ) -> tuple[int, list[TicketInfo]]:
        c = _T.c
        where = [c.site_id == self.site_id, *conditions]
        with self.db.read() as s:
            count = int(s.execute(select(func.count()).select_from(_T).where(*where)).scalar() or 0)
            rows = (
                list(s.execute(select(_T).where(*where).order_by(*order, c.id).limit(limit))) if count and limit else []
            )
            return count, self.store.infos(s, rows)

    def callbacks_due(self, before: datetime, limit: int) -> tuple[int, list[TicketInfo]]:
        """Done tickets waiting for their callback (the Awaiting callback queue) whose callback is due before `before`,
        the earliest due first."""
        c = _T.c
        conditions = [_OPEN, c.status == "done", c.callback_due_at.is_not(None), c.callback_due_at < before]
        return self._count_and_first(conditions, [c.callback_due_at], limit)

    def open_of_kinds(
        self, kinds: Sequence[str], limit: int, *, overdue_at: datetime | None = None
    ) -> tuple[int, list[TicketInfo]]:
        """Open tickets of `kinds` (only those overdue as of `overdue_at`, if given), nearest due first."""
        is_open = _OPEN if overdue_at is None else overdue_condition(overdue_at)
        conditions = [is_open, _T.c.kind.in_(list(kinds))]
        return self._count_and_first(conditions, [_T.c.due_at], limit)

    def booked_between(self, start: datetime, end: datetime, limit: int) -> tuple[int, list[TicketInfo]]:
        """Open tickets with a visit booked with the resident in [start, end), the earliest visit first."""
        c = _T.c
        conditions = [_OPEN, c.appointment_at.is_not(None), c.appointment_at >= start, c.appointment_at < end]
        return self._count_and_first(conditions, [c.appointment_at], limit)

    def overdue_by_department(self, now: datetime) -> dict[str, int]:
        """The Overdue queue's tickets (`overdue_condition` as of `now`) counted per department ("" = not
        dispatched yet)."""
        c = _T.c
        q = select(c.department, func.count()).where(c.site_id == self.site_id, overdue_condition(now))
        with self.db.read() as s:
            return {str(department or ""): int(n) for department, n in s.execute(q.group_by(c.department))}
