"""A Footer whose key descriptions follow the current language.

Bindings are declared with English descriptions (the message ids); this footer translates them as it composes,
so switching language only needs a `refresh_bindings()`.

It fits its line (issue 12: at 80 columns the ticket's `y Reply`, `p Print`, `f1 Help`… fell off the end): when the
keys do not fit it shows the keys every screen has (the app's: F1, F9, Ctrl+L) without their words, then writes
Ctrl as ^ (^S 保存: the help and the palette still say Ctrl+S), then, from the last, the screen's own keys without
theirs (Textual's compact footer glues "esc Back" to "d Dispatch"). Every key stays visible,
and F1 and the palette say what each does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from deskui.core.i18n import get_language, t

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


CTRL, SHORT_CTRL = "Ctrl+", "^"
"""How a key with Ctrl is written (keynames.key_label), and how the footer writes it when the line is short."""


class DeskFooter(Footer):
    _composed_for: object = None
    """What the keys shown were composed from (`_bindings_shown`); None: nothing composed yet."""
    _fitted_width: int = 0
    """The width the keys were fitted to (`_fit`); 0: none yet."""

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_for = self._bindings_shown(self.screen)
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        for widget in widgets:
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = t(widget.description)
        self._fit(keys, [w for w in widgets if isinstance(w, FooterKey) and w.has_class("-command-palette")])
        yield from widgets

    def _fit(self, keys: list[FooterKey], palette: list[FooterKey]) -> None:
        """The app's keys by key alone, then Ctrl written ^, then the screen's keys by key alone from the last, then the
        palette's (Ctrl+P), until the line fits: keys named as people read them (Ctrl+L, not ^l) are wider, and ten of them alone at 80 columns
        still ran the last under the palette's key docked at the right."""
        width = self.size.width or self.app.size.width
        self._fitted_width = width

        compact = self.compact

        def drawn(w: FooterKey) -> int:
            # Textual's FooterKey: " key " then "words " (padding 0 1 and 0 1 0 0), a key alone drawn bare. In the
            # compact footer (the handover's): "key words" (padding 0 and 0 0 0 1) and a one-cell gap after each.
            if compact:
                return cell_len(w.key_display) + (cell_len(w.description) + 1 if w.description else 0) + 1
            return cell_len(w.key_display) + (cell_len(w.description) + 3 if w.description else 0)

        def fits() -> bool:
            # The palette's key has a one-cell rule on its left; with its words in the plain footer its width is the
            # formula's (its right padding stands for the rule).
            rule = 1 if compact else 0
            return sum(map(drawn, keys)) + sum(drawn(w) + (rule if w.description else 1) for w in palette) <= width

        app_actions = {binding.action for binding in self._app_bindings()}
        steps: list[FooterKey | None] = [w for w in keys if w.action in app_actions]
        for widget in [*steps, None, *keys[::-1], *palette]:  # None: the step that writes Ctrl as ^
            if fits():
                return
            if widget is None:
                for key in (*keys, *palette):
                    key.key_display = key.key_display.replace(CTRL, SHORT_CTRL)
            elif widget.description:
                widget.tooltip = widget.tooltip or widget.description
                widget.description = ""
                widget.key_display = f" {widget.key_display} "  # its padding, which Textual drops without words

    def on_resize(self) -> None:
        """Fitted again when the terminal's width changes (the same keys fit differently)."""
        if self._fitted_width and self.size.width != self._fitted_width:
            self.refresh(recompose=True)

    def _app_bindings(self) -> list[Binding]:
        """The app's own bindings (shown on every screen, so the first to lose their words)."""
        return [binding for bindings in self.app._bindings.key_to_bindings.values() for binding in bindings]

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
