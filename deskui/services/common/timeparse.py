"""Call times as a receptionist types them: "14:05", "-10m", "yesterday 23:40", "昨天 23:40", ISO 8601.

Pure functions of the text, "now" and the site's zone, so tests pin them with a FrozenClock. A time of day with
no date far ahead of now is yesterday's ("23:50" typed at 00:10 is last night), because a call is logged after
it happened. Whether a time is too far in the future is the caller's rule (`check_not_future`), not the parser's.

Every date is between FIRST_DAY and LAST_DAY (years 1900 to 2999): Python's calendar ends at years 1 and 9999, and
a time zone's offset or "the day after" pushes a date at either end past it (OverflowError, a traceback). A desk's
records are of this century; a date outside the range is a typo, refused with a message (`check_day`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskui.core.errors import ValidationError
from deskui.core.i18n import t

_DAY_WORDS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "前天": -2,
    "tomorrow": 1,
    "明天": 1,
}
_NOW_WORDS = {"", "now", "现在", "刚才", "刚刚"}
# Afternoon and evening words turn "2点" into 14:00; 凌晨 12点 is midnight.
_PM_WORDS = {"下午", "晚上", "傍晚", "pm", "p.m."}
_AM_WORDS = {"上午", "早上", "早晨", "凌晨", "am", "a.m."}
_NOON_WORDS = {"中午"}
_UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "秒": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "分": 60,
    "分钟": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "小时": 3600,
    "个小时": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "天": 86400,
}
_UNITS = "|".join(sorted(map(re.escape, _UNIT_SECONDS), key=len, reverse=True))
_OFFSET_PART = re.compile(rf"(\d+)\s*({_UNITS})")
_OFFSETS = rf"(?:\d+\s*(?:{_UNITS})\s*)+"
_RELATIVE = re.compile(rf"^([+-])\s*({_OFFSETS})$")
_AGO = re.compile(rf"^({_OFFSETS})(?:前|以前|之前|ago)$")
_CLOCK = re.compile(
    r"^(?P<ampm1>上午|早上|早晨|凌晨|中午|下午|晚上|傍晚)?\s*"
    r"(?:(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"|(?P<h2>\d{1,2})\s*(?:点|时)\s*(?:(?P<m2>\d{1,2})\s*分?|(?P<half>半))?"
    r"|(?P<h3>\d{2})(?P<m3>\d{2}))"
    r"\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)?$"
)
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
_MONTH_DAY = re.compile(r"^(?:(?P<y>\d{4})[-/年.])?(?P<mo>\d{1,2})[-/月.](?P<d>\d{1,2})日?$")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


def _bad(text: str) -> ValidationError:
    return ValidationError(
        t(
            'Cannot read the time {text!r}; write e.g. 14:05, -10m, "yesterday 23:40", 昨天 23:40 or 2026-11-23 14:05',
            text=text,
        ),
        field="time",
    )


def out_of_range(text: str, field: str = "time") -> ValidationError:
    return ValidationError(
        t(
            "The date in {text!r} is out of range; deskui keeps dates from {first} to {last}",
            text=text,
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        ),
        field=field,
    )


def check_day(day: date | datetime, text: str, field: str = "time") -> None:
    """Refuse a date outside FIRST_DAY..LAST_DAY (`text`: what was typed, for the message)."""
    if not FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY:
        raise out_of_range(text, field)


def _clock_time(text: str, original: str) -> time | None:
    """A time of day ("14:05", "下午2点半", "9:05 pm"), or None when `text` is not one."""
    m = _CLOCK.match(text)
    if not m:
        return None
    if m.group("h") is not None:
        hour, minute, second = int(m.group("h")), int(m.group("m")), int(m.group("s") or 0)
    elif m.group("h2") is not None:
        hour, second = int(m.group("h2")), 0
        minute = 30 if m.group("half") else int(m.group("m2") or 0)
    else:
        hour, minute, second = int(m.group("h3")), int(m.group("m3")), 0
    marker = m.group("ampm1") or m.group("ampm2") or ""
    if (marker in _PM_WORDS and hour < 12) or (marker in _NOON_WORDS and hour < 11):
        hour += 12
    elif marker in _AM_WORDS and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise _bad(original)
    return time(hour, minute, second)


def _seconds(parts: str) -> int:
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _OFFSET_PART.findall(parts))


def _iso(text: str, tz: ZoneInfo) -> datetime | None:
    candidate = text.replace("/", "-")
    if candidate.endswith("z"):
        candidate = candidate[:-1] + "+00:00"
    if not re.match(r"^\d{4}-\d{1,2}-\d{1,2}[t ]\d", candidate):
        return None
    try:
        parsed = datetime.fromisoformat(candidate.upper())
    except ValueError:
        parsed = None
    if parsed is None:
        # fromisoformat wants zero-padded fields; "2026-1-5 9:05" is common in spreadsheets.
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})[t ](\d{1,2}):(\d{2})(?::(\d{2}))?$", candidate)
        if not m:
            return None
        try:
            year, month, day, hour, minute, second = (int(g or 0) for g in m.groups())  # seconds may be left out
            parsed = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


DAY_END = time(23, 59)
"""The time a date alone means where the day is a deadline (a resident's agreed date)."""


def parse_time(
    text: str | None,
    now: datetime,
    time_zone: str | ZoneInfo,
    *,
    rollback_hours: float = 6,
    day_end: time | None = None,
) -> datetime:
    """The moment `text` names, as an aware UTC datetime; ValidationError(field="time") when it names none.

    `day_end`: a date typed without a time of day means this time that day (a deadline agreed as a day runs to
    its end); without it such a date is refused, asking for the time.

    Naive times are the site's local time. A bare time of day more than `rollback_hours` ahead of now is taken
    as yesterday's (the night shift logs 23:50 at 00:10); closer to now it stays today, so a slip of the finger
    ("14:50" at 14:05) is refused as future by `check_not_future` instead of silently becoming yesterday.
    A date outside FIRST_DAY..LAST_DAY is refused (`check_day`).
    """
    tz = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)
    try:
        moment = _parse_time(text, now, tz, rollback_hours, day_end)
    except OverflowError:  # a zone's offset or a day's step past year 1 or 9999
        raise out_of_range(text or "") from None
    check_day(moment, text or "")
    return moment


def _parse_time(
    text: str | None, now: datetime, tz: ZoneInfo, rollback_hours: float, day_end: time | None = None
) -> datetime:
    now = now.astimezone(UTC)
    if text and len(text) >= 16 and text[:4].isdigit() and text[4] == "-":
        # Fast path for the common ISO 8601 form (imports parse 100,000 of them).
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return (parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed).astimezone(UTC)
    original = text or ""
    s = _fold(original)
    if s in _NOW_WORDS:
        return now
    local_now = now.astimezone(tz)

    m = _RELATIVE.match(s)
    if m:
        delta = timedelta(seconds=_seconds(m.group(2)))
        return now - delta if m.group(1) == "-" else now + delta
    m = _AGO.match(s)
    if m:
        return now - timedelta(seconds=_seconds(m.group(1)))

    iso = _iso(s, tz)
    if iso is not None:
        return iso.astimezone(UTC)

    day: date | None = None
    rest = s
    for word, offset in sorted(_DAY_WORDS.items(), key=lambda kv: -len(kv[0])):
        if rest.startswith(word):
            day = local_now.date() + timedelta(days=offset)
            rest = rest[len(word) :].strip()
            break
    if day is None:
        head, _, tail = rest.partition(" ")
        md = _MONTH_DAY.match(head)
        if md is None:
            # "11月23日14:05" has no space between the date and the time.
            md2 = re.match(r"^(\d{1,2})月(\d{1,2})日(.*)$", rest)
            if md2:
                head, tail = f"{md2.group(1)}-{md2.group(2)}", md2.group(3).strip()
                md = _MONTH_DAY.match(head)
        if md is not None:
            try:
                day = date(int(md.group("y") or local_now.year), int(md.group("mo")), int(md.group("d")))
            except ValueError:
                raise _bad(original) from None
            rest = tail.strip()
            if not rest and day_end is None:
                raise ValidationError(
                    t("Give a time of day with the date {text!r}, e.g. 14:05", text=original), field="time"
                )

    clock = _clock_time(rest, original) if rest else None
    if day is not None:
        if clock is None:
            if rest:
                raise _bad(original)
            clock = day_end or (local_now.time() if day == local_now.date() else None)
            if clock is None:
                raise ValidationError(
                    t("Give a time of day with the date {text!r}, e.g. 14:05", text=original), field="time"
                )
        return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)
    if clock is None:
        raise _bad(original)
    moment = datetime.combine(local_now.date(), clock, tzinfo=tz)
    if moment - local_now > timedelta(hours=rollback_hours):
        moment = datetime.combine(local_now.date() - timedelta(days=1), clock, tzinfo=tz)
    return moment.astimezone(UTC)


def is_time_of_day(text: str | None) -> bool:
    """True when `text` is a bare time of day ("9:00", "下午3点"): no date, no day word, no offset."""
    return _CLOCK.match(_fold(text or "")) is not None


def check_not_future(moment: datetime, now: datetime, tolerance_seconds: int) -> None:
    """Refuse a call time more than `tolerance_seconds` ahead of now: a call is logged after it happens."""
    if moment - now > timedelta(seconds=tolerance_seconds):
        raise ValidationError(
            t(
                "The time is in the future; a call is logged after it happens (at most {n} s ahead is allowed)",
                n=tolerance_seconds,
            ),
            field="time",
        )
