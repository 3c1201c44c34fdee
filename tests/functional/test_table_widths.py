"""A table drawn before it measured its rows draws them again with the measured widths (deskui.widgets.table).

Textual 8.2.8's DataTable measures the rows added to it in its idle handler, and caches drawn lines under keys that
hold no column width. Lines drawn in between (the screen repainting while a worker fills the table) could stay as
narrow as the column labels: the duty log's snapshot showed "20:0 … Repa…" now and then on a loaded machine, while
the table's measured widths at that moment were right. DeskTable drops its drawn lines when the widths change.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from deskui.widgets.table import DeskTable


class TableApp(App[None]):
    def __init__(self, table: DataTable[str]) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


async def lines_kept_after_measuring(table: DataTable[str]) -> tuple[int, str]:
    """Draw the rows before they are measured, measure them; the lines still cached, and the table as drawn now."""
    async with TableApp(table).run_test(size=(80, 10)) as pilot:
        table.add_columns("Time", "Entry")
        await pilot.pause()
        table.add_row("20:00", "Repair 3-2-1201 kitchen pipe leaking")
        table.add_row("20:40", "Complaint 3-2-1202 noise")
        assert "20:00" not in table.render_line(1).text  # drawn as narrow as "Time": what this is about
        table._update_dimensions(list(table._new_rows))  # what the idle handler does
        kept = len(table._line_cache)
        await pilot.pause()
        return kept, "\n".join(table.render_line(y).text for y in range(3))


async def test_a_plain_table_keeps_lines_drawn_before_measuring() -> None:
    kept, _ = await lines_kept_after_measuring(DataTable())
    assert kept > 0  # Textual's behaviour the subclass is for


async def test_desk_table_draws_them_again() -> None:
    kept, drawn = await lines_kept_after_measuring(DeskTable())
    assert kept == 0
    assert "20:00" in drawn and "Repair 3-2-1201 kitchen pipe leaking" in drawn
