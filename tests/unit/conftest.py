"""Unit-test fixtures on top of tests/conftest.py: the PostgreSQL run's skips, and the migrated template by its old name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from tests.conftest import BACKEND

if TYPE_CHECKING:
    from deskui.services import Services


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, skip the unit tests that open the SQLite file themselves (they ask for `db_path`:
    raw sqlite3 counts and attacks, a second desk on the same file); tests/pg covers those paths on PostgreSQL."""
    if BACKEND != "postgresql":
        return
    skip = pytest.mark.skip(reason="reads or attacks the SQLite file directly; tests/pg covers this on PostgreSQL")
    here = Path(__file__).parent
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        if "db_path" in getattr(item, "fixturenames", ()) or _opens_the_sqlite_file(item):
            item.add_marker(skip)


_SQLITE_FILE_USES = ("sqlite3.", ".db.path", "sqlite_master", "migrated_template")


def _opens_the_sqlite_file(item: pytest.Item) -> bool:
    """A test whose own code opens the SQLite file (sqlite3.connect(services.db.path), sqlite_master …)."""
    import inspect

    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return any(use in source for use in _SQLITE_FILE_USES)


@pytest.fixture(scope="session")
def migrated_template(sqlite_template: Path) -> Path:
    """A database at the code's head revision, built once per worker (tests/conftest.py's `sqlite_template`)."""
    return sqlite_template


@pytest.fixture
def services(settings: Settings, clock: FrozenClock) -> Iterator[Services]:
    """Like tests/conftest.py's `services` (a copy of the migrated template; the site is still created here). On
    the PostgreSQL run `settings` points at a fresh copy of the migrated PostgreSQL template.

    `db_path` is not requested by name: a test that asks for `db_path` itself reads or attacks the SQLite file
    directly, and is skipped on the PostgreSQL run (see pytest_collection_modifyitems)."""
    from deskui.services import open_services

    svc = open_services(settings, clock)
    yield svc
    svc.close()
