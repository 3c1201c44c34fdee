"""`deskui calls list` with no filter reads the newest calls straight off the table's end (issue 11: at a million
calls the query sorted every call of the site in a temporary b-tree, 2 s, to return 20)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

if TYPE_CHECKING:
    from deskui.services import Services

pytestmark = pytest.mark.sqlite_only


def plans(services: Services, run: Any) -> list[str]:
    """The query plan of every SELECT on the call table that `run()` makes, as SQLite would run it."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM call" in statement:
            seen.append((statement, parameters))

    event.listen(services.db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(services.db.engine, "before_cursor_execute", capture)
    assert services.db.path is not None
    con = sqlite3.connect(services.db.path)
    try:
        return [
            " | ".join(str(r[3]) for r in con.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
            for sql, params in seen
        ]
    finally:
        con.close()


@pytest.mark.parametrize("current_only", [False, True], ids=["every-version", "current-only"])
def test_the_newest_calls_are_read_without_sorting_the_whole_log(services: Services, current_only: bool) -> None:
    found = plans(services, lambda: services.calls.list(limit=20, current_only=current_only))
    assert found, "no query on the call table was seen"
    assert not [p for p in found if "TEMP B-TREE" in p], found
