"""A table to import, from a CSV file, an Excel workbook (.xlsx) or standard input: its header, then its rows.

Every `deskui import …` reads through `Table`: the header is matched to the columns the import understands
(aliases, any case), every row becomes a dict of stripped strings, and every refusal names the place — file and
line for CSV, file, sheet, row and column (letter and name) for a workbook — through `Table.error`. Rows are read
lazily: an import checks them all while iterating and writes only after the loop, so a failure anywhere leaves the
database unchanged.

What kind of file it is: a .xlsx name, or for standard input the bytes of a zip archive (a workbook), else CSV.
openpyxl is imported only for a workbook.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from deskui.core.i18n import t
from deskui.services.common.csvfiles import CsvImportFailed, Opener, csv_records

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class InputBytes:
    """A file already read into memory (`-`: standard input), with the name messages give it."""

    data: bytes
    name: str = "stdin"

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)


def _letter(index: int) -> str:
    """Excel's column letter for a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class Table:
    """The rows of an import file as `(line, row)`; `error()` makes a refusal that names the place."""

    def __init__(
        self,
        source: str | Path | InputBytes,
        columns: Sequence[str],
        *,
        required: Collection[str] = (),
        aliases: Mapping[str, str] | None = None,
        allow_extra: bool = False,
        encoding: str | None = None,
        sheet: str | None = None,
    ) -> None:
        """- `columns`: the canonical column names the caller understands; each row dict has every one of them,
          values stripped, "" when the column is absent from the file or the cell is empty.
        - `required`: columns that must be in the header and non-blank in every row.
        - `aliases`: other header spellings (e.g. {"房号": "unit"}); headers match case-insensitively.
        - `allow_extra`: ignore unknown header columns instead of refusing them (the default catches typos).
        - `encoding`: a CSV file's encoding as the person gave it (--encoding); None guesses.
        - `sheet`: a workbook's sheet by name or 1-based number (--sheet); None is the first.
        """
        self.source = source if isinstance(source, InputBytes) else Path(source)
        self.name = self.source.name if isinstance(self.source, InputBytes) else str(self.source)
        self.columns = tuple(columns)
        self.required = frozenset(required)
        self.lookup = {c.lower(): c for c in columns}
        self.lookup.update({k.strip().lower(): v for k, v in (aliases or {}).items()})
        self.allow_extra = allow_extra
        self.encoding = encoding
        self.sheet_wanted = sheet
        self.sheet: str | None = None  # the sheet being read, once a workbook is open
        self.letters: dict[str, str] = {}  # canonical column → Excel letter, once the header is read

    def _is_workbook(self, opener: Opener) -> bool:
        """A .xlsx name, or a zip archive's first bytes (stdin, or a workbook saved under a .csv name)."""
        if isinstance(self.source, InputBytes):
            return self.source.data.startswith(_ZIP)
        if self.source.suffix.lower() in (".xlsx", ".xlsm"):
            return True
        try:
            with opener() as fh:
                return fh.read(len(_ZIP)) == _ZIP
        except OSError:
            return False  # the CSV reader names the error

    def error(self, reason: str, *, line: int | None = None, column: str | None = None) -> CsvImportFailed:
        """A refusal at a row (and column) of this table, in the words its kind of file uses."""
        letter = self.letters.get(column) if column else None
        return CsvImportFailed(self.name, reason, line=line, column=column, sheet=self.sheet, letter=letter)

    def _opener(self) -> Opener:
        source = self.source
        if isinstance(source, InputBytes):
            return source.open
        name = str(source)
        if not source.is_file():
            why = t("no such file") if not source.exists() else t("not a regular file")
            raise CsvImportFailed(name, t("cannot read the file: {why}", why=why))
        if source.suffix.lower() == ".xls":
            raise CsvImportFailed(
                name, t("an old Excel 97-2003 workbook; save it as .xlsx (Excel Workbook) or as CSV UTF-8")
            )
        return lambda: source.open("rb")

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        opener = self._opener()
        if self._is_workbook(opener):
            from deskui.services.common.xlsxfiles import sheet_records

            sheet, records = sheet_records(opener, self.name, self.sheet_wanted)
            self.sheet = sheet
            return records
        if self.sheet_wanted is not None:
            raise CsvImportFailed(self.name, t("--sheet is for .xlsx workbooks; this is a CSV file"))
        return csv_records(opener, self.name, self.encoding)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        records = self._records()
        header_line, labels = self._header(records)
        positions = self._positions(header_line, labels)
        width = len(labels)
        for line, cells in records:
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                raise self.error(t("{n} cells but the header has {m} columns", n=len(cells), m=width), line=line)
            values: dict[str, str] = {}
            for col in self.columns:
                at = positions.get(col)
                value = cells[at].strip() if at is not None and at < len(cells) else ""
                if not value and col in self.required:
                    raise self.error(t("required, but blank"), line=line, column=col)
                values[col] = value
            yield line, values

    def _header(self, records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
        """The header row: the first non-blank one, after at most two title rows (one cell, e.g. 来电来访登记表
        across the top of an office's sheet) when the row after them is a header."""
        first: tuple[int, list[str]] | None = None
        for titles in range(3):
            record = next(records, None)
            if record is None:
                break
            line, cells = record
            labels = [cell.strip().lstrip("\ufeff").strip() for cell in cells]
            if any(label.lower() in self.lookup for label in labels):
                return line, labels
            first = first or (line, labels)
            if titles == 2 or sum(1 for label in labels if label) != 1:
                break
        if first is None:
            raise self.error(t("not a CSV file: no header line") if self.sheet is None else t("the sheet is empty"))
        return first  # not a header: _positions refuses it, at the first row

    def _positions(self, line: int, labels: list[str]) -> dict[str, int]:
        expected = ",".join(self.columns)
        if not any(label.lower() in self.lookup for label in labels):
            raise self.error(t("the first line is not a header; expected {columns}", columns=expected), line=line)
        positions: dict[str, int] = {}
        for i, label in enumerate(labels):
            if not label:
                continue
            canonical = self.lookup.get(label.lower())
            if canonical is None:
                if self.allow_extra:
                    continue
                raise self.error(t("unknown column; expected {columns}", columns=expected), line=line, column=label)
            if canonical in positions:
                raise self.error(t("the column appears twice"), line=line, column=label)
            positions[canonical] = i
            self.letters[canonical] = _letter(i)
        for col in self.columns:
            if col in self.required and col not in positions:
                raise self.error(
                    t("missing from the header (expected {columns})", columns=expected), line=line, column=col
                )
        return positions
