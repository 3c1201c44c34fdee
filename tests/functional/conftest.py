"""Fixtures for driving the real app with Pilot: a small directory, one operator per role."""

from __future__ import annotations

import pytest

from deskui.app import DeskApp, make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import Settings

OPERATORS = (("王芳", "receptionist", "1111"), ("李强", "maintenance", "2222"), ("陈静", "supervisor", "3333"))


def seed_desk(services):  # type: ignore[no-untyped-def]
    """One operator per desk role, a few units and two residents of 3-2-1201."""
    for name, role, pin in OPERATORS:
        services.operators.add(name, role, pin)
    for unit in ("3-2-1201", "3-2-1202", "5-1-302"):
        services.directory.add_unit(unit)
    services.directory.add_unit("B2车库", "public")
    services.directory.add_resident("张三", "3-2-1201", "13812345678", notes="独居老人")
    services.directory.add_resident("李四", "3栋2单元1201", "13912340000", role="tenant")
    return services


@pytest.fixture
def desk_services(services):  # type: ignore[no-untyped-def]
    return seed_desk(services)


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, desk_services) -> DeskApp:  # type: ignore[no-untyped-def]
    return make_app(settings, clock=clock, services=desk_services)
