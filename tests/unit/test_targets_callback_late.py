"""Issue 10 defect 6: a callback made after its due time is late, by how much, in the ticket, the CLI and the report.

One rule (services.targets): a target met after its due time is "late", never "met"; the report's on-time count
uses the same comparison. The clock is frozen, so "10 hours 5 minutes late" is exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.i18n import get_language, set_language
from deskui.services.calls import CallInput
from deskui.services.reports import ReportService
from deskui.services.tickets import _targets as tg
from tests.unit.test_targets import History, at

LATE = 10 * 3600 + 5 * 60


def test_a_callback_after_its_due_time_is_late_by_how_much(settings) -> None:  # type: ignore[no-untyped-def]
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    h.add("status", at("2026-11-23 15:00"), "done", to="done")  # callback due 11-25 15:00
    h.add("callback", at("2026-11-26 01:05"), outcome="reached", satisfaction=4)
    x = h.targets(settings, at("2026-11-27 09:00"))["callback"]
    assert (x.state, x.met_at, x.seconds_left) == ("late", at("2026-11-26 01:05"), -LATE)
    assert tg.verdict(x) == "late"
    from deskui.widgets.ticket_text import STATE_MARKS, phrase

    assert phrase(x) == tg.describe(x) and STATE_MARKS["late"] != STATE_MARKS["met"]  # the ticket screen says so
    before = get_language()
    try:
        set_language("en")
        assert tg.describe(x) == "late by 10h 5m"
        set_language("zh-CN")
        assert tg.describe(x) == "迟了 10小时5分"
    finally:
        set_language(before)
    on_time = History("repair", at("2026-11-23 10:00"), repair_type="other")
    on_time.add("status", at("2026-11-23 15:00"), "done", to="done")
    on_time.add("callback", at("2026-11-25 15:00"), outcome="reached", satisfaction=5)  # exactly at the due time
    y = on_time.targets(settings, at("2026-11-27 09:00"))["callback"]
    assert (y.state, tg.verdict(y)) == ("met", "on_time")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai


@pytest.mark.parametrize(
    ("after_due", "verdict"),
    [(-3600, "on_time"), (0, "on_time"), (1, "late"), (60, "late"), (LATE, "late")],
)
def test_ticket_and_report_agree_around_the_due_time(
    services, clock: FrozenClock, after_due: int, verdict: str
) -> None:  # type: ignore[no-untyped-def]
    """The ticket's target and the report's count are one answer, at the due time and a second after it."""
    call = services.calls.record(CallInput(content="门锁坏了", category="repair", unit="3-2-1201", phone="110"))
    x = services.tickets.open_from_call(call.id)
    x = services.tickets.dispatch(x.number, x.version, "maintenance")
    x = services.tickets.mark_done(x.number, x.version)
    assert x.callback_due_at is not None
    clock.current = x.callback_due_at + timedelta(seconds=after_due)
    x = services.tickets.callback(x.number, x.version, "reached", satisfaction=5)
    clock.advance(days=1)
    target = next(g for g in services.tickets.detail(x.number).targets if g.name == "callback")
    assert tg.verdict(target) == verdict and target.state == ("met" if verdict == "on_time" else "late")
    callbacks = ReportService.of(services).monthly("2026-11").callbacks
    assert (callbacks.done, callbacks.on_time, callbacks.late) == (1, int(verdict == "on_time"), int(verdict == "late"))


def test_ticket_and_report_give_the_same_answer(services, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    call = services.calls.record(
        CallInput(content="厨房水管漏水", category="repair", unit="3-2-1201", phone="13800138000")
    )
    x = services.tickets.open_from_call(call.id)
    x = services.tickets.dispatch(x.number, x.version, "maintenance")
    clock.advance(hours=5)
    x = services.tickets.mark_done(x.number, x.version)
    clock.advance(days=2, hours=10, minutes=5)  # 10 h 5 min after the callback was due
    x = services.tickets.callback(x.number, x.version, "reached", satisfaction=4)
    clock.advance(days=1)
    target = next(g for g in services.tickets.detail(x.number).targets if g.name == "callback")
    assert (target.state, target.seconds_left) == ("late", -LATE)
    report = ReportService.of(services).monthly("2026-11")
    assert (report.callbacks.done, report.callbacks.on_time, report.callbacks.late) == (1, 0, 1)
    assert tg.verdict(target) == "late"
