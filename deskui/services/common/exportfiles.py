"""Export files that are safe to open: spreadsheet cells that never run as formulas, files only their owner reads.

Shared by every export (calls, tickets, the duty log, reports).

Spreadsheet safety: a cell starting with = + - @ (or a tab or CR) is a formula to Excel, WPS and LibreOffice,
so a caller who says "=HYPERLINK(…)" could run something on the office PC. Such text cells get a leading
apostrophe (OWASP "CSV injection"); JSON is data for programs and keeps every value exactly.

Files: every export holds residents' data, so it is written 0600 whatever the umask, like the database and
backups (private_file); a pipe or device given as -o is written as it is and never chmodded.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from deskui.core.safetext import safe

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
