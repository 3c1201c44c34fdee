"""Export files that are safe to open: spreadsheet cells that never run as formulas, files only their owner reads.

Shared by every export (calls, tickets, the duty log, reports).

Spreadsheet safety: a cell starting with = + - @ (or a tab or CR) is a formula to Excel, WPS and LibreOffice,
so a caller who says "=HYPERLINK(…)" could run something on the office PC. Such text cells get a leading
apostrophe (OWASP "CSV injection"); JSON is data for programs and keeps every value exactly.

Files: every export holds residents' data, so it is written 0600 whatever the umask, like the database and
backups (private_file); a pipe or device given as -o is written as it is and never chmodded.

One way out for every register (write_export): the format checked, xlsx only to a file, csv and json to the file
or to stdout; CSV files with a BOM. JSON has one style everywhere (write_json_array): one array of objects, one
object per line, streamed.

Languages (issue 12): a workbook is for people — its headers (sheet_headers) and its key values (a kind, a status,
a department, a shift: each writer's words) are in the exporter's language. CSV and JSON are for programs: English
column keys and key values, the same whatever the language (README, "Exports").
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, t
from deskui.core.safetext import dumps, safe

# A workbook's column headers: the stable column key (CSV's header, JSON's field) → its words.
COLUMN_LABELS = {
    "id": N_("#"),
    "seq": N_("#"),
    "number": N_("Number"),
    "kind": N_("Kind"),
    "status": N_("Status"),
    "severity": N_("Severity"),
    "repair_type": N_("Repair type"),
    "help_kind": N_("Kind of help"),
    "unit": N_("Unit"),
    "caller": N_("Caller"),
    "phone": N_("Phone"),
    "description": N_("Description"),
    "department": N_("Department"),
    "assignee": N_("Assignee"),
    "created_at": N_("Created"),
    "created_by": N_("Created by"),
    "due_at": N_("Due"),
    "appointment_at": N_("Appointment"),
    "done_at": N_("Done"),
    "closed_at": N_("Closed"),
    "callback_result": N_("Callback"),
    "satisfaction": N_("Satisfaction"),
    "callback_comment": N_("Callback comment"),
    "targets": N_("Targets"),
    "calls": N_("Calls"),
    "resident_deadline": N_("Resident deadline"),
    "result": N_("Result"),
    "reply": N_("Reply"),
    "reply_via": N_("Replied by"),
    "notes": N_("Notes"),
    "paid": N_("Paid"),
    "fee": N_("Fee"),
    "time": N_("Time"),
    "channel": N_("Channel"),
    "category": N_("Category"),
    "content": N_("Content"),
    "visit_time": N_("Visit time"),
    "urgent": N_("Urgent"),
    "ticket_wanted": N_("Ticket wanted"),
    "operator": N_("Operator"),
    "shift": N_("Shift"),
    "duty_date": N_("Duty date"),
    "amends_id": N_("Corrects"),
    "original_id": N_("Original"),
    "recorded_at": N_("Recorded at"),
    "text": N_("Stored text"),
    "ref": N_("Refers to"),
    "payload": N_("Facts"),
    "prev_hash": N_("Previous hash"),
    "hash": N_("Hash"),
    "shown": N_("Entry"),
}


def sheet_headers(fields: Iterable[str], labels: dict[str, str] | None = None) -> list[str]:
    """A workbook's header row in the reader's language (`labels`: a register's own columns, key → N_ msgid)."""
    table = {**COLUMN_LABELS, **(labels or {})}
    return [t(table[f]) if f in table else f for f in fields]


def yes_no(value: Any) -> Any:
    """A flag in a workbook: 是/否, Yes/No (None stays empty)."""
    return None if value is None else t("Yes") if value else t("No")


# The formats a register (calls, tickets, the duty log) exports to.
FORMATS = ("csv", "json", "xlsx")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def sheet_cell(value: Any) -> Any:
    """A value for an XLSX cell: text with controls as pictures (XML cannot hold C0) and formulas neutralised."""
    return neutralise(safe(value)) if isinstance(value, str) else value


@contextmanager
def private_file(path: Path, *, binary: bool = False, encoding: str | None = None) -> Iterator[IO[Any]]:
    """`path` opened for writing as a file only its owner may read (0600), whatever the umask.

    A regular file (or none yet) is written to a new 0600 file beside it that replaces it only once complete: an
    old export's lax mode does not carry over, a reader who had it open does not see the new data, and a failed
    export leaves the old file whole. Anything else (a pipe, a terminal, /dev/stdout) is written as it is and its
    mode is never touched: deskui only ever chmods a regular file it owns (issue 16 item 13)."""
    target = Path(os.path.realpath(path))  # through a symlink: replace the file it names, not the link
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": encoding or "utf-8", "newline": ""}
    try:
        existing: os.stat_result | None = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, mode, **text_args) as fh:
            yield fh
        return
    fd, scratch = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        os.replace(scratch, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(scratch)
        raise


def write_json_array(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """`records` as one JSON array, one object per line, written piece by piece; returns how many.

    Every value exactly as stored, with the code points a terminal would act on escaped (safetext.dumps)."""
    n = 0
    fh.write("[")
    for rec in records:
        fh.write(("\n" if n == 0 else ",\n") + dumps(rec))
        n += 1
    fh.write("\n]\n" if n else "]\n")
    return n


def write_export(
    fmt: str,
    *,
    output: Path | None,
    stdout: IO[str],
    csv: Callable[[IO[str]], int],
    json: Callable[[IO[str]], int],
    xlsx: Callable[[Path], int],
) -> int:
    """Run the writer of `fmt` (csv, json or xlsx) to `output`, or to `stdout` for csv and json; how many rows.

    Each writer is given where to write and knows what: the register's rows and settings are bound in by the
    caller. A file is private (0600, replaced only once complete); a CSV file starts with a BOM, because Excel on
    Chinese Windows reads a BOM-less UTF-8 file as GBK and garbles every name."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ValidationError(t("Unknown export format {fmt!r}; use csv, json or xlsx", fmt=fmt), field="format")
    if fmt == "xlsx":
        if output is None:
            raise ValidationError(t("An xlsx export needs --output FILE.xlsx"), field="output")
        return xlsx(output)
    writer = csv if fmt == "csv" else json
    if output is None:
        return writer(stdout)
    with private_file(output, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
        return writer(fh)
