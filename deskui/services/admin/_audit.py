"""What `verify` checks besides the duty log's chain: tickets against their history, calls against their index.

- A ticket row is a projection of its append-only events (services.tickets, its replay): the row must equal the replay
  of its events, numbered 1..n, the last one the row's `last_event_id`. A row edited by hand (closed without a close
  event) or an event edited, added or deleted (the triggers dropped for it) shows as a difference.
- A call is written once with its folded search text and its character index (common.search): both are derived
  from the caller, unit, phone and content as typed, so a call edited afterwards no longer matches what was indexed
  when it was saved (unless the forger also rebuilt the folded text and the index rows).

Both read the whole site in pages; no write, no lock beyond the read transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Table, select, text
from sqlmodel import Session, SQLModel

import deskui.models  # noqa: F401 - registers the tables on SQLModel.metadata
from deskui.core.config import Settings
from deskui.core.i18n import t
from deskui.services.calls import search_fields
from deskui.services.common import search as idx
from deskui.services.tickets import EventRecord, replay, row_values

# The tables as SQLAlchemy Core sees them (SQLModel's classes do not declare `__table__` to a type checker).
_CALL: Table = SQLModel.metadata.tables["call"]
_TICKET: Table = SQLModel.metadata.tables["ticket"]
_TEVENT: Table = SQLModel.metadata.tables["ticketevent"]
PAGE = 500
MAX_FINDINGS = 100


@dataclass(frozen=True)
class Finding:
    reason: str  # ticket_differs | call_changed
    ref: int  # the ticket's or the call's id
    message: str


def _pages(s: Session, table: Table, site_id: int, *columns: str) -> Iterator[list[Row[Any]]]:
    """The site's rows in pages of PAGE, by id (only `columns`, when given, and the id)."""
    picked = [table.c.id, *(table.c[name] for name in columns)] if columns else [table]
    after = 0
    while True:
        rows = list(
            s.execute(
                select(*picked).where(table.c.site_id == site_id, table.c.id > after).order_by(table.c.id).limit(PAGE)
            )
        )
        if not rows:
            return
        yield rows
        after = rows[-1].id


def ticket_findings(s: Session, site_id: int, settings: Settings) -> tuple[int, list[Finding]]:
    """(tickets checked, the ones whose row is not the replay of their events)."""
    checked = 0
    found: list[Finding] = []
    for rows in _pages(s, _TICKET, site_id):
        ids = [r.id for r in rows]
        events: dict[int, list[Row[Any]]] = {}
        for ev in s.execute(
            select(_TEVENT).where(_TEVENT.c.ticket_id.in_(ids)).order_by(_TEVENT.c.ticket_id, _TEVENT.c.seq)
        ):
            events.setdefault(ev.ticket_id, []).append(ev)
        for row in rows:
            checked += 1
            history = events.get(row.id, [])
            why = _ticket_difference(row, history, settings)
            if why:
                found.append(
                    Finding(
                        "ticket_differs",
                        row.id,
                        t(
                            "Ticket {number} does not match its history ({why}): changed after it was written",
                            number=row.number,
                            why=why,
                        ),
                    )
                )
                if len(found) >= MAX_FINDINGS:
                    return checked, found
    return checked, found


def _ticket_difference(row: Row[Any], history: list[Row[Any]], settings: Settings) -> str:
    seqs = [ev.seq for ev in history]
    if seqs != list(range(1, len(seqs) + 1)):
        return t("its events are numbered {seqs}", seqs=", ".join(map(str, seqs)) or "-")
    if history[-1].id != row.last_event_id:
        return t("its last event is not the one the ticket names")
    try:
        records = [
            EventRecord(
                ev.seq,
                ev.kind,
                ev.at,
                ev.status,
                ev.operator_id,
                ev.operator_name,
                ev.note,
                json.loads(ev.data),
                ev.id,
                ev.ticket_id,
            )
            for ev in history
        ]
        expected = row_values(replay(records, settings))
    except Exception:  # an event no deskui wrote: the replay itself fails
        return t("its events cannot be replayed")
    differ = sorted(name for name, value in expected.items() if getattr(row, name) != value)
    return ", ".join(differ)


def call_findings(s: Session, site_id: int) -> tuple[int, list[Finding]]:
    """(calls checked, the ones whose fields no longer match their folded search text or their index entries)."""
    checked = 0
    found: list[Finding] = []
    # The index rows of every call at once, one string of characters per call (the index is keyed by character,
    # so reading it call by call would scan it once per page).
    concat = "group_concat(ch, '')" if s.get_bind().dialect.name == "sqlite" else "string_agg(ch, '')"
    chars: dict[int, set[str]] = {}
    for table in ("callchar", "callcharpending"):
        for call_id, joined in s.execute(
            text(f"SELECT call_id, {concat} FROM {table} WHERE site_id = :site GROUP BY call_id"), {"site": site_id}
        ):
            chars.setdefault(call_id, set()).update(joined or "")
    fields = ("caller", "unit_text", "phone", "content", "search_text", "operator_name")
    for rows in _pages(s, _CALL, site_id, *fields):
        for row in rows:
            checked += 1
            folded = idx.search_text(search_fields(row.caller, row.unit_text, row.phone, row.content))
            if folded == row.search_text and idx.index_chars(folded) == chars.get(row.id, set()):
                continue
            found.append(
                Finding(
                    "call_changed",
                    row.id,
                    t(
                        "Call #{id} ({name}) was changed after it was written: it no longer matches its search index",
                        id=row.id,
                        name=row.operator_name or "-",
                    ),
                )
            )
            if len(found) >= MAX_FINDINGS:
                return checked, found
    return checked, found


__all__ = ["Finding", "call_findings", "ticket_findings"]
