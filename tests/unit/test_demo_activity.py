"""The demo's few days at the desk: every ticket state on show, a roster for today, and added only once."""

from __future__ import annotations

from deskui.services.admin import DEMO_CALLS, load_demo, load_demo_activity
from deskui.services.admin.verify import verify_log


def test_demo_activity_fills_every_queue_once(services) -> None:  # type: ignore[no-untyped-def]
    load_demo(services)
    assert load_demo_activity(services) == len(DEMO_CALLS)
    calls = services.calls.list(limit=100)
    assert len(calls) == len(DEMO_CALLS)
    assert any(c.shift == "night" for c in calls) and any(c.shift == "day" for c in calls)
    statuses = {t.status for t, _ in services.tickets.iter_all()}
    assert {"new", "dispatched", "in_progress", "done", "closed"} <= statuses
    on_duty = services.roster.on_duty(services.clock.now())
    assert on_duty.operators, "somebody is planned on the current shift"
    assert verify_log(services.dutylog).intact
    assert load_demo_activity(services) == 0, "a site with calls is left alone"
    assert len(services.calls.list(limit=100)) == len(DEMO_CALLS)
