"""Which shift a moment belongs to, from the configured shift times and summer season (002 值班制度)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.core.config import Settings, ShiftDef
from deskui.core.i18n import N_

# The shifts' names as people read them, by key (translate with t() where shown); any other key shows as it is.
SHIFT_LABELS = {"day": N_("Day shift"), "night": N_("Night shift"), "midday": N_("Midday cover")}


@dataclass(frozen=True)
class ShiftSlot:
    """One occurrence of a shift: its key, the duty date it belongs to and its local start and end."""

    key: str
    duty_date: date
    start: datetime
    end: datetime


def _slot(defn: ShiftDef, day: date, summer: bool, tz: ZoneInfo) -> ShiftSlot:
    start_t, end_t = defn.times(summer)
    start = datetime.combine(day, start_t, tzinfo=tz)
    end_day = day + timedelta(days=1) if end_t <= start_t else day
    end = datetime.combine(end_day, end_t, tzinfo=tz)
    return ShiftSlot(defn.key, day, start, end)


def shift_at(settings: Settings, moment: datetime) -> ShiftSlot:
    """The logging shift (not a cover shift) that `moment` falls in; a gap counts toward the shift that follows."""
    tz = ZoneInfo(settings.time_zone)
    local = moment.astimezone(tz)
    candidates: list[ShiftSlot] = []
    for day in (local.date() - timedelta(days=1), local.date()):
        summer = settings.shifts.is_summer(day)
        for defn in settings.shifts.shifts:
            if not defn.cover:
                candidates.append(_slot(defn, day, summer, tz))
    for slot in candidates:
        if slot.start <= local < slot.end:
            return slot
    following = [s for s in candidates if s.start > local]
    if following:
        return min(following, key=lambda s: s.start)
    tomorrow = local.date() + timedelta(days=1)
    first = min(
        (_slot(d, tomorrow, settings.shifts.is_summer(tomorrow), tz) for d in settings.shifts.shifts if not d.cover),
        key=lambda s: s.start,
    )
    return first


def local_time(settings: Settings, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.time_zone))
