"""Words in colour can be read: WCAG contrast of the text colours deskui draws with, on the themes it offers first
(issue 12: amber `$warning` words on textual-light measured 1.49:1; AA wants 4.5:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from deskui.widgets.colours import AA, BACKGROUNDS, TEXT_VARIABLES, contrast, readable

STYLES = Path(__file__).resolve().parents[2] / "deskui" / "styles"


def variables(theme: str) -> dict[str, str]:
    """The CSS variables DeskApp gives a theme (DeskApp.get_css_variables)."""
    found = BUILTIN_THEMES[theme]
    plain = {**found.to_color_system().generate(), **found.variables}
    return {**plain, **readable(plain)}


def test_contrast_is_wcag() -> None:
    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    assert contrast(Color(119, 119, 119), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)


def test_warning_as_a_text_colour_was_unreadable_on_textual_light() -> None:
    plain = BUILTIN_THEMES["textual-light"].to_color_system().generate()
    background = Color.parse(plain["background"])
    assert contrast(Color.parse(plain["warning"]), background) == pytest.approx(1.49, abs=0.01)
    assert contrast(Color.parse(plain["text-warning"]), background) < AA  # Textual's own text variant: 3.27


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-latte", "monokai"])
@pytest.mark.parametrize("name", TEXT_VARIABLES)
def test_text_colours_reach_aa_on_every_background(theme: str, name: str) -> None:
    shown = variables(theme)
    for background in BACKGROUNDS:
        ratio = contrast(Color.parse(shown[name]), Color.parse(shown[background]))
        assert ratio >= AA, f"{theme}: ${name} on ${background} {ratio:.2f}:1"


def test_a_text_colour_that_reads_is_left_as_the_theme_has_it() -> None:
    plain = BUILTIN_THEMES["textual-dark"].to_color_system().generate()
    assert "text-warning" not in readable(plain)
    assert "text-error" not in readable(plain)


def test_the_stylesheets_colour_words_with_text_variables() -> None:
    """`color: $warning` (a fill colour) as the colour of words is what measured 1.49:1."""
    wrong = [
        f"{path.name}: {line.strip()}"
        for path in sorted(STYLES.glob("*.tcss"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*color:\s*\$(warning|error|success|accent)\b", line)
    ]
    assert not wrong, wrong
