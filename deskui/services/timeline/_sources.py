"""Where a unit's story comes from: one small function per source, each an indexed query with a limit.

A source takes the open Services and a TimelineQuery and returns TimelineEntry values, newest first, at most
`query.limit` and one more (which tells the service there is more). `SOURCES` lists them with the kinds each gives:
adding a source is one function and one line there. This module reads the call log, tickets, the duty log and
patrol findings; `_registers` the registers (visitors, parcels, passes, renovations, keys).

The indexes each query walks (tests/unit/test_timeline.py checks the plans on SQLite):
- calls: ix_call_site_unit_key (site_id, unit_key, id), backwards, current versions only;
- tickets: ix_ticket_unit (site_id, unit_key, is_open); their events by the unique (ticket_id, seq);
- the duty log, patrol findings: their (site_id, seq) / primary key backwards, filtered by the room number's LIKE
  and checked exactly (services.timeline._mentions), a page at a time until the limit: a unit named in free text
  has no index to find it by.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, Table, func, select

from deskui.core.i18n import t
from deskui.models import Call, DutyLogEntry, PatrolCheck, PatrolTicket, Ticket, TicketEvent
from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, EVENT_LABELS, KIND_LABELS
from deskui.services.timeline._registers import keys, parcels, passes, renovations, visits
from deskui.services.timeline._rows import TimelineSource, in_range, like_any, naming, one_line, utc
from deskui.services.timeline._types import TimelineEntry, TimelineQuery

if TYPE_CHECKING:
    from deskui.services import Services

CALL: Table = Call.__table__  # type: ignore[attr-defined]
NEWER = CALL.alias("newer")
TICKET: Table = Ticket.__table__  # type: ignore[attr-defined]
EVENT: Table = TicketEvent.__table__  # type: ignore[attr-defined]
LOG: Table = DutyLogEntry.__table__  # type: ignore[attr-defined]
CHECK: Table = PatrolCheck.__table__  # type: ignore[attr-defined]
LINK: Table = PatrolTicket.__table__  # type: ignore[attr-defined]


def _category_label(services: Services, key: str) -> str:
    from deskui.core.i18n import get_language

    found = next((c for c in services.settings.categories if c.key == key), None)
    return found.label(get_language()) if found is not None else key


def calls_statement(site_id: int, query: TimelineQuery) -> Select[Any]:
    """The unit's current calls, newest first (by id: the order they were logged), off ix_call_site_unit_key."""
    q = (
        select(
            CALL.c.id,
            CALL.c.called_at,
            CALL.c.unit_text,
            CALL.c.unit_key,
            CALL.c.caller,
            CALL.c.category,
            CALL.c.content,
            CALL.c.urgent,
            CALL.c.amends_id,
        )
        .select_from(CALL.outerjoin(NEWER, NEWER.c.amends_id == CALL.c.id))
        .where(CALL.c.site_id == site_id, CALL.c.unit_key == query.key, NEWER.c.id.is_(None))
    )
    # The time range as a function of the column, not the column: SQLite would otherwise walk ix_call_site_time
    # over every call of the site in the range and sort them (a month of a busy desk) rather than the unit's few.
    called_at = func.coalesce(CALL.c.called_at, CALL.c.called_at)
    return in_range(q, called_at, query).order_by(CALL.c.id.desc()).limit(query.limit + 1)


def calls(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """The unit's calls and visits, current versions (a corrected call shows as its correction)."""
    q = calls_statement(services.site_id, query)
    out = []
    with services.db.read() as s:
        for r in s.execute(q):
            caller = f"{r.caller}: " if r.caller else ""
            out.append(
                TimelineEntry(
                    kind="call",
                    id=r.id,
                    number=f"#{r.id}",
                    unit=r.unit_text,
                    unit_key=r.unit_key,
                    at=utc(r.called_at),
                    summary=f"{_category_label(services, r.category)} · {caller}{one_line(r.content)}",
                    state="urgent" if r.urgent else ("corrected" if r.amends_id else "logged"),
                    call_id=r.id,
                )
            )
    return out


def tickets_statement(site_id: int, query: TimelineQuery) -> Select[Any]:
    """The unit's tickets, newest first, off ix_ticket_unit."""
    q = select(
        TICKET.c.id,
        TICKET.c.number,
        TICKET.c.kind,
        TICKET.c.status,
        TICKET.c.unit_text,
        TICKET.c.unit_key,
        TICKET.c.description,
        TICKET.c.created_at,
    ).where(TICKET.c.site_id == site_id, TICKET.c.unit_key == query.key)
    return q.order_by(TICKET.c.id.desc()).limit(query.limit + 1)


def tickets(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """The unit's tickets (opened; state = status now) and their history, callbacks as a kind of their own."""
    q = tickets_statement(services.site_id, query)
    out: list[TimelineEntry] = []
    with services.db.read() as s:
        rows = list(s.execute(q))
        by_id = {r.id: r for r in rows}
        if query.wants("ticket"):
            for r in rows:
                at = utc(r.created_at)
                if query.within(at):
                    out.append(
                        TimelineEntry(
                            kind="ticket",
                            id=r.id,
                            number=r.number,
                            unit=r.unit_text,
                            unit_key=r.unit_key,
                            at=at,
                            summary=f"{t(KIND_LABELS.get(r.kind, r.kind))} · {one_line(r.description)}",
                            state=r.status,
                            ticket_id=r.id,
                        )
                    )
        if by_id and query.wants("ticket_event", "callback"):
            kinds = [k for k in EVENT_LABELS if k != "created"]
            if not query.wants("ticket_event"):
                kinds = ["callback"]
            elif not query.wants("callback"):
                kinds.remove("callback")
            ev = select(
                EVENT.c.id, EVENT.c.ticket_id, EVENT.c.kind, EVENT.c.at, EVENT.c.status, EVENT.c.note, EVENT.c.data
            ).where(EVENT.c.ticket_id.in_(list(by_id)), EVENT.c.kind.in_(kinds))
            ev = in_range(ev, EVENT.c.at, query).order_by(EVENT.c.id.desc()).limit(query.limit + 1)
            for e in s.execute(ev):
                ticket = by_id[e.ticket_id]
                out.append(_event_entry(e, ticket))
    return out


def _event_entry(e: Any, ticket: Any) -> TimelineEntry:
    what = t(EVENT_LABELS.get(e.kind, e.kind))
    state = e.status
    if e.kind == "callback":
        data = json.loads(e.data or "{}")
        outcome = str(data.get("outcome", ""))
        state = outcome or state
        what = f"{what}: {t(CALLBACK_OUTCOME_LABELS.get(outcome, outcome))}"
        if data.get("satisfaction"):
            what += f" ({data['satisfaction']}/5)"
    note = one_line(e.note)
    return TimelineEntry(
        kind="callback" if e.kind == "callback" else "ticket_event",
        id=e.id,
        number=ticket.number,
        unit=ticket.unit_text,
        unit_key=ticket.unit_key,
        at=utc(e.at),
        summary=f"{what} · {note}" if note else what,
        state=state,
        ticket_id=ticket.id,
    )


def _point_label(services: Services, key: str) -> str:
    from deskui.core.i18n import get_language

    points = (p for route in services.settings.patrols.routes for p in route.checkpoints)
    found = next((p for p in points if p.key == key), None)
    return found.label(get_language()) if found is not None else key


def duty_log(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """Duty-log entries (and amendments) whose text names the unit in any spelling, newest first."""
    matching = like_any([LOG.c.text], query.key)
    if matching is None:
        return []
    q = select(LOG.c.id, LOG.c.seq, LOG.c.kind, LOG.c.written_at, LOG.c.text).where(
        LOG.c.site_id == services.site_id, LOG.c.kind.in_(("entry", "amendment")), matching
    )
    with services.db.read() as s:
        return [
            TimelineEntry("log", r.id, f"#{r.seq}", "", query.key, utc(r.written_at), one_line(r.text), r.kind)
            for r in naming(s, in_range(q, LOG.c.written_at, query), LOG.c.seq, lambda r: str(r.text), query)
        ]


def patrol_findings(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """Abnormal patrol findings whose note names the unit (a checkpoint is a public place; the note says more)."""
    matching = like_any([CHECK.c.note], query.key)
    if matching is None:
        return []
    q = select(CHECK.c.id, CHECK.c.point_key, CHECK.c.note, CHECK.c.checked_at, LINK.c.ticket_id).select_from(
        CHECK.outerjoin(LINK, LINK.c.check_id == CHECK.c.id)
    )
    q = q.where(CHECK.c.site_id == services.site_id, CHECK.c.ok.is_(False), matching)
    with services.db.read() as s:
        rows = naming(s, in_range(q, CHECK.c.checked_at, query), CHECK.c.id, lambda r: str(r.note), query)
        return [
            TimelineEntry(
                "patrol",
                r.id,
                f"#{r.id}",
                "",
                query.key,
                utc(r.checked_at),
                f"{_point_label(services, r.point_key)} · {one_line(r.note)}",
                "ticket" if r.ticket_id else "abnormal",
                ticket_id=r.ticket_id,
            )
            for r in rows
        ]


SOURCES: list[TimelineSource] = [
    TimelineSource("calls", ("call",), calls),
    TimelineSource("tickets", ("ticket", "ticket_event", "callback"), tickets),
    TimelineSource("duty_log", ("log",), duty_log),
    TimelineSource("visits", ("visit",), visits),
    TimelineSource("parcels", ("parcel",), parcels),
    TimelineSource("passes", ("pass",), passes),
    TimelineSource("renovations", ("renovation",), renovations),
    TimelineSource("patrols", ("patrol",), patrol_findings),
    TimelineSource("keys", ("key",), keys),
]
