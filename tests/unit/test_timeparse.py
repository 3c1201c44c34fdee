"""Call times as typed at the desk, in Asia/Shanghai, against a frozen "now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.core.errors import ValidationError
from deskui.services.common.timeparse import check_not_future, parse_time

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=SH)  # 06:00 UTC


def local(text: str, now: datetime = NOW) -> datetime:
    return parse_time(text, now.astimezone(UTC), "Asia/Shanghai").astimezone(SH)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", datetime(2026, 11, 23, 14, 0)),
        ("now", datetime(2026, 11, 23, 14, 0)),
        ("现在", datetime(2026, 11, 23, 14, 0)),
        ("14:05", datetime(2026, 11, 23, 14, 5)),
        ("9:05", datetime(2026, 11, 23, 9, 5)),
        ("１４：０５", datetime(2026, 11, 23, 14, 5)),
        ("1405", datetime(2026, 11, 23, 14, 5)),
        ("-10m", datetime(2026, 11, 23, 13, 50)),
        ("-1h30m", datetime(2026, 11, 23, 12, 30)),
        ("-2h", datetime(2026, 11, 23, 12, 0)),
        ("10分钟前", datetime(2026, 11, 23, 13, 50)),
        ("2 hours ago", datetime(2026, 11, 23, 12, 0)),
        ("yesterday 23:40", datetime(2026, 11, 22, 23, 40)),
        ("Yesterday 23:40", datetime(2026, 11, 22, 23, 40)),
        ("昨天 23:40", datetime(2026, 11, 22, 23, 40)),
        ("昨天23:40", datetime(2026, 11, 22, 23, 40)),
        ("前天 8:00", datetime(2026, 11, 21, 8, 0)),
        ("今天 9:15", datetime(2026, 11, 23, 9, 15)),
        ("下午2点半", datetime(2026, 11, 23, 14, 30)),
        ("上午9点", datetime(2026, 11, 23, 9, 0)),
        ("11月22日 14:05", datetime(2026, 11, 22, 14, 5)),
        ("11-22 9:05", datetime(2026, 11, 22, 9, 5)),
        ("2026-11-23T14:05", datetime(2026, 11, 23, 14, 5)),
        ("2026-11-23 14:05:30", datetime(2026, 11, 23, 14, 5, 30)),
        ("2026/1/5 9:05", datetime(2026, 1, 5, 9, 5)),
        ("2026-11-23T06:05:00Z", datetime(2026, 11, 23, 14, 5)),
        ("2026-11-23T07:05:00+09:00", datetime(2026, 11, 23, 6, 5)),
    ],
)
def test_accepted_spellings(typed: str, expected: datetime) -> None:
    assert local(typed) == expected.replace(tzinfo=SH)


def test_result_is_aware_utc() -> None:
    moment = parse_time("14:05", NOW, "Asia/Shanghai")
    assert moment.tzinfo is UTC
    assert moment == datetime(2026, 11, 23, 6, 5, tzinfo=UTC)


def test_bare_time_far_ahead_is_last_night() -> None:
    """The night shift logs a 23:50 call at 00:10: that is yesterday, not tonight."""
    after_midnight = datetime(2026, 11, 23, 0, 10, tzinfo=SH)
    assert local("23:50", after_midnight) == datetime(2026, 11, 22, 23, 50, tzinfo=SH)


def test_bare_time_slightly_ahead_stays_today_so_it_can_be_refused() -> None:
    assert local("14:50") == datetime(2026, 11, 23, 14, 50, tzinfo=SH)


def test_naive_iso_is_site_local_time_in_other_zones() -> None:
    moment = parse_time("2026-11-23 09:00", NOW, "Europe/Berlin")
    assert moment == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed", ["abc", "25:00", "14:75", "2026-13-01 09:00", "13月5日 9:00", "2026-11-23", "昨天", "tomorrow-ish"]
)
def test_unreadable_times_are_refused_on_the_time_field(typed: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_time(typed, NOW, "Asia/Shanghai")
    assert exc.value.field == "time"
    assert typed in exc.value.message


@pytest.mark.parametrize("typed", ["+5m", "明天 9:00", "tomorrow 9:00", "2026-11-23 14:05"])
def test_future_is_refused(typed: str) -> None:
    moment = parse_time(typed, NOW, "Asia/Shanghai")
    with pytest.raises(ValidationError) as exc:
        check_not_future(moment, NOW.astimezone(UTC), 60)
    assert exc.value.field == "time"
    assert "future" in exc.value.message


def test_within_a_minute_ahead_is_allowed() -> None:
    check_not_future(NOW + timedelta(seconds=59), NOW, 60)
    check_not_future(NOW + timedelta(seconds=60), NOW, 60)
    with pytest.raises(ValidationError):
        check_not_future(NOW + timedelta(seconds=61), NOW, 60)
