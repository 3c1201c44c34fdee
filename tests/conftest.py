"""Shared fixtures: a fresh database per test, settings pointing at it, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskui.clock import FrozenClock
from deskui.config import Settings, load_settings
from deskui.i18n import set_language


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return load_settings(database_url=str(db_path), language="en", environ={})


@pytest.fixture
def services(settings: Settings, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    svc = open_services(settings, clock)
    yield svc
    svc.close()
