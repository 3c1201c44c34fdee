"""The Reports screen driven by keys: a seeded October opens by default, month and building keys reload it,
section keys switch, Ctrl+E writes the workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, DataTable, Static

from deskui.app import DeskApp
from deskui.screens.reports import ReportsScreen
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_report_screen_data import seed_october


@pytest.fixture
def october_app(app: DeskApp, desk_services, clock):  # type: ignore[no-untyped-def]
    seed_october(desk_services, clock)
    return app


async def open_reports(pilot) -> ReportsScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    await pilot.press("f7")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    await wait_for(pilot, lambda: screen.report is not None)
    return screen


async def test_opens_last_month_and_moves(october_app: DeskApp, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("deskui.screens.reports.EXPORT_DIR", tmp_path)
    async with october_app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(pilot)
        assert screen.report is not None and screen.report.month == "2026-10"  # the clock says 2026-11-23
        assert screen.report.calls.total == 10 and screen.report.tickets.total == 3
        title = str(screen.query_one("#report-title", Static).render())
        assert "2026-10" in title and "Calls: 10" in title

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.month == "2026-11")
        assert screen.report.calls.total == 0
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.month == "2026-10")

        await pilot.press("b")  # the directory's first building
        await wait_for(pilot, lambda: screen.report is not None and screen.report.building == "3")
        assert screen.report.calls.total == 6
        await pilot.press("shift+b")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.building is None)

        await pilot.press("3")
        switcher = screen.query_one("#report-body", ContentSwitcher)
        assert switcher.current == "report-targets"
        assert screen.query_one("#report-targets-table", DataTable).row_count == 4  # 3 kinds + all
        await pilot.press("s")
        assert switcher.current == "report-callbacks"
        await pilot.press("5")
        table = screen.query_one("#report-recurring-table", DataTable)
        assert table.row_count >= 1  # 3-2-1201 called about repairs three times

        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: (tmp_path / "report-2026-10.xlsx").exists())


async def test_follows_the_language(october_app: DeskApp) -> None:
    async with october_app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: "月度报告" in str(screen.query_one("#report-title", Static).render()))
