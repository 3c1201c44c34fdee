"""Reading CSV files people export from Excel or WPS, for every `deskui import …` command.

Offices save CSV as UTF-8 (with or without the BOM Excel adds), as GB18030/GBK (Simplified Chinese Windows), as
Big5 (Traditional Chinese Windows) or as UTF-16 (Excel's "Unicode text"); `encodings.guess` tells which, and a file
it cannot tell is refused with a message naming `--encoding`. Anything else — a binary file, an undecodable one —
is refused with the file and line named, because imports are all-or-nothing and the person must find and fix it.
The header and the cells are mapped to columns by `tabular.Table`, which reads workbooks too.

Line numbers are physical lines as an editor shows them: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from deskui.core.errors import ImportFailed
from deskui.core.i18n import t
from deskui.services.common.encodings import ENCODING_CHOICES, UTF16_BOMS, codec_for, guess, label

if TYPE_CHECKING:
    from deskui.services.common.tabular import InputBytes

_CHUNK = 1 << 16
_SAMPLE = 256 << 10  # bytes of non-ASCII lines the encoding is guessed from
Opener = Callable[[], BinaryIO]


class CsvImportFailed(ImportFailed):
    """An import refused at a known place; `line` and `column` are None when the whole file is at fault."""

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
        letter: str | None = None,
    ) -> None:
        if sheet is not None and line is not None:  # a workbook: its sheet, row (as Excel numbers it) and column
            place = t("{file}, sheet {sheet}, row {line}", file=file, sheet=sheet, line=line)
            if column is not None:
                label = f"{letter} ({column})" if letter else column
                message = t("{place}, column {column}: {reason}", place=place, column=label, reason=reason)
            else:
                message = t("{place}: {reason}", place=place, reason=reason)
        elif sheet is not None:
            message = t("{file}, sheet {sheet}: {reason}", file=file, sheet=sheet, reason=reason)
        elif line is not None and column is not None:
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
        self.sheet = sheet


def _first_bad_line(opener: Opener, codec: str) -> int | None:
    """None when the whole file decodes with `codec`, else the line of the first undecodable byte."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with opener() as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk.count(b"\n", 0, max(0, min(exc.start, len(chunk))))
            except UnicodeError:  # UTF-16 without its BOM
                return line
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeError:
        return line
    return None


def _utf16_without_bom(start: bytes) -> bool:
    """ASCII text in UTF-16: a NUL byte at every odd (little-endian) or every even (big-endian) offset."""
    head = start[:512] if len(start) % 2 == 0 else start[:511]
    odd, even = head[1::2], head[0::2]
    return len(head) >= 4 and (odd.count(0) >= len(odd) * 0.9 or even.count(0) >= len(even) * 0.9)


def _scan(opener: Opener, name: str, utf16: bool) -> bytes:
    """Refuse binary data (NUL bytes) with its line; return the file's first lines that hold non-ASCII bytes.

    Those lines, not the file's start, are what the encoding is guessed from: a file can begin with a page of
    ASCII times and numbers. GB18030 and Big5 never use the newline byte inside a character, so cutting there is
    safe. The file is streamed in chunks, so a 100,000-row file is never held in memory.
    """
    sample: list[bytes] = []
    size = 0
    line = 1
    rest = b""
    with opener() as fh:
        head = fh.read(2)
        fh.seek(0)
        if head in UTF16_BOMS or utf16:
            return head + fh.read(_SAMPLE)
        while chunk := fh.read(_CHUNK):
            nul = chunk.find(b"\0")
            if nul >= 0 and line == 1 and _utf16_without_bom(chunk):
                raise CsvImportFailed(
                    name, t("the text looks like UTF-16 without its BOM; give --encoding utf-16-le (or utf-16-be)")
                )
            if nul >= 0:
                raise CsvImportFailed(
                    name,
                    t("not a CSV file: it holds binary data (NUL bytes)"),
                    line=line + chunk.count(b"\n", 0, nul),
                )
            line += chunk.count(b"\n")
            if size >= _SAMPLE or (chunk.isascii() and not rest):
                continue
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for text in lines:
                if not text.isascii() and size < _SAMPLE:
                    sample.append(text)
                    size += len(text) + 1
        if rest and not rest.isascii() and size < _SAMPLE:
            sample.append(rest)
    return b"\n".join(sample)


def choose_codec(opener: Opener, name: str, encoding: str | None) -> str:
    """The codec to read the file with: `encoding` as given (--encoding), else guessed; the whole file checked."""
    if encoding:
        codec = codec_for(encoding)
        if codec is None:
            raise CsvImportFailed(
                name, t("unknown encoding {name}; use one of {choices}", name=encoding, choices=ENCODING_CHOICES)
            )
    else:
        codec = None
    try:
        sample = _scan(opener, name, utf16=bool(codec and codec.startswith("utf-16")))
        if codec is None:
            found = guess(sample)
            if found.codec is None and found.readings:
                raise CsvImportFailed(
                    name,
                    t(
                        "cannot tell the text encoding (it reads as {readings}); give it with --encoding ({choices})",
                        readings=", ".join(label(r) for r in found.readings),
                        choices=ENCODING_CHOICES,
                    ),
                )
            if found.codec is None:
                raise CsvImportFailed(
                    name,
                    t(
                        "the text is not UTF-8, GB18030, Big5 or UTF-16; give its encoding with --encoding ({choices})",
                        choices=ENCODING_CHOICES,
                    ),
                    line=_first_bad_line(opener, "utf-8"),
                )
            codec = found.codec
        bad = _first_bad_line(opener, codec)
    except OSError as exc:
        raise CsvImportFailed(name, t("cannot read the file: {why}", why=exc.strerror or str(exc))) from None
    if bad is not None:
        raise CsvImportFailed(
            name,
            t(
                "not valid {encoding} text; give the file's encoding with --encoding ({choices})",
                encoding=encoding or label(codec),
                choices=ENCODING_CHOICES,
            ),
            line=bad,
        )
    return codec


def csv_records(opener: Opener, name: str, encoding: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield `(line, cells)` for every record of a CSV file, the header too; blank records are skipped.

    `line` is the physical line where the record starts. Tab-separated text (Excel's "Unicode text") is read
    when the first line has tabs and no commas.
    """
    codec = choose_codec(opener, name, encoding)
    start = 1  # first line of the record being read, for errors the csv module raises mid-record
    try:
        with io.TextIOWrapper(opener(), encoding=codec, newline="") as fh:
            first = fh.readline()
            delimiter = "\t" if "\t" in first and "," not in first else ","
            fh.seek(0)
            # strict: an unclosed quote is an error, not a cell that silently swallows the rest of the file.
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            for cells in reader:
                line, start = start, reader.line_num + 1
                if any(c.strip() for c in cells):
                    if line == 1 and cells:
                        cells[0] = cells[0].lstrip("\ufeff")
                    yield line, cells
    except csv.Error as exc:
        raise CsvImportFailed(name, t("not a valid CSV file: {why}", why=str(exc)), line=start) from None
    except UnicodeDecodeError:  # the file changed between the check and the read
        raise CsvImportFailed(name, t("not valid {encoding} text", encoding=label(codec))) from None
    except OSError as exc:
        raise CsvImportFailed(name, t("cannot read the file: {why}", why=exc.strerror or str(exc))) from None


def read_csv(
    path: str | Path | InputBytes,
    columns: Sequence[str],
    *,
    required: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    allow_extra: bool = False,
    encoding: str | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield `(line_no, row)` for each data row of a CSV file (or of a workbook): see `tabular.Table`."""
    from deskui.services.common.tabular import Table

    return iter(Table(path, columns, required=required, aliases=aliases, allow_extra=allow_extra, encoding=encoding))
