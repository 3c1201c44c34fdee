"""The overdue rule at its edge: a ticket due exactly now is not overdue yet; a microsecond later it is — the same answer
from the Overdue queue and its count, the supervisor's late tickets by department (services.today) and the
handover's overdue tickets (services.handover), which all ask it in SQL (services.tickets.overdue_condition), and
from the rule for one due time (services.tickets.past_due)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from deskui.core.clock import FrozenClock
from deskui.models import Ticket
from deskui.services.handover import _items as handover_items
from deskui.services.tickets import overdue_condition, past_due, running_state
from tests.unit.test_tickets_helpers import make_desk


def _answers(services: Any) -> dict[str, Any]:
    """Every place that asks who is overdue, as of the clock."""
    t = services.tickets
    now = t.clock.now()
    with t.db.read() as s:
        ctx = handover_items.GatherContext(s, t.site_id, t.settings, now, None, None, None)  # type: ignore[arg-type]
        handover = [i.ref_id for i in handover_items.overdue_tickets(ctx)]
        where = (Ticket.__table__.c.site_id == t.site_id, overdue_condition(now))  # type: ignore[attr-defined]
        condition = s.execute(select(func.count()).select_from(Ticket.__table__).where(*where)).scalar()
    return {
        "condition": condition,
        "help_late": t.summaries.open_of_kinds(("help",), 0, overdue_at=now)[0],
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
    assert past_due(x.due_at, clock.now()) is False
    assert _answers(services) == {
        "condition": 0,
        "help_late": 0,
        "queue": [],
        "count": 0,
        "late_departments": {},
        "handover": [],
    }
    clock.current = x.due_at + timedelta(microseconds=1)
    assert past_due(x.due_at, clock.now()) is True
    assert _answers(services) == {
        "condition": 1,
        "help_late": 1,
        "queue": [x.id],
        "count": 1,
        "late_departments": {"": 1},
        "handover": [x.id],
    }


def test_past_due_is_running_states_rule_for_one_due_time() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert not past_due(now, now) and running_state(0, 3600) != "overdue"
    assert past_due(now - timedelta(microseconds=1), now) and running_state(-1e-6, 3600) == "overdue"
    assert not past_due(None, now)  # nothing running: never overdue
