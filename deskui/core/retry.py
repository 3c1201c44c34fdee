"""Bounded retries when the database is busy: several terminals on one SQLite file, or PostgreSQL lock trouble.

Every write transaction on SQLite starts with BEGIN IMMEDIATE, and the connection's busy handler (busy_timeout,
10 s) already waits for another terminal's write to finish, so "database is locked" is rare. It is still possible:
a writer that holds the lock longer than the busy timeout (a large import), the rollback journal's COMMIT waiting
for readers to finish, a hot journal being recovered. `deskui.core.db.Database` therefore retries the two places where
a write can meet a lock before any of the caller's work is lost, both safe to repeat:

- taking the write lock (the BEGIN IMMEDIATE that `Database.write()` issues before its block runs), and
- COMMIT on SQLite (a busy COMMIT leaves the transaction open, so it can simply be issued again);

with exponential backoff, jitter and a cap on attempts and on total time. What is still busy after that reaches
the person as `DatabaseBusy`, a DeskError with a message ("nothing was saved; try again"), never as a traceback.
Opening a database (`deskui.core.db.open_database`: the file check, the schema version, the migrations) meets the same
locks, a reader shut out while another terminal's COMMIT holds the file, and waits the same way; what is still busy
then is `DatabaseBusyAtOpen`: "busy, another terminal is writing; try again", never "damaged".
A lock error inside a block (SQLite: a large transaction spilling its cache; PostgreSQL: a deadlock the server
broke) cannot be retried from here, because the block would have to run again; it becomes `DatabaseBusy` too.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from deskui.core.errors import DatabaseUnavailable, DeskError
from deskui.core.i18n import N_, t

T = TypeVar("T")

# SQLite's messages for SQLITE_BUSY and SQLITE_LOCKED, as the sqlite3 module reports them.
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked", "database schema is locked")
# PostgreSQL SQLSTATEs worth a retry of a whole transaction: serialization_failure, deadlock_detected,
# lock_not_available.
_PG_BUSY = ("40001", "40P01", "55P03")


class DatabaseBusy(DeskError):
    """The database stayed busy (other terminals writing) past every retry; nothing of this action was saved.

    `waited`: the seconds spent retrying, when known."""

    waited: float | None = None


class StorageFailed(DeskError):
    """The storage refused a write: the disk is full, the database file or its directory is read-only, or an I/O
    error. SQLite rolled the transaction back, so nothing of this action was saved; the same action works again
    once the cause is gone (space freed, permissions back). `reason`: which of "full", "readonly", "io"."""

    reason: str = "io"


class DatabaseBusyAtOpen(DatabaseBusy, DatabaseUnavailable):
    """Opening the database met another terminal's write lock past every retry. Busy, not damaged: the file was
    neither judged nor changed. A DatabaseUnavailable too, so whoever opens the database (the app's start-up, the
    CLI) shows it as the reason it did not open."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying: at most `attempts` tries and `deadline` seconds in all, sleeping `first_delay`,
    then twice as long each time up to `max_delay`, each sleep with up to `jitter` of itself added at random
    (so two terminals that collided do not collide again in step)."""

    attempts: int = 8
    first_delay: float = 0.02
    max_delay: float = 1.0
    deadline: float = 30.0
    jitter: float = 0.5

    def delays(self) -> list[float]:
        out, delay = [], self.first_delay
        for _ in range(max(0, self.attempts - 1)):
            out.append(delay)
            delay = min(self.max_delay, delay * 2)
        return out


DEFAULT_POLICY = RetryPolicy()


def is_busy(exc: BaseException) -> bool:
    """True for "the database is busy or locked" from sqlite3 or psycopg, raw or wrapped by SQLAlchemy."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.OperationalError) and str(current).strip().lower().startswith(_SQLITE_BUSY):
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate in _PG_BUSY:
            return True
        orig = getattr(current, "orig", None)  # sqlalchemy.exc.DBAPIError wraps the driver's exception
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


# SQLite's messages for a write the storage refused (SQLITE_FULL, SQLITE_READONLY*, SQLITE_IOERR*, SQLITE_CANTOPEN of
# a journal in a read-only directory), and PostgreSQL's SQLSTATEs for the same (disk_full, read_only_sql_transaction,
# io_error, insufficient_resources).
_SQLITE_STORAGE = (
    ("full", ("database or disk is full",)),
    ("readonly", ("attempt to write a readonly database", "unable to open database file")),
    ("io", ("disk i/o error",)),
)
_PG_STORAGE = {"53100": "full", "25006": "readonly", "58030": "io", "53000": "full"}
_STORAGE_MESSAGES = {
    "full": N_("The disk is full: nothing was saved. Free some space and try again."),
    "readonly": N_(
        "The database is read-only (file or folder permissions): nothing was saved. Make it writable and try again."
    ),
    "io": N_("The disk reported an error while writing: nothing was saved. Try again; if it keeps failing, check it."),
}


def storage_problem(exc: BaseException) -> str | None:
    """ "full", "readonly" or "io" when `exc` (raw or wrapped by SQLAlchemy) is a write the storage refused."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StorageFailed):
            return current.reason
        if isinstance(current, sqlite3.Error):
            text = str(current).strip().lower()
            for reason, starts in _SQLITE_STORAGE:
                if text.startswith(starts):
                    return reason
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate in _PG_STORAGE:
            return _PG_STORAGE[sqlstate]
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


def storage_error(exc: BaseException) -> StorageFailed | None:
    """The message a person sees for a write the storage refused (None when `exc` is something else)."""
    reason = storage_problem(exc)
    if reason is None:
        return None
    error = StorageFailed(t(_STORAGE_MESSAGES[reason]))
    error.reason = reason
    error.__cause__ = exc
    return error


def busy_error(exc: BaseException | None = None, *, waited: float | None = None) -> DatabaseBusy:
    """The message a person sees when the database stayed busy."""
    if waited is not None:
        message = t(
            "The database stayed busy for {seconds} s (other terminals writing); nothing was saved. Try again.",
            seconds=f"{waited:.0f}",
        )
    else:
        message = t("The database was busy (other terminals writing); nothing was saved. Try again.")
    error = DatabaseBusy(message)
    error.waited = waited
    if exc is not None:
        error.__cause__ = exc
    return error


def busy_at_open_error(database: str, busy: BaseException | None = None) -> DatabaseBusyAtOpen:
    """The message when opening `database` (a path or a masked URL) met a lock that stayed past every retry."""
    waited = getattr(busy, "waited", None)
    if waited is not None:
        message = t(
            "{database} stayed busy for {seconds} s (another terminal is writing); nothing was changed. Try again.",
            database=database,
            seconds=f"{waited:.0f}",
        )
    else:
        message = t(
            "{database} is busy (another terminal is writing); nothing was changed. Try again.", database=database
        )
    error = DatabaseBusyAtOpen(message)
    error.waited = waited
    if busy is not None:
        error.__cause__ = busy
    return error


def retry_busy(
    action: Callable[[], T],
    policy: RetryPolicy | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """`action()`, tried again while it fails with a busy/locked error, within the policy's bounds.

    `action` must be safe to repeat (taking the write lock, COMMIT, the reads and the migration transaction of
    opening). When the bounds run out the last error becomes DatabaseBusy; any other error goes straight through.
    `policy`: DEFAULT_POLICY (looked up at each call, so a test can shorten it) unless given.
    """
    policy = policy if policy is not None else DEFAULT_POLICY
    started = clock()
    delays = policy.delays()
    attempt = 0
    while True:
        try:
            return action()
        except Exception as exc:
            if not is_busy(exc):
                raise
            waited = clock() - started
            if attempt >= len(delays) or waited >= policy.deadline:
                raise busy_error(exc, waited=waited) from exc
            delay = delays[attempt] * (1 + policy.jitter * random.random())
            delay = min(delay, max(0.0, policy.deadline - waited))
            attempt += 1
            if on_retry is not None:
                on_retry(attempt, exc)
            sleep(delay)


def retrying(policy: RetryPolicy | None = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator form of retry_busy for a function that is one whole transaction (safe to run again)."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        def run(*args: object, **kwargs: object) -> T:
            return retry_busy(lambda: fn(*args, **kwargs), policy)

        run.__name__ = getattr(fn, "__name__", "run")
        run.__doc__ = fn.__doc__
        # inspect.unwrap's convention; a function object takes any attribute, mypy knows only the declared ones.
        run.__wrapped__ = fn  # type: ignore[attr-defined]
        return run

    return wrap


__all__ = [
    "DEFAULT_POLICY",
    "DatabaseBusy",
    "DatabaseBusyAtOpen",
    "RetryPolicy",
    "StorageFailed",
    "busy_at_open_error",
    "busy_error",
    "is_busy",
    "retry_busy",
    "retrying",
    "storage_error",
    "storage_problem",
]
