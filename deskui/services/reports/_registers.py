"""The monthly report's registers section (issue 13): what the desk's registers counted in the month.

Visitors signed in; parcels received, picked up, and still waiting at the month's end (or now, in the current
month); goods-release passes issued, used and voided; patrol rounds done and missed (the schedule's rounds with no
round within the grace, services.registers.PatrolRegister.missed); renovations opened and closed; key loans. One
small count per figure, each over an indexed time column, inside the report's read transaction. A building's report
counts the records whose unit is in that building; patrols and key loans belong to no building and are left out of
it. A register whose tables this database does not have (an older schema opened without migrating) is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, inspect, not_, select
from sqlmodel import Session

from deskui.models import (
    GatePass,
    GatePassUse,
    GatePassVoid,
    KeyLoan,
    Parcel,
    ParcelPickup,
    PatrolEnd,
    PatrolRound,
    Renovation,
    RenovationClose,
    Visit,
)
from deskui.services.reports._figures import Count

_VISIT = Visit.__table__  # type: ignore[attr-defined]
_PARCEL = Parcel.__table__  # type: ignore[attr-defined]
_PICKUP = ParcelPickup.__table__  # type: ignore[attr-defined]
_PASS = GatePass.__table__  # type: ignore[attr-defined]
_USE = GatePassUse.__table__  # type: ignore[attr-defined]
_VOID = GatePassVoid.__table__  # type: ignore[attr-defined]
_ROUND = PatrolRound.__table__  # type: ignore[attr-defined]
_END = PatrolEnd.__table__  # type: ignore[attr-defined]
_RENOVATION = Renovation.__table__  # type: ignore[attr-defined]
_CLOSE = RenovationClose.__table__  # type: ignore[attr-defined]
_LOAN = KeyLoan.__table__  # type: ignore[attr-defined]

# Each figure: its key (JSON, stable English) and the tables it reads.
FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("visitors", ("visit",)),
    ("parcels_received", ("parcel",)),
    ("parcels_picked_up", ("parcel", "parcel_pickup")),
    ("parcels_waiting", ("parcel", "parcel_pickup")),
    ("passes_issued", ("gate_pass",)),
    ("passes_used", ("gate_pass", "gate_pass_use")),
    ("passes_voided", ("gate_pass", "gate_pass_void")),
    ("patrol_rounds_done", ("patrol_round", "patrol_end")),
    ("patrol_rounds_missed", ("patrol_round",)),
    ("renovations_opened", ("renovation",)),
    ("renovations_closed", ("renovation", "renovation_close")),
    ("key_loans", ("key_loan",)),
)
SITE_WIDE = frozenset({"patrol_rounds_done", "patrol_rounds_missed", "key_loans"})


def register_counts(
    s: Session,
    site_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    building: str | None,
    missed_rounds: Callable[[datetime, datetime], int] | None,
) -> tuple[Count, ...]:
    """The month's register figures, in FIGURES' order (those this database or this report cannot count left out).
    `missed_rounds(since, until)` counts the patrol schedule's missed rounds (None: no patrol register)."""
    tables = set(inspect(s.connection()).get_table_names())
    until = min(end, now)

    def in_building(unit_key: Any) -> Any:
        return and_(unit_key >= f"{building}-", unit_key < f"{building}.") if building else True

    def month(column: Any) -> Any:
        return and_(column >= start, column < end)

    def count(q: Any) -> int:
        return int(s.execute(q).scalar_one())

    n = func.count()
    queries: dict[str, Callable[[], int]] = {
        "visitors": lambda: count(
            select(n).where(_VISIT.c.site_id == site_id, month(_VISIT.c.entered_at), in_building(_VISIT.c.unit_key))
        ),
        "parcels_received": lambda: count(
            select(n).where(_PARCEL.c.site_id == site_id, month(_PARCEL.c.received_at), in_building(_PARCEL.c.unit_key))
        ),
        "parcels_picked_up": lambda: count(
            select(n)
            .select_from(_PICKUP.join(_PARCEL, _PARCEL.c.id == _PICKUP.c.parcel_id))
            .where(_PICKUP.c.site_id == site_id, month(_PICKUP.c.picked_up_at), in_building(_PARCEL.c.unit_key))
        ),
        "parcels_waiting": lambda: count(
            select(n).where(
                _PARCEL.c.site_id == site_id,
                _PARCEL.c.received_at < until,
                in_building(_PARCEL.c.unit_key),
                not_(
                    select(_PICKUP.c.id)
                    .where(_PICKUP.c.parcel_id == _PARCEL.c.id, _PICKUP.c.picked_up_at < until)
                    .exists()
                ),
            )
        ),
        "passes_issued": lambda: count(
            select(n).where(_PASS.c.site_id == site_id, month(_PASS.c.issued_at), in_building(_PASS.c.unit_key))
        ),
        "passes_used": lambda: count(
            select(n)
            .select_from(_USE.join(_PASS, _PASS.c.id == _USE.c.pass_id))
            .where(_USE.c.site_id == site_id, month(_USE.c.used_at), in_building(_PASS.c.unit_key))
        ),
        "passes_voided": lambda: count(
            select(n)
            .select_from(_VOID.join(_PASS, _PASS.c.id == _VOID.c.pass_id))
            .where(_VOID.c.site_id == site_id, month(_VOID.c.voided_at), in_building(_PASS.c.unit_key))
        ),
        "patrol_rounds_done": lambda: count(
            select(n)
            .select_from(_ROUND.join(_END, _END.c.round_id == _ROUND.c.id))
            .where(_ROUND.c.site_id == site_id, month(_ROUND.c.started_at))
        ),
        "patrol_rounds_missed": lambda: missed_rounds(start, until) if missed_rounds and until > start else 0,
        "renovations_opened": lambda: count(
            select(n).where(
                _RENOVATION.c.site_id == site_id,
                month(_RENOVATION.c.applied_at),
                in_building(_RENOVATION.c.unit_key),
            )
        ),
        "renovations_closed": lambda: count(
            select(n)
            .select_from(_CLOSE.join(_RENOVATION, _RENOVATION.c.id == _CLOSE.c.renovation_id))
            .where(_CLOSE.c.site_id == site_id, month(_CLOSE.c.closed_at), in_building(_RENOVATION.c.unit_key))
        ),
        "key_loans": lambda: count(select(n).where(_LOAN.c.site_id == site_id, month(_LOAN.c.lent_at))),
    }
    out = []
    for key, needs in FIGURES:
        if not tables.issuperset(needs) or (building and key in SITE_WIDE):
            continue
        if key == "patrol_rounds_missed" and missed_rounds is None:
            continue
        out.append(Count(key, queries[key]()))
    return tuple(out)
