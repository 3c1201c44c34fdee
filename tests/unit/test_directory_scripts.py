"""The directory finds residents whatever the script and whichever reading of a surname (issue 12): 陳大文 by
陈大文 and back, 單小雨 by "sy" as well as "dy", and the same hits as a substring scan over the folded names."""

from __future__ import annotations

import opencc
import pytest

from deskui.core.scriptfold import fold
from deskui.services import Services

TO_HK = opencc.OpenCC("s2hk")

# (name as stored, unit)
PEOPLE = [
    ("陈大文", "3-2-1201"),
    ("陳小明", "3-2-1202"),
    ("单小雨", "3-1-101"),
    ("單志強", "3-1-102"),
    ("曾志明", "3-1-201"),
    ("區家豪", "3-1-202"),
    ("解晓东", "3-1-301"),
    ("仇德华", "3-1-302"),
    ("朴正浩", "3-1-401"),
    ("查良镛", "3-1-402"),
    ("张三", "3-1-501"),
    ("Mary Chan", "3-1-502"),
]


@pytest.fixture
def directory(services: Services) -> Services:
    d = services.directory
    for i, (name, unit) in enumerate(PEOPLE):
        d.add_unit(unit)
        d.add_resident(name, unit, f"1390000{i:04d}")
    return services


def names(svc: Services, query: str) -> set[str]:
    return {r.name for r in svc.directory.search_residents(query, limit=100)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("陈大文", {"陈大文"}),
        ("陳大文", {"陈大文"}),
        ("陈", {"陈大文", "陳小明"}),
        ("陳", {"陈大文", "陳小明"}),
        ("单", {"单小雨", "單志強"}),
        ("志强", {"單志強"}),
        ("区家豪", {"區家豪"}),
    ],
)
def test_a_name_in_either_script(directory: Services, query: str, expected: set[str]) -> None:
    assert names(directory, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sxy", {"单小雨"}),  # 单 as the surname Shan
        ("dxy", {"单小雨"}),  # and as its common reading
        ("szq", {"單志強"}),  # Traditional 單 too
        ("shanzhi", {"單志強"}),
        ("zzm", {"曾志明"}),
        ("czm", {"曾志明"}),
        ("ojh", {"區家豪"}),
        ("xiexiao", {"解晓东"}),
        ("qdh", {"仇德华"}),
        ("piao", {"朴正浩"}),
        ("zly", {"查良镛"}),
        ("zs", {"张三"}),
        ("chendawen", {"陈大文"}),
    ],
)
def test_pinyin_and_the_surname_reading(directory: Services, query: str, expected: set[str]) -> None:
    assert names(directory, query) == expected


def test_chinese_queries_match_a_folded_scan(directory: Services) -> None:
    """Every 1- and 2-character piece of every name, in both scripts: the hits a folded substring scan gives."""
    stored = [name for name, _ in PEOPLE]
    pieces = {name[i : i + n] for name in stored for n in (1, 2) for i in range(len(name) - n + 1)}
    queries = {q for p in pieces for q in (p, TO_HK.convert(p), fold(p)) if q.strip() and not q.isascii()}
    for query in sorted(queries):
        assert names(directory, query) == {n for n in stored if fold(query) in fold(n)}, query
