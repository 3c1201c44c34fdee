"""The duty log exported as csv, json or xlsx."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.i18n import N_, t
from deskui.services.handover._dutylog import LogEntry

EXPORT_FIELDS = (
    "seq",
    "id",
    "kind",
    "duty_date",
    "shift",
    "time",
    "operator",
    "text",
    "amends_id",
    "ref",
    "payload",
    "prev_hash",
    "hash",
    "shown",  # what the entry says in the exporter's language: a handover's or review's facts rendered (issue 12)
)


# A duty-log entry's kind in words (the workbook; deskui dutylog show says the same).
ENTRY_KINDS = {"entry": N_("Entry"), "amendment": N_("Amendment"), "handover": N_("Handover"), "review": N_("Review")}


def export_record(entry: LogEntry, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "id": entry.id,
        "kind": entry.kind,
        "duty_date": entry.duty_date.isoformat(),
        "shift": entry.shift_key,
        "time": entry.time.astimezone(tz).isoformat(),
        "operator": entry.operator,
        "text": entry.stored_text,  # as stored and hashed: the chain re-checks from the export
        "amends_id": entry.amends_id,
        "ref": entry.ref_key,
        "payload": entry.payload_json,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "shown": entry.text,
    }


def export(entries: Iterable[LogEntry], fmt: str, settings: Settings, *, output: Path | None, stdout: IO[str]) -> int:
    """Write entries as csv / json / xlsx (to `output`, or stdout for csv and json); returns how many.

    Text cells a spreadsheet would run as formulas are neutralised (services.common.exportfiles.neutralise); JSON
    keeps every value exactly, so the chain can be re-checked from it (what a terminal acts on escaped:
    safetext.dumps). Files are 0600 (exportfiles.private_file); a CSV file keeps the exact text (exportfiles says why).
    """
    from deskui.services.common.exportfiles import write_export, write_json_array

    tz = ZoneInfo(settings.time_zone)
    return write_export(
        fmt,
        output=output,
        stdout=stdout,
        csv=lambda fh: _write_csv(entries, fh, tz),
        json=lambda fh: write_json_array((export_record(entry, tz) for entry in entries), fh),
        xlsx=lambda path: _write_xlsx(entries, path, tz),
    )


def _write_csv(entries: Iterable[LogEntry], fh: IO[str], tz: ZoneInfo) -> int:
    from deskui.services.common.exportfiles import neutralise

    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    n = 0
    for entry in entries:
        rec = export_record(entry, tz)
        writer.writerow(["" if rec[f] is None else neutralise(rec[f]) for f in EXPORT_FIELDS])
        n += 1
    return n


def _write_xlsx(entries: Iterable[LogEntry], path: Path, tz: ZoneInfo) -> int:
    """Row by row (openpyxl write-only mode), the time a real date-time cell in the site's local time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from deskui.services.common.exportfiles import private_file, sheet_cell, sheet_headers
    from deskui.services.common.shifts import SHIFT_LABELS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("Duty log"))
    # Headers, the kind and the shift in the reader's words (issue 12); CSV and JSON keep the keys.
    ws.append(sheet_headers(EXPORT_FIELDS, {"id": N_("Entry id")}))
    n = 0
    for entry in entries:
        rec = export_record(entry, tz)
        rec["kind"] = t(ENTRY_KINDS[rec["kind"]]) if rec["kind"] in ENTRY_KINDS else rec["kind"]
        rec["shift"] = t(SHIFT_LABELS[rec["shift"]]) if rec["shift"] in SHIFT_LABELS else rec["shift"]
        row: list[Any] = []
        for name in EXPORT_FIELDS:
            value = rec[name]
            if name == "time":
                cell = WriteOnlyCell(ws, value=datetime.fromisoformat(value).replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                row.append(cell)
            else:
                row.append(None if value is None else sheet_cell(value))
        ws.append(row)
        n += 1
    with private_file(path, binary=True) as xlsx:
        wb.save(xlsx)
    return n
