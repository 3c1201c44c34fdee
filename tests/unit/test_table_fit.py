"""Cells are shortened between words, never inside one (issue 12: "Help requ…", "超时 2天15小" read as nothing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.cells import cell_len

from deskui.core.i18n import set_language
from deskui.screens.tickets.queue import compact_due
from deskui.services.tickets import TargetState
from deskui.widgets.table import fit


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("Repair", 10, "Repair"),
        ("Help request", 12, "Help request"),
        ("Help request", 10, "Help…"),
        ("Complaint·Important", 12, "Complaint…"),
        ("Done, awaiting callback", 12, "Done…"),
        ("阳台推拉门卡住关不上", 10, "阳台推拉…"),  # Chinese: any character ends a word
        ("放行/装修", 6, "放行…"),
        ("Supercalifragilistic", 10, "Supercali…"),  # one word wider than the column: the only cut inside a word
    ],
)
def test_fit_cuts_between_words(text: str, width: int, shown: str) -> None:
    cell = fit(text, width)
    assert cell.plain == shown
    assert cell.cell_len <= width


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("seconds", [-(2 * 86400 + 15 * 3600 + 5 * 60), -(11 * 3600 + 59 * 60), 3 * 86400 + 3600])
def test_the_due_column_says_a_whole_duration(language: str, seconds: int) -> None:
    set_language(language)
    try:
        state = "overdue" if seconds < 0 else "ok"
        target = TargetState("resolve", datetime(2026, 12, 3, tzinfo=UTC), None, state, seconds)
        for width in (12, 13):
            words = compact_due(target, width)
            assert cell_len(words) <= width, words
            assert not words.endswith(("小", "…")), words
    finally:
        set_language("en")


def test_late_two_days_fifteen_hours_fits_the_narrow_due_column_in_chinese() -> None:
    set_language("zh-CN")
    try:
        target = TargetState("resolve", datetime(2026, 12, 3, tzinfo=UTC), None, "overdue", -(2 * 86400 + 15 * 3600))
        assert compact_due(target, 12) == "超时 2天"
    finally:
        set_language("en")
