"""Reading CSV files people export from Excel or WPS, for every `deskui import …` command.

Offices save CSV as UTF-8 (with or without the BOM Excel adds) or, on Chinese Windows, as GBK; both are
accepted. Anything else — a binary file, an undecodable one, a missing header — is refused with the file, line
and column named, because imports are all-or-nothing and the person must find and fix the bad cell.

Line numbers are physical lines as an editor shows them: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path

from deskui.core.errors import ImportFailed
from deskui.core.i18n import t

ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
_CHUNK = 1 << 16
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class CsvImportFailed(ImportFailed):
    """An import refused at a known place; `line` and `column` are None when the whole file is at fault."""

    def __init__(self, file: str, reason: str, *, line: int | None = None, column: str | None = None) -> None:
        if line is not None and column is not None:
            message = t(
                "{file} line {line}, column {column}: {reason}",
                file=file,
                line=line,
                column=column,
                reason=reason,
            )
        elif line is not None:
            message = t("{file} line {line}: {reason}", file=file, line=line, reason=reason)
        else:
            message = t("{file}: {reason}", file=file, reason=reason)
        super().__init__(message, field=column)
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason


def _first_bad_line(path: Path, encoding: str) -> int | None:
    """None when the whole file decodes in `encoding`, else the line of the first undecodable byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk.count(b"\n", 0, max(0, min(exc.start, len(chunk))))
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def detect_encoding(path: Path, name: str) -> str:
    """The first of ENCODINGS that decodes the whole file; refuse binary (NUL bytes) and undecodable files.

    The file is streamed in chunks, so a 100,000-row file is never held in memory.
    """
    try:
        line = 1
        with path.open("rb") as fh:
            if fh.read(2) in _UTF16_BOMS:
                raise CsvImportFailed(name, t("the file is saved as UTF-16; save it as CSV (UTF-8) or CSV (GBK)"))
            fh.seek(0)
            while chunk := fh.read(_CHUNK):
                nul = chunk.find(b"\0")
                if nul >= 0:
                    raise CsvImportFailed(
                        name,
                        t("not a CSV file: it holds binary data (NUL bytes)"),
                        line=line + chunk.count(b"\n", 0, nul),
                    )
                line += chunk.count(b"\n")
        bad_line: int | None = None
        for encoding in ENCODINGS:
            bad = _first_bad_line(path, encoding)
            if bad is None:
                return encoding
            bad_line = bad if bad_line is None else max(bad_line, bad)
    except OSError as exc:
        raise CsvImportFailed(name, t("cannot read the file: {why}", why=exc.strerror or str(exc))) from None
    raise CsvImportFailed(name, t("not a CSV file: the text is neither UTF-8 nor GBK"), line=bad_line)


def read_csv(
    path: str | Path,
    columns: Sequence[str],
    *,
    required: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    allow_extra: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield `(line_no, row)` for each data row of a CSV file; raise CsvImportFailed (an ImportFailed).

    - `columns`: the canonical column names the caller understands; each row dict has every one of them,
      values stripped, "" when the column is absent from the file or the cell is empty.
    - `required`: columns that must be in the header and non-blank in every row.
    - `aliases`: other header spellings (e.g. {"房号": "unit"}); headers match case-insensitively.
    - `allow_extra`: ignore unknown header columns instead of refusing them (the default catches typos).

    `line_no` is the physical line where the row starts (header = line 1), so it matches an editor even when
    a quoted cell spans several lines. Blank lines are skipped. Rows are read lazily (constant memory for
    100,000 rows): validate while iterating and write only after the loop, so a failure anywhere leaves the
    database unchanged. Raise `CsvImportFailed(file, reason, line=…, column=…)` for your own row errors so
    every import reports them the same way; the encoding is detected first (utf-8-sig, then gb18030).
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        why = t("no such file") if not path.exists() else t("not a regular file")
        raise CsvImportFailed(name, t("cannot read the file: {why}", why=why))
    encoding = detect_encoding(path, name)
    lookup = {c.lower(): c for c in columns}
    lookup.update({k.strip().lower(): v for k, v in (aliases or {}).items()})
    start = 1  # first line of the record being read, for errors the csv module raises mid-record
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            first = fh.readline()
            delimiter = "\t" if "\t" in first and "," not in first else ","
            fh.seek(0)
            # strict: an unclosed quote is an error, not a cell that silently swallows the rest of the file.
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            header: list[str] | None = None
            while header is None:
                row = next(reader, None)
                if row is None:
                    raise CsvImportFailed(name, t("not a CSV file: no header line"))
                if any(cell.strip() for cell in row):
                    header = row
            header_line = reader.line_num
            labels = [cell.strip().lstrip("\ufeff").strip() for cell in header]
            expected = ",".join(columns)
            if not any(label.lower() in lookup for label in labels):
                raise CsvImportFailed(
                    name,
                    t("the first line is not a header; expected {columns}", columns=expected),
                    line=header_line,
                )
            positions: dict[str, int] = {}
            for i, label in enumerate(labels):
                if not label:
                    continue
                canonical = lookup.get(label.lower())
                if canonical is None:
                    if allow_extra:
                        continue
                    raise CsvImportFailed(
                        name,
                        t("unknown column; expected {columns}", columns=expected),
                        line=header_line,
                        column=label,
                    )
                if canonical in positions:
                    raise CsvImportFailed(name, t("the column appears twice"), line=header_line, column=label)
                positions[canonical] = i
            for col in columns:
                if col in required and col not in positions:
                    raise CsvImportFailed(
                        name,
                        t("missing from the header (expected {columns})", columns=expected),
                        line=header_line,
                        column=col,
                    )
            width = len(header)
            start = reader.line_num + 1
            for cells in reader:
                line_no, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    raise CsvImportFailed(
                        name,
                        t("{n} cells but the header has {m} columns", n=len(cells), m=width),
                        line=line_no,
                    )
                values: dict[str, str] = {}
                for col in columns:
                    at = positions.get(col)
                    value = cells[at].strip() if at is not None and at < len(cells) else ""
                    if not value and col in required:
                        raise CsvImportFailed(name, t("required, but blank"), line=line_no, column=col)
                    values[col] = value
                yield line_no, values
    except csv.Error as exc:
        raise CsvImportFailed(name, t("not a valid CSV file: {why}", why=str(exc)), line=start) from None
    except UnicodeDecodeError:  # the file changed between the check and the read
        raise CsvImportFailed(name, t("not a CSV file: the text is neither UTF-8 nor GBK")) from None
    except OSError as exc:
        raise CsvImportFailed(name, t("cannot read the file: {why}", why=exc.strerror or str(exc))) from None
