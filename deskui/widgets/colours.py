"""Text colours that can be read: the theme's `$text-success`, `$text-warning`, `$text-error`… for words, never
`$warning` itself (a fill colour: amber words on textual-light's grey measure 1.49:1).

Textual's own text variants still fall short on light themes (textual-light's `$text-warning` measures 3.27:1 on its
background, `$text-success` 3.77:1), so `readable()` moves each text colour towards the foreground until it reaches
WCAG AA (4.5:1) on every background it is drawn on ($background, $surface, $panel). The app applies it to its CSS
variables (DeskApp.get_css_variables), so the stylesheets and the Rich styles of table cells use the same colours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.style import Style
from textual.color import Color, ColorParseError

AA = 4.5  # WCAG 2.x contrast for normal-size text
BACKGROUNDS = ("background", "surface", "panel")
# A fill colour's name → the variable for words in that colour.
FOR_TEXT = {fill: f"text-{fill}" for fill in ("success", "warning", "error", "accent", "secondary", "primary")}
TEXT_VARIABLES = tuple(FOR_TEXT.values())


def luminance(colour: Color) -> float:
    """WCAG relative luminance (sRGB)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(foreground: Color, background: Color) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21); a translucent foreground is blended onto the background
    first, as the terminal shows it."""
    shown = background + foreground if foreground.a < 1 else foreground
    high, low = sorted((luminance(shown), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _parse(value: str | None) -> Color | None:
    if not value:
        return None
    try:
        return Color.parse(value)
    except ColorParseError:
        return None


def readable(variables: Mapping[str, str]) -> dict[str, str]:
    """The theme's text colours, each moved towards $foreground just as far as it needs to reach AA on every
    background; a colour that already reads is left as the theme has it."""
    foreground = _parse(variables.get("foreground"))
    backgrounds = [c for c in (_parse(variables.get(name)) for name in BACKGROUNDS) if c is not None]
    if foreground is None or not backgrounds:
        return {}
    changed: dict[str, str] = {}
    for name in TEXT_VARIABLES:
        colour = _parse(variables.get(name))
        if colour is None:
            continue
        colour = colour.with_alpha(1.0) if colour.a == 1 else backgrounds[0] + colour
        step = 0
        while step < 20 and min(contrast(colour.blend(foreground, step / 20), bg) for bg in backgrounds) < AA:
            step += 1
        if step:
            changed[name] = colour.blend(foreground, step / 20).hex
    return changed


def text_style(app: Any, variable: str, *, bold: bool = False) -> Style:
    """A Rich style for words in a theme colour: "warning" gives `$text-warning`'s colour (Rich does not know
    theme variables; table cells and Static texts built in code use this)."""
    colours = app.theme_variables
    colour = colours.get(FOR_TEXT.get(variable, variable)) or colours.get(variable) or colours.get("foreground")
    return Style(color=colour, bold=bold) if colour else Style(bold=bold)
