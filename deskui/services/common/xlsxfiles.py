"""Reading the rows of an Excel workbook (.xlsx) for `deskui import …`: one sheet, its cells as text.

The workbook is opened read-only (rows stream from the zip, so 100,000 rows stay small in memory) with the values
Excel last calculated. Cells become the text a person sees: whole numbers without ".0" (phone numbers typed into
a number cell), dates and times in ISO form, TRUE/FALSE as 1/0. Row numbers are Excel's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from deskui.core.i18n import t
from deskui.services.common.csvfiles import CsvImportFailed, Opener


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def sheet_records(opener: Opener, name: str, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The sheet's name and its non-blank rows as `(row number, cells as text)`; `sheet` a name or 1-based number."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(opener(), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CsvImportFailed(
            name, t("not an Excel workbook (.xlsx): {why}", why=str(exc) or type(exc).__name__)
        ) from None
    except Exception as exc:  # openpyxl's InvalidFileException and the like for a damaged workbook
        raise CsvImportFailed(
            name, t("not an Excel workbook (.xlsx): {why}", why=str(exc) or type(exc).__name__)
        ) from None
    names: list[str] = list(book.sheetnames)
    if not names:
        raise CsvImportFailed(name, t("the workbook has no sheets"))
    chosen = names[0]
    if sheet is not None:
        wanted = sheet.strip()
        if wanted in names:
            chosen = wanted
        elif wanted.isdigit() and 1 <= int(wanted) <= len(names):
            chosen = names[int(wanted) - 1]
        else:
            raise CsvImportFailed(
                name, t("no sheet {sheet}; the workbook has {sheets}", sheet=wanted, sheets=", ".join(names))
            )
    return chosen, _rows(book, chosen)


def _rows(book: Any, sheet: str) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, values in enumerate(book[sheet].iter_rows(min_row=1, values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                yield number, cells
    finally:
        book.close()
