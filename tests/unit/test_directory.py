"""The resident directory (deskui.services.directory) against a temporary SQLite file."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import select

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.models import Building, Resident, ResidentPhone, Unit
from deskui.services import Services, open_services
from deskui.services.directory import check_resident, check_unit, split_phones


def row_counts(svc: Services) -> dict[str, int]:
    """Rows of every directory table, all sites together: what a refused write must leave unchanged."""
    with svc.db.read() as s:
        return {
            m.__name__: s.exec(select(func.count()).select_from(m)).one()
            for m in (Building, Unit, Resident, ResidentPhone)
        }


@pytest.fixture
def filled(services: Services) -> Services:
    d = services.directory
    d.add_unit("3-2-1201")
    d.add_unit("3栋2单元1202")
    d.add_unit("3-1-0101")
    d.add_unit("12#1-801")
    d.add_unit("东门岗亭", kind="public")
    d.add_resident("张三", "3-2-1201", "138 0013 8000", role="业主")
    d.add_resident("李四", "3栋2单元1201", ["0755-8888 1234 转 12", "13900001234"], role="tenant")
    d.add_resident("张三丰", "3-1-0101", "13700137000")
    d.add_resident("王芳", "12-1-801", "13512345678; 135-1234-5678")  # the same number twice is kept once
    return services


@pytest.fixture
def other_site(settings: Settings, clock: FrozenClock, filled: Services) -> Iterator[Services]:
    """A second property in the same database."""
    svc = open_services(dataclasses.replace(settings, site_code="YY", site_name="翠苑"), clock)
    yield svc
    svc.close()


# --- adding ---------------------------------------------------------------------------------------------------


def test_add_unit_returns_canonical_key_and_label(services: Services) -> None:
    info = services.directory.add_unit("３号楼２单元１２０１室")
    assert (info.key, info.label, info.kind) == ("3-2-1201", "3栋2单元1201", "residence")
    assert (info.building, info.entrance, info.room) == ("3", "2", "1201")
    assert services.directory.get_unit(info.id) == info
    assert services.directory.counts() == {"buildings": 1, "units": 1, "residents": 0}


def test_units_share_a_building(services: Services) -> None:
    services.directory.add_unit("3-2-1201")
    services.directory.add_unit("3-1-0101")
    services.directory.add_unit("4-1-0101")
    assert services.directory.counts()["buildings"] == 2


def test_public_place_and_shop(services: Services) -> None:
    gate = services.directory.add_unit(" 东门 岗亭 ", kind="公共区域")
    assert (gate.kind, gate.key, gate.label, gate.building) == ("public", "public:东门岗亭", "东门 岗亭", "")
    shop = services.directory.add_unit("5-101", kind="shop")
    assert (shop.kind, shop.key, shop.label) == ("shop", "5-101", "5-101")


@pytest.mark.parametrize("spelling", ["3-2-1201", "3栋2单元1201室", "3#2-1201"])
def test_duplicate_unit_refused_and_nothing_written(services: Services, spelling: str) -> None:
    services.directory.add_unit("3号楼2单元1201")
    before = row_counts(services)
    with pytest.raises(Conflict) as err:
        services.directory.add_unit(spelling)
    assert err.value.field == "unit"
    assert "3栋2单元1201" in err.value.message
    assert row_counts(services) == before


def test_batch_with_one_existing_unit_writes_nothing(services: Services) -> None:
    services.directory.add_unit("3-2-1201")
    before = row_counts(services)
    batch = [check_unit("9-1-0101"), check_unit("3-2-1201"), check_unit("9-1-0102")]
    with pytest.raises(Conflict):
        services.directory.add_units(batch)
    assert row_counts(services) == before
    assert services.directory.add_units([check_unit("9-1-0101"), check_unit("9-1-0102")]) == 2
    assert services.directory.resolve_unit("9-1-0102") is not None


@pytest.mark.parametrize(
    ("text", "kind", "field"),
    [
        ("", "residence", "unit"),
        ("   ", "residence", "unit"),
        ("东门", "residence", "unit"),  # not a numbered unit
        ("3-2-1201", "garage", "kind"),
        ("x" * 101, "public", "unit"),
        ("3-2-12\x0001", "public", "unit"),
    ],
)
def test_bad_unit_refused(services: Services, text: str, kind: str, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.directory.add_unit(text, kind=kind)
    assert err.value.field == field
    assert err.value.message
    assert row_counts(services) == dict.fromkeys(("Building", "Unit", "Resident", "ResidentPhone"), 0)


def test_add_resident(services: Services) -> None:
    services.directory.add_unit("3-2-1201")
    info = services.directory.add_resident(
        " 张  三 ", "3栋2单元1201", "13800138000，0755-88881234", role="业主", notes=" 腿脚不便 "
    )
    assert (info.name, info.role, info.notes, info.unit_key) == ("张 三", "owner", "腿脚不便", "3-2-1201")
    assert info.phones == ("13800138000", "0755-88881234")
    with services.db.read() as s:
        row = s.get(Resident, info.id)
        assert row is not None
        assert (row.name_pinyin, row.name_initials) == ("zhangsan", "zs")
        assert row.created_at == services.clock.now()


def test_resident_in_unknown_unit_refused_and_nothing_written(filled: Services) -> None:
    before = row_counts(filled)
    with pytest.raises(NotFound) as err:
        filled.directory.add_resident("赵六", "9-9-999", "13800138001")
    assert err.value.field == "unit"
    assert "9-9-999" in err.value.message
    assert row_counts(filled) == before


def test_resident_batch_with_unknown_unit_writes_nothing(filled: Services) -> None:
    before = row_counts(filled)
    good = check_resident("赵六", "3-2-1202", "13800138001")
    bad = check_resident("钱七", "8-8-808", "13800138002")
    with pytest.raises(NotFound):
        filled.directory.add_residents([good, bad])
    assert row_counts(filled) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"role": "landlord"}, "role"),
        ({"phones": "138abc"}, "phone"),
        ({"phones": "13800138000; 12"}, "phone"),
        ({"unit": " "}, "unit"),
        ({"notes": "x" * 1001}, "notes"),
    ],
)
def test_bad_resident_refused(filled: Services, kwargs: dict[str, str], field: str) -> None:
    args = {"name": "赵六", "unit": "3-2-1202", "phones": "13800138001"} | kwargs
    before = row_counts(filled)
    with pytest.raises(ValidationError) as err:
        filled.directory.add_resident(**args)
    assert err.value.field == field
    assert row_counts(filled) == before


def test_split_phones() -> None:
    assert split_phones("138；139，140、141/142,143") == ["138", "139", "140", "141", "142", "143"]
    assert split_phones(" ; ") == []


# --- lookups --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["3-2-1201", "3栋2单元1201", "3#2-1201", "3号楼2单元1201室", "３－２－１２０１", "三栋二单元1201"]
)
def test_resolve_unit_in_any_spelling(filled: Services, spelling: str) -> None:
    unit = filled.directory.resolve_unit(spelling)
    assert unit is not None
    assert unit.key == "3-2-1201"


def test_resolve_unit_misses(filled: Services) -> None:
    assert filled.directory.resolve_unit("9-9-999") is None
    assert filled.directory.resolve_unit("") is None
    assert filled.directory.resolve_unit("西门") is None
    gate = filled.directory.resolve_unit("东门 岗亭")
    assert gate is not None
    assert gate.kind == "public"


def test_search_units(filled: Services) -> None:
    keys = lambda q: [u.key for u in filled.directory.search_units(q)]  # noqa: E731
    assert keys("3栋2单元1201")[0] == "3-2-1201"  # the exact unit first
    assert set(keys("3-2")) == {"3-2-1201", "3-2-1202"}
    assert set(keys("3栋2单元")) == {"3-2-1201", "3-2-1202"}
    assert set(keys("3")) == {"3-2-1201", "3-2-1202", "3-1-0101"}
    assert "12-1-801" not in keys("3-2")
    assert keys("801") == ["12-1-801"]  # room number alone
    assert keys("东门") == ["public:东门岗亭"]
    assert keys("") == []
    assert len(filled.directory.search_units("3", limit=2)) == 2


def test_search_units_treats_like_wildcards_as_text(filled: Services) -> None:
    assert filled.directory.search_units("%") == []
    assert filled.directory.search_units("_") == []


def names(results: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(r.name for r in results)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张三", ["张三", "张三丰"]),  # Chinese substring, 2 characters
        ("张", ["张三", "张三丰"]),  # 1 character
        ("丰", ["张三丰"]),  # not only prefixes
        ("芳", ["王芳"]),
        ("zhangsan", ["张三", "张三丰"]),  # full pinyin
        ("zhangsanfeng", ["张三丰"]),
        ("ZhangSan", ["张三", "张三丰"]),
        ("zs", ["张三", "张三丰"]),  # initials
        ("zsf", ["张三丰"]),
        ("ls", ["李四"]),
        ("wf", ["王芳"]),
        ("13800138000", ["张三"]),  # whole phone
        ("138 0013 8000", ["张三"]),
        ("8000", ["张三"]),  # last 4 digits
        ("38000", ["张三"]),
        ("1234", ["李四"]),  # 13900001234, not 135 1234 5678 nor the landline ending in extension 12
        ("5678", ["王芳"]),
        ("周", []),
        ("xyz", []),
    ],
)
def test_search_residents(filled: Services, query: str, expected: list[str]) -> None:
    assert names(filled.directory.search_residents(query)) == expected


def test_search_residents_by_unit(filled: Services) -> None:
    assert names(filled.directory.search_residents("3栋2单元1201")) == ["张三", "李四"]


def test_search_result_carries_unit_and_phones(filled: Services) -> None:
    (li,) = filled.directory.search_residents("李四")
    assert (li.role, li.unit_key, li.unit_label) == ("tenant", "3-2-1201", "3栋2单元1201")
    assert li.phones == ("0755-8888 1234 转 12", "13900001234")
    (wang,) = filled.directory.search_residents("王芳")
    assert wang.phones == ("13512345678",)


def test_lookup_phone(filled: Services) -> None:
    assert names(filled.directory.lookup_phone("13800138000")) == ["张三"]
    assert names(filled.directory.lookup_phone("１３８００１３８０００")) == ["张三"]
    assert names(filled.directory.lookup_phone("0755 8888 1234 转 12")) == ["李四"]
    assert names(filled.directory.lookup_phone("7000")) == ["张三丰"]  # a suffix of 4 or more
    assert filled.directory.lookup_phone("000") == []  # too few digits to mean anything
    assert filled.directory.lookup_phone("13999999999") == []


def test_unit_residents(filled: Services) -> None:
    unit = filled.directory.resolve_unit("3-2-1201")
    assert unit is not None
    residents = filled.directory.unit_residents(unit.id)
    assert [(r.name, r.role) for r in residents] == [("张三", "owner"), ("李四", "tenant")]
    empty = filled.directory.resolve_unit("3-2-1202")
    assert empty is not None
    assert filled.directory.unit_residents(empty.id) == []


def test_get_unknown_unit(filled: Services) -> None:
    with pytest.raises(NotFound):
        filled.directory.get_unit(10_000)


# --- two sites in one database ----------------------------------------------------------------------------------


def test_site_isolation(filled: Services, other_site: Services) -> None:
    assert other_site.site_id != filled.site_id
    d = other_site.directory
    assert d.counts() == {"buildings": 0, "units": 0, "residents": 0}
    assert d.resolve_unit("3-2-1201") is None
    assert d.search_units("3") == []
    assert d.search_residents("张") == []
    assert d.search_residents("zs") == []
    assert d.search_residents("8000") == []
    assert d.lookup_phone("13800138000") == []
    mine = filled.directory.resolve_unit("3-2-1201")
    assert mine is not None
    with pytest.raises(NotFound):
        d.get_unit(mine.id)
    assert d.unit_residents(mine.id) == []
    with pytest.raises(NotFound):
        d.add_resident("赵六", "3-2-1201", "13800138001")  # the first site's unit is not this site's


def test_same_unit_key_in_two_sites(filled: Services, other_site: Services) -> None:
    theirs = other_site.directory.add_unit("3-2-1201")
    other_site.directory.add_resident("周八", "3-2-1201", "13800138000")
    mine = filled.directory.resolve_unit("3-2-1201")
    assert mine is not None
    assert theirs.id != mine.id
    assert names(other_site.directory.lookup_phone("13800138000")) == ["周八"]
    assert names(filled.directory.lookup_phone("13800138000")) == ["张三"]
    assert names(filled.directory.unit_residents(mine.id)) == ["张三", "李四"]
    assert filled.directory.counts() == {"buildings": 2, "units": 5, "residents": 4}


def test_search_residents_with_full_width_digits(filled: Services) -> None:
    """A Chinese IME in full-width mode types ８０００; it is the same phone search as 8000."""
    assert names(filled.directory.search_residents("８０００")) == ["张三"]
    assert names(filled.directory.search_residents("１３８ ００１３ ８０００")) == ["张三"]


def test_batch_listing_a_unit_twice_is_refused_cleanly(services: Services) -> None:
    batch = [check_unit("9-1-101"), check_unit("9栋1单元101"), check_unit("9-1-102")]
    with pytest.raises(Conflict) as err:
        services.directory.add_units(batch)
    assert "9-1-101" in err.value.message
    assert services.directory.counts()["units"] == 0
