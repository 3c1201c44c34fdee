"""Unit-test fixtures on top of tests/conftest.py: markers, and a migrated database copied instead of re-migrated."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from tests.conftest import BACKEND

if TYPE_CHECKING:
    from deskui.services import Services


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash PINs with the production argon2 parameters")


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
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at the code's head revision, built once per test session (running migrations costs ~0.4 s)."""
    from deskui.core.db import open_database

    path = tmp_path_factory.mktemp("template") / "desk.db"
    open_database(str(path)).dispose()  # dispose checkpoints the WAL: the one file holds everything
    return path


@pytest.fixture
def services(
    request: pytest.FixtureRequest, settings: Settings, clock: FrozenClock, database_url: str
) -> Iterator[Services]:
    """Like tests/conftest.py's `services`, on a copy of the migrated template (the site is still created here).
    On the PostgreSQL run `settings` already points at a fresh copy of the migrated PostgreSQL template.

    `db_path` and `migrated_template` are not requested by name: a test that asks for `db_path` itself reads or
    attacks the SQLite file directly, and is skipped on the PostgreSQL run (see pytest_collection_modifyitems)."""
    from deskui.services import open_services

    if BACKEND == "sqlite":
        shutil.copy2(request.getfixturevalue("migrated_template"), database_url)
    svc = open_services(settings, clock)
    yield svc
    svc.close()
