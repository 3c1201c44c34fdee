"""What a report covers: a month ("YYYY-MM") as local days and as a UTC span in the site's zone, and a building."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.services.common.places import fold
from deskui.services.handover import parse_month

_BUILDING = re.compile(r"^([A-Z]?\d{1,3}[A-Z]?)(号楼|栋|幢|座|号|楼|#)?$")


def month_bounds(settings: Settings, month: str) -> tuple[date, date, datetime, datetime]:
    """First and last local day of "YYYY-MM" and its [start, end) in aware UTC (site's zone)."""
    year, mon = parse_month(month)
    tz = ZoneInfo(settings.time_zone)
    first = date(year, mon, 1)
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(following, time(0), tzinfo=tz).astimezone(UTC)
    return first, following - timedelta(days=1), start, end


def shift_month(month: str, step: int) -> str:
    """The month `step` months after "YYYY-MM" (before, when negative)."""
    year, mon = parse_month(month)
    index = year * 12 + mon - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def normalize_building(value: str | None) -> str | None:
    """ "3", "3栋", "3号楼" → "3"; empty → None (the whole site)."""
    if value is None or not value.strip():
        return None
    folded = fold(value).replace(" ", "")
    m = _BUILDING.match(folded)
    if not m:
        raise ValidationError(t("Not a building: {value!r}; write e.g. 3 or 3栋", value=value), field="building")
    code = m.group(1)
    return code.lstrip("0") or "0" if code.isdigit() else code
