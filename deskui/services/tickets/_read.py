"""Reading tickets: one ticket with its events and calls, the tickets of a call, what changed since a marker, every
ticket for an export, the urgent ones nobody took, and the open ones a new call's duplicate warning names."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from deskui.core.errors import NotFound
from deskui.core.i18n import t
from deskui.services.calls import CallService, OpenMatter
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import OperatorInfo
from deskui.services.tickets._help import checklist, next_step
from deskui.services.tickets._replay import EventRecord, TicketState, replay
from deskui.services.tickets._rules import allowed_actions
from deskui.services.tickets._store import CALLS, EVENTS, IS_OPEN, LINKS, TICKETS, TicketStore, aware, record
from deskui.services.tickets._types import CATEGORY_KINDS, EventInfo, TicketDetail, TicketInfo, UrgentTicket

_T, _E, _L = TICKETS, EVENTS, LINKS


def event_info(e: EventRecord, number: str) -> EventInfo:
    assert e.id is not None and e.ticket_id is not None
    return EventInfo(
        e.id, e.ticket_id, number, e.seq, e.kind, e.at, e.operator_id, e.operator_name, e.status, e.note, e.data
    )


class TicketReader(ContextService):
    def __init__(self, ctx: DeskContext, *, store: TicketStore, calls: CallService) -> None:
        super().__init__(ctx)
        self.store = store
        self.calls = calls

    # --- one ticket -------------------------------------------------------------------------------------------

    def get(self, ref: str | int) -> TicketInfo:
        with self.db.read() as s:
            row = self.store.row(s, ref)
            return self.store.info(row, self.store.events(s, row.id))

    def state(self, ref: str | int) -> TicketState:
        with self.db.read() as s:
            row = self.store.row(s, ref)
            return replay(self.store.events(s, row.id), self.settings)

    def events(self, ref: str | int) -> list[EventInfo]:
        with self.db.read() as s:
            row = self.store.row(s, ref)
            return [event_info(e, row.number) for e in self.store.events(s, row.id)]

    def latest_events(self, ticket_id: int, n: int) -> list[EventInfo]:
        with self.db.read() as s:
            number = s.execute(select(_T.c.number).where(_T.c.id == ticket_id, _T.c.site_id == self.site_id)).scalar()
            if number is None:
                raise NotFound(t("No ticket {number}", number=f"#{ticket_id}"))
            rows = s.execute(select(_E).where(_E.c.ticket_id == ticket_id).order_by(_E.c.seq.desc()).limit(max(1, n)))
            return [event_info(record(r), number) for r in rows]

    def detail(self, ref: str | int, *, operator: OperatorInfo | None) -> TicketDetail:
        store = self.store
        with self.db.read() as s:
            row = store.row(s, ref)
            own = store.events(s, row.id)
            info = store.info(row, own)
            merged = s.execute(
                select(_T.c.id, _T.c.number).where(_T.c.site_id == self.site_id, _T.c.merged_into_id == row.id)
            ).all()
            events = [event_info(e, row.number) for e in own]
            for m in merged:
                events += [event_info(e, m.number) for e in store.events(s, m.id)]
            events.sort(key=lambda e: (e.at, e.id))
            call_ids = s.execute(select(_L.c.call_id).where(_L.c.ticket_id == row.id).order_by(_L.c.call_id)).scalars()
            ids = list(call_ids)
            into = None
            if row.merged_into_id is not None:
                into = s.execute(select(_T.c.number).where(_T.c.id == row.merged_into_id)).scalar()
        calls = tuple(self.calls.current(cid) for cid in ids)
        steps = checklist(self.settings, info.help_kind, own) if info.kind == "help" else ()
        allowed = allowed_actions(info, operator)
        if next_step(steps) is None:  # issue 14: the step key only while the checklist has a step to tick
            allowed -= {"step"}
        return TicketDetail(
            ticket=info,
            targets=info.targets,
            calls=calls,
            events=tuple(events),
            merged_from=tuple(m.number for m in merged),
            merged_into=into,
            allowed=allowed,
            checklist=steps,
        )

    def numbered(self, fragment: str, limit: int) -> list[TicketInfo]:
        """The tickets whose number holds `fragment` ("QZ-20261203", "20261203-0001", as read off a slip), newest
        first: the palette's lookup."""
        fragment = fragment.strip().upper()
        if not fragment:
            return []
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.db.read() as s:
            rows = s.execute(
                select(_T)
                .where(_T.c.site_id == self.site_id, _T.c.number.like(f"%{escaped}%", escape="\\"))
                .order_by(_T.c.id.desc())
                .limit(max(1, limit))
            ).all()
            return self.store.infos(s, rows)

    def worker_jobs(self, worker_id: int) -> list[TicketInfo]:
        """The open tickets of one worker, nearest due first (the index ix_ticket_worker_due)."""
        with self.db.read() as s:
            rows = s.execute(
                select(_T)
                .where(_T.c.site_id == self.site_id, _T.c.worker_id == worker_id, IS_OPEN)
                .order_by(_T.c.due_at, _T.c.id)
            ).all()
            return self.store.infos(s, rows)

    def worker_job_counts(self) -> dict[int, int]:
        """worker id → how many open tickets name them (workers with none are absent)."""
        with self.db.read() as s:
            rows = s.execute(
                select(_T.c.worker_id, func.count())
                .where(_T.c.site_id == self.site_id, _T.c.worker_id.is_not(None), IS_OPEN)
                .group_by(_T.c.worker_id)
            ).all()
        return {int(r[0]): int(r[1]) for r in rows}

    def call_ids(self, ref: str | int) -> list[int]:
        with self.db.read() as s:
            row = self.store.row(s, ref)
            return list(
                s.execute(select(_L.c.call_id).where(_L.c.ticket_id == row.id).order_by(_L.c.call_id)).scalars()
            )

    # --- many tickets -----------------------------------------------------------------------------------------

    def calls_of(self, ticket_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {i: [] for i in ticket_ids}
        if ticket_ids:
            with self.db.read() as s:
                q = select(_L.c.ticket_id, _L.c.call_id).where(_L.c.ticket_id.in_(list(ticket_ids)))
                for r in s.execute(q.order_by(_L.c.ticket_id, _L.c.call_id)):
                    out[r.ticket_id].append(r.call_id)
        return out

    def tickets_of_call(self, call_id: int) -> list[TicketInfo]:
        root = self.calls.get(call_id).root_id
        with self.db.read() as s:
            rows = s.execute(
                select(_T)
                .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
                .where(_L.c.site_id == self.site_id, _L.c.call_id == root)
                .order_by(_T.c.id)
            ).all()
            return self.store.infos(s, rows)

    def last_change_marker(self) -> int:
        with self.db.read() as s:
            return int(s.execute(select(func.max(_E.c.id)).where(_E.c.site_id == self.site_id)).scalar() or 0)

    def changes_since(self, marker: int, *, limit: int) -> tuple[int, frozenset[int]]:
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

    def iter_all(self, *, batch: int) -> Iterator[tuple[TicketInfo, list[int]]]:
        after = 0
        while True:
            with self.db.read() as s:
                rows = s.execute(
                    select(_T).where(_T.c.site_id == self.site_id, _T.c.id > after).order_by(_T.c.id).limit(batch)
                ).all()
                infos = self.store.infos(s, rows)
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

    def urgent_untaken(self, categories: Sequence[str], *, limit: int) -> list[UrgentTicket]:
        """Open, still-new tickets whose call is urgent now (flagged, or of one of `categories`), oldest first."""
        call = CALLS
        newer = call.alias("newer")
        urgent = call.c.urgent == True  # noqa: E712  (SQL)
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
        return [UrgentTicket(r.id, r.number, r.kind, r.unit_text, r.description, aware(r.created_at)) for r in rows]

    def open_ticket_matters(
        self, s: Session, site_id: int, key: str, category: str, now: datetime, exclude: frozenset[int]
    ) -> list[OpenMatter]:
        """The unit's open tickets of the kind a call of `category` opens, for the call form's duplicate warning."""
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
