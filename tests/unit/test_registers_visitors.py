"""The visitor register: signing in and out (a row of its own), who is still inside, any spelling of a unit, and
refusals that write nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.core.errors import DeskError, NotFound, ValidationError
from deskui.models import Visit, VisitExit
from deskui.services.registers import AlreadyDone

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def morning(clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=SH).astimezone(UTC)


def counts(services) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Visit, VisitExit))  # type: ignore[return-value]


def test_sign_in_stores_the_unit_as_typed_and_canonical(services) -> None:  # type: ignore[no-untyped-def]
    unit = services.directory.add_unit("3-2-1201")
    visit = services.visitors.sign_in("刘先生", "３栋２单元1201", "探亲", plate="沪A 12345", id_tail="123x")
    assert (visit.name, visit.unit, visit.unit_key, visit.purpose, visit.plate, visit.id_tail, visit.state) == (
        "刘先生",
        "３栋２单元1201",
        "3-2-1201",
        "探亲",
        "沪A12345",
        "123X",
        "inside",
    )
    with services.db.read() as s:
        assert s.get(Visit, visit.id).unit_id == unit.id


def test_a_public_place_is_a_place_too(services) -> None:  # type: ignore[no-untyped-def]
    visit = services.visitors.sign_in("送水工", "管理处", "送水")
    assert visit.unit_key == "public:管理处"


def test_sign_out_is_a_row_of_its_own_and_happens_once(services, clock) -> None:  # type: ignore[no-untyped-def]
    visit = services.visitors.sign_in("刘先生", "3-2-1201", "探亲")
    clock.advance(hours=2)
    left = services.visitors.sign_out(visit.id, note="已离开")
    assert (left.state, left.left_at, left.entered_at) == ("left", clock.now(), visit.entered_at)
    assert counts(services) == (1, 1)
    with pytest.raises(AlreadyDone, match="already left"):
        services.visitors.sign_out(visit.id)
    with pytest.raises(NotFound):
        services.visitors.sign_out(999)
    assert counts(services) == (1, 1)


def test_inside_is_one_list_longest_inside_first(services, clock) -> None:  # type: ignore[no-untyped-def]
    a = services.visitors.sign_in("甲", "3-2-1201", "探亲")
    clock.advance(minutes=5)
    b = services.visitors.sign_in("乙", "5-1-302", "装修")
    clock.advance(minutes=5)
    c = services.visitors.sign_in("丙", "5-1-302", "快递")
    services.visitors.sign_out(b.id)
    assert [v.id for v in services.visitors.inside()] == [a.id, c.id]
    assert [v.id for v in services.visitors.history(inside=True)] == [c.id, a.id]
    assert [v.id for v in services.visitors.history(unit="5栋1单元302")] == [c.id, b.id]
    assert [v.id for v in services.visitors.history(day=date(2026, 12, 3))] == [c.id, b.id, a.id]
    assert services.visitors.history(day=date(2026, 12, 2)) == []


@pytest.mark.parametrize(
    ("name", "unit", "purpose", "extra"),
    [
        ("", "3-2-1201", "探亲", {}),
        ("刘", "", "探亲", {}),
        ("刘", "3-2-1201", "  ", {}),
        ("刘", "3-2-1201", "探亲", {"id_tail": "310101199001011234"}),
        ("刘", "3-2-1201", "探亲", {"plate": "not a plate!"}),
        ("刘\x1b[2J", "3-2-1201", "探亲", {}),
    ],
)
def test_bad_input_is_refused_and_nothing_written(services, name, unit, purpose, extra) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.visitors.sign_in(name, unit, purpose, **extra)
    assert isinstance(exc.value, DeskError) and exc.value.message
    assert counts(services) == (0, 0)


def test_messages_are_translated(services) -> None:  # type: ignore[no-untyped-def]
    from deskui.core.i18n import set_language

    set_language("zh-CN")
    with pytest.raises(ValidationError, match="访客"):
        services.visitors.sign_in("", "3-2-1201", "探亲")
