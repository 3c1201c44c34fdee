"""The engine factory (deskui.core.db): PRAGMAs, BEGIN IMMEDIATE, concurrent writers, refusing bad files, URLs."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from deskui.core.config import default_db_path
from deskui.core.db import (
    SQLITE_PRAGMAS,
    Database,
    DatabaseUnavailable,
    mask_url,
    open_database,
    resolve_url,
    sqlite_journal_mode,
    sqlite_path,
)
from deskui.models import Site

SYNCHRONOUS_LEVELS = {"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(str(db_path))
    yield database
    database.dispose()


def raw_connection(path: Path) -> sqlite3.Connection:
    """Another program on the same file that will not wait for a lock (timeout=0), in autocommit mode."""
    return sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)


def can_take_write_lock(path: Path) -> bool:
    con = raw_connection(path)
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    else:
        con.execute("ROLLBACK")
        return True
    finally:
        con.close()


# --- connection settings -----------------------------------------------------------------------------------------


def test_pragmas_on_every_connection(db: Database) -> None:
    configured = dict(SQLITE_PRAGMAS)
    for use in (db.read, db.write):
        with use() as s:
            conn = s.connection()
            values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in configured}
            assert values["journal_mode"] == sqlite_journal_mode().lower()  # WAL, or DELETE on a racy library
            assert values["foreign_keys"] == 1
            assert values["busy_timeout"] >= 5000
            assert values["recursive_triggers"] == 1
            assert values["synchronous"] == SYNCHRONOUS_LEVELS[configured["synchronous"].upper()]


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from deskui.models import Building

    with pytest.raises(IntegrityError), db.write() as s:
        s.add(Building(site_id=12345, code="3", name="3栋"))


def test_new_database_file_is_private(db_path: Path) -> None:
    assert not db_path.exists()
    database = open_database(str(db_path))
    try:
        with database.write() as s:
            s.add(Site(code="JX", name="x", created_at=datetime.now(UTC)))
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            assert stat.S_IMODE(wal.stat().st_mode) & 0o077 == 0
    finally:
        database.dispose()


def test_missing_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "desk.db"
    open_database(str(path), migrate=False).dispose()
    assert path.exists()


# --- transactions ------------------------------------------------------------------------------------------------


def test_write_begins_immediate(db: Database, db_path: Path) -> None:
    with db.write() as s:
        s.exec(select(Site)).all()  # only a read so far, yet the write lock is already held
        assert not can_take_write_lock(db_path)
    assert can_take_write_lock(db_path)


def test_read_does_not_take_the_write_lock(db: Database, db_path: Path) -> None:
    with db.read() as s:
        s.exec(select(Site)).all()
        assert can_take_write_lock(db_path)


def test_write_waits_for_another_writer(db: Database, db_path: Path) -> None:
    """A writer that finds the lock taken waits (busy_timeout) instead of failing at once."""
    other = raw_connection(db_path)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    try:
        with db.write() as s:
            s.exec(select(Site)).all()
        assert time.monotonic() - started >= 0.2
    finally:
        timer.join()
        other.close()


def test_write_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.write() as s:
        s.add(Site(code="ZZ", name="rolled back", created_at=datetime.now(UTC)))
        s.flush()
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.exec(select(Site).where(Site.code == "ZZ")).first() is None


def _next_numbers(path: str, count: int, barrier: object, results: object) -> None:
    """Worker: read the counter, think, write counter+1, `count` times; report the numbers taken and the errors."""
    from deskui.core.db import open_database

    database = open_database(path, migrate=False)
    taken: list[int] = []
    errors: list[str] = []
    barrier.wait()  # type: ignore[attr-defined]
    for _ in range(count):
        try:
            with database.write() as s:
                conn = s.connection()
                value = conn.exec_driver_sql("SELECT n FROM counter WHERE id = 1").scalar_one()
                time.sleep(0.0005)  # the gap in which another terminal would read the same number
                conn.exec_driver_sql("UPDATE counter SET n = ? WHERE id = 1", (value + 1,))
            taken.append(value + 1)
        except Exception as exc:
            errors.append(repr(exc))
    database.dispose()
    results.put((taken, errors))  # type: ignore[attr-defined]


@pytest.mark.slow
def test_concurrent_writers_never_share_a_number(db: Database, db_path: Path) -> None:
    """Three terminals taking "next number" at once: the race that a deferred BEGIN loses."""
    with db.write() as s:
        s.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        s.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    db.dispose()
    processes, per_process = 3, 100
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_next_numbers, args=(str(db_path), per_process, barrier, results)) for _ in range(processes)
    ]
    for w in workers:
        w.start()
    try:
        outcomes = [results.get(timeout=120) for _ in workers]
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():  # a hung worker must not outlive the test
                w.terminate()
                w.join()
    errors = [e for _, errs in outcomes for e in errs]
    numbers = [n for taken, _ in outcomes for n in taken]
    assert errors == []
    assert sorted(numbers) == list(range(1, processes * per_process + 1))
    with db.read() as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == processes * per_process


# --- refusing files that are not (healthy) SQLite ------------------------------------------------------------------


def refused_untouched(path: Path, match: str) -> DatabaseUnavailable:
    before = path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match=match) as err:
        open_database(str(path))
    assert path.read_bytes() == before
    assert "untouched" in str(err.value)
    return err.value


def test_not_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("业主名单\n张三,3-2-1201\n" * 100, encoding="utf-8")
    refused_untouched(path, "not a SQLite database")


@pytest.fixture
def real_db_bytes(tmp_path: Path) -> bytes:
    """A migrated database with some rows, closed (WAL checkpointed), as bytes."""
    path = tmp_path / "source.db"
    database = open_database(str(path))
    from deskui.core.clock import FrozenClock
    from deskui.core.config import load_settings
    from deskui.services.container import ensure_site
    from deskui.services.context import DeskContext
    from deskui.services.directory import DirectoryService

    settings = load_settings(environ={})
    site = ensure_site(database, settings, FrozenClock())
    directory = DirectoryService(DeskContext(database, settings, FrozenClock(), site))
    for room in range(101, 141):
        directory.add_unit(f"3-2-{room}")
    database.dispose()
    data = path.read_bytes()
    assert len(data) >= 16 * 4096
    return data


def test_truncated_database(tmp_path: Path, real_db_bytes: bytes) -> None:
    path = tmp_path / "truncated.db"
    page = int.from_bytes(real_db_bytes[16:18], "big")
    path.write_bytes(real_db_bytes[: page * 5 + page // 2])  # ends in the middle of a page
    refused_untouched(path, "damaged")


def test_overwritten_bytes(tmp_path: Path, real_db_bytes: bytes) -> None:
    path = tmp_path / "scribbled.db"
    page = int.from_bytes(real_db_bytes[16:18], "big")
    data = bytearray(real_db_bytes)
    for p in range(1, len(data) // page):  # every page but the first: b-tree headers and cells
        data[p * page : p * page + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    refused_untouched(path, "damaged")


def test_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    open_database(str(path)).dispose()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    path.mkdir()
    with pytest.raises(DatabaseUnavailable):
        open_database(str(path))


# --- URLs --------------------------------------------------------------------------------------------------------


def test_resolve_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_url(None) == resolve_url("") == f"sqlite:///{default_db_path()}"
    monkeypatch.chdir(tmp_path)
    assert resolve_url("desk.db") == f"sqlite:///{tmp_path.resolve() / 'desk.db'}"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path.resolve() / 'x.db'}"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_url("~/home.db") == f"sqlite:///{tmp_path.resolve() / 'home.db'}"
    url = "postgresql+psycopg://desk:s3cret@db.example:5432/desk"
    assert resolve_url(url) == url
    assert sqlite_path(resolve_url("desk.db")) == tmp_path.resolve() / "desk.db"
    assert sqlite_path(url) is None
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None


def test_mask_url() -> None:
    assert (
        mask_url("postgresql+psycopg://desk:s3cret@db.example/desk") == "postgresql+psycopg://desk:***@db.example/desk"
    )
    assert mask_url("postgresql+psycopg://desk@db.example/desk") == "postgresql+psycopg://desk@db.example/desk"
    assert mask_url("sqlite:////srv/desk.db") == "sqlite:////srv/desk.db"
    assert "s3cret" not in mask_url("postgresql://desk:s3cret@db.example:notaport/desk")


@pytest.mark.parametrize(
    "url",
    [
        "mysql://desk:s3cret@db.example/desk",
        "oracle://desk:s3cret@db.example/desk",
        "postgresql://desk:s3cret@db.example:notaport/desk",  # a typo in the port
        "postgresql+psycopg://desk:s3cret@127.0.0.1:1/desk",  # nothing listens there
    ],
)
def test_unusable_url_refused_with_password_masked(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        open_database(url)
    assert "s3cret" not in str(err.value)
    assert "desk:***@" in str(err.value) or "desk@" in str(err.value)


def test_unsupported_scheme_names_the_choices() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"unsupported database.*SQLite.*postgresql"):
        open_database("mysql://desk@db.example/desk")


def test_open_without_migrating_leaves_an_empty_file_empty(db_path: Path) -> None:
    database = open_database(str(db_path), migrate=False)
    try:
        with database.read() as s:
            tables = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
        assert tables == []
        assert database.backend == "sqlite"
        assert database.path == db_path.resolve()
    finally:
        database.dispose()


def test_file_is_private_even_with_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "lax.db"
        open_database(str(path), migrate=False).dispose()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
