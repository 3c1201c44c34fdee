"""Call times as a receptionist types them: "14:05", "-10m", "yesterday 23:40", "昨天 23:40", ISO 8601.

Chinese in either script and as Hong Kong, Taiwan and mainland offices say it: the text is folded to Simplified
first (deskui.core.scriptfold), so 現在 / 现在, 10分鐘前, 下午2點半, 上午9點15分 and 昨天晚上8點 read like their
Simplified spellings; numbers may be Chinese numerals (十点, 下午两点半, 一个半小时前, 半小时前); Cantonese words a Hong
Kong desk writes are days and times too (琴日 / 寻日 yesterday, 寻晚 last night, 而家 now, 两个钟前 two hours ago,
下昼 afternoon). A day word that names a part of the day sets it: 昨晚8点 is 20:00 yesterday, 今早9点 09:00 today.

Pure functions of the text, "now" and the site's zone, so tests pin them with a FrozenClock. A time of day with
no date far ahead of now is yesterday's ("23:50" typed at 00:10 is last night), because a call is logged after
it happened. Whether a time is too far in the future is the caller's rule (`check_not_future`), not the parser's.

Every date is between FIRST_DAY and LAST_DAY (years 1900 to 2999): Python's calendar ends at years 1 and 9999, and
a time zone's offset or "the day after" pushes a date at either end past it (OverflowError, a traceback). A desk's
records are of this century; a date outside the range is a typo, refused with a message (`check_day`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskui.core.errors import ValidationError
from deskui.core.i18n import t

# Keys in the folded (Simplified, lower-case) form: 琴日 and 尋日 are Cantonese for yesterday, 聽日 for tomorrow.
_DAY_WORDS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
    "琴日": -1,
    "寻日": -1,
    "前天": -2,
    "前日": -2,
    "tomorrow": 1,
    "明天": 1,
    "听日": 1,
}
# Day words that also name the part of the day: 昨晚8点 is 20:00 yesterday (寻晚 is Cantonese for last night).
_DAY_PART_WORDS = {
    "昨晚": (-1, "晚上"),
    "昨夜": (-1, "晚上"),
    "寻晚": (-1, "晚上"),
    "前晚": (-2, "晚上"),
    "今晚": (0, "晚上"),
    "今早": (0, "上午"),
    "今朝": (0, "上午"),
    "今天早上": (0, "上午"),
    "今天上午": (0, "上午"),
}
_NOW_WORDS = {"", "now", "现在", "刚才", "刚刚", "而家", "宜家"}
# Afternoon and evening words turn "2点" into 14:00; 凌晨 12点 is midnight. 下昼 / 晏昼: Cantonese afternoon.
_PM_WORDS = {"下午", "晚上", "傍晚", "夜晚", "夜里", "晚", "下昼", "晏昼", "pm", "p.m."}
_AM_WORDS = {"上午", "早上", "早晨", "朝早", "凌晨", "上昼", "早", "am", "a.m."}
_NOON_WORDS = {"中午"}
_PART_WORDS = "|".join(
    sorted(map(re.escape, _PM_WORDS | _AM_WORDS | _NOON_WORDS - {"pm", "p.m.", "am", "a.m."}), key=len, reverse=True)
)
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
    "钟头": 3600,
    "个钟头": 3600,
    "个钟": 3600,  # Hong Kong: 两个钟 = two hours
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
    rf"^(?P<ampm1>{_PART_WORDS})?\s*"
    r"(?:(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"|(?P<h2>\d{1,2})\s*(?:点|时)\s*(?:(?P<m2>\d{1,2})\s*分?|(?P<half>半))?"
    r"|(?P<h3>\d{2})(?P<m3>\d{2}))"
    r"\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)?$"
)
_DAY_STARTS = sorted(
    [(word, (offset, "")) for word, offset in _DAY_WORDS.items()] + list(_DAY_PART_WORDS.items()),
    key=lambda kv: -len(kv[0]),
)
_PART_START = re.compile(rf"(?:{_PART_WORDS})")
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
_MONTH_DAY = re.compile(r"^(?:(?P<y>\d{4})[-/年.])?(?P<mo>\d{1,2})[-/月.](?P<d>\d{1,2})日?$")


_CN_NUMERAL = re.compile(r"[零一二两三四五六七八九十]+(?=\s*(?:个|点|时|分|小时|钟|秒|天|半))")
# 半小时 = 30 minutes, 一个半小时 = 1 hour 30 minutes, 半分钟 = 30 seconds.
_HALF_HOUR = re.compile(r"(\d+)\s*个?半\s*(?:小时|钟头|钟)")
_HALF = re.compile(r"(?<![\d个])半\s*个?\s*(小时|钟头|钟|分钟)")


def _cn_int(match: re.Match[str]) -> str:
    """A Chinese numeral of 0-99 as digits: 十 10, 十五 15, 二十 20, 两 2."""
    digits = "零一二三四五六七八九"
    text = match.group(0).replace("两", "二")
    if "十" not in text:
        return "".join(str(digits.index(c)) for c in text)
    tens, _, ones = text.partition("十")
    return str((digits.index(tens[-1]) if tens else 1) * 10 + (digits.index(ones[0]) if ones else 0))


def _fold(text: str) -> str:
    """Lower case, one space between words, Simplified (deskui.core.scriptfold: 點 → 点, 鐘 → 钟), Chinese numerals
    before a time word as digits, and 半 (half) of an hour or minute as minutes or seconds."""
    from deskui.core.scriptfold import fold

    s = " ".join(fold(text).strip().split())
    if s.isascii():
        return s
    s = _CN_NUMERAL.sub(_cn_int, s)
    s = _HALF_HOUR.sub(lambda m: f"{m.group(1)}小时30分钟", s)
    return _HALF.sub(lambda m: "30秒" if m.group(1) == "分钟" else "30分钟", s)


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
    for word, (offset, part) in _DAY_STARTS:
        if rest.startswith(word):
            day = local_now.date() + timedelta(days=offset)
            rest = rest[len(word) :].strip()
            if part and rest and not _PART_START.match(rest):
                rest = part + rest  # 昨晚8点: the evening's 8 o'clock
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
