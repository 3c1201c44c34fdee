"""Pinyin spellings of names (deskui.services.common.pinyin), so "zs" and "zhangsan" find 张三."""

from __future__ import annotations

import pytest

from deskui.services.common.pinyin import spellings


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
