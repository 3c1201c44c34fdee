"""DeskTable: a DataTable that redraws the lines it drew before it measured its rows.

Textual 8.2.8 (pinned) measures the rows added to a table in its idle handler, and caches each drawn line under a
key that holds no column width. A line drawn between `add_row` and that handler (the screen repainting while a
worker fills the table, more likely on a loaded machine) kept the columns as narrow as their labels ("20:0",
"Repa…") until the cursor moved over it. Once the measured widths change, the drawn lines are dropped.

`fit()` shortens a cell's text for a column between words, never inside one ("Help requ…" read as nothing): an English
word is kept whole or left out, Chinese may be cut after any character (each is a word), and the ellipsis says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

ELLIPSIS = "…"
BREAKS = " ·,，、/-"  # a word ends before one of these (or at a wide character)


def _wide(char: str) -> bool:
    return cell_len(char) > 1


def fit(text: Text | str, width: int) -> Text:
    """`text` on one line, at most `width` cells: whole if it fits, else cut at the last word boundary that leaves
    room for "…" (a space, "·", a comma, or beside a CJK character). An English word longer than the whole column
    is the one case cut inside a word, as nothing else could be shown."""
    out = text.copy() if isinstance(text, Text) else Text(text)
    out.no_wrap = True
    out.overflow = "ellipsis"
    plain = out.plain
    if cell_len(plain) <= width:
        return out
    room = max(0, width - cell_len(ELLIPSIS))
    end, used, cut = 0, 0, 0
    for index, char in enumerate(plain):
        used += cell_len(char)
        if used > room:
            break
        end = index + 1
        following = plain[index + 1] if index + 1 < len(plain) else ""
        if _wide(char) or (following and (following in BREAKS or _wide(following))):
            cut = end
    if cut == 0:
        cut = end  # one long word: cut it (the column is narrower than any word)
    kept = out[:cut]
    kept.rstrip()
    kept.plain = kept.plain.rstrip(BREAKS.replace(" ", "") + " ") if kept.plain else kept.plain
    kept.append(ELLIPSIS)
    kept.no_wrap = True
    kept.overflow = "ellipsis"
    return kept


class DeskTable(DataTable[Any]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()
