"""Engines, sessions and schema migrations.

`DatabaseUnavailable` lives in core.errors (re-exported here) so the CLI can catch it without loading SQLAlchemy.

The engine always comes from `open_database`, never at import time, so the UI can paint before SQLAlchemy loads.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, OperationalError
from sqlalchemy.pool import PoolProxiedConnection
from sqlmodel import Session

from deskui.core.config import default_db_path
from deskui.core.errors import DatabaseUnavailable
from deskui.core.filecheck import Damaged, check_header, probe_btrees
from deskui.core.retry import DatabaseBusy, busy_at_open_error, busy_error, is_busy, retry_busy, storage_error
from deskui.core.urls import mask_url as mask_url  # re-exported: the CLI shows db.url masked

if TYPE_CHECKING:
    from alembic.config import Config  # loaded when a migration runs, not with the engine

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

# Journal mode. WAL lets readers and one writer work at once, but SQLite builds before 3.51.3 (except the 3.44.6
# and 3.50.7 backports) have the WAL-reset race (sqlite.org/wal.html): when several connections write and
# checkpoint at the same moment the WAL can be reset under a writer and the database corrupted. That is exactly
# several terminals on one file, and Debian 12's Python ships SQLite 3.40.1. Bundling a newer SQLite does not help
# today: pysqlite3-binary 0.5.4 bundles 3.51.1 and sqlean.py 3.50.4.5 bundles 3.50.4, both still affected; and a
# second SQLite library in the process would break SQLite's POSIX locks the moment the stdlib one (used here for
# read-only checks, by `deskui doctor` and by backups) closed the same file. So the decision is made per library:
#   - a fixed library (3.51.3+, 3.50.7+, 3.44.6+): WAL;
#   - an affected library: the rollback journal (DELETE). Writers still queue on BEGIN IMMEDIATE and the busy
#     timeout, COMMIT waits for readers to finish (bounded by the busy timeout, then retried: core.retry);
#     a front desk writes a few rows a minute, so nobody notices, and there is no WAL to reset.
# WAL is a property of the file: a database left in WAL by an older deskui is switched back when this connection is
# the only one; if another terminal keeps it open in WAL, the switch cannot happen and `deskui doctor` says so.
# synchronous=FULL: NORMAL may drop the last commits on a power cut (with WAL). A front desk writes a few rows a
# minute, so an fsync per commit costs nothing a person notices, and "nothing is lost" is the promise.
WAL_RESET_FIXED = (3, 51, 3)
WAL_RESET_BACKPORTS = ((3, 44, 6), (3, 50, 7))
JOURNAL_SWITCH_TIMEOUT_MS = 250  # leaving WAL needs the file to itself: do not wait the full busy timeout for it


def library_version() -> str:
    """The SQLite library Python's sqlite3 module is linked with (what every connection here uses)."""
    return sqlite3.sqlite_version


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def wal_reset_affected(version: str | None = None) -> bool:
    """True for SQLite builds with the WAL-reset race: before 3.51.3, except 3.44.6+ and 3.50.7+ of their lines."""
    v = version_tuple(version or library_version())
    if v >= WAL_RESET_FIXED:
        return False
    return not any(v[:2] == fixed[:2] and v >= fixed for fixed in WAL_RESET_BACKPORTS)


def sqlite_journal_mode(version: str | None = None) -> str:
    """WAL where the SQLite library is free of the WAL-reset race, the rollback journal (DELETE) where it is not."""
    return "DELETE" if wal_reset_affected(version) else "WAL"


def sqlite_pragmas(version: str | None = None) -> tuple[tuple[str, str], ...]:
    """The PRAGMAs every connection gets, for this SQLite library (or `version`)."""
    return (
        ("journal_mode", sqlite_journal_mode(version)),
        ("foreign_keys", "ON"),
        ("busy_timeout", str(BUSY_TIMEOUT_MS)),
        ("recursive_triggers", "ON"),
        ("synchronous", "FULL"),
    )


SQLITE_PRAGMAS = sqlite_pragmas()


def resolve_url(value: str | os.PathLike[str] | None) -> str:
    """A path, a SQLAlchemy URL or nothing (the default file) becomes a URL."""
    raw = str(value) if value else ""
    if not raw:
        return f"sqlite:///{default_db_path()}"
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _checking_connection(path: Path) -> sqlite3.Connection:
    """A connection for looking at a file before the engine opens it: read-only, unless a terminal was killed in
    the middle of a write and left a hot rollback journal. A read-only connection cannot roll that back ("attempt
    to write a readonly database"), and every read must: then a read-write connection does it, as the first
    engine connection would, and the database is as it was before the interrupted transaction."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def _waiting_out_locks(action: Callable[[], T], database: str) -> T:
    """`action` (a step of opening, safe to repeat), retried like the writes while another terminal holds the lock
    (core.retry). Still busy after that: DatabaseBusyAtOpen ("busy, another terminal is writing; try again").
    A lock says nothing about the file, so it is never reported as damage."""
    try:
        return retry_busy(action)
    except DatabaseBusy as exc:
        raise busy_at_open_error(database, exc) from None


def _cheap_checks(path: Path) -> None:
    con = _checking_connection(path)
    try:
        probe_btrees(con, path)
    finally:
        con.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not SQLite, or visibly damaged, before SQLAlchemy (or WAL mode) can touch it.

    The checks cost the same whatever the file's size (issue 11: a whole-file `PRAGMA quick_check` took 8 s at a
    million calls, on every open): the header, the page count against the file's length, the schema, and the ends
    of every b-tree. Damage deep inside a table is found by the whole-file check (integrity_problem), which runs
    in `deskui doctor`, backup and restore, and in the background once the app has started.
    A lock held by another terminal is waited out with the writes' bounded retry; a lock that stays is
    DatabaseBusyAtOpen, only a real fault is "damaged"."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(100)
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise DatabaseUnavailable(f"{path} is not a SQLite database; the file was left untouched")
    try:
        check_header(header, path.stat().st_size)
        _waiting_out_locks(lambda: _cheap_checks(path), str(path))
    except (Damaged, sqlite3.DatabaseError) as exc:
        raise DatabaseUnavailable(f"{path} is damaged ({exc}); the file was left untouched") from None


def integrity_problem(path: Path, stop: Callable[[], bool] | None = None) -> str | None:
    """The whole-file check (`PRAGMA quick_check`: every page of every b-tree), read-only; None when the file is
    sound, else SQLite's findings. Its cost grows with the file (seconds at a million calls): it runs where that
    is expected (`deskui doctor`, backup, restore) or in the background, never on an ordinary open. While it
    reads, a writer's COMMIT on the rollback journal waits for it (the busy timeout, then core.retry).

    `stop`: asked every few thousand steps; True abandons the check (the app quitting) and the answer is None."""

    def check() -> str | None:
        con = _checking_connection(path)
        try:
            if stop is not None:
                con.set_progress_handler(lambda: 1 if stop() else 0, 100_000)
            rows = con.execute("PRAGMA quick_check(5)").fetchall()
        finally:
            con.close()
        found = [str(r[0]) for r in rows]
        return None if found == ["ok"] else "; ".join(found) or "no answer"

    try:
        return _waiting_out_locks(check, str(path))
    except sqlite3.OperationalError as exc:
        if stop is not None and stop() and "interrupted" in str(exc):
            return None
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _prepare_sqlite_file(path: Path, *, private: bool = True) -> None:
    if path.exists() and not path.is_file():
        # A device (`--db /dev/null`), a FIFO, a directory: SQLite on it would hang, lose every write or worse.
        raise DatabaseUnavailable(f"{path} is not a regular file; the file was left untouched")
    check_sqlite_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Residents' phone numbers live here: readable by the owner only.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    if private:
        make_private(path)


def make_private(path: Path) -> None:
    """Take read and write away from other OS users on the database and its -wal/-shm/-journal.

    SQLite creates -wal, -shm and -journal with exactly the main file's mode (it chmods them after open(), so the
    process umask has no say): the main file's mode is what keeps them private. A file made 0644 by a copy or an
    old tool is tightened here (group bits are kept: 0660 is how several OS accounts share one desk). Only a
    regular file this user owns is ever changed: a device (`--db /dev/null` as root), a FIFO, or another user's file
    is left as it is (root could chmod them all); `deskui doctor` reports a lax mode. The file is checked and
    changed through one open descriptor, so a swap between the check and the chmod cannot redirect it.
    """
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = path.with_name(path.name + suffix)
        try:
            if not stat.S_ISREG(target.stat().st_mode):  # never open a device or FIFO: opening alone can act
                continue
            fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and mode & 0o007:
                os.fchmod(fd, mode & ~0o007)
        except OSError:
            pass
        finally:
            os.close(fd)


def _set_journal_mode(cur: sqlite3.Cursor, wanted: str) -> None:
    """Put the connection (and the file) in `wanted` journal mode, unless another terminal holds it in WAL."""
    current = str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if current == wanted.lower():
        return
    cur.execute(f"PRAGMA busy_timeout={JOURNAL_SWITCH_TIMEOUT_MS}")
    try:
        cur.execute(f"PRAGMA journal_mode={wanted}")
    except sqlite3.OperationalError as exc:
        # Leaving WAL needs the file to itself. Another terminal has it open: carry on in WAL, and let
        # `deskui doctor` say so (the next start with the file to itself switches).
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    finally:
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _install_sqlite_hooks(engine: Engine, pragmas: tuple[tuple[str, str], ...]) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, decide how a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        for name, value in pragmas:
            if name == "journal_mode":
                _set_journal_mode(cur, value)
            else:
                cur.execute(f"PRAGMA {name}={value}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front so the busy handler can wait for it; a deferred BEGIN that upgrades
        # later fails at once with "database is locked" and lets two terminals read the same "next number".
        mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("deskui_write") else "BEGIN"
        conn.exec_driver_sql(mode)

    # A COMMIT that finds readers still on the file (rollback journal) waits the busy timeout and then fails with
    # "database is locked", leaving the transaction open: issuing COMMIT again is safe, so it is retried.
    plain_commit = engine.dialect.do_commit

    def do_commit(dbapi_connection: PoolProxiedConnection) -> None:
        retry_busy(lambda: plain_commit(dbapi_connection))

    # This engine's dialect only (each engine has its own): mypy refuses assigning to a method.
    engine.dialect.do_commit = do_commit  # type: ignore[method-assign]


def make_engine(url: str, *, keep_private: bool = True) -> Engine:
    """`keep_private=False` (the doctor, which only looks): do not tighten a lax file mode."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path, private=keep_private)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine, sqlite_pragmas())
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    raise DatabaseUnavailable(f"unsupported database {mask_url(url)}: use a SQLite path or a postgresql+psycopg URL")


@dataclass
class Database:
    """One engine and its two kinds of transaction: read (deferred) and write (BEGIN IMMEDIATE on SQLite)."""

    url: str
    engine: Engine

    def __post_init__(self) -> None:
        self._writer = self.engine.execution_options(deskui_write=True)
        # The session this thread has open, if any: a read inside it joins it instead of taking a second connection.
        # With the rollback journal a second connection of the same thread deadlocks against another writer at
        # COMMIT (it holds PENDING and waits for our outer SHARED; our inner read waits for PENDING) until the busy
        # timeout fails the read. Sessions are per thread (never shared across threads), hence a thread-local.
        self._open = threading.local()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any exception.

        The write lock (BEGIN IMMEDIATE on SQLite) is taken before the block runs, with bounded retries
        (core.retry), so a busy database costs a wait, not an error; COMMIT is retried the same way. A lock
        error that still escapes becomes DatabaseBusy, a DeskError with a message.
        """
        if getattr(self._open, "session", None) is not None:
            # Its COMMIT would wait for this thread's own open transaction: a deadlock, so a bug to fix, not to wait.
            raise RuntimeError("a write inside another read or write of the same thread")
        try:
            session = retry_busy(self._begin_write)
        except DBAPIError as exc:  # the lock itself refused: a read-only file, an I/O error
            failed = storage_error(exc)
            if failed is not None:
                raise failed from exc
            raise
        self._open.session = session
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if isinstance(exc, DBAPIError) and is_busy(exc):
                raise busy_error(exc) from exc
            if isinstance(exc, DBAPIError) and (failed := storage_error(exc)) is not None:
                raise failed from exc  # disk full, read-only, I/O error: a DeskError saying nothing was saved
            raise
        finally:
            self._open.session = None
            session.close()

    def _begin_write(self) -> Session:
        session = Session(self._writer, expire_on_commit=False)
        try:
            session.begin()
            session.connection()  # the "begin" event: BEGIN IMMEDIATE on SQLite
        except BaseException:
            session.close()
            raise
        return session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction; inside another read or write of the same thread, that one (it sees its writes)."""
        outer = getattr(self._open, "session", None)
        if outer is not None:
            yield outer
            return
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                self._open.session = session
                try:
                    yield session
                finally:
                    self._open.session = None
        except DBAPIError as exc:
            if is_busy(exc):
                raise busy_error(exc) from exc
            if (failed := storage_error(exc)) is not None:
                raise failed from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()


# PostgreSQL: one writer of a kind per site at a time, as SQLite's BEGIN IMMEDIATE gives for every writer. A
# transaction-scoped advisory lock (released at COMMIT/ROLLBACK, after the commit is visible) taken first thing in
# the transaction means:
#   - ids from a sequence commit in id order, so a screen polling "the newest id" (calls.list(limit=1),
#     tickets.last_change_marker / changes_since) never steps past a row that commits a moment later with a
#     lower id (without it, a ticket change committed late by one terminal is never shown by another);
#   - two terminals acting on the same record read it one after the other: the second sees the first's version
#     and is told "changed by …" instead of failing on a unique index (ticketevent (ticket_id, seq),
#     call.amends_id).
# Keys: (namespace, site id); the namespaces are arbitrary constants private to deskui.
WRITER_LOCKS = {"tickets": 0x44534B01, "calls": 0x44534B02}


def serialize_writers(session: Session, scope: str, site_id: int) -> None:
    """Inside a write transaction: wait until no other transaction writes `scope` for this site (PostgreSQL;
    a no-op on SQLite, whose write transactions are already one at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :site)"), {"ns": WRITER_LOCKS[scope], "site": site_id})


def open_database(url: str | None = None, *, migrate: bool = True, keep_private: bool = True) -> Database:
    """Open (and by default upgrade) the database; any failure becomes a DatabaseUnavailable with a clear message.

    `keep_private`: take read/write away from other OS users on a SQLite file found with a lax mode (see
    make_private()); only the doctor, which must not change anything, opens without it."""
    resolved = resolve_url(url)
    at_head = False
    try:
        engine = make_engine(resolved, keep_private=keep_private)
        path = sqlite_path(resolved)
        if migrate and path is not None:
            # Before the engine's first connection switches the file to WAL: an unknown schema stays untouched.
            current = _sqlite_schema_version(path, migrating=True)
            # At this code's head (every open but the first after an upgrade): nothing to migrate, and Alembic,
            # a second of imports, is not loaded at all.
            at_head = current is not None and current == files_head()
            if not at_head:
                _refuse_unknown_schema(current, resolved)
        db = Database(resolved, engine)
        _waiting_out_locks(lambda: _ping(engine), _label(resolved))
    except DatabaseUnavailable:  # DatabaseBusyAtOpen too
        raise
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailable(f"bad database URL {mask_url(resolved)}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(f"cannot use {mask_url(resolved)}: driver {exc.name} is not installed") from None
    except OSError as exc:  # a directory where the file should be, no permission, …
        raise DatabaseUnavailable(f"cannot open database {mask_url(resolved)}: {exc.strerror or exc}") from None
    except (OperationalError, DatabaseError) as exc:
        if is_busy(exc):
            raise busy_at_open_error(_label(resolved)) from None
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open database {mask_url(resolved)}: {reason}") from None
    if migrate and not at_head:
        try:
            # The migrations run in one transaction (migrations/env.py): a busy one rolled back is safe to repeat.
            _waiting_out_locks(lambda: upgrade(db), _label(resolved))
        except BaseException:
            db.dispose()
            raise
    return db


def _label(url: str) -> str:
    """How a message names the database: its file, or its URL with the password masked."""
    path = sqlite_path(url)
    return str(path) if path is not None else mask_url(url)


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


# --- migrations -----------------------------------------------------------------------------------------------


def _alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = db._writer
    return cfg


def code_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:["']([^"']+)["']|None)\s*$""", re.M)


@functools.cache
def files_head() -> str | None:
    """The head revision read from the migration files' `revision` / `down_revision` lines, without importing
    Alembic; None when the files do not make one plain chain (then code_head(), Alembic's answer, decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((m.group(1), m.group(2)) for m in _REVISION_LINE.finditer(script.read_text(encoding="utf-8")))
        if "revision" not in found or found["revision"] is None or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] is not None:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def schema_version(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def _refuse_unknown_schema(current: str | None, url: str) -> None:
    if current is not None and current not in known_revisions():
        raise DatabaseUnavailable(
            f"the database {mask_url(url)} has schema {current}, newer than this deskui knows "
            f"(head {code_head()}); upgrade deskui before opening it"
        )


def _sqlite_schema_version(path: Path, *, migrating: bool = False) -> str | None:
    """The revision recorded in a SQLite file, read through a read-only connection (nothing written).
    `migrating`: a file with tables but no revision is refused (DatabaseUnavailable), as not deskui's."""
    if not path.exists() or path.stat().st_size == 0:
        return None

    def read() -> str | None:
        con = _checking_connection(path)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                if not migrating or not {t for t in tables if not t.startswith("sqlite_")}:
                    return None
                # Tables, and no deskui revision: another program's database (a --db typo). Migrating would
                # add deskui's tables to it.
                raise DatabaseUnavailable(
                    f"{path} is not a deskui database (it holds other tables: "
                    f"{', '.join(sorted(tables)[:3])}); the file was left untouched"
                )
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
        return row[0] if row else None

    try:
        return _waiting_out_locks(read, str(path))
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot read the schema version of {path}: {exc}") from None


def upgrade(db: Database) -> str:
    """Bring the schema to this code's head; a schema this code does not know is refused, never touched."""
    from alembic import command

    current = schema_version(db)
    _refuse_unknown_schema(current, db.url)
    head = code_head()
    if current != head:
        command.upgrade(_alembic_config(db), "head")
    return head
