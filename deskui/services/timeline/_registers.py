"""The registers' part of a unit's story: visitors, parcels, goods passes and renovations through their services
(services.registers: each reads its unit index, ix_visit_unit, ix_parcel_unit, ix_gate_pass_unit,
ix_renovation_unit, newest first up to settings.registers.list_limit), and the keys that open the unit (the key
inventory, matched by label or what the key opens, with their loans by tag: ix_key_loan_tag)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table, select

from deskui.core.i18n import t
from deskui.models import KeyItem, KeyLoan, KeyRetirement, KeyReturn
from deskui.services.registers import INSPECTION_RESULTS, NOTICE_VIA, PARCEL_KINDS, label
from deskui.services.timeline._rows import like_any, naming, one_line, utc
from deskui.services.timeline._types import TimelineEntry, TimelineQuery

if TYPE_CHECKING:
    from deskui.services import Services

KEY: Table = KeyItem.__table__  # type: ignore[attr-defined]
NEWER_KEY = KEY.alias("newer_key")
RETIRED: Table = KeyRetirement.__table__  # type: ignore[attr-defined]
LOAN: Table = KeyLoan.__table__  # type: ignore[attr-defined]
RETURN: Table = KeyReturn.__table__  # type: ignore[attr-defined]


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


def renovations(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """The unit's renovation permits (state as of now) and each dated inspection with its finding."""
    out: list[TimelineEntry] = []
    for r in services.renovations.history(unit=query.asked):
        if query.within(r.applied_at):
            summary = f"{r.company} · {one_line(r.work)}"
            out.append(TimelineEntry("renovation", r.id, r.number, r.unit, r.unit_key, r.applied_at, summary, r.state))
        if r.inspections:
            for i in services.renovations.inspections(r.number):
                if query.within(i.inspected_at):
                    summary = label(INSPECTION_RESULTS, i.result) + (f" · {one_line(i.finding)}" if i.finding else "")
                    entry = TimelineEntry(
                        "renovation", i.id, r.number, r.unit, r.unit_key, i.inspected_at, summary, i.result
                    )
                    out.append(entry if i.ticket_id is None else _with_ticket(entry, i.ticket_id))
    out.sort(key=lambda e: e.at, reverse=True)
    return out[: query.limit + 1]


def _with_ticket(entry: TimelineEntry, ticket_id: int) -> TimelineEntry:
    from dataclasses import replace

    return replace(entry, ticket_id=ticket_id)


def keys(services: Services, query: TimelineQuery) -> list[TimelineEntry]:
    """Keys the desk holds for the unit (their label or what they open names it), current entries only, and their
    loans: who had the key, from when, back or not."""
    matching = like_any([KEY.c.label, KEY.c.opens], query.key)
    if matching is None:
        return []
    q = (
        select(KEY.c.id, KEY.c.label, KEY.c.tag, KEY.c.opens, KEY.c.hook, KEY.c.added_at, RETIRED.c.id.label("gone"))
        .select_from(
            KEY.outerjoin(NEWER_KEY, NEWER_KEY.c.replaces_id == KEY.c.id).outerjoin(
                RETIRED, RETIRED.c.key_id == KEY.c.id
            )
        )
        .where(KEY.c.site_id == services.site_id, NEWER_KEY.c.id.is_(None), matching)
    )
    out: list[TimelineEntry] = []
    with services.db.read() as s:
        held = list(naming(s, q, KEY.c.id, lambda r: f"{r.label} {r.opens}", query))
        for k in held:
            at = utc(k.added_at)
            if query.within(at):
                summary = " · ".join(x for x in (k.label, one_line(k.opens), k.hook) if x)
                out.append(
                    TimelineEntry("key", k.id, k.label, "", query.key, at, summary, "retired" if k.gone else "held")
                )
        tags = {k.tag: k for k in held}
        if tags:
            loans = (
                select(LOAN.c.id, LOAN.c.tag, LOAN.c.borrower, LOAN.c.purpose, LOAN.c.lent_at, RETURN.c.returned_at)
                .select_from(LOAN.outerjoin(RETURN, RETURN.c.loan_id == LOAN.c.id))
                .where(LOAN.c.site_id == services.site_id, LOAN.c.tag.in_(list(tags)))
                .order_by(LOAN.c.id.desc())
                .limit(query.limit + 1)
            )
            for loan in s.execute(loans):
                at = utc(loan.lent_at)
                if query.within(at):
                    what = t("{key} lent to {name}", key=tags[loan.tag].label, name=loan.borrower)
                    summary = f"{what} · {one_line(loan.purpose)}" if loan.purpose else what
                    state = "returned" if loan.returned_at is not None else "out"
                    out.append(TimelineEntry("key", loan.id, f"#{loan.id}", "", query.key, at, summary, state))
    out.sort(key=lambda e: e.at, reverse=True)
    return out[: query.limit + 1]
