"""Fixtures of the real-terminal scenario suite: a demo database prepared once, the desk's clock, CPU hogs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.harness import Clock, cli, start_hogs, stop_hogs

# The demo is loaded as of 01:50 on 2026-11-23 in Asia/Shanghai (its calls and tickets lie in the days before).
DEMO_AT = datetime(2026, 11, 22, 17, 50, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`deskui demo --quiet` once per test process; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("e2e-demo")
    clock = Clock(folder / "clock")
    clock.set(DEMO_AT)
    db = folder / "demo.db"
    cli(db, clock, "demo", "--quiet")
    return db


@pytest.fixture
def desk_db(demo_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "desk.db"
    shutil.copyfile(demo_db, db)
    os.chmod(db, 0o600)
    return db


@pytest.fixture
def desk_clock(tmp_path: Path) -> Clock:
    return Clock(tmp_path / "clock")


@pytest.fixture
def cpu_hogs() -> Iterator[None]:
    """One busy process per core for the whole test: the desk must not lose a key on a loaded machine."""
    hogs = start_hogs(2)
    try:
        yield
    finally:
        stop_hogs(hogs)
