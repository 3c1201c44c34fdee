"""Where a unit's story comes from: one small function per source, each an indexed query with a limit.

A source takes the open Services and a TimelineQuery and returns TimelineEntry values, newest first, at most
`query.limit` of them (one more tells the service there is more). `SOURCES` lists them with the kinds each gives;
adding a source is one function and one line there. Renovations, patrol findings and the key inventory (issue 13,
migrations 0008-0010) are read by `_unit_table_source` once their tables exist in deskui.models: a table with
site_id, unit_key, unit_text, an id and a time column is one `TableSource(...)` line in `SOURCES`.

The indexes each query walks (tests/unit/test_timeline.py checks the plans on SQLite):
- calls: ix_call_site_unit_key (site_id, unit_key, id), backwards, current versions only;
- tickets: ix_ticket_unit (site_id, unit_key, is_open); their events by the unique (ticket_id, seq);
- the duty log: its (site_id, seq) key backwards, filtered by the room number's LIKE, then checked exactly
  (services.timeline._mentions); a line mentioning a unit in free text has no index to find it by;
- visits, parcels, passes: ix_visit_unit, ix_parcel_unit, ix_gate_pass_unit, through services.registers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, or_, select

from deskui.core.i18n import t
from deskui.models import Call, DutyLogEntry, Ticket, TicketEvent
from deskui.services.registers import NOTICE_VIA, PARCEL_KINDS, label
from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, EVENT_LABELS, KIND_LABELS
from deskui.services.timeline._mentions import like_patterns, mentions
from deskui.services.timeline._types import TimelineEntry, TimelineQuery

if TYPE_CHECKING:
    from deskui.services import Services

CALL: Table = Call.__table__  # type: ignore[attr-defined]
NEWER = CALL.alias("newer")
TICKET: Table = Ticket.__table__  # type: ignore[attr-defined]
EVENT: Table = TicketEvent.__table__  # type: ignore[attr-defined]
LOG: Table = DutyLogEntry.__table__  # type: ignore[attr-defined]
LOG_PAGE = 200  # duty-log rows read at a time while looking for mentions
SUMMARY_CHARS = 80

Source = Callable[["Services", TimelineQuery], list[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    """A source and the kinds it gives (a source none of whose kinds is asked for is not run)."""

    name: str
    kinds: tuple[str, ...]
    read: Source


def utc(value: str | datetime) -> datetime:
    """A stored time as aware UTC (SQLite text or a naive datetime is UTC; PostgreSQL's is aware)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_line(text: str, width: int = SUMMARY_CHARS) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _range(q: Any, column: Any, query: TimelineQuery) -> Any:
    if query.since is not None:
        q = q.where(column >= query.since)
    if query.until is not None:
        q = q.where(column < query.until)
    return q


def _category_label(services: Services, key: str) -> str:
    from deskui.core.i18n import get_language

    found = next((c for c in services.settings.categories if c.key == key), None)
    return found.label(get_language()) if found is not None else key


# --- the sources ----------------------------------------------------------------------------------------------


def calls(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """The unit's calls and visits, current versions (a corrected call shows as its correction)."""
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
        .where(CALL.c.site_id == services.site_id, CALL.c.unit_key == query.key, NEWER.c.id.is_(None))
    )
    q = _range(q, CALL.c.called_at, query).order_by(CALL.c.id.desc()).limit(query.limit + 1)
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


def tickets(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """The unit's tickets (opened; state = status now) and their history, callbacks as a kind of their own."""
    q = select(
        TICKET.c.id,
        TICKET.c.number,
        TICKET.c.kind,
        TICKET.c.status,
        TICKET.c.unit_text,
        TICKET.c.unit_key,
        TICKET.c.description,
        TICKET.c.created_at,
    ).where(TICKET.c.site_id == services.site_id, TICKET.c.unit_key == query.key)
    q = q.order_by(TICKET.c.id.desc()).limit(query.limit + 1)
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
            ev = _range(ev, EVENT.c.at, query).order_by(EVENT.c.id.desc()).limit(query.limit + 1)
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


def duty_log(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """Duty-log entries (and amendments) whose text names the unit in any spelling, newest first."""
    patterns = like_patterns(query.key)
    if not patterns:
        return []
    base = select(LOG.c.id, LOG.c.seq, LOG.c.kind, LOG.c.written_at, LOG.c.text, LOG.c.amends_id).where(
        LOG.c.site_id == services.site_id,
        LOG.c.kind.in_(("entry", "amendment")),
        or_(*(LOG.c.text.like(p, escape="\\") for p in patterns)),
    )
    base = _range(base, LOG.c.written_at, query)
    out: list[TimelineEntry] = []
    before: int | None = None
    with services.db.read() as s:
        while len(out) <= query.limit:
            page_q = base if before is None else base.where(LOG.c.seq < before)
            page = list(s.execute(page_q.order_by(LOG.c.seq.desc()).limit(LOG_PAGE)))
            for r in page:
                if mentions(r.text, query.key):
                    out.append(
                        TimelineEntry(
                            kind="log",
                            id=r.id,
                            number=f"#{r.seq}",
                            unit="",
                            unit_key=query.key,
                            at=utc(r.written_at),
                            summary=one_line(r.text),
                            state=r.kind,
                        )
                    )
            if len(page) < LOG_PAGE:
                break
            before = page[-1].seq
    return out[: query.limit + 1]


def visits(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    out = []
    for v in services.visitors.history(unit=query.asked):
        if query.within(v.entered_at):
            summary = f"{v.name} · {one_line(v.purpose)}"
            if v.plate:
                summary += f" · {v.plate}"
            out.append(TimelineEntry("visit", v.id, f"#{v.id}", v.unit, v.unit_key, v.entered_at, summary, v.state))
    return out[: query.limit + 1]


def parcels(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    out = []
    for p in services.parcels.history(unit=query.asked):
        if query.within(p.received_at):
            parts = [label(PARCEL_KINDS, p.kind), p.carrier, p.tracking, p.shelf]
            if p.picked_up_by:
                parts.append(t("picked up by {name}", name=p.picked_up_by))
            elif p.notified_via:
                parts.append(t("told by {via}", via=label(NOTICE_VIA, p.notified_via)))
            summary = " · ".join(x for x in parts if x)
            out.append(TimelineEntry("parcel", p.id, f"#{p.id}", p.unit, p.unit_key, p.received_at, summary, p.state))
    return out[: query.limit + 1]


def passes(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    out = []
    for p in services.passes.history(unit=query.asked):
        if query.within(p.issued_at):
            summary = f"{p.bearer} · {one_line(p.items)}"
            if p.vehicle:
                summary += f" · {p.vehicle}"
            out.append(TimelineEntry("pass", p.id, p.number, p.unit, p.unit_key, p.issued_at, summary, p.state))
    return out[: query.limit + 1]


SOURCES: list[TimelineSource] = [
    TimelineSource("calls", ("call",), calls),
    TimelineSource("tickets", ("ticket", "ticket_event", "callback"), tickets),
    TimelineSource("duty_log", ("log",), duty_log),
    TimelineSource("visits", ("visit",), visits),
    TimelineSource("parcels", ("parcel",), parcels),
    TimelineSource("passes", ("pass",), passes),
    # Renovations ("renovation"), patrol findings ("patrol") and the key inventory ("key"): added here when
    # their tables land (issue 13, migrations 0008-0010), one function each like those above.
]
