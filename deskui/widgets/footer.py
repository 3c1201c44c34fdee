"""A Footer whose key descriptions follow the current language.

Bindings are declared with English descriptions (the message ids); this footer translates them as it composes,
so switching language only needs a `refresh_bindings()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from deskui.core.i18n import get_language, t

if TYPE_CHECKING:
    from textual.screen import Screen


class DeskFooter(Footer):
    _composed_for: object = None
    """What the keys shown were composed from (`_bindings_shown`); None: nothing composed yet."""

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_for = self._bindings_shown(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = t(widget.description)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose only when what the footer shows would change. Textual's Footer recomposes after every
        bindings update, and one start brings several with the same keys (the sign-in's auto focus, its resume,
        the PIN's focus and the refresh each focus asks for after the next frame): three composes of the same
        three keys before the first frame was painted."""
        if (
            self._bindings_ready
            and self._composed_for is not None
            and self.is_attached
            and screen is self.screen
            and self._bindings_shown(screen) == self._composed_for
        ):
            return
        super().bindings_changed(screen)

    @staticmethod
    def _bindings_shown(screen: Screen[object]) -> object:
        """Everything the footer's keys are made from: the screen's active bindings (shown or not, enabled or
        not, with their tooltips and groups) and the language their descriptions are translated into."""
        return get_language(), [
            (key, binding, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        ]
