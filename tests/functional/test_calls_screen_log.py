"""The call screen's log and search (issue 10): unit spellings are one unit; corrections and originals both shown."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from deskui.app import DeskApp
from deskui.services.calls import CallInput
from tests.functional.helpers import wait_for
from tests.functional.test_calls_screen import open_calls, type_text


@pytest.mark.parametrize("term", ["3-2-1201", "3栋2单元1201", "三栋二单元1201"])
async def test_ctrl_g_finds_a_unit_in_any_spelling(app: DeskApp, term: str) -> None:
    """Defect 4: Ctrl+G with a unit finds every call of that unit, whatever spelling the call was logged with."""
    assert app.services is not None
    calls = app.services.calls
    ids = [
        calls.record(CallInput(content="漏水", category="repair", unit=spelling, phone="13800138000")).id
        for spelling in ("3-2-1201", "3栋2单元1201", "3#2-1201")
    ]
    calls.record(CallInput(content="停电", category="repair", unit="5-1-302", phone="13800138000"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await pilot.press("ctrl+g")
        await type_text(pilot, term)
        await wait_for(pilot, lambda: sorted(c.id for c in screen.rows) == ids)
        assert screen.query_one("#call-table", DataTable).row_count == 3


def first_cell(screen, key: str) -> str:  # type: ignore[no-untyped-def]
    table = screen.query_one("#call-table", DataTable)
    return str(table.get_row(key)[0])


async def test_correction_and_original_both_listed_by_their_own_numbers(app: DeskApp) -> None:
    """Defect 12: a correction is listed by its own number (the one the CLI and the save notice use), marked as
    correcting the original's number, and the original stays listed; the list stays in the order written."""
    assert app.services is not None
    calls = app.services.calls
    original = calls.record(CallInput(content="电梯坏了", category="repair", unit="3-2-1201", phone="13812345678"))
    between = calls.record(CallInput(content="停电", category="repair", unit="5-1-302", phone="13800138000"))
    fixed = calls.amend(
        original.id, CallInput(content="电梯坏了 困人", category="repair", unit="3-2-1201", phone="13812345678")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await wait_for(pilot, lambda: screen.query_one("#call-table", DataTable).row_count == 3)
        assert [c.id for c in screen.rows] == [fixed.id, between.id, original.id]
        assert first_cell(screen, str(fixed.id)).startswith(str(fixed.id))
        assert f"#{original.id}" in first_cell(screen, str(fixed.id))  # marked as correcting #original
        assert first_cell(screen, str(original.id)).startswith(str(original.id))
        assert first_cell(screen, str(between.id)).startswith(str(between.id))
        assert "#" not in first_cell(screen, str(between.id))
