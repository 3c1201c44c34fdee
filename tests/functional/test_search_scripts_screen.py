"""Script-blind search on the screens (issue 12): a Traditional query typed finds the Simplified record, and back."""

from __future__ import annotations

from textual.widgets import DataTable

from deskui.app import DeskApp
from deskui.screens.directory import DirectoryScreen
from deskui.services.calls import CallInput
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_calls_screen import open_calls, type_text


async def test_call_search_typed_in_traditional_finds_both_scripts(app: DeskApp) -> None:
    assert app.services is not None
    calls = app.services.calls
    simplified = calls.record(
        CallInput(content="电梯门关不上", category="repair", unit="3-2-1201", phone="13800138000")
    )
    traditional = calls.record(
        CallInput(content="電梯門關不上", category="repair", unit="5-1-302", phone="13800138001")
    )
    calls.record(CallInput(content="停电", category="repair", unit="5-1-302", phone="13800138002"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await pilot.press("ctrl+g")
        await type_text(pilot, "門關")
        await wait_for(pilot, lambda: sorted(c.id for c in screen.rows) == [simplified.id, traditional.id])
        assert screen.query_one("#call-table", DataTable).row_count == 2


async def test_directory_typed_in_traditional_finds_the_simplified_name(app: DeskApp) -> None:
    assert app.services is not None
    directory = app.services.directory
    directory.add_unit("8-1-801")
    directory.add_resident("陈大文", "8-1-801", "13900000001")
    directory.add_resident("单小雨", "8-1-801", "13900000002")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        screen = app.screen
        assert isinstance(screen, DirectoryScreen)
        await type_text(pilot, "陳大文")
        await wait_for(pilot, lambda: [r.name for r in screen.residents] == ["陈大文"])
        assert screen.query_one("#directory-results", DataTable).row_count == 1
        await pilot.press("escape")
        await type_text(pilot, "sxy")  # 单 read as the surname Shan
        await wait_for(pilot, lambda: [r.name for r in screen.residents] == ["单小雨"])
