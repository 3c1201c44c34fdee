"""Several terminals on one SQLite file, the parts that need no load: the journal mode chosen for the library (the
WAL-reset race), what `deskui doctor` says about it, bounded retries when the file stays busy, and file modes."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

import deskui.core.db as dbmod
from deskui.core.config import load_settings
from deskui.core.db import open_database, sqlite_journal_mode, wal_reset_affected
from deskui.core.retry import DatabaseBusy, RetryPolicy, is_busy, retry_busy
from deskui.services.admin import diagnose, failed

pytestmark = pytest.mark.sqlite_only

AFFECTED, FIXED = "3.40.1", "3.51.3"


def journal(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        con.close()


def doctor(path: Path) -> dict[str, object]:
    rows = diagnose(load_settings(database_url=str(path), language="en", environ={}))
    return {r.check: r for r in rows}


# --- the journal mode ------------------------------------------------------------------------------------------


def test_this_machine_is_affected_and_uses_the_rollback_journal(tmp_path: Path) -> None:
    """Python 3.11 here links SQLite 3.40.1: affected, so no WAL."""
    path = tmp_path / "desk.db"
    open_database(str(path)).dispose()
    if wal_reset_affected(sqlite3.sqlite_version):
        assert sqlite_journal_mode() == "DELETE"
        assert journal(path) == "delete"
    else:  # pragma: no cover - a machine with a fixed SQLite
        assert journal(path) == "wal"


@pytest.mark.parametrize(("version", "mode"), [(AFFECTED, "delete"), ("3.50.6", "delete"), (FIXED, "wal")])
def test_the_mode_follows_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, mode: str) -> None:
    monkeypatch.setattr(dbmod, "library_version", lambda: version)
    monkeypatch.setattr("deskui.services.admin._doctor.library_version", lambda: version)
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    try:
        for use in (db.read, db.write):
            with use() as s:
                assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == mode
    finally:
        db.dispose()
    rows = doctor(path)
    race = rows["WAL-reset race"]
    assert rows["SQLite library"].value == version
    assert rows["PRAGMA journal_mode"].value == mode and rows["PRAGMA journal_mode"].ok is True
    if mode == "delete":
        assert race.value == "affected" and race.ok is None  # a warning: the setup is safe, just not WAL
        assert "rollback journal (DELETE)" in str(race.note) and version in str(race.note)
    else:
        assert race.value == "not affected" and race.ok is True and "WAL" in str(race.note)
    assert failed(list(rows.values())) == []


def test_a_wal_file_from_an_older_deskui_is_switched_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "library_version", lambda: AFFECTED)
    path = tmp_path / "desk.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    assert journal(path) == "wal"
    open_database(str(path)).dispose()
    assert journal(path) == "delete"


def test_a_file_held_in_wal_by_another_terminal_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another terminal (a newer SQLite, say) keeps the file open in WAL: this one cannot leave WAL, carries on
    without waiting the full busy timeout, and the doctor fails with what to do."""
    monkeypatch.setattr(dbmod, "library_version", lambda: AFFECTED)
    path = tmp_path / "desk.db"
    open_database(str(path)).dispose()
    other = sqlite3.connect(path)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("SELECT count(*) FROM sqlite_master").fetchall()
    try:
        started = time.monotonic()
        db = open_database(str(path), migrate=False)
        with db.read() as s:
            assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        db.dispose()
        assert time.monotonic() - started < 5
        row = doctor(path)["PRAGMA journal_mode"]
        assert row.ok is False and "another terminal keeps this database open in WAL" in str(row.note)
    finally:
        other.close()
    open_database(str(path)).dispose()
    assert journal(path) == "delete"


def test_the_doctor_cli_reports_the_race_and_the_decision(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "desk.db"
    env = {**os.environ, "COLUMNS": "250", "DESKUI_LANG": "en"}

    def deskui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deskui", "--db", str(path), *args], capture_output=True, text=True, env=env
        )

    assert deskui("init").returncode == 0
    result = deskui("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WAL-reset race" in result.stdout
    if wal_reset_affected(sqlite3.sqlite_version):
        assert "affected" in result.stdout and "rollback journal (DELETE)" in result.stdout
        assert "journal_mode" in result.stdout and "delete" in result.stdout


# --- bounded retries ---------------------------------------------------------------------------------------------


def locked() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database is locked")


def test_retry_policy_backs_off_and_gives_up_with_a_message() -> None:
    sleeps: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    calls = []

    def always_busy() -> None:
        calls.append(1)
        raise locked()

    policy = RetryPolicy(attempts=5, first_delay=0.1, max_delay=0.3, deadline=100, jitter=0)
    with pytest.raises(DatabaseBusy) as err:
        retry_busy(always_busy, policy, sleep=sleep, clock=lambda: now[0])
    assert len(calls) == 5 and sleeps == [0.1, 0.2, 0.3, 0.3]
    assert "busy" in err.value.message and "Try again" in err.value.message

    attempts = iter([locked(), locked(), None])

    def busy_twice() -> str:
        e = next(attempts)
        if e:
            raise e
        return "saved"

    assert retry_busy(busy_twice, policy, sleep=sleep, clock=lambda: now[0]) == "saved"

    def broken() -> None:
        raise sqlite3.OperationalError("no such table: call")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_busy(broken, policy, sleep=sleep)
    # The deadline caps the total wait too.
    now[0], sleeps[:] = 0.0, []
    with pytest.raises(DatabaseBusy):
        retry_busy(
            always_busy,
            RetryPolicy(attempts=100, first_delay=1, max_delay=1, deadline=3, jitter=0),
            sleep=sleep,
            clock=lambda: now[0],
        )
    assert sum(sleeps) <= 3


def test_busy_errors_are_recognised_raw_and_wrapped() -> None:
    assert is_busy(locked())
    assert is_busy(sqlite3.OperationalError("database is busy"))
    assert is_busy(OperationalError("BEGIN IMMEDIATE", {}, locked()))
    assert not is_busy(OperationalError("SELECT", {}, sqlite3.OperationalError("disk I/O error")))

    class Deadlock(Exception):
        sqlstate = "40P01"

    assert is_busy(Deadlock())
    assert not is_busy(ValueError("database is locked"))


@pytest.fixture
def short_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100 ms busy timeout, so the tests see the retries instead of waiting 10 s per attempt."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 100)


def test_a_write_waits_out_a_lock_held_longer_than_the_busy_timeout(tmp_path: Path, short_busy: None) -> None:
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.6, lambda: other.execute("COMMIT"))  # six busy timeouts
    timer.start()
    try:
        with db.write() as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        timer.join()
        other.close()
        db.dispose()


def test_a_lock_held_past_every_retry_is_a_message_and_nothing_is_written(
    tmp_path: Path, short_busy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskui.core.retry as retry

    monkeypatch.setattr(retry, "DEFAULT_POLICY", RetryPolicy(attempts=3, first_delay=0.01, deadline=1))
    monkeypatch.setattr(dbmod, "retry_busy", lambda action: retry.retry_busy(action, retry.DEFAULT_POLICY))
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ran = []
    try:
        with pytest.raises(DatabaseBusy, match="nothing was saved"), db.write() as s:
            ran.append(1)
            s.execute(text("CREATE TABLE t (x INTEGER)"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert ran == []  # the block never ran: the lock is taken before it
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 't'")).scalar() == 0
    db.dispose()


def test_commit_waits_for_a_reader_to_finish(tmp_path: Path, short_busy: None) -> None:
    """Rollback journal: COMMIT needs every reader gone; one that stays past the busy timeout is waited out."""
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    with db.write() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchall()  # holds a shared lock until it ends
    timer = threading.Timer(0.5, lambda: reader.execute("COMMIT"))
    timer.start()
    try:
        with db.write() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        timer.join()
        reader.close()
        db.dispose()


# --- opening while another terminal writes ---------------------------------------------------------------------


def migrated(tmp_path: Path) -> Path:
    """A desk database with its site, closed: what a second terminal finds."""
    from deskui.services import open_services

    path = tmp_path / "desk.db"
    open_services(load_settings(database_url=str(path), language="en", environ={})).close()
    return path


@pytest.fixture
def short_retries(short_busy: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry bound shortened (and the busy timeout, by short_busy): a lock that stays is given up on in ~1 s."""
    import deskui.core.retry as retry

    monkeypatch.setattr(retry, "DEFAULT_POLICY", RetryPolicy(attempts=3, first_delay=0.01, max_delay=0.05, deadline=1))


def test_opening_while_another_terminal_holds_the_write_lock_says_busy_not_damaged(
    tmp_path: Path, short_retries: None
) -> None:
    from deskui.core.errors import DatabaseUnavailable

    path = migrated(tmp_path)
    before = path.read_bytes()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a COMMIT in progress: no reader gets in
    try:
        with pytest.raises(DatabaseBusy) as err:
            open_database(str(path))
    finally:
        other.execute("ROLLBACK")
        other.close()
    message = str(err.value)
    assert "damaged" not in message
    assert "busy" in message and "another terminal" in message and "try again" in message.lower()
    assert isinstance(err.value, DatabaseUnavailable)  # the app's start-up shows it as why the database did not open
    assert path.read_bytes() == before


def test_the_cli_says_busy_on_one_line_and_exits_non_zero(
    tmp_path: Path, short_retries: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskui.cli import run

    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    path = migrated(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SystemExit) as exc:
            run(["--lang", "en", "--db", str(path), "handover", "show"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    captured = capsys.readouterr()
    assert exc.value.code not in (0, None)
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("deskui: ") and "busy" in lines[0] and "damaged" not in lines[0]
    assert captured.out == ""


def test_opening_waits_for_a_lock_released_mid_wait(
    tmp_path: Path, short_busy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskui.core.retry as retry

    # Generous bounds: the lock goes as soon as the opening has met it once, so this never runs out on a slow machine.
    monkeypatch.setattr(
        retry, "DEFAULT_POLICY", RetryPolicy(attempts=1000, first_delay=0.01, max_delay=0.05, deadline=120)
    )
    met_the_lock = threading.Event()
    retried: list[int] = []
    real_retry_busy = retry.retry_busy

    def signalling(action, *args, **kwargs):  # type: ignore[no-untyped-def]
        def on_retry(attempt: int, exc: BaseException) -> None:
            retried.append(attempt)
            met_the_lock.set()

        kwargs.setdefault("on_retry", on_retry)
        return real_retry_busy(action, *args, **kwargs)

    monkeypatch.setattr(dbmod, "retry_busy", signalling)
    path = migrated(tmp_path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")

    def release() -> None:
        met_the_lock.wait(timeout=120)
        other.execute("ROLLBACK")

    releaser = threading.Thread(target=release)
    releaser.start()
    try:
        db = open_database(str(path))
    finally:
        met_the_lock.set()  # whatever happened, let the lock go
        releaser.join()
        other.close()
    try:
        assert retried, "the opening never met the lock"
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM site")).scalar() == 1
    finally:
        db.dispose()


def test_a_terminal_opens_while_another_is_in_the_middle_of_a_write(tmp_path: Path, short_retries: None) -> None:
    """Rollback journal: a write transaction holds RESERVED until its COMMIT, and RESERVED lets readers in, so a
    second terminal (a `deskui handover show`) opens at once, without waiting for the writer to finish."""
    from deskui.services import open_services

    path = migrated(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE scratch (x INTEGER)")  # a live (not hot) rollback journal beside the file
    try:
        if sqlite_journal_mode() == "DELETE":
            assert path.with_name(path.name + "-journal").stat().st_size > 0
        services = open_services(load_settings(database_url=str(path), language="en", environ={}))
        try:
            with services.db.read() as s:
                assert s.execute(text("SELECT count(*) FROM site")).scalar() == 1
                assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")).scalar() == 0
        finally:
            services.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


# --- file modes ----------------------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_and_wal_files_are_private_even_with_a_lax_umask(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    old = os.umask(0)
    try:
        db = open_database(str(path))
        seen = {}
        with db.write() as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
            s.execute(text("INSERT INTO t VALUES (1)"))
            for suffix in ("-journal", "-wal", "-shm"):
                extra = path.with_name(path.name + suffix)
                if extra.exists():
                    seen[suffix] = mode(extra)
        db.dispose()
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert seen, "no -journal or -wal was there during the write"
    assert all(m & 0o077 == 0 for m in seen.values()), seen


def test_a_file_others_can_read_is_tightened_on_open(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    open_database(str(path)).dispose()
    path.chmod(0o664)  # copied by hand with a lax umask: the group keeps its access, others lose theirs
    db = open_database(str(path))
    try:
        with db.write() as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
            journal_file = path.with_name(path.name + "-journal")
            extra_modes = [mode(journal_file)] if journal_file.exists() else []
    finally:
        db.dispose()
    assert mode(path) == 0o660
    assert all(m & 0o007 == 0 for m in extra_modes)


# --- a terminal killed in the middle of a write ---------------------------------------------------------------------

KILLED_MID_WRITE = """
import os, signal, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=2")  # spill changed pages into the file before COMMIT: the journal is hot
con.execute("BEGIN IMMEDIATE")
for _ in range(300):
    con.execute("INSERT INTO t VALUES (randomblob(1000))")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_hot_journal_left_by_a_killed_terminal_is_rolled_back_on_open(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "desk.db"
    db = open_database(str(path))
    with db.write() as s:
        s.execute(text("CREATE TABLE t (x BLOB)"))
        s.execute(text("INSERT INTO t VALUES (x'01')"))
    db.dispose()
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(path)], check=False)
    assert killed.returncode == -9
    journal_file = path.with_name(path.name + "-journal")
    assert journal_file.exists() and journal_file.stat().st_size > 0  # hot: the file holds half a transaction
    db = open_database(str(path))  # checks the file first: a read-only look cannot roll the journal back
    try:
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM t")).scalar() == 1
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        db.dispose()
    assert not journal_file.exists() or journal_file.stat().st_size == 0
