"""Goods-release passes: numbers per day, the owner or the owner's consent, the move-out warning of unpaid matters,
the gate check (valid, already used, expired, voided, unknown), use once, void, and refusals that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.core.errors import ValidationError
from deskui.models import GatePass, GatePassUse, GatePassVoid
from deskui.services.registers import AlreadyDone, ConsentNeeded, PassNotUsable, UnpaidMattersFlagged, normalize_number

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def desk(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=SH).astimezone(UTC)
    for unit in ("3-2-1201", "5-1-302"):
        services.directory.add_unit(unit)
    services.directory.add_resident("张三", "3-2-1201", "13812345678", role="owner")
    services.directory.add_resident("李四", "3-2-1201", "13912340000", role="tenant")
    services.directory.add_resident("王五", "5-1-302", "13712340000", role="owner", notes="2026年物业费欠费 3 个月")


def counts(services) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return tuple(
            s.execute(select(func.count()).select_from(m)).scalar_one() for m in (GatePass, GatePassUse, GatePassVoid)
        )


def test_owner_gets_a_numbered_pass(services) -> None:  # type: ignore[no-untyped-def]
    p = services.passes.issue("3栋2单元1201", "张三", "沙发一张、纸箱 3 个", vehicle="沪A 12345")
    assert (p.number, p.kind, p.unit, p.unit_key, p.bearer_role, p.vehicle, p.state) == (
        "FX-20261203-001",
        "goods",
        "3栋2单元1201",
        "3-2-1201",
        "owner",
        "沪A12345",
        "valid",
    )
    assert p.valid_until - p.issued_at == timedelta(hours=services.settings.registers.pass_valid_hours)
    assert services.passes.issue("3-2-1201", "张 三", "电视").number == "FX-20261203-002"


def test_numbers_restart_each_local_day(services, clock) -> None:  # type: ignore[no-untyped-def]
    services.passes.issue("3-2-1201", "张三", "电视")
    clock.current = datetime(2026, 12, 4, 0, 5, tzinfo=SH).astimezone(UTC)  # still Dec 3 in UTC
    assert services.passes.issue("3-2-1201", "张三", "电视").number == "FX-20261204-001"


def test_a_tenant_needs_the_owners_consent(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConsentNeeded, match="李四 is not an owner of 3-2-1201"):
        services.passes.issue("3-2-1201", "李四", "冰箱")
    with pytest.raises(ConsentNeeded):
        services.passes.issue("3-2-1201", "搬家公司", "冰箱")
    assert counts(services) == (0, 0, 0)
    p = services.passes.issue("3-2-1201", "李四", "冰箱", consent="业主张三电话确认 138****5678")
    assert (p.bearer_role, p.consent) == ("tenant", "业主张三电话确认 138****5678")


def test_no_owner_on_record_the_desk_checked_in_person(services) -> None:  # type: ignore[no-untyped-def]
    p = services.passes.issue("8-1-101", "赵六", "自行车")
    assert (p.bearer_role, p.unit_key) == ("owner", "8-1-101")


def test_a_pass_is_for_a_numbered_unit(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="not a unit number"):
        services.passes.issue("B2车库", "张三", "轮胎")


def test_move_out_with_unpaid_matters_warns_before_issuing(services) -> None:  # type: ignore[no-untyped-def]
    assert services.passes.unpaid_notes("5栋1单元302") == ("2026年物业费欠费 3 个月",)
    with pytest.raises(UnpaidMattersFlagged, match="欠费") as exc:
        services.passes.issue("5-1-302", "王五", "全部家具", move_out=True)
    assert exc.value.notes == ("2026年物业费欠费 3 个月",)
    assert counts(services) == (0, 0, 0)
    plain = services.passes.issue("5-1-302", "王五", "旧椅子")  # not a move-out: no warning
    assert plain.warning == ""
    forced = services.passes.issue("5-1-302", "王五", "全部家具", move_out=True, force=True)
    assert (forced.kind, forced.warning) == ("move_out", "2026年物业费欠费 3 个月")


def test_gate_check_valid_used_expired_void_unknown(services, clock) -> None:  # type: ignore[no-untyped-def]
    a = services.passes.issue("3-2-1201", "张三", "沙发")
    b = services.passes.issue("3-2-1201", "张三", "电视")
    c = services.passes.issue("3-2-1201", "张三", "冰箱")
    check = services.passes.check("fx 20261203 1")
    assert (check.state, check.valid, check.number) == ("valid", True, a.number)
    assert "valid until" in check.message and "沙发" in check.message
    used = services.passes.use(a.number)
    assert (used.state, used.used_at) == ("used", clock.now())
    assert services.passes.check(a.number).state == "used"
    with pytest.raises(PassNotUsable, match="already used"):
        services.passes.use(a.number)
    services.passes.void(b.number, "物品写错")
    assert services.passes.check(b.number).state == "void"
    with pytest.raises(AlreadyDone):
        services.passes.void(a.number, "晚了")
    assert services.passes.check("FX-20991231-001").state == "unknown"
    assert services.passes.check("nonsense").state == "unknown"
    clock.advance(hours=services.settings.registers.pass_valid_hours)
    expired = services.passes.check(c.number)
    assert (expired.state, expired.valid) == ("expired", False)
    with pytest.raises(PassNotUsable, match="expired"):
        services.passes.use(c.number)
    assert counts(services) == (3, 1, 1)
    assert [p.number for p in services.passes.history(valid=True)] == []
    assert [p.state for p in services.passes.history(unit="3栋2单元1201")] == ["expired", "void", "used"]


def test_void_needs_a_reason(services) -> None:  # type: ignore[no-untyped-def]
    p = services.passes.issue("3-2-1201", "张三", "沙发")
    with pytest.raises(ValidationError):
        services.passes.void(p.number, "")
    assert counts(services) == (1, 0, 0)


def test_normalize_number() -> None:
    assert normalize_number(" ｆｘ-20261203-7 ") == "FX-20261203-007"
    assert normalize_number("FX20261203007") == "FX-20261203-007"


@pytest.mark.parametrize(
    ("unit", "bearer", "items", "extra"),
    [
        ("", "张三", "沙发", {}),
        ("3-2-1201", "", "沙发", {}),
        ("3-2-1201", "张三", "", {}),
        ("3-2-1201", "张三", "沙发", {"vehicle": "??"}),
        ("3-2-1201", "张三", "沙发\x1b]0;x\x07", {}),
    ],
)
def test_bad_input_writes_nothing(services, unit, bearer, items, extra) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.passes.issue(unit, bearer, items, **extra)
    assert counts(services) == (0, 0, 0)
