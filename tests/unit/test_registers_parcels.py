"""Parcels and mail: received for a unit in any spelling, the resident told (any number of times), picked up once;
waiting per unit; old ones by the configured age; refusals that write nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.core.errors import NotFound, ValidationError
from deskui.models import Parcel, ParcelNotice, ParcelPickup
from deskui.services.registers import AlreadyDone

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def morning(clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=SH).astimezone(UTC)


def counts(services) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return tuple(
            s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Parcel, ParcelNotice, ParcelPickup)
        )


def test_receive_notify_pick_up(services, clock) -> None:  # type: ignore[no-untyped-def]
    p = services.parcels.receive("3栋2单元1201室", "顺丰", tracking="SF123", shelf="A3")
    assert (p.unit, p.unit_key, p.carrier, p.tracking, p.shelf, p.kind, p.state) == (
        "3栋2单元1201室",
        "3-2-1201",
        "顺丰",
        "SF123",
        "A3",
        "parcel",
        "waiting",
    )
    clock.advance(minutes=10)
    told = services.parcels.notify(p.id, "sms")
    clock.advance(minutes=10)
    told = services.parcels.notify(p.id, "PHONE", note="家里没人接")
    assert (told.state, told.notices, told.notified_via, told.notified_at) == ("notified", 2, "phone", clock.now())
    clock.advance(hours=3)
    got = services.parcels.pick_up(p.id, "张三")
    assert (got.state, got.picked_up_by, got.picked_up_at, got.waiting) == ("picked_up", "张三", clock.now(), False)
    assert counts(services) == (1, 2, 1)
    with pytest.raises(AlreadyDone, match="already picked up by 张三"):
        services.parcels.pick_up(p.id, "李四")
    with pytest.raises(AlreadyDone):
        services.parcels.notify(p.id, "sms")
    assert counts(services) == (1, 2, 1)


def test_waiting_per_unit_in_any_spelling(services) -> None:  # type: ignore[no-untyped-def]
    a = services.parcels.receive("3-2-1201", "顺丰")
    b = services.parcels.receive("5-1-302", "京东")
    c = services.parcels.receive("3栋2单元1201", "邮政", kind="letter")
    services.parcels.pick_up(a.id, "张三")
    assert [p.id for p in services.parcels.waiting("３－２－１２０１")] == [c.id]
    assert [p.id for p in services.parcels.waiting()] == [b.id, c.id]
    assert [p.id for p in services.parcels.history(waiting=True)] == [c.id, b.id]
    assert [p.id for p in services.parcels.history(unit="3-2-1201")] == [c.id, a.id]


def test_old_parcels_by_the_configured_age(services, clock) -> None:  # type: ignore[no-untyped-def]
    hours = services.settings.registers.parcel_old_hours
    first = services.parcels.receive("3-2-1201", "顺丰")
    clock.advance(hours=hours - 1)
    second = services.parcels.receive("5-1-302", "京东")
    assert services.parcels.old() == []
    clock.advance(hours=2)
    assert [p.id for p in services.parcels.old()] == [first.id]
    assert services.parcels.get(first.id).old and not services.parcels.get(second.id).old
    services.parcels.pick_up(first.id, "张三")
    assert services.parcels.old() == []


def test_the_age_is_configuration(services, clock) -> None:  # type: ignore[no-untyped-def]
    services.ctx.settings.__dict__  # noqa: B018 - the settings are frozen; a new register reads new ones
    from deskui.services.context import DeskContext
    from deskui.services.registers import ParcelRegister

    settings = replace(services.settings, registers=replace(services.settings.registers, parcel_old_hours=1))
    register = ParcelRegister(DeskContext(services.db, settings, clock, services.site_id))
    p = register.receive("3-2-1201", "顺丰")
    clock.advance(hours=2)
    assert [x.id for x in register.old()] == [p.id]


@pytest.mark.parametrize(
    ("unit", "carrier", "extra"),
    [("", "顺丰", {}), ("3-2-1201", "", {}), ("3-2-1201", "顺丰", {"kind": "box"}), ("3-2-1201", "x" * 101, {})],
)
def test_bad_receipts_write_nothing(services, unit, carrier, extra) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.parcels.receive(unit, carrier, **extra)
    assert counts(services) == (0, 0, 0)


def test_bad_notice_or_pickup_writes_nothing(services) -> None:  # type: ignore[no-untyped-def]
    p = services.parcels.receive("3-2-1201", "顺丰")
    with pytest.raises(ValidationError, match="sms, phone, note"):
        services.parcels.notify(p.id, "pigeon")
    with pytest.raises(ValidationError):
        services.parcels.pick_up(p.id, " ")
    with pytest.raises(NotFound):
        services.parcels.pick_up(p.id + 1, "张三")
    assert counts(services) == (1, 0, 0)
