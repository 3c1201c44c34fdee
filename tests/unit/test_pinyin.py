"""Pinyin spellings of names (deskui.services.common.pinyin), so "zs" and "zhangsan" find 张三."""

from __future__ import annotations

import pytest

from deskui.services.common.pinyin import search_readings, spellings


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("李 明", "liming", "lm"),  # spaces typed between characters do not count
        ("吕布", "lvbu", "lb"),  # ü is written v, as on a pinyin keyboard
        ("Tom 李", "tomli", "toml"),  # Latin parts kept as they are, lower case, no spaces
        ("王芳2", "wangfang2", "wf2"),
    ],
)
def test_spellings(name: str, full: str, initials: str) -> None:
    assert spellings(name) == (full, initials)


def test_spellings_have_no_spaces_or_upper_case() -> None:
    for name in ("Mary  Ann 陈", " 张　三 ", "ZHANG San"):
        full, initials = spellings(name)
        assert full == full.lower() and " " not in full and "　" not in full, (name, full)
        assert initials == initials.lower() and " " not in initials, (name, initials)


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        ("单雨", {"danyu", "dy", "shanyu", "sy"}),
        ("單雨", {"danyu", "dy", "shanyu", "sy"}),  # Traditional: the surname is looked up folded (单)
        ("曾志明", {"cengzhiming", "czm", "zengzhiming", "zzm"}),
        ("解晓东", {"jiexiaodong", "jxd", "xiexiaodong", "xxd"}),
        ("仇德华", {"choudehua", "cdh", "qiudehua", "qdh"}),
        ("区家豪", {"qujiahao", "qjh", "oujiahao", "ojh"}),
        ("區家豪", {"qujiahao", "qjh", "oujiahao", "ojh"}),
        ("朴正浩", {"puzhenghao", "pzh", "piaozhenghao"}),
        ("查良镛", {"chaliangyong", "cly", "zhaliangyong", "zly"}),
        ("张三", {"zhangsan", "zs"}),  # no other reading: just the spellings
        ("小单", {"xiaodan", "xd"}),  # only the first character is the surname
        (" 单 雨 ", {"danyu", "dy", "shanyu", "sy"}),
    ],
)
def test_search_readings_add_the_surname_reading(name: str, readings: set[str]) -> None:
    stored = search_readings(name)
    assert stored.startswith(" ") and stored.endswith(" ")
    assert set(stored.split()) == readings
    assert stored.split()[:2] == list(spellings(name.strip()))  # the common reading first
