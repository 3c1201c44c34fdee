"""`deskui import calls FILE.csv|FILE.xlsx|-`: past calls from a spreadsheet, all-or-nothing, 100,000 rows in one go.

Every row is checked with the same rules as the form (CallService.check, without the "needed for this kind of
call" rules, since old records often lack a phone or a unit) before anything is written; the first bad cell
refuses the file with its line, column and reason. A file whose rows are already in the log (same time, caller,
unit, phone, category and content as a stored call of the site: the same file imported again) is refused too,
naming the first such row, unless duplicates are allowed; one query reads the stored calls of the file's time
range. Then one transaction inserts the calls and their search index rows with executemany (see
CallService.insert_many).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from deskui.core.errors import DeskError, ValidationError
from deskui.core.i18n import t
from deskui.services.calls._rows import CALL
from deskui.services.calls._service import CallService
from deskui.services.calls._types import CallInput, CheckedCall
from deskui.services.operators import OperatorInfo

if TYPE_CHECKING:  # the readers load when a file is imported, not with the call log
    from deskui.services.common.tabular import InputBytes, Table

    Source = str | Path | InputBytes


COLUMNS = ("time", "channel", "caller", "unit", "phone", "category", "content", "visit_time", "urgent")
REQUIRED = ("time", "category", "content")
# Headers as Chinese offices write them in Excel (来电来访登记表).
ALIASES = {
    "时间": "time",
    "来电时间": "time",
    "致电时间": "time",
    "方式": "channel",
    "渠道": "channel",
    "来源": "channel",
    "来电人": "caller",
    "姓名": "caller",
    "房号": "unit",
    "地点": "unit",
    "电话": "phone",
    "联系电话": "phone",
    "类别": "category",
    "类型": "category",
    "内容": "content",
    "上门时间": "visit_time",
    "visit time": "visit_time",
    "紧急": "urgent",
    # …and in Traditional script (Big5 files from Taiwan and Hong Kong offices).
    "時間": "time",
    "來電時間": "time",
    "致電時間": "time",
    "來源": "channel",
    "來電人": "caller",
    "房號": "unit",
    "地點": "unit",
    "電話": "phone",
    "聯絡電話": "phone",
    "聯繫電話": "phone",
    "類別": "category",
    "類型": "category",
    "內容": "content",
    "上門時間": "visit_time",
    "緊急": "urgent",
}
_TRUE = {"1", "true", "yes", "y", "是", "紧急", "urgent", "x", "✓"}
_FALSE = {"", "0", "false", "no", "n", "否", "一般"}

_CELL_LIMIT = 16 << 20  # characters
Progress = Callable[[str, int], None]  # (phase "check" | "save", rows done since the last call)
# What makes a row "already in the log": the call as the import would store it, less what the desk derives.
Key = tuple[datetime, str, str, str, str, str]


def _urgent(value: str, table: Table, line: int) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise table.error(t("urgent is yes or no (1/0, 是/否), not {value!r}", value=value), line=line, column="urgent")


def check_calls_file(
    calls: CallService,
    path: Source,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    allow_duplicates: bool = False,
) -> list[CheckedCall]:
    """Every row of a calls file checked; nothing is written. Raises CsvImportFailed naming line and column, or
    the first row already in the call log (unless `allow_duplicates`)."""
    # The csv module stops at 128 KiB a cell with "field larger than field limit"; read pasted novels whole (up to
    # a bound) so the refusal names the column and the real limit instead.
    old_limit = csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
    try:
        from deskui.services.common.tabular import Table

        table = Table(path, COLUMNS, required=REQUIRED, aliases=ALIASES, encoding=encoding, sheet=sheet)
        lines, checked = _check_rows(calls, table, progress)
        if not allow_duplicates:
            _refuse_stored(calls, table, lines, checked)
        return checked
    finally:
        csv.field_size_limit(old_limit)


def _check_rows(calls: CallService, table: Table, progress: Progress | None) -> tuple[list[int], list[CheckedCall]]:
    """The checked calls and the line (or sheet row) each came from."""
    lines: list[int] = []
    checked: list[CheckedCall] = []
    pending = 0
    for line, row in table:
        # A file format matter, not the caller's words: Excel ends lines inside a cell with CR LF.
        content = row["content"].replace("\r\n", "\n").replace("\r", "\n")
        data = CallInput(
            content=content,
            category=row["category"],
            channel=row["channel"] or "phone",
            time=row["time"],
            caller=row["caller"],
            unit=row["unit"],
            phone=row["phone"],
            visit_time=row["visit_time"],
            urgent=_urgent(row["urgent"], table, line),
        )
        try:
            checked.append(calls.check(data, strict=False))
            lines.append(line)
        except ValidationError as exc:
            raise table.error(exc.message, line=line, column=exc.field or "content") from None
        pending += 1
        if progress is not None and pending >= 1000:
            progress("check", pending)
            pending = 0
    if progress is not None and pending:
        progress("check", pending)
    if not checked:
        raise table.error(t("no calls in the file (only a header)"))
    return lines, checked


def _key(c: CheckedCall) -> Key:
    """The call as the log stores it: the time as aware UTC (as the column reads back), the words as typed."""
    return (c.called_at.astimezone(UTC), c.caller, c.unit_text, c.phone, c.category, c.content)


def stored_keys(calls: CallService, checked: list[CheckedCall]) -> set[Key]:
    """The keys of these calls that the site's log already holds: one query over their time range (the stored
    calls between the earliest and the latest), compared in Python as tuples."""
    wanted = {_key(c) for c in checked}
    c = CALL.c
    query = select(c.called_at, c.caller, c.unit_text, c.phone, c.category, c.content).where(
        c.site_id == calls.site_id,
        c.called_at >= min(k[0] for k in wanted),
        c.called_at <= max(k[0] for k in wanted),
    )
    found: set[Key] = set()
    with calls.db.read() as s:
        for row in s.execute(query):  # the column type reads times back as aware UTC on every backend
            key: Key = tuple(row)
            if key in wanted:
                found.add(key)
    return found


def _refuse_stored(calls: CallService, table: Table, lines: list[int], checked: list[CheckedCall]) -> None:
    """Refuse the file when rows of it are already in the call log, naming the first and how many."""
    found = stored_keys(calls, checked)
    if not found:
        return
    matching = [line for line, c in zip(lines, checked, strict=True) if _key(c) in found]
    raise table.error(
        t(
            "this call is already in the log (same time, caller, unit, phone, category and content), and so are "
            "{count} of the file's {total} rows: was the file imported before? Nothing was imported; "
            "--allow-duplicates imports them all the same",
            count=len(matching),
            total=len(checked),
        ),
        line=matching[0],
    )


def import_calls(
    calls: CallService,
    path: Source,
    *,
    operator: OperatorInfo | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    allow_duplicates: bool = False,
) -> int:
    """Check the whole file, then insert every call in one transaction; returns how many were imported.

    A file with rows already in the log is refused unless `allow_duplicates` (two identical calls do happen)."""
    checked = check_calls_file(
        calls, path, encoding=encoding, sheet=sheet, progress=progress, allow_duplicates=allow_duplicates
    )
    try:
        ids = calls.insert_many(
            checked, operator=operator, progress=(lambda n: progress("save", n)) if progress else None
        )
    except DeskError as exc:
        from deskui.services.common.csvfiles import CsvImportFailed

        raise CsvImportFailed(str(path) if isinstance(path, str | Path) else path.name, exc.message) from None
    return len(ids)
