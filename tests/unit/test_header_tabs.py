"""The header's tab bar (issue 13: seven sections with F10 Registers): every section's key at any width, their names
spaced out at 120 columns, a space apart at 80, keys alone but the current section's name when even that is too wide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deskui.core.i18n import get_language, set_language
from deskui.sections import SECTIONS
from deskui.widgets.header import DeskHeader


@pytest.fixture(params=["en", "zh-CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = get_language()
    set_language(request.param)
    yield request.param
    set_language(before)


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_every_key_fits(language: str, width: int) -> None:
    bar = DeskHeader("Calls").tabs(width)
    assert bar.cell_len <= width
    assert all(f"{s.key_label} " in bar.plain + " " for s in SECTIONS)


def test_the_forms_by_width(language: str) -> None:
    header = DeskHeader("Registers")
    wide, narrow, keys = header.tabs(120).plain, header.tabs(80).plain, header.tabs(40).plain
    registers = "Registers" if language == "en" else "登记簿"
    assert "   F10 " in wide and f"F10 {registers}" in narrow and "  F3 " not in narrow
    assert keys.split() == ["F2", "F3", "F4", "F5", "F6", "F7", "F10", registers]  # the current one's name only
