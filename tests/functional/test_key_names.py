"""Keys are named one way everywhere (F3, Ctrl+S, Enter, Esc), as the header and the manuals write them: the footer,
the help (F1) and the palette read them from DeskApp.get_key_display, Textual's hook, which prints
deskui.widgets.keynames.key_label (Textual's own would print ^s and f3). A footer too short for every key's word
writes Ctrl as ^ (^S 保存) before it drops a word (tests/functional/test_fit_80x24.py)."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets._footer import FooterKey

from deskui.app import DeskApp
from deskui.widgets.footer import DeskFooter
from deskui.widgets.keynames import key_label
from tests.functional.helpers import wait_for
from tests.functional.test_calls_screen import open_calls
from tests.functional.test_help_screen import help_rows


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("right_square_bracket", "]"),
        ("left_square_bracket", "["),
        ("T", "Shift+T"),
        ("pagedown", "PgDn"),
        ("up", "↑"),
        ("delete", "Del"),
    ],
)
def test_key_label_reads_like_a_keyboard(key: str, label: str) -> None:
    assert key_label(key) == label


def test_the_apps_key_display_is_key_label(app: DeskApp) -> None:
    for key, label in (("ctrl+s", "Ctrl+S"), ("f3", "F3"), ("escape", "Esc"), ("enter", "Enter")):
        assert app.get_key_display(Binding(key, "noop")) == label
    assert app.get_key_display(Binding("ctrl+s", "noop", key_display="保存")) == "保存"


async def test_footer_help_and_palette_say_ctrl_s_and_f1_at_80x24(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(pilot)
        shown = {key.key_display.strip() for key in screen.query_one(DeskFooter).query(FooterKey)}
        assert {"^S", "F1"} <= shown, shown  # the footer's short line writes Ctrl as ^; the help and palette do not
        commands = {c.help for c in app.get_system_commands(screen)}
        assert any(h.startswith("Ctrl+S · ") for h in commands), commands
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.screen is not screen)
        keys = {str(key) for key, _action in help_rows(app.screen)}
        assert {"Ctrl+S", "F1", "Ctrl+P"} <= keys, keys
        assert not any(k.startswith("^") or (k[:1] == "f" and k[1:].isdigit()) for k in keys), keys


async def test_every_key_clears_the_palette_at_80_columns(app: DeskApp) -> None:
    """At 80x24 the calls screen's keys ran under the palette's key (Ctrl+P 命令) drawn at the right: Ctrl+L, the
    last, was cut to 'Ctrl+'. Every key clears it (Ctrl written ^ on this short line), the palette's word going last."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(pilot)
        for language in ("zh-HK", "en"):
            await app.set_language(language)
            await pilot.pause()
            keys = list(screen.query_one(DeskFooter).query(FooterKey))
            (palette,) = [key for key in keys if key.has_class("-command-palette")]
            others = [key for key in keys if key is not palette]
            assert {"ctrl+l", "ctrl+s", "f1"} <= {key.key for key in others}
            assert max(key.region.right for key in others) <= palette.region.x, [(k.key, k.region) for k in keys]
            assert palette.region.right <= 80 and palette.key_display.strip() == "^P"


async def test_every_key_clears_the_palette_in_a_compact_footer(app: DeskApp) -> None:
    """The handover's screens draw the compact footer (a key alone takes its cells and a gap, a key with words one
    cell less than the plain footer's): counted the plain way, the duty log's ^L ran under the palette's key in
    English at 80 columns, cut to '^'."""
    from tests.functional.helpers import sign_in

    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.current_mode == "handover")
        await pilot.press("l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DutyLogScreen")
        for language in ("en", "zh-CN", "zh-HK"):
            await app.set_language(language)
            await pilot.pause()
            keys = list(app.screen.query_one(DeskFooter).query(FooterKey))
            (palette,) = [key for key in keys if key.has_class("-command-palette")]
            others = [key for key in keys if key is not palette]
            assert max(key.region.right for key in others) <= palette.region.x, [(k.key, k.region) for k in keys]
            assert palette.region.right <= 80
