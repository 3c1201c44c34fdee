"""Engines, sessions and schema migrations.

`DatabaseUnavailable` lives in services.errors (re-exported here) so the CLI can catch it without loading SQLAlchemy.

The engine always comes from `open_database`, never at import time, so the UI can paint before SQLAlchemy loads.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session

from deskui.config import DEFAULT_DB_PATH
from deskui.services.errors import DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

# synchronous=FULL: with WAL, NORMAL may drop the last commits on a power cut. A front desk writes a few rows a
# minute, so an fsync per commit costs nothing a person notices, and "nothing is lost" is the promise.
SQLITE_PRAGMAS = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
    ("recursive_triggers", "ON"),
    ("synchronous", "FULL"),
)


def resolve_url(value: str | os.PathLike[str] | None) -> str:
    """A path, a SQLAlchemy URL or nothing (the default file) becomes a URL."""
    raw = str(value) if value else ""
    if not raw:
        return f"sqlite:///{DEFAULT_DB_PATH}"
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def mask_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Unparsable (a typo in the port, …): still never show what looks like a password.
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLAlchemy (or WAL mode) can touch it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseUnavailable(f"{path} is not a SQLite database; the file was left untouched")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"{path} is damaged ({exc}); the file was left untouched") from None
    if not row or row[0] != "ok":
        raise DatabaseUnavailable(f"{path} is damaged ({row[0] if row else 'no answer'}); the file was left untouched")


def _prepare_sqlite_file(path: Path) -> None:
    check_sqlite_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Residents' phone numbers live here: readable by the owner only.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, decide how a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for name, value in SQLITE_PRAGMAS:
            cur.execute(f"PRAGMA {name}={value}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Writers take the write lock up front so the busy handler can wait for it; a deferred BEGIN that upgrades
        # later fails at once with "database is locked" and lets two terminals read the same "next number".
        mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("deskui_write") else "BEGIN"
        conn.exec_driver_sql(mode)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine)
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

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default upgrade) the database; any failure becomes a DatabaseUnavailable with a clear message."""
    resolved = resolve_url(url)
    try:
        engine = make_engine(resolved)
        path = sqlite_path(resolved)
        if migrate and path is not None:
            # Before the engine's first connection switches the file to WAL: an unknown schema stays untouched.
            _refuse_unknown_schema(_sqlite_schema_version(path), resolved)
        db = Database(resolved, engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DatabaseUnavailable:
        raise
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailable(f"bad database URL {mask_url(resolved)}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(f"cannot use {mask_url(resolved)}: driver {exc.name} is not installed") from None
    except OSError as exc:  # a directory where the file should be, no permission, …
        raise DatabaseUnavailable(f"cannot open database {mask_url(resolved)}: {exc.strerror or exc}") from None
    except (OperationalError, DatabaseError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open database {mask_url(resolved)}: {reason}") from None
    if migrate:
        try:
            upgrade(db)
        except BaseException:
            db.dispose()
            raise
    return db


# --- migrations -----------------------------------------------------------------------------------------------


def _alembic_config(db: Database):  # type: ignore[no-untyped-def]
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


def _sqlite_schema_version(path: Path) -> str | None:
    """The revision recorded in a SQLite file, read through a read-only connection (nothing written)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
            if not found.fetchone():
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot read the schema version of {path}: {exc}") from None
    return row[0] if row else None


def upgrade(db: Database) -> str:
    """Bring the schema to this code's head; a schema this code does not know is refused, never touched."""
    from alembic import command

    current = schema_version(db)
    _refuse_unknown_schema(current, db.url)
    head = code_head()
    if current != head:
        command.upgrade(_alembic_config(db), "head")
    return head


def file_mode(path: Path) -> str:
    return stat.filemode(path.stat().st_mode)
