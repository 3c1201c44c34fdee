"""The duty roster (deskui.services.handover): shift arithmetic from the configured times, who may plan, swaps."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings, ShiftDef, load_settings
from deskui.core.errors import NotFound, PermissionDenied, PinRejected, ValidationError
from deskui.services.handover import (
    crosses_midnight,
    day_slots,
    next_slot,
    parse_month,
    previous_slot,
    relief_due,
    slot_of,
)

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def desk() -> Settings:
    return load_settings(environ={})


def hm(moment: datetime) -> time:
    return moment.astimezone(SH).time()


# --- shift arithmetic ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "key", "start", "end", "overnight"),
    [
        (date(2026, 11, 23), "day", time(8, 30), time(17, 30), False),  # winter
        (date(2026, 11, 23), "night", time(17, 30), time(8, 30), True),
        (date(2026, 11, 23), "midday", time(12, 0), time(13, 30), False),
        (date(2026, 7, 1), "day", time(8, 30), time(18, 0), False),  # summer: later evening
        (date(2026, 7, 1), "night", time(18, 0), time(8, 30), True),
        (date(2026, 7, 1), "midday", time(12, 0), time(14, 0), False),
        (date(2026, 4, 30), "night", time(17, 30), time(8, 30), True),  # the night before summer starts
        (date(2026, 5, 1), "day", time(8, 30), time(18, 0), False),
        (date(2026, 9, 30), "night", time(18, 0), time(8, 30), True),  # the last summer night
        (date(2026, 10, 1), "day", time(8, 30), time(17, 30), False),
    ],
)
def test_slot_of_summer_and_winter(
    desk: Settings, day: date, key: str, start: time, end: time, overnight: bool
) -> None:
    slot = slot_of(desk, day, key)
    assert (hm(slot.start), hm(slot.end)) == (start, end)
    assert slot.duty_date == day and crosses_midnight(slot) is overnight


def test_unknown_shift_is_refused(desk: Settings) -> None:
    with pytest.raises(ValidationError, match="Unknown shift 'evening'"):
        slot_of(desk, date(2026, 11, 23), "evening")


def test_day_slots_skip_cover_shifts_unless_asked(desk: Settings) -> None:
    assert [s.key for s in day_slots(desk, date(2026, 11, 23))] == ["day", "night"]
    assert [s.key for s in day_slots(desk, date(2026, 11, 23), cover=True)] == ["day", "midday", "night"]


def test_next_and_previous(desk: Settings) -> None:
    day = slot_of(desk, date(2026, 11, 23), "day")
    night = slot_of(desk, date(2026, 11, 23), "night")
    morning = slot_of(desk, date(2026, 11, 24), "day")
    assert next_slot(desk, day) == night and next_slot(desk, night) == morning
    assert previous_slot(desk, morning) == night and previous_slot(desk, night) == day


def test_summer_night_follows_the_summer_day(desk: Settings) -> None:
    day = slot_of(desk, date(2026, 7, 1), "day")
    assert next_slot(desk, day).start == day.end == datetime(2026, 7, 1, 18, 0, tzinfo=SH)


def test_next_slot_across_a_gap() -> None:
    """Shifts that do not meet: the next one is the first that starts after the end."""
    base = load_settings(environ={})
    shifts = (
        ShiftDef("early", time(7, 0), time(15, 0)),
        ShiftDef("late", time(16, 0), time(23, 0)),
    )
    settings = dataclasses.replace(base, shifts=dataclasses.replace(base.shifts, shifts=shifts))
    early = slot_of(settings, date(2026, 11, 23), "early")
    late = next_slot(settings, early)
    assert late.key == "late" and hm(late.start) == time(16, 0)
    assert next_slot(settings, late) == slot_of(settings, date(2026, 11, 24), "early")
    assert previous_slot(settings, late) == early


def test_relief_is_due_early(desk: Settings) -> None:
    morning = slot_of(desk, date(2026, 11, 24), "day")
    assert relief_due(desk, morning) == datetime(2026, 11, 24, 8, 15, tzinfo=SH)  # 002: 15 minutes early


def test_parse_month() -> None:
    assert parse_month("2026-12") == (2026, 12)
    for bad in ("2026-13", "december", "2026"):
        with pytest.raises(ValidationError):
            parse_month(bad)


# --- the service --------------------------------------------------------------------------------------------------


@pytest.fixture
def people(services):  # type: ignore[no-untyped-def]
    add = services.operators.add
    return {
        "wang": add("王芳", "receptionist", "1111"),
        "li": add("李强", "maintenance", "2222"),
        "chen": add("陈静", "supervisor", "3333"),
        "zhao": add("赵敏", "receptionist", "4444"),
        "boss": add("刘经理", "manager", "5555"),
    }


def test_only_supervisors_and_managers_assign(services, people) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 12, 1)
    with pytest.raises(PermissionDenied):
        services.roster.set_assignment(day, "day", people["wang"], people["wang"])
    with pytest.raises(PermissionDenied):
        services.roster.set_assignment(day, "night", people["li"], people["li"])
    assert services.roster.assigned(day, "day") == ()
    assert services.roster.changes(day) == []
    assert services.roster.set_assignment(day, "day", people["wang"], people["chen"]) == (people["wang"],)
    assert services.roster.set_assignment(day, "night", [people["li"]], people["boss"]) == (people["li"],)


def test_assignment_changes_are_logged(services, people) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 12, 1)
    chen = people["chen"]
    services.roster.set_assignment(day, "day", [people["wang"], people["zhao"]], chen)
    services.roster.set_assignment(day, "day", [people["zhao"]], chen, reason="王芳请假")
    services.roster.set_assignment(day, "day", [people["zhao"]], chen)  # no difference: nothing logged
    assert [o.name for o in services.roster.assigned(day, "day")] == ["赵敏"]
    log = [(c.action, c.operator, c.actor, c.reason) for c in services.roster.changes(day)]
    assert log == [
        ("assign", "王芳", "陈静", ""),
        ("assign", "赵敏", "陈静", ""),
        ("unassign", "王芳", "陈静", "王芳请假"),
    ]
    services.roster.set_assignment(day, "day", None, chen)
    assert services.roster.assigned(day, "day") == ()


def test_assignment_refuses_bad_input(services, people) -> None:  # type: ignore[no-untyped-def]
    chen = people["chen"]
    with pytest.raises(ValidationError, match="Unknown shift"):
        services.roster.set_assignment(date(2026, 12, 1), "evening", people["wang"], chen)
    with pytest.raises(ValidationError, match="twice"):
        services.roster.set_assignment(date(2026, 12, 1), "day", [people["wang"], people["wang"]], chen)
    ghost = dataclasses.replace(people["wang"], id=999)
    with pytest.raises(NotFound):
        services.roster.set_assignment(date(2026, 12, 1), "day", [people["zhao"], ghost], chen)
    assert services.roster.assigned(date(2026, 12, 1), "day") == ()  # all or nothing


def test_month_roster(services, people) -> None:  # type: ignore[no-untyped-def]
    chen = people["chen"]
    services.roster.set_assignment(date(2026, 12, 1), "day", people["wang"], chen)
    services.roster.set_assignment(date(2026, 12, 31), "night", people["li"], chen)
    services.roster.set_assignment(date(2027, 1, 1), "night", people["li"], chen)  # next month: not listed
    month = services.roster.month_roster(2026, 12)
    assert len(month.days) == 31
    assert [s.shift_key for s in month.days[0][1]] == ["day", "midday", "night"]
    assert month.slot(date(2026, 12, 1), "day").names == "王芳"  # type: ignore[union-attr]
    assert month.slot(date(2026, 12, 31), "night").names == "李强"  # type: ignore[union-attr]
    assert len(month.unfilled) == 31 * 3 - 2
    summer = services.roster.month_roster(2026, 7)
    assert hm(summer.slot(date(2026, 7, 1), "night").start) == time(18, 0)  # type: ignore[union-attr]


def test_on_duty_now_with_cover(services, people, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    chen = people["chen"]
    services.roster.set_assignment(date(2026, 11, 23), "day", [people["wang"], people["zhao"]], chen)
    services.roster.set_assignment(date(2026, 11, 23), "midday", people["zhao"], chen)
    services.roster.set_assignment(date(2026, 11, 23), "night", people["li"], chen)
    clock.current = datetime(2026, 11, 23, 12, 30, tzinfo=SH).astimezone(UTC)
    now = services.roster.on_duty()
    assert now.slot.key == "day" and now.names == "王芳, 赵敏"
    assert [(c.shift_key, c.names) for c in now.cover] == [("midday", "赵敏")]
    clock.current = datetime(2026, 11, 24, 3, 0, tzinfo=SH).astimezone(UTC)  # after midnight: last night's shift
    now = services.roster.on_duty()
    assert (now.slot.key, now.slot.duty_date, now.names, now.cover) == ("night", date(2026, 11, 23), "李强", ())


def test_swap_needs_a_supervisor_pin(services, people) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 12, 5)
    services.roster.set_assignment(day, "day", people["wang"], people["chen"])
    wang, zhao = people["wang"], people["zhao"]
    with pytest.raises(PermissionDenied):  # a receptionist cannot approve
        services.roster.swap(day, "day", wang, zhao, approved_by=zhao, pin="4444")
    with pytest.raises(PinRejected):
        services.roster.swap(day, "day", wang, zhao, approved_by=people["chen"], pin="0000")
    assert services.roster.assigned(day, "day") == (wang,)
    after = services.roster.swap(day, "day", wang, zhao, approved_by=people["chen"], pin="3333", reason="家中有事")
    assert after == (zhao,)
    last = services.roster.changes(day)[-1]
    assert (last.action, last.operator, last.other, last.approved_by, last.reason) == (
        "swap",
        "王芳",
        "赵敏",
        "陈静",
        "家中有事",
    )


def test_swap_refuses_what_does_not_fit(services, people) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 12, 5)
    chen = people["chen"]
    services.roster.set_assignment(day, "day", [people["wang"], people["zhao"]], chen)
    with pytest.raises(ValidationError, match="not on the day shift"):
        services.roster.swap(day, "day", people["li"], people["zhao"], approved_by=chen, pin="3333")
    with pytest.raises(ValidationError, match="already on the day shift"):
        services.roster.swap(day, "day", people["wang"], people["zhao"], approved_by=chen, pin="3333")
    with pytest.raises(ValidationError, match="two different"):
        services.roster.swap(day, "day", people["wang"], people["wang"], approved_by=chen, pin="3333")
    assert len(services.roster.changes(day)) == 2  # only the two assignments
