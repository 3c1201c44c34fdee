"""What the duty-desk command groups share (dutylog, handover, keys, roster, review): dates, operators by name,
local times and plain data for JSON (--format and the JSON writers: deskui.commands._formats)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from deskui.cli import fail
from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo


def parse_date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        fail(t("{option}: not a date: {value}", option=option, value=value))


def operator_named(services: Services, name: str | None) -> OperatorInfo | None:
    return services.operators.by_name(name.strip()) if name and name.strip() else None


def local_text(services: Services, moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    from deskui.services.common.shifts import local_time

    return local_time(services.settings, moment).strftime(fmt)


def plain(services: Services, value: Any) -> Any:
    """`value` (dataclasses, dates, enums) as plain JSON data, times in the site's zone."""
    from zoneinfo import ZoneInfo

    from deskui.services.handover import to_plain

    return to_plain(value, ZoneInfo(services.settings.time_zone))
