"""Opening a database costs the same whatever its size (issue 11), and a damaged or foreign file is still refused.

Every open used to run `PRAGMA quick_check` over the whole file: 8.1 s at a million calls, paid by every CLI call
and every start of the app. Open now checks what does not grow with the file (the header, the page size and count,
the schema and its revision, the first and last page of every table); the whole-file check runs in `deskui doctor`,
in backup and restore, and in the background once the app has started (services.admin.check_integrity).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.core.db import open_database
from deskui.core.errors import DatabaseUnavailable

pytestmark = pytest.mark.sqlite_only


def build_desk(path: Path, calls: int = 3000) -> Path:
    """A real desk database with `calls` calls, closed (one file: the journal or WAL folded in)."""
    from deskui.services import open_services
    from deskui.services.calls import CallInput

    settings = load_settings(database_url=str(path), language="en", environ={})
    services = open_services(settings, FrozenClock())
    start = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    checked = [
        services.calls.check(
            CallInput(
                content=f"厨房水管漏水，第{i}次报修，请尽快处理" + "。楼下也受影响" * (i % 3),
                category="repair",
                time=(start + timedelta(minutes=3 * i)).isoformat(),
                caller="王先生",
                unit=f"3-2-{1000 + i % 300}",
                phone=f"139{i:08d}",
            ),
            strict=False,
        )
        for i in range(calls)
    ]
    services.calls.insert_many(checked)
    services.close()
    return path


def damage_a_middle_page(path: Path) -> int:
    """Scribble over one leaf page in the middle of the call log (neither its first nor its last leaf, in the
    b-tree's order, from SQLite's dbstat table): the header, the schema and every b-tree's ends stay readable.
    Returns the page number."""
    con = sqlite3.connect(path)
    try:
        leaves = [
            r[0]
            for r in con.execute("SELECT pageno FROM dbstat WHERE name = 'call' AND pagetype = 'leaf' ORDER BY path")
        ]
    finally:
        con.close()
    assert len(leaves) > 20, "not enough pages in the call log to damage one in the middle"
    page = leaves[len(leaves) // 2]
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    data[(page - 1) * size : (page - 1) * size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    return page


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_desk(tmp_path_factory.mktemp("desk") / "desk.db")


@pytest.fixture
def damaged(desk_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "damaged.db"
    shutil.copy2(desk_template, path)
    damage_a_middle_page(path)
    return path


def bytes_read() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts bytes read through /proc/self/io (Linux)")
def test_opening_reads_a_bounded_part_of_the_file(desk_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    shutil.copy2(desk_template, path)
    with sqlite3.connect(path) as con:  # a few MB more of calls' text, so the whole file is far above the bound
        con.execute("CREATE TABLE padding (x BLOB)")
        con.executemany("INSERT INTO padding VALUES (?)", [(os.urandom(4000),) for _ in range(2000)])
    con.close()
    open_database(str(path)).dispose()  # modules imported, caches warm: the second open is the one measured
    assert path.stat().st_size > 8_000_000
    before = bytes_read()
    open_database(str(path)).dispose()
    assert bytes_read() - before < 1_000_000


def test_a_damaged_page_in_the_middle_does_not_stop_a_command_and_is_left_for_the_full_check(damaged: Path) -> None:
    before = damaged.read_bytes()
    open_database(str(damaged)).dispose()
    assert damaged.read_bytes()[:100] == before[:100]


def test_the_doctor_finds_a_damaged_page_in_the_middle(damaged: Path) -> None:
    from deskui.services.admin import diagnose, failed

    before = damaged.read_bytes()
    rows = diagnose(load_settings(database_url=str(damaged), language="en", environ={}))
    problems = failed(rows)
    assert problems, rows
    assert any("damaged" in (r.value + r.note) for r in problems), problems
    assert damaged.read_bytes() == before


def test_the_doctor_finds_a_healthy_file_healthy(desk_template: Path, tmp_path: Path) -> None:
    from deskui.services.admin import diagnose, failed

    path = tmp_path / "healthy.db"
    shutil.copy2(desk_template, path)
    assert failed(diagnose(load_settings(database_url=str(path), language="en", environ={}))) == []


def test_the_background_check_finds_a_damaged_page_in_the_middle(damaged: Path, desk_template: Path) -> None:
    from deskui.core.db import Database, make_engine, resolve_url
    from deskui.services.admin import check_integrity

    url = resolve_url(str(damaged))
    db = Database(url, make_engine(url))  # as a session already open before the damage would hold it
    try:
        problem = check_integrity(db)
    finally:
        db.dispose()
    assert problem is not None and "damaged" in problem and str(damaged) in problem
    healthy = open_database(str(desk_template), migrate=False)
    try:
        assert check_integrity(healthy) is None
    finally:
        healthy.dispose()


# --- what open still refuses, at a cost that does not grow with the file -----------------------------------------


def refused_untouched(path: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match=match) as err:
        open_database(str(path))
    assert path.read_bytes() == before
    assert "untouched" in str(err.value)
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_a_truncated_file_is_refused(desk_template: Path, tmp_path: Path) -> None:
    data = desk_template.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    path = tmp_path / "cut.db"
    path.write_bytes(data[: size * (len(data) // size // 2)])  # half the pages, cut on a page boundary
    refused_untouched(path, "damaged")


def test_a_bad_page_size_is_refused(desk_template: Path, tmp_path: Path) -> None:
    data = bytearray(desk_template.read_bytes())
    data[16:18] = (3000).to_bytes(2, "big")
    path = tmp_path / "pagesize.db"
    path.write_bytes(bytes(data))
    refused_untouched(path, "damaged|not a database")


def test_a_damaged_table_root_is_refused(desk_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "root.db"
    shutil.copy2(desk_template, path)
    with sqlite3.connect(path) as con:
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'call'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[(root - 1) * size : (root - 1) * size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    refused_untouched(path, "damaged")


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    con.close()
    refused_untouched(path, "not a deskui database")


def test_the_head_read_from_the_migration_files_is_alembics() -> None:
    """Opening a database at head skips Alembic (a second of imports) on the strength of this reading."""
    from deskui.core.db import code_head, files_head

    assert files_head() == code_head()


def test_backup_refuses_a_damaged_page_in_the_middle(damaged: Path, tmp_path: Path) -> None:
    from deskui.services.admin import BackupRefused, backup_database

    db = open_database(str(damaged), migrate=False)
    try:
        with pytest.raises(BackupRefused, match="check"):
            backup_database(db, tmp_path / "copy.db")
    finally:
        db.dispose()
    assert not (tmp_path / "copy.db").exists()
