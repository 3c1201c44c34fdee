"""services.admin demo: a realistic, deterministic demo property that a second run leaves unchanged."""

from __future__ import annotations

from sqlmodel import func, select

from deskui.models import Resident, ResidentPhone, Unit
from deskui.services.admin import DEMO_OPERATORS, demo_residents, demo_units, load_demo
from deskui.services.common.places import parse_unit


def _table_counts(services) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return (
            s.exec(select(func.count()).select_from(Unit)).one(),
            s.exec(select(func.count()).select_from(Resident)).one(),
            s.exec(select(func.count()).select_from(ResidentPhone)).one(),
        )


def test_the_demo_property_looks_like_a_real_one(services) -> None:  # type: ignore[no-untyped-def]
    summary = load_demo(services)
    counts = services.directory.counts()
    assert summary.counts == counts
    assert counts["buildings"] >= 3
    assert 180 <= counts["units"] <= 260
    with services.db.read() as s:
        kinds = dict(s.exec(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
        roles = dict(s.exec(select(Resident.role, func.count()).group_by(Resident.role)).all())
        notes = set(s.exec(select(Resident.notes).where(Resident.notes != "")).all())
        two_phones = s.exec(
            select(ResidentPhone.resident_id).group_by(ResidentPhone.resident_id).having(func.count() > 1)
        ).all()
    assert kinds["shop"] >= 3 and kinds["public"] >= 3 and kinds["residence"] >= 150
    assert roles["owner"] > roles["tenant"] > 0
    assert "独居老人" in notes
    assert len(two_phones) >= 10
    for place in ("B2车库", "东门", "3栋电梯"):
        assert services.directory.resolve_unit(place).kind == "public"
    home = services.directory.resolve_unit("3栋2单元1201")
    assert home is not None and home.key == "3-2-1201"
    phones = [p for r in demo_residents() for p in r.phones]
    assert len(phones) == len(set(phones))
    assert all(len(p) == 11 and p.startswith("1") and p[1] in "3456789" for p in phones)


def test_a_second_run_changes_nothing(services) -> None:  # type: ignore[no-untyped-def]
    first = load_demo(services)
    assert (first.units_added, first.operators_added) == (len(demo_units()), len(DEMO_OPERATORS))
    before = _table_counts(services)
    second = load_demo(services)
    assert (second.units_added, second.residents_added, second.operators_added) == (0, 0, 0)
    assert _table_counts(services) == before
    assert second.counts == first.counts


def test_demo_data_is_deterministic() -> None:
    assert demo_residents() == demo_residents()
    assert demo_residents(1) != demo_residents(2)
    assert all(parse_unit(u.key) is not None for u in demo_units() if u.kind != "public")


def test_demo_fills_in_around_existing_data(services) -> None:  # type: ignore[no-untyped-def]
    services.directory.add_unit("3-2-1201")
    services.directory.add_resident("真住户", "3-2-1201", "13800000000")
    services.operators.add("王芳", "receptionist", "9876")
    summary = load_demo(services)
    assert summary.units_added == len(demo_units()) - 1
    assert [r.name for r in services.directory.unit_residents(services.directory.resolve_unit("3-2-1201").id)] == [
        "真住户"
    ]
    wang = services.operators.by_name("王芳")
    assert services.operators.authenticate(wang.id, "9876").name == "王芳"  # an existing PIN is kept


def test_one_operator_per_role_with_the_documented_pins(services) -> None:  # type: ignore[no-untyped-def]
    load_demo(services)
    expected = {"王芳": ("receptionist", "1111"), "李强": ("maintenance", "2222")}
    expected |= {"陈静": ("supervisor", "3333"), "刘伟": ("manager", "4444")}
    for op in services.operators.list():
        role, pin = expected.pop(op.name)
        assert op.role.value == role
        assert services.operators.authenticate(op.id, pin).id == op.id
    assert expected == {}
