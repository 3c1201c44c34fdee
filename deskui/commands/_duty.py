"""What the duty-desk command groups share (dutylog, handover, keys, roster, review): --format, dates, operators
by name, local times and JSON output."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from deskui.cli import fail
from deskui.core.i18n import t
from deskui.core.safetext import dumps

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo

SHOW_FORMATS = ("table", "json")


def show_format(value: str) -> str:
    fmt = value.strip().lower()
    if fmt not in SHOW_FORMATS:
        fail(t("Unknown format {fmt!r}; use table or json", fmt=value))
    return fmt


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


def print_json(data: Any) -> None:
    """Plain data for programs: the exact stored text, with what a terminal would act on escaped (\\u001b)."""
    sys.stdout.write(dumps(data, indent=2) + "\n")


def plain(services: Services, value: Any) -> Any:
    """`value` (dataclasses, dates, enums) as plain JSON data, times in the site's zone."""
    from zoneinfo import ZoneInfo

    from deskui.services.handover import to_plain

    return to_plain(value, ZoneInfo(services.settings.time_zone))
