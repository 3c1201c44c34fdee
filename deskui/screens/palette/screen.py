"""The palette's screen: Textual's CommandPalette with its one fixed English line, "No matches found", said in the
UI language (issue 12).

Textual writes that line inside `_start_no_matches_countdown` with no hook to change it; this override repeats that
method with the line translated. Textual is pinned exactly (pyproject), and tests/functional/test_palette.py holds
the translated line, so a Textual release that renames the method fails a test instead of going back to English.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from deskui.core.i18n import t


class DeskPalette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
