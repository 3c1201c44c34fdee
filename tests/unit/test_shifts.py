"""Which shift a moment belongs to (deskui.services.common.shifts), winter and summer, in the site's time zone."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.core.config import Settings, ShiftDef, load_settings
from deskui.services.common.shifts import local_time, shift_at

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def desk() -> Settings:
    return load_settings(environ={})


def at(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    """A wall-clock time at the desk, converted to UTC as the database stores it."""
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize(
    ("moment", "key", "duty_date", "start", "end"),
    [
        # Winter (not 05-01..09-30): day 08:30-17:30, night 17:30-08:30.
        (at(2026, 11, 23, 8, 30), "day", date(2026, 11, 23), time(8, 30), time(17, 30)),
        (at(2026, 11, 23, 12, 45), "day", date(2026, 11, 23), time(8, 30), time(17, 30)),  # midday cover is no shift
        (at(2026, 11, 23, 17, 29), "day", date(2026, 11, 23), time(8, 30), time(17, 30)),
        (at(2026, 11, 23, 17, 30), "night", date(2026, 11, 23), time(17, 30), time(8, 30)),
        (at(2026, 11, 23, 23, 59), "night", date(2026, 11, 23), time(17, 30), time(8, 30)),
        (at(2026, 11, 24, 0, 0), "night", date(2026, 11, 23), time(17, 30), time(8, 30)),  # after midnight:
        (at(2026, 11, 24, 3, 15), "night", date(2026, 11, 23), time(17, 30), time(8, 30)),  # the previous duty date
        (at(2026, 11, 24, 8, 29), "night", date(2026, 11, 23), time(17, 30), time(8, 30)),
        (at(2026, 11, 24, 8, 30), "day", date(2026, 11, 24), time(8, 30), time(17, 30)),
        (at(2027, 1, 1, 1, 0), "night", date(2026, 12, 31), time(17, 30), time(8, 30)),  # across the new year
        # Summer: the day ends and the night starts at 18:00.
        (at(2026, 7, 1, 17, 45), "day", date(2026, 7, 1), time(8, 30), time(18, 0)),
        (at(2026, 7, 1, 18, 0), "night", date(2026, 7, 1), time(18, 0), time(8, 30)),
        (at(2026, 7, 2, 3, 0), "night", date(2026, 7, 1), time(18, 0), time(8, 30)),
        # Season edges: the night belongs to the season of the evening it started.
        (at(2026, 4, 30, 17, 45), "night", date(2026, 4, 30), time(17, 30), time(8, 30)),
        (at(2026, 5, 1, 7, 0), "night", date(2026, 4, 30), time(17, 30), time(8, 30)),
        (at(2026, 5, 1, 17, 45), "day", date(2026, 5, 1), time(8, 30), time(18, 0)),
        (at(2026, 9, 30, 17, 45), "day", date(2026, 9, 30), time(8, 30), time(18, 0)),
        (at(2026, 10, 1, 7, 0), "night", date(2026, 9, 30), time(18, 0), time(8, 30)),
        (at(2026, 10, 1, 17, 45), "night", date(2026, 10, 1), time(17, 30), time(8, 30)),
    ],
)
def test_shift_at(desk: Settings, moment: datetime, key: str, duty_date: date, start: time, end: time) -> None:
    slot = shift_at(desk, moment)
    assert (slot.key, slot.duty_date) == (key, duty_date)
    assert (slot.start.timetz().replace(tzinfo=None), slot.end.timetz().replace(tzinfo=None)) == (start, end)
    assert slot.start.date() == duty_date
    assert slot.end.date() == (duty_date + timedelta(days=1) if key == "night" else duty_date)
    assert slot.start <= moment < slot.end  # aware comparison: the slot really contains the instant


def test_slot_times_are_aware_in_the_site_zone(desk: Settings) -> None:
    slot = shift_at(desk, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    assert slot.key == "day"
    assert slot.start.utcoffset() == timedelta(hours=8)
    assert slot.start.astimezone(UTC) == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert slot.end.astimezone(UTC) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_utc_storage_versus_local_date(desk: Settings) -> None:
    # 20:00 UTC on the 23rd is 04:00 on the 24th at the desk: still the night shift of the 23rd.
    slot = shift_at(desk, datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert (slot.key, slot.duty_date) == ("night", date(2026, 11, 23))
    # 23:00 UTC on the 23rd is 07:00 on the 24th; 01:00 UTC on the 24th is 09:00, the day shift of the 24th.
    assert shift_at(desk, datetime(2026, 11, 24, 1, 0, tzinfo=UTC)).duty_date == date(2026, 11, 24)


def test_the_same_instant_in_any_zone_gives_the_same_slot(desk: Settings) -> None:
    instant = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    for tz in (UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Europe/London")):
        slot = shift_at(desk, instant.astimezone(tz))
        assert (slot.key, slot.duty_date) == ("night", date(2026, 11, 23))


def test_local_time(desk: Settings) -> None:
    local = local_time(desk, datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert (local.date(), local.hour, local.utcoffset()) == (date(2026, 11, 24), 4, timedelta(hours=8))


def test_a_configured_other_time_zone(desk: Settings) -> None:
    london = dataclasses.replace(desk, time_zone="Europe/London")
    winter = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 10:00 in London, 18:00 in Shanghai
    assert shift_at(london, winter).key == "day"
    assert shift_at(desk, winter).key == "night"
    assert shift_at(london, winter).start.utcoffset() == timedelta(0)
    # London summer time is UTC+1: 17:15 UTC is 18:15 at the desk, after the summer day shift ends at 18:00.
    summer = datetime(2026, 7, 1, 17, 15, tzinfo=UTC)
    slot = shift_at(london, summer)
    assert (slot.key, slot.duty_date) == ("night", date(2026, 7, 1))
    assert slot.start.astimezone(UTC) == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    assert local_time(london, summer).hour == 18


def with_shifts(desk: Settings, *shifts: ShiftDef) -> Settings:
    return dataclasses.replace(desk, shifts=dataclasses.replace(desk.shifts, shifts=shifts))


def test_gap_counts_toward_the_following_shift(desk: Settings) -> None:
    gappy = with_shifts(
        desk,
        ShiftDef("early", time(8, 0), time(12, 0)),
        ShiftDef("late", time(18, 0), time(6, 0)),
    )
    afternoon_gap = shift_at(gappy, at(2026, 11, 23, 14, 0))
    assert (afternoon_gap.key, afternoon_gap.duty_date) == ("late", date(2026, 11, 23))
    morning_gap = shift_at(gappy, at(2026, 11, 24, 7, 0))
    assert (morning_gap.key, morning_gap.duty_date) == ("early", date(2026, 11, 24))
    assert shift_at(gappy, at(2026, 11, 24, 5, 59)).duty_date == date(2026, 11, 23)


def test_gap_before_tomorrows_first_shift(desk: Settings) -> None:
    days_only = with_shifts(desk, ShiftDef("day", time(8, 0), time(20, 0)))
    slot = shift_at(days_only, at(2026, 11, 23, 21, 0))
    assert (slot.key, slot.duty_date) == ("day", date(2026, 11, 24))


def test_sixteen_hour_duty(desk: Settings) -> None:
    """003 runs 16-hour desk duty: a shift layout other than 002's works from configuration alone."""
    long_duty = with_shifts(
        desk,
        ShiftDef("long", time(7, 0), time(23, 0)),
        ShiftDef("night", time(23, 0), time(7, 0)),
    )
    assert shift_at(long_duty, at(2026, 11, 23, 22, 0)).key == "long"
    late = shift_at(long_duty, at(2026, 11, 24, 2, 0))
    assert (late.key, late.duty_date) == ("night", date(2026, 11, 23))
