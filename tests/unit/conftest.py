"""Unit-test fixtures on top of tests/conftest.py: markers, and a migrated database copied instead of re-migrated."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from deskui.clock import FrozenClock
from deskui.config import Settings

if TYPE_CHECKING:
    from deskui.services import Services


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash PINs with the production argon2 parameters")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at the code's head revision, built once per test session (running migrations costs ~0.4 s)."""
    from deskui.db import open_database

    path = tmp_path_factory.mktemp("template") / "desk.db"
    open_database(str(path)).dispose()  # dispose checkpoints the WAL: the one file holds everything
    return path


@pytest.fixture
def services(settings: Settings, clock: FrozenClock, db_path: Path, migrated_template: Path) -> Iterator[Services]:
    """Like tests/conftest.py's `services`, on a copy of the migrated template (the site is still created here)."""
    from deskui.services import open_services

    shutil.copy2(migrated_template, db_path)
    svc = open_services(settings, clock)
    yield svc
    svc.close()
