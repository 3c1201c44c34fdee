"""The ticket queues (the Queues screen's sections), their counts and the text filter.

Every queue is one range of an index that ends in (due_at, id) — see models.tickets — read in that order with
keyset paging: page N costs what page 1 costs, whatever the number of tickets (bench/tickets.py checks it with
100,000 open and 1,000,000 closed). `due_at` is the nearest running target, stored on the row, so "Overdue" and
"Due soon" are ranges too. Recently closed is newest first by closed_at.

Counts: per status and department from `ticketcount` (kept in the same transaction as every ticket write), plus
one statement of index-only range counts for Overdue, Due soon, the operator's own tickets elsewhere and Recently
closed; nothing reads a table row. bench/tickets.py: all of them ≤ 50 ms with 100,000 open and 1,000,000 closed.

The text filter looks in number, unit, caller, phone and description, folded like the call search
(services.common.search); a term that is a whole unit ("1-1-101", "3栋2单元1201") means that unit, in any spelling, through
the unit index. Otherwise: with a rare character it walks that character's `ticketchar` entries and checks the queue's
conditions on each ticket, sorting the few matches; when every character of the term is common it walks the queue
in due order and checks the substring on each ticket instead, so it stops as soon as a page is full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, select, text, union_all
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.sql.elements import ColumnElement

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.services.calls import unit_key
from deskui.services.common import search as idx
from deskui.services.common.places import parse_unit
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import OperatorInfo
from deskui.services.tickets import _targets as tg
from deskui.services.tickets._checks import TicketChecks
from deskui.services.tickets._help import help_kind_key
from deskui.services.tickets._replay import OPEN_STATUSES
from deskui.services.tickets._rules import own_department
from deskui.services.tickets._store import COUNTS, TICKETS, TicketStore
from deskui.services.tickets._types import QUEUES, QueuePage, SectionCounts

_T = TICKETS

# A search character held by fewer tickets than this drives the query through the character index.
RARE_CHAR_TICKETS = 5_000


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """The overdue rule in SQL: an open ticket whose nearest running target (`due_at`, kept on the row) was due
    before `now`. Due exactly now is not overdue yet, as `_targets.past_due` and `running_state` say for one target.
    A range of the queue index (site_id, is_open, due_at, id), so a WHERE term, never a filter in Python: the Overdue
    queue and its count, today's late tickets by department and the handover's overdue tickets all ask it."""
    return and_(_T.c.is_open == True, _T.c.due_at < now)  # noqa: E712  (SQL)


class TicketQueues(ContextService):
    def __init__(self, ctx: DeskContext, *, store: TicketStore, checks: TicketChecks) -> None:
        super().__init__(ctx)
        self.store = store
        self.checks = checks

    # --- the conditions ------------------------------------------------------------------------------------------

    def _window(self, now: datetime) -> tuple[datetime, datetime, datetime]:
        """(overdue before, due soon before, recently closed since) as of `now`: the overdue rule is _targets'."""
        overdue, soon = tg.due_window(now, self.settings)
        closed_since = now - timedelta(days=self.settings.target("recently_closed_days"))
        return overdue, soon, closed_since

    def _conditions(
        self, queue: str, now: datetime, operator: OperatorInfo | None, department: str | None
    ) -> list[list[ColumnElement[bool]]]:
        """The queue as one or more index ranges (OR of AND-lists); each keeps the (due_at, id) order."""
        c = _T.c
        site = c.site_id == self.site_id
        is_open = c.is_open == True  # noqa: E712
        overdue, soon, _ = self._window(now)
        if queue == "new":
            return [[site, c.status == "new"]]
        if queue == "callback":
            return [[site, c.status == "done"]]
        if queue == "waiting":
            return [[site, c.status == "waiting"]]
        if queue == "open":
            return [[site, is_open]]
        if queue == "overdue":
            return [[site, overdue_condition(now)]]
        if queue == "due_soon":
            return [[site, is_open, c.due_at >= overdue, c.due_at < soon]]
        if queue == "department":
            if not department:
                raise ValidationError(t("Choose a department"), field="department")
            return [[site, is_open, c.department == self.checks.department(department)]]
        if queue == "mine":
            if operator is None:
                raise ValidationError(t("My queue needs a signed-in operator"), field="operator")
            ranges = [[site, c.assignee_id == operator.id, is_open]]
            own = own_department(operator)
            if own:
                ranges = [[site, is_open, c.department == own], [*ranges[0], c.department != own]]
            return ranges
        raise ValidationError(
            t("Unknown queue {name!r}; use one of: {names}", name=queue, names=", ".join(QUEUES)), field="queue"
        )

    # --- pages -----------------------------------------------------------------------------------------------------

    def page(
        self,
        queue: str,
        *,
        operator: OperatorInfo | None = None,
        department: str | None = None,
        text_filter: str | None = None,
        unit: str | None = None,
        after: tuple[datetime, int] | None = None,
        limit: int | None = None,
        help_kind: str | None = None,
    ) -> QueuePage:
        now = self.clock.now()
        n = max(1, min(limit or self.settings.calls.page_size, 10 * self.settings.calls.page_size))
        c = _T.c
        extra: list[ColumnElement[bool]] = []
        if unit and unit.strip():
            extra.append(c.unit_key == unit_key(unit.strip()))
        if help_kind and help_kind.strip():  # issue 14: help requests of one kind (003 4.1.1)
            extra += [c.kind == "help", c.help_kind == help_kind_key(help_kind)]
        term = idx.fold_term(text_filter) if text_filter and text_filter.strip() else None
        if text_filter and text_filter.strip() and term is None:
            return QueuePage(queue, (), None)
        if term is not None:
            term = term.strip()
            typed = (text_filter or "").strip()
            # Only a term that looks whole: "-1-10" (part of "7-1-101") parses too, but means a substring.
            whole = typed[:1].isalnum() and typed[-1:].isalnum()
            place = parse_unit(typed) if whole else None
            if place is not None:
                # A whole unit ("1-1-101", "3栋2单元1201"): that unit in any spelling, through its index. Its
                # characters are all common (digits, "-"), so as a substring it would scan the whole queue.
                extra.append(c.unit_key == place.key)
                term = None
        with self.db.read() as s:
            if queue == "closed":
                rows = self._closed_rows(s, now, extra, term, after, n)
                key = (lambda r: (r.closed_at, r.id)) if rows else None
            else:
                ranges = self._conditions(queue, now, operator, department)
                rows = self._open_rows(s, ranges, extra, term, after, n)
                key = (lambda r: (r.due_at, r.id)) if rows else None
            infos = self.store.infos(s, rows)
        next_after = key(rows[-1]) if key is not None and len(rows) == n else None
        return QueuePage(queue, tuple(infos), next_after)

    def _order(self, s: Any, names: tuple[str, ...], *, by_unit: bool) -> list[Any]:
        """ORDER BY columns. With a unit filter, SQLite (no statistics) would still walk the queue's (due_at, id)
        index to skip the sort, reading every open ticket; unary + (a no-op on any value in SQLite) takes that
        index out of the running, so the unit index finds the unit's few tickets and they are sorted."""
        if by_unit and self.db.backend == "sqlite":
            return [literal_column(f"+ticket.{name}") for name in names]
        return [_T.c[name] for name in names]

    def _chars_ok(self, s: Any, term: str) -> list[str] | None:
        """The term's rarest characters when the rarest is rare enough to drive the query, else None."""
        chars = sorted(idx.index_chars(term))
        if not chars:
            return None
        counts = {}
        for ch in chars:
            counts[ch] = int(
                s.execute(
                    text(
                        "SELECT count(*) FROM (SELECT 1 FROM ticketchar WHERE site_id = :site AND ch = :ch "
                        "LIMIT :cap) AS x"
                    ),
                    {"site": self.site_id, "ch": ch, "cap": RARE_CHAR_TICKETS},
                ).scalar()
                or 0
            )
        chosen = idx.order_by_rarity(chars, counts, self.settings.calls.search_max_chars)
        return chosen if counts[chosen[0]] < RARE_CHAR_TICKETS else None

    def _contains(self, s: Any, term: str) -> ColumnElement[bool]:
        fn = func.strpos if self.db.backend == "postgresql" else func.instr
        return fn(_T.c.search_text, term) > 0

    def _open_rows(
        self,
        s: Any,
        ranges: list[list[ColumnElement[bool]]],
        extra: list[ColumnElement[bool]],
        term: str | None,
        after: tuple[datetime, int] | None,
        n: int,
    ) -> list[Any]:
        c = _T.c
        keyset: list[ColumnElement[bool]] = []
        if after is not None:
            due, last_id = after
            keyset.append(or_(c.due_at > due, and_(c.due_at == due, c.id > last_id)))
        filters = list(extra)
        if term:
            chars = self._chars_ok(s, term)
            if chars is not None:
                return self._rare_rows(s, ranges, extra, term, chars, after, n)
            filters.append(self._contains(s, term))
        order = self._order(s, ("due_at", "id"), by_unit=bool(extra))
        parts = [select(_T).where(*r, *filters, *keyset).order_by(*order).limit(n) for r in ranges]
        if len(parts) == 1:
            return list(s.execute(parts[0]).all())
        u = union_all(*(p.subquery().select() for p in parts)).subquery()
        return list(s.execute(select(u).order_by(u.c.due_at, u.c.id).limit(n)).all())

    def _rare_rows(
        self,
        s: Any,
        ranges: list[list[ColumnElement[bool]]],
        extra: list[ColumnElement[bool]],
        term: str,
        chars: Sequence[str],
        after: tuple[datetime, int] | None,
        n: int,
    ) -> list[Any]:
        """Driven by the rarest character: its few tickets, checked against the queue and sorted.

        Written as SQL with CROSS JOIN because SQLite would otherwise walk the queue's (due_at, id) index to skip
        the sort and probe the character index for every open ticket; CROSS JOIN fixes the order on SQLite, and
        PostgreSQL plans it as an inner join. The queue's conditions are the same expressions, compiled in.
        """
        dialect = s.get_bind().dialect
        conditions = or_(*(and_(*r) for r in ranges))
        if extra:
            conditions = and_(conditions, *extra)
        if after is not None:
            due, last_id = after
            conditions = and_(conditions, or_(_T.c.due_at > due, and_(_T.c.due_at == due, _T.c.id > last_id)))
        # Named parameters (":name"), which text() below understands, whatever the driver's own style. Without
        # bind casts: psycopg's dialect renders ":site_id_1::INTEGER", which text() does not take for a parameter.
        named = type(dialect)(paramstyle="named")
        named.bind_typing = BindTyping.NONE
        compiled = conditions.compile(dialect=named)
        where_sql = str(compiled)
        params: dict[str, Any] = {}
        for name, bind in compiled.binds.items():
            value = bind.effective_value
            processor = bind.type._cached_bind_processor(dialect)
            params[name] = processor(value) if processor else value
        probes = "".join(
            f" AND EXISTS (SELECT 1 FROM ticketchar AS k{i} WHERE k{i}.site_id = :q_site AND k{i}.ch = :q_c{i}"
            f" AND k{i}.ticket_id = k0.ticket_id + 0)"
            for i in range(1, len(chars))
        )
        contains = "strpos" if dialect.name == "postgresql" else "instr"
        columns = ", ".join(f"ticket.{c.name}" for c in _T.c)
        sql = (
            f"SELECT {columns} FROM ticketchar AS k0 CROSS JOIN ticket "
            f"WHERE k0.site_id = :q_site AND k0.ch = :q_c0 AND ticket.id = k0.ticket_id + 0{probes} "
            f"AND ({where_sql}) AND {contains}(ticket.search_text, :q_term) > 0 "
            f"ORDER BY ticket.due_at, ticket.id LIMIT :q_limit"
        )
        params.update({"q_site": self.site_id, "q_term": term, "q_limit": n})
        params.update({f"q_c{i}": ch for i, ch in enumerate(chars)})
        stmt = text(sql).columns(*_T.c)
        return list(s.execute(stmt, params).all())

    def _closed_rows(
        self,
        s: Any,
        now: datetime,
        extra: list[ColumnElement[bool]],
        term: str | None,
        after: tuple[datetime, int] | None,
        n: int,
    ) -> list[Any]:
        c = _T.c
        _, _, since = self._window(now)
        q = select(_T).where(c.site_id == self.site_id, c.closed_at >= since, *extra)
        if after is not None:
            closed, last_id = after
            q = q.where(or_(c.closed_at < closed, and_(c.closed_at == closed, c.id < last_id)))
        if term:
            q = q.where(self._contains(s, term))
        order = [o.desc() for o in self._order(s, ("closed_at", "id"), by_unit=bool(extra))]
        return list(s.execute(q.order_by(*order).limit(n)).all())

    # --- counts ----------------------------------------------------------------------------------------------------

    def counts(self, *, operator: OperatorInfo | None = None) -> SectionCounts:
        """Every section's count: the per-(status, department) counts kept with every write (a few dozen rows),
        plus one statement of index-only range counts for what depends on the clock or the operator."""
        now = self.clock.now()
        overdue, soon, closed_since = self._window(now)
        c = _T.c
        n = COUNTS.c
        site = c.site_id == self.site_id
        is_open = c.is_open == True  # noqa: E712

        def count(*conds: ColumnElement[bool]) -> Any:
            return select(func.count()).select_from(_T).where(site, *conds).scalar_subquery()

        own = own_department(operator)
        mine: Any = literal_column("0")
        if operator is not None:
            elsewhere = [c.department != own] if own else []  # their department's tickets are counted below
            mine = count(c.assignee_id == operator.id, is_open, *elsewhere)
        q = select(
            mine.label("mine"),
            count(overdue_condition(now)).label("overdue"),
            count(is_open, c.due_at >= overdue, c.due_at < soon).label("due_soon"),
            count(c.closed_at >= closed_since).label("closed"),
        )
        with self.db.read() as s:
            groups = s.execute(select(n.status, n.department, n.n).where(n.site_id == self.site_id, n.n != 0)).all()
            row = s.execute(q).one()
        by_status: dict[str, int] = {}
        departments: dict[str, int] = {}
        for status, department, k in groups:
            by_status[status] = by_status.get(status, 0) + k
            if status in OPEN_STATUSES:
                departments[department] = departments.get(department, 0) + k
        own_open = departments.get(own, 0) if own else 0
        return SectionCounts(
            mine=int(row.mine) + own_open,
            new=by_status.get("new", 0),
            overdue=int(row.overdue),
            due_soon=int(row.due_soon),
            callback=by_status.get("done", 0),
            waiting=by_status.get("waiting", 0),
            open=sum(departments.values()),
            closed=int(row.closed),
            by_department=departments,
        )
