"""The overdue rule at its edge: a ticket due exactly now is not overdue yet; a microsecond later it is — the same answer
from the Overdue queue and its count, the supervisor's late tickets by department (services.today) and the
handover's overdue tickets (services.handover), which all ask it in SQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from deskui.core.clock import FrozenClock
from deskui.services.handover import _items as handover_items
from tests.unit.test_tickets_helpers import make_desk


def _answers(services: Any) -> dict[str, Any]:
    """Every place that asks who is overdue, as of the clock."""
    t = services.tickets
    now = t.clock.now()
    with t.db.read() as s:
        ctx = handover_items.GatherContext(s, t.site_id, t.settings, now, None, None, None)  # type: ignore[arg-type]
        handover = [i.ref_id for i in handover_items.overdue_tickets(ctx)]
    return {
        "queue": [x.id for x in t.queue("overdue").rows],
        "count": t.section_counts().overdue,
        "late_departments": dict(services.today.today_for("supervisor").line("late_departments").parts),
        "handover": handover,
    }


def test_due_exactly_now_is_not_overdue_and_a_microsecond_later_it_is(services: Any, clock: FrozenClock) -> None:
    d = make_desk(services)
    x = d.ticket("help", content="老人在电梯里摔倒", unit="5-1-302")  # a reply owed within 5 minutes
    assert x.due_at is not None
    clock.current = x.due_at
    assert _answers(services) == {"queue": [], "count": 0, "late_departments": {}, "handover": []}
    clock.current = x.due_at + timedelta(microseconds=1)
    assert _answers(services) == {"queue": [x.id], "count": 1, "late_departments": {"": 1}, "handover": [x.id]}
