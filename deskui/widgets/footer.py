"""A Footer whose key descriptions follow the current language.

Bindings are declared with English descriptions (the message ids); this footer translates them as it composes,
so switching language only needs a `refresh_bindings()`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from deskui.core.i18n import t


class DeskFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = t(widget.description)
            yield widget
