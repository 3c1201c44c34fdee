"""`deskui import calls FILE.csv|FILE.xlsx|-`: past calls from a spreadsheet, all-or-nothing, 100,000 rows in one go.

Every row is checked with the same rules as the form (CallService.check, without the "needed for this kind of
call" rules, since old records often lack a phone or a unit) before anything is written; the first bad cell
refuses the file with its line, column and reason. Then one transaction inserts the calls and their search
index rows with executemany (see CallService.insert_many).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.core.errors import DeskError, ValidationError
from deskui.core.i18n import t
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
) -> list[CheckedCall]:
    """Every row of a calls file checked; nothing is written. Raises CsvImportFailed naming line and column."""
    # The csv module stops at 128 KiB a cell with "field larger than field limit"; read pasted novels whole (up to
    # a bound) so the refusal names the column and the real limit instead.
    old_limit = csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
    try:
        from deskui.services.common.tabular import Table

        table = Table(path, COLUMNS, required=REQUIRED, aliases=ALIASES, encoding=encoding, sheet=sheet)
        return _check_rows(calls, table, progress)
    finally:
        csv.field_size_limit(old_limit)


def _check_rows(calls: CallService, table: Table, progress: Progress | None) -> list[CheckedCall]:
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
    return checked


def import_calls(
    calls: CallService,
    path: Source,
    *,
    operator: OperatorInfo | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Check the whole file, then insert every call in one transaction; returns how many were imported."""
    checked = check_calls_file(calls, path, encoding=encoding, sheet=sheet, progress=progress)
    try:
        ids = calls.insert_many(
            checked, operator=operator, progress=(lambda n: progress("save", n)) if progress else None
        )
    except DeskError as exc:
        from deskui.services.common.csvfiles import CsvImportFailed

        raise CsvImportFailed(str(path) if isinstance(path, str | Path) else path.name, exc.message) from None
    return len(ids)
