"""DeskTable: a DataTable that redraws the lines it drew before it measured its rows.

Textual 8.2.8 (pinned) measures the rows added to a table in its idle handler, and caches each drawn line under a
key that holds no column width. A line drawn between `add_row` and that handler (the screen repainting while a
worker fills the table, more likely on a loaded machine) kept the columns as narrow as their labels ("20:0",
"Repa…") until the cursor moved over it. Once the measured widths change, the drawn lines are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class DeskTable(DataTable[Any]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()
