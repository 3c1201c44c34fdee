"""The whole-file check of a desk's database, for the app to run in the background after start-up.

Opening a database checks only what does not grow with the file (core.db.check_sqlite_file, issue 11); a page
damaged deep inside a table is found here, by reading every page (`PRAGMA quick_check`), off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from deskui.core.db import Database, integrity_problem
from deskui.core.i18n import t


def check_integrity(db: Database, stop: Callable[[], bool] | None = None) -> str | None:
    """A message for the person at the desk when the database file is damaged; None when it is sound, or not a
    SQLite file (a PostgreSQL server checks its own pages). Reads only; takes seconds on a large file.
    `stop`: True abandons the check (the app quitting); the answer is then None."""
    path = db.path
    if db.backend != "sqlite" or path is None:
        return None
    problem = integrity_problem(path, stop)
    if problem is None:
        return None
    return t(
        "The database file {path} is damaged ({problem}). Keep working only to write down what you must: "
        "ask whoever looks after deskui to copy the file aside and restore the last backup (deskui restore)",
        path=str(path),
        problem=problem,
    )
