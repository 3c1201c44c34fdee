"""Checks of a SQLite file whose cost does not grow with it (issue 11), for deskui.core.db's open.

A file that is not what SQLite writes, is cut short, or has a damaged schema or b-tree root is refused before
anything touches it; a page damaged deep inside a table is left to the whole-file check (core.db.integrity_problem),
which runs in `deskui doctor`, backup, restore and in the app's background.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAYLOAD_FRACTIONS = b"\x40\x20\x20"  # header bytes 21-23: SQLite writes exactly these
_MISSING = ("no such", "no query solution")  # a probe that does not apply to this table or index (not damage)


class Damaged(Exception):
    """What the cheap checks found wrong with a file (the reason, for "… is damaged (reason)")."""


def check_header(header: bytes, size: int) -> None:
    """The 100-byte header's fields SQLite itself would refuse or misread: page size, versions, fractions."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise Damaged(f"page size {page_size} in its header")
    if header[18] not in (1, 2) or header[19] not in (1, 2) or header[21:24] != PAYLOAD_FRACTIONS:
        raise Damaged("its header is not one SQLite writes")
    if size < page_size:
        raise Damaged(f"{size} bytes, shorter than one page of {page_size}")


def probe_btrees(con: sqlite3.Connection, path: Path) -> None:
    """The schema parsed, and every table's and index's root and its first and last pages read: a file cut
    short, or a b-tree whose root was overwritten, fails here; a page deep inside is left to the full check
    (deskui.core.db.integrity_problem). Reads a few pages per table, whatever the number of rows."""
    page_size = int(con.execute("PRAGMA page_size").fetchone()[0])
    pages = int(con.execute("PRAGMA page_count").fetchone()[0])
    wal = path.with_name(path.name + "-wal")
    if not (wal.exists() and wal.stat().st_size > 0) and path.stat().st_size < pages * page_size:
        # Without a WAL every page is in the file: a file shorter than its page count was cut.
        raise Damaged(f"{path.stat().st_size} bytes where its {pages} pages need {pages * page_size}")
    schema = con.execute("SELECT type, name, tbl_name, rootpage FROM sqlite_master").fetchall()
    for kind, name, table, root in schema:
        if kind not in ("table", "index") or not root:  # views, triggers, virtual tables: no b-tree of their own
            continue
        if not 0 < int(root) <= pages:
            raise Damaged(f"{name} starts at page {root} of {pages}")
        quoted = '"' + str(table).replace('"', '""') + '"'
        if kind == "table":
            probes = [f"SELECT * FROM {quoted} LIMIT 1", f"SELECT * FROM {quoted} ORDER BY rowid DESC LIMIT 1"]
        else:
            index = '"' + str(name).replace('"', '""') + '"'
            probes = [f"SELECT 1 FROM {quoted} INDEXED BY {index} LIMIT 1"]
        for sql in probes:
            try:
                con.execute(sql).fetchall()
            except sqlite3.OperationalError as exc:
                if not any(word in str(exc) for word in _MISSING):  # WITHOUT ROWID, a partial index: not damage
                    raise
