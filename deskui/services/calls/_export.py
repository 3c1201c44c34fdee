"""Writing calls out as CSV, JSON or XLSX, streamed so a million calls never sit in memory at once.

Spreadsheet safety and private files: services.common.exportfiles (neutralise, sheet_cell, private_file).

Terminal safety (a row may hold an escape sequence another client stored; deskui.core.safetext):
- JSON keeps every value exactly, with the code points a terminal acts on (C1, bidi controls) escaped as \\uXXXX
  like JSON already escapes C0 (safetext.dumps): the same strings to any JSON reader, inert on a terminal.
- CSV on stdout may reach a terminal (or `less -R`, `tee`): the CLI hands the writers a sanitising stream
  (deskui.cli.stdout), so controls there show as pictures (ESC → ␛). A CSV *file* (`-o`) keeps the exact stored
  text: it is data (re-imported, compared, kept for an audit), a spreadsheet does not run escape sequences, and
  changing it would make the export disagree with the database. Whoever needs exact text on stdout uses JSON.
- XLSX cannot hold C0 controls at all (XML 1.0): there they show as pictures too (sheet_cell).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.i18n import t
from deskui.services.calls._types import CallInfo
from deskui.services.common.exportfiles import (
    neutralise,
    private_file,
    sheet_cell,
    sheet_headers,
    write_export,
    write_json_array,
)

FIELDS = (
    "id",
    "time",
    "channel",
    "caller",
    "unit",
    "phone",
    "category",
    "content",
    "visit_time",
    "urgent",
    "ticket_wanted",
    "operator",
    "shift",
    "duty_date",
    "amends_id",
    "original_id",
    "recorded_at",
)


def record(call: CallInfo, tz: ZoneInfo) -> dict[str, Any]:
    """A call as plain data with English keys; times ISO 8601 with the site's offset."""
    return {
        "id": call.id,
        "time": call.time.astimezone(tz).isoformat(),
        "channel": call.channel,
        "caller": call.caller,
        "unit": call.unit,
        "phone": call.phone,
        "category": call.category,
        "content": call.content,
        "visit_time": call.visit_time,
        "urgent": call.urgent,
        "ticket_wanted": call.ticket_wanted,
        "operator": call.operator,
        "shift": call.shift,
        "duty_date": call.duty_date.isoformat(),
        "amends_id": call.amends_id,
        "original_id": call.original_id,
        "recorded_at": call.recorded_at.astimezone(tz).isoformat(),
    }


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return neutralise(value)


def write_csv(calls: Iterable[CallInfo], fh: IO[str], settings: Settings) -> int:
    tz = ZoneInfo(settings.time_zone)
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(FIELDS)
    n = 0
    for call in calls:
        rec = record(call, tz)
        writer.writerow([_csv_cell(rec[f]) for f in FIELDS])
        n += 1
    return n


def write_json(calls: Iterable[CallInfo], fh: IO[str], settings: Settings) -> int:
    """One JSON array, one call per line, streamed (exportfiles.write_json_array)."""
    tz = ZoneInfo(settings.time_zone)
    return write_json_array((record(call, tz) for call in calls), fh)


def write_xlsx(calls: Iterable[CallInfo], path: Path, settings: Settings) -> int:
    """A workbook written row by row (openpyxl write-only mode): constant memory however many calls."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    tz = ZoneInfo(settings.time_zone)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("Calls"))
    ws.append(sheet_headers(FIELDS))
    words = _sheet_words(settings)
    n = 0
    for call in calls:
        rec = record(call, tz)
        rec.update({f: say(rec[f]) for f, say in words.items() if rec[f] is not None})
        row: list[Any] = []
        for f in FIELDS:
            value = rec[f]
            if f in ("time", "recorded_at"):
                # Excel has no time zones: the site's local time as a real date-time cell.
                cell = WriteOnlyCell(ws, value=datetime.fromisoformat(value).replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                row.append(cell)
            elif value is None:
                row.append(None)
            else:
                row.append(sheet_cell(value))
        ws.append(row)
        n += 1
    with private_file(path, binary=True) as fh:
        wb.save(fh)
    return n


def _sheet_words(settings: Settings) -> dict[str, Any]:
    """A workbook's key values in the reader's words (issue 12): channel, category, shift, flags (CSV/JSON: keys)."""
    from deskui.core.i18n import get_language
    from deskui.services.common.exportfiles import yes_no
    from deskui.services.common.shifts import SHIFT_LABELS

    language = get_language()
    channels = {c.key: c.label(language) for c in settings.channels}
    categories = {c.key: c.label(language) for c in settings.categories}
    return {
        "channel": lambda key: channels.get(key, key),
        "category": lambda key: categories.get(key, key),
        "shift": lambda key: t(SHIFT_LABELS[key]) if key in SHIFT_LABELS else key,
        "urgent": yes_no,
        "ticket_wanted": yes_no,
    }


def export(calls: Iterable[CallInfo], fmt: str, settings: Settings, *, output: Path | None, stdout: IO[str]) -> int:
    """Write `calls` in `fmt` to `output` (or stdout for csv/json); returns the number of calls written."""
    return write_export(
        fmt,
        output=output,
        stdout=stdout,
        csv=lambda fh: write_csv(calls, fh, settings),
        json=lambda fh: write_json(calls, fh, settings),
        xlsx=lambda path: write_xlsx(calls, path, settings),
    )
