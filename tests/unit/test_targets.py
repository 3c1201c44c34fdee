"""Targets (services/targets.py): every target of DOMAIN.md "Tickets", pure, at chosen moments.

Times are written in the site's zone (Asia/Shanghai, UTC+8, no daylight saving) unless a test switches zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.core.config import Settings, load_settings
from deskui.services.tickets import EventRecord
from deskui.services.tickets import _targets as tg

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def settings() -> Settings:
    return load_settings(language="en", environ={})


def at(text: str, tz: ZoneInfo = SH) -> datetime:
    """'2026-11-23 10:00' in the site's zone → aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Snap:
    kind: str
    created_at: datetime
    written: bool = False
    resident_deadline: datetime | None = None


class History:
    """Events of one ticket, built the way the service builds them (status after each event)."""

    def __init__(self, kind: str, when: datetime, **data: object) -> None:
        self.snap = Snap(kind, when, written=bool(data.get("written", False)))
        self.events = [EventRecord(1, "created", when, "new", data={"kind": kind, **data})]
        self.status = "new"

    def add(self, kind: str, when: datetime, status: str | None = None, **data: object) -> History:
        self.status = status or self.status
        self.events.append(EventRecord(len(self.events) + 1, kind, when, self.status, data=data))
        return self

    def targets(self, settings: Settings, now: datetime) -> dict[str, tg.TargetState]:
        return {x.name: x for x in tg.compute(self.snap, self.events, settings, now)}


def test_help_request_reply_within_five_minutes(settings: Settings) -> None:
    h = History("help", at("2026-11-23 10:00"))
    x = h.targets(settings, at("2026-11-23 10:03"))["reply"]
    assert x.due_at == at("2026-11-23 10:05")
    assert (x.state, x.seconds_left) == ("due_soon", 120)
    assert h.targets(settings, at("2026-11-23 10:06"))["reply"].state == "overdue"
    h.add("replied", at("2026-11-23 10:04"))
    met = h.targets(settings, at("2026-11-23 12:00"))["reply"]
    assert (met.state, met.met_at, met.seconds_left) == ("met", at("2026-11-23 10:04"), 60)


def test_a_late_reply_is_met_but_late(settings: Settings) -> None:
    h = History("help", at("2026-11-23 10:00")).add("replied", at("2026-11-23 10:15"))
    x = h.targets(settings, at("2026-11-23 11:00"))["reply"]
    assert x.state == "late" and x.seconds_left == -600  # issue 10 defect 6: late is late, never "met"


def test_written_inquiry_two_days_only_when_written(settings: Settings) -> None:
    written = History("inquiry", at("2026-11-23 10:00"), written=True)
    assert written.targets(settings, at("2026-11-23 10:00"))["written_reply"].due_at == at("2026-11-25 10:00")
    assert History("inquiry", at("2026-11-23 10:00")).targets(settings, at("2026-11-23 10:00")) == {}


def test_major_complaint_manager_same_day_answer_two_days_resolved_ten(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="major")
    got = h.targets(settings, at("2026-11-23 10:00"))
    assert got["manager_informed"].due_at == at("2026-11-24 00:00")
    assert got["answer"].due_at == at("2026-11-25 10:00")
    assert got["resolve"].due_at == at("2026-12-03 10:00")
    assert got["follow_up"].due_at == at("2026-11-26 10:00")
    assert "supervisor_informed" not in got
    h.add("informed", at("2026-11-23 16:00"), informed="supervisor")
    not_yet = h.targets(settings, at("2026-11-23 17:00"))["manager_informed"]
    assert (not_yet.state, not_yet.met_at) == ("ok", None)  # the supervisor is not the manager
    h.add("informed", at("2026-11-23 18:00"), informed="manager")
    assert h.targets(settings, at("2026-11-23 19:00"))["manager_informed"].state == "met"


@pytest.mark.parametrize(
    ("made", "due"),
    [
        ("2026-11-23 23:50", "2026-11-24 00:00"),  # ten minutes before midnight: ten minutes to tell the manager
        ("2026-11-24 00:05", "2026-11-25 00:00"),  # just after midnight: the whole new day
        ("2026-11-23 07:59", "2026-11-24 00:00"),  # 23:59 UTC of the day before: still the local day
    ],
)
def test_same_day_is_local_midnight_in_shanghai(settings: Settings, made: str, due: str) -> None:
    h = History("complaint", at(made), severity="major")
    x = h.targets(settings, at(made))["manager_informed"]
    assert x.due_at == at(due)
    assert x.seconds_left == int((at(due) - at(made)).total_seconds())


def test_same_day_near_midnight_goes_overdue_after_midnight(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 23:50"), severity="major")
    assert h.targets(settings, at("2026-11-23 23:59"))["manager_informed"].state == "due_soon"
    late = h.targets(settings, at("2026-11-24 00:01"))["manager_informed"]
    assert (late.state, late.seconds_left) == ("overdue", -60)


def test_important_complaint_supervisor_within_an_hour_resolved_in_three_days(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="important")
    got = h.targets(settings, at("2026-11-23 10:30"))
    assert got["supervisor_informed"].due_at == at("2026-11-23 11:00")
    assert got["supervisor_informed"].state == "due_soon"
    assert got["resolve"].due_at == at("2026-11-26 10:00")
    assert "manager_informed" not in got
    h.add("informed", at("2026-11-23 10:40"), informed="manager")  # telling the manager also covers it
    assert h.targets(settings, at("2026-11-23 12:00"))["supervisor_informed"].state == "met"


def test_minor_complaint_two_days_or_the_residents_own_deadline(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="minor")
    assert h.targets(settings, at("2026-11-23 10:00"))["resolve"].due_at == at("2026-11-25 10:00")
    own = History("complaint", at("2026-11-23 10:00"), severity="minor")
    own.snap = replace(own.snap, resident_deadline=at("2026-11-24 18:00"))
    assert own.targets(settings, at("2026-11-23 10:00"))["resolve"].due_at == at("2026-11-24 18:00")


def test_escalation_restarts_the_severity_targets_from_the_decision(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="minor")
    h.add("escalated", at("2026-11-25 09:00"), severity="major", informed="manager")
    got = h.targets(settings, at("2026-11-25 09:30"))
    assert got["manager_informed"].state == "met"
    assert got["answer"].due_at == at("2026-11-27 09:00")
    assert got["resolve"].due_at == at("2026-12-05 09:00")


def test_resolution_met_when_done_and_unmet_again_after_reopen(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="important")
    h.add("dispatched", at("2026-11-23 10:10"), "dispatched", department="security")
    h.add("status", at("2026-11-24 10:00"), "done", to="done")
    assert h.targets(settings, at("2026-11-24 11:00"))["resolve"].state == "met"
    h.add("reopened", at("2026-11-25 10:00"), "dispatched", to="dispatched")
    x = h.targets(settings, at("2026-11-25 11:00"))["resolve"]
    assert (x.state, x.met_at) == ("ok", None)
    assert "callback" not in h.targets(settings, at("2026-11-25 11:00"))


def test_waiting_pauses_the_resolution_clock_and_extends_its_due_time(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="important")
    h.add("dispatched", at("2026-11-23 10:05"), "dispatched", department="security")
    h.add("status", at("2026-11-24 10:00"), "waiting", to="waiting", waiting_on="resident")
    paused = h.targets(settings, at("2026-11-30 10:00"))["resolve"]  # long after the unpaused due time
    assert paused.state == "paused"
    assert paused.seconds_left == 2 * 86400  # frozen at what was left when the pause began
    assert h.targets(settings, at("2026-11-30 10:00"))["supervisor_informed"].state == "overdue"  # not paused
    h.add("status", at("2026-11-25 16:00"), "dispatched", to="dispatched")  # 30 h later
    resumed = h.targets(settings, at("2026-11-25 16:00"))["resolve"]
    assert resumed.due_at == at("2026-11-26 10:00") + timedelta(hours=30)
    assert resumed.state == "ok"


def test_two_pauses_add_up(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="minor")
    h.add("status", at("2026-11-23 11:00"), "waiting", to="waiting", waiting_on="third_party")
    h.add("status", at("2026-11-23 13:00"), "new", to="new")
    h.add("status", at("2026-11-24 09:00"), "waiting", to="waiting", waiting_on="resident")
    h.add("status", at("2026-11-24 10:30"), "new", to="new")
    assert h.targets(settings, at("2026-11-24 11:00"))["resolve"].due_at == at("2026-11-25 13:30")


@pytest.mark.parametrize(
    ("repair_type", "days"),
    [("other", 2), ("safety", 2), ("leak", 3)],
)
def test_repair_callback_from_completion(settings: Settings, repair_type: str, days: int) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type=repair_type)
    assert "callback" not in h.targets(settings, at("2026-11-23 10:00"))
    h.add("status", at("2026-11-23 15:00"), "done", to="done")
    x = h.targets(settings, at("2026-11-23 15:00"))["callback"]
    assert x.due_at == at("2026-11-23 15:00") + timedelta(days=days)


def test_leak_callback_runs_from_the_water_test(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="leak")
    h.add("status", at("2026-11-25 15:00"), "done", to="done", water_test_at=at("2026-11-24 09:00").isoformat())
    assert h.targets(settings, at("2026-11-25 15:00"))["callback"].due_at == at("2026-11-27 09:00")


def test_leak_found_when_marking_done(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    h.add("status", at("2026-11-23 15:00"), "done", to="done", repair_type="leak")
    assert h.targets(settings, at("2026-11-23 15:00"))["callback"].due_at == at("2026-11-26 15:00")


def test_callback_no_answer_reschedules_reached_meets(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    h.add("status", at("2026-11-23 15:00"), "done", to="done")
    h.add("callback", at("2026-11-25 14:00"), outcome="no_answer", next_due=at("2026-11-26 14:00").isoformat())
    x = h.targets(settings, at("2026-11-25 16:00"))["callback"]
    assert (x.due_at, x.state) == (at("2026-11-26 14:00"), "ok")
    h.add("callback", at("2026-11-25 16:00"), outcome="left_message")
    assert h.targets(settings, at("2026-11-25 17:00"))["callback"].state == "ok"  # a message is not an answer
    h.add("callback", at("2026-11-26 10:00"), outcome="reached", satisfaction=4)
    assert h.targets(settings, at("2026-11-26 11:00"))["callback"].state == "met"


def test_reopen_restarts_the_callback_at_the_next_completion(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    h.add("status", at("2026-11-23 15:00"), "done", to="done")
    h.add("callback", at("2026-11-24 10:00"), outcome="reached", satisfaction=1)
    h.add("reopened", at("2026-11-24 10:05"), "dispatched", to="dispatched")
    assert "callback" not in h.targets(settings, at("2026-11-24 11:00"))
    h.add("status", at("2026-11-24 16:00"), "done", to="done")
    x = h.targets(settings, at("2026-11-24 17:00"))["callback"]
    assert (x.state, x.due_at) == ("ok", at("2026-11-26 16:00"))


def test_follow_up_within_three_days_for_repairs_and_complaints(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    assert h.targets(settings, at("2026-11-23 10:00"))["follow_up"].due_at == at("2026-11-26 10:00")
    h.add("followed_up", at("2026-11-24 10:00"))
    assert h.targets(settings, at("2026-11-27 10:00"))["follow_up"].state == "met"
    assert "follow_up" not in History("help", at("2026-11-23 10:00")).targets(settings, at("2026-11-23 10:00"))


def test_due_soon_threshold_is_the_setting(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    hours = settings.target("due_soon_hours")
    due = at("2026-11-26 10:00")
    # Due soon: less than `due_soon_hours` left (the Due soon queue's `due_at < now + hours` agrees).
    assert h.targets(settings, due - timedelta(hours=hours))["follow_up"].state == "ok"
    assert h.targets(settings, due - timedelta(hours=hours, seconds=-1))["follow_up"].state == "due_soon"


def test_targets_follow_the_settings(settings: Settings) -> None:
    changed = replace(settings, targets={**settings.targets, "help_request_reply_minutes": 10.0})
    h = History("help", at("2026-11-23 10:00"))
    assert h.targets(changed, at("2026-11-23 10:00"))["reply"].due_at == at("2026-11-23 10:10")


def test_closed_ticket_drops_running_targets_but_keeps_late_ones(settings: Settings) -> None:
    h = History("repair", at("2026-11-23 10:00"), repair_type="other")
    h.add("status", at("2026-11-27 15:00"), "done", to="done")  # follow-up was late (due 11-26)
    h.add("closed", at("2026-11-27 16:00"), "closed", without_callback=True)
    got = h.targets(settings, at("2026-12-30 10:00"))
    assert got["follow_up"].state == "late"  # met by the completion, after its due time
    assert "callback" not in got  # still running when closed: no longer counted
    h2 = History("complaint", at("2026-11-23 10:00"), severity="important")
    h2.add("cancelled", at("2026-11-23 12:00"), "cancelled")
    got2 = h2.targets(settings, at("2026-12-30 10:00"))
    assert got2["supervisor_informed"].state == "overdue"  # late at 11:00, frozen at the cancel
    assert got2["supervisor_informed"].seconds_left == -3600
    assert "resolve" not in got2
    assert tg.nearest_due(got2.values(), ended=True) is None


def test_nearest_due_ignores_met_and_paused(settings: Settings) -> None:
    h = History("complaint", at("2026-11-23 10:00"), severity="important")
    h.add("informed", at("2026-11-23 10:30"), informed="supervisor")
    h.add("status", at("2026-11-23 11:00"), "waiting", to="waiting", waiting_on="resident")
    states = tg.compute(h.snap, h.events, settings, at("2026-11-23 12:00"))
    assert tg.nearest_due(states) == at("2026-11-26 10:00")  # the follow-up; resolve is paused


# --- daylight saving: day targets keep the wall-clock time, minute targets are absolute ----------------------------


@pytest.fixture
def berlin(settings: Settings) -> Settings:
    return replace(settings, time_zone="Europe/Berlin")


BERLIN = ZoneInfo("Europe/Berlin")


def test_summer_time_starts_inside_a_day_target(berlin: Settings) -> None:
    # Clocks go forward on 2026-03-29 02:00 → 03:00: two calendar days are 47 hours.
    made = at("2026-03-28 10:00", BERLIN)
    h = History("complaint", made, severity="minor")
    x = h.targets(berlin, made)["resolve"]
    assert x.due_at == at("2026-03-30 10:00", BERLIN)
    assert x.due_at - made == timedelta(hours=47)


def test_winter_time_starts_inside_a_day_target(berlin: Settings) -> None:
    # Clocks go back on 2026-10-25 03:00 → 02:00: two calendar days are 49 hours.
    made = at("2026-10-24 10:00", BERLIN)
    h = History("complaint", made, severity="minor")
    assert h.targets(berlin, made)["resolve"].due_at - made == timedelta(hours=49)


def test_same_day_in_a_zone_changing_clocks_that_night(berlin: Settings) -> None:
    made = at("2026-03-28 23:00", BERLIN)
    h = History("complaint", made, severity="major")
    assert h.targets(berlin, made)["manager_informed"].due_at == at("2026-03-29 00:00", BERLIN)


def test_minute_targets_are_absolute_across_the_change(berlin: Settings) -> None:
    made = at("2026-03-29 01:30", BERLIN)  # 30 min before the clocks jump
    h = History("complaint", made, severity="important")
    assert h.targets(berlin, made)["supervisor_informed"].due_at - made == timedelta(hours=1)


def test_shanghai_has_no_summer_time(settings: Settings) -> None:
    for made in (at("2026-07-01 10:00"), at("2026-01-15 10:00")):
        h = History("complaint", made, severity="minor")
        assert h.targets(settings, made)["resolve"].due_at - made == timedelta(days=2)
