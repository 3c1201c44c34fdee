"""The registers' `find` (the palette's register search, issue 13): a visitor by part of the name, a parcel by part
of its tracking number (spaces and case ignored), a pass by its number as typed at the gate; newest first; a term
too short or with LIKE's wildcards finds nothing it should not."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def desk(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=SH).astimezone(UTC)
    for unit in ("3-2-1201", "1-1-301"):
        services.directory.add_unit(unit)
    services.directory.add_resident("张三", "3-2-1201", "13812345678", role="owner")


def test_visitors_by_part_of_the_name_newest_first_left_or_not(services) -> None:  # type: ignore[no-untyped-def]
    first = services.visitors.sign_in("欧阳娜娜", "3-2-1201", "送货")
    services.visitors.sign_out(first.id)
    second = services.visitors.sign_in("欧阳修", "1-1-301", "探亲")
    services.visitors.sign_in("刘先生", "1-1-301", "探亲")
    assert [v.id for v in services.visitors.find("欧阳")] == [second.id, first.id]
    assert [v.state for v in services.visitors.find("欧阳")] == ["inside", "left"]
    assert services.visitors.find("  ") == [] and services.visitors.find("%") == []
    assert len(services.visitors.find("欧阳", limit=1)) == 1


def test_parcels_by_part_of_the_tracking_number(services) -> None:  # type: ignore[no-untyped-def]
    sf = services.parcels.receive("3-2-1201", "顺丰", tracking="SF 1234 5678")
    services.parcels.receive("1-1-301", "京东", tracking="JD0001")
    services.parcels.receive("1-1-301", "邮政")  # no tracking number
    assert [p.id for p in services.parcels.find("sf 1234")] == [sf.id]
    assert [p.id for p in services.parcels.find("12345678")] == [sf.id]  # the spaces it was typed with too
    assert [p.carrier for p in services.parcels.find("000")] == ["京东"]
    assert services.parcels.find("SF") == [] and services.parcels.find("___") == []


def test_passes_by_number_as_typed_at_the_gate(services) -> None:  # type: ignore[no-untyped-def]
    one = services.passes.issue("3-2-1201", "张三", "沙发")
    two = services.passes.issue("3-2-1201", "张三", "冰箱")
    assert [p.number for p in services.passes.find("fx 20261203 2")] == [two.number]
    assert [p.id for p in services.passes.find("20261203")] == [two.id, one.id]
    assert services.passes.find("FX") == [] and services.passes.find("FX-2025") == []
