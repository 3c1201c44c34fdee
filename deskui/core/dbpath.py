"""Which database file a `--db` (or DESKUI_DB, or the default) names, and whether it may be opened or made.

Checked before anything is opened, by the CLI (deskui.cli) and by the app's fast start (deskui.__main__), so it
imports nothing heavy: SQLAlchemy only to read a URL. A mistyped --db is a one-line message offering
`deskui init`, never a new, empty database in a folder nobody asked for (issue 16 item 15).
"""

from __future__ import annotations

from pathlib import Path

from deskui.core.errors import DatabaseUnavailable
from deskui.core.i18n import t

__all__ = ["check_database_argument", "require_database"]


# Commands that may make a new SQLite file: init and demo say so and print where; restore puts a backup in place;
# doctor only looks (and says "not created yet"). Any other command, and the app, refuse a file that is not there,
# so a mistyped --db is not silently a new, empty database (issue 16 item 15).
_MAKE_A_DATABASE = frozenset({"init", "demo", "restore"})
_LOOK_ONLY = frozenset({"doctor"})


def _sqlite_file(raw: str) -> Path | None:
    """The file a database argument names (None: PostgreSQL, :memory:); DatabaseUnavailable for an unreadable URL.
    SQLAlchemy is imported only for a URL: a plain path (the usual case) must not slow the app's start-up."""
    if "://" not in raw:
        return Path(raw).expanduser().resolve()
    from sqlalchemy.engine import make_url

    try:
        url = make_url(raw)
        backend = url.get_backend_name()
    except Exception as exc:  # ArgumentError, ValueError (a port that is not a number, a bracket not closed)
        raise DatabaseUnavailable(
            t(
                "Cannot read the database URL {url}: {reason}",
                url=raw,
                reason=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
            )
        ) from None
    if backend != "sqlite" or not url.database or url.database == ":memory:":
        return None
    database = url.database
    if database.startswith("file:") and str(url.query.get("uri", "")).lower() in ("true", "1"):
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).expanduser().resolve()


def _database_file(database_url: str | None) -> Path | None:
    from deskui.core.config import default_db_path

    return _sqlite_file(database_url) if database_url else default_db_path().resolve()


def check_database_argument(database_url: str | None) -> None:
    """Refuse, before any command runs: a URL that cannot be read, a path that is not a regular file (a device, a
    FIFO, a folder; opening one can block, or lose every write)."""
    path = _database_file(database_url)
    if path is not None and path.exists() and not path.is_file():
        raise DatabaseUnavailable(
            t("{path} is not a database file (a folder, a device or a FIFO); nothing was changed", path=str(path))
        )


def require_database(database_url: str | None, command: str | None) -> None:
    """Before a command opens the database: refuse a database in a folder that does not exist (init and demo make
    the default one) and, except for init, demo, restore and doctor, a database file that does not exist. A
    mistyped --db is then a message offering `deskui init`, not a new, empty database."""
    path = _database_file(database_url)
    if path is None or path.exists():
        return
    given = bool(database_url)
    shown = str(path)
    if not given and command not in _MAKE_A_DATABASE | _LOOK_ONLY:
        # The default place (the user's data directory, or DESKUI_DATA_DIR) on a new install: nothing mistyped.
        raise DatabaseUnavailable(
            t(
                "No database yet at {path}; make one with: deskui init (or deskui demo for a demo property)",
                path=shown,
            )
        )
    if not path.parent.is_dir():
        if command in _MAKE_A_DATABASE | _LOOK_ONLY and not given:
            return  # the default place: init and demo make its folder, doctor says it is not made yet
        raise DatabaseUnavailable(
            t(
                "No folder {folder} for the database {path}; check --db (or DESKUI_DB). For a new database "
                "there, make the folder, then run: deskui --db {path} init",
                folder=str(path.parent),
                path=shown,
            )
        )
    if command not in _MAKE_A_DATABASE | _LOOK_ONLY:
        raise DatabaseUnavailable(
            t(
                "No database at {path}; check --db (or DESKUI_DB), or make a new one with: deskui --db {path} init",
                path=shown,
            )
        )
