"""At 80x24 nothing is cut (issue 12): the footer shows every key it has (compact, some by key alone), and a
choice bar never parts a key from its label."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets._footer import FooterKey

from deskui.app import DeskApp
from deskui.core.i18n import get_language
from deskui.screens.calls.screen import CallsScreen
from deskui.widgets.choice_bar import ChoiceBar
from deskui.widgets.footer import DeskFooter
from tests.functional.helpers import sign_in, wait_for


async def test_the_footer_and_the_choice_bars_fit_80_columns(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        for language in ("en", "zh-CN"):
            if get_language() != language:
                await app.set_language(language)
            await pilot.pause()
            screen = app.screen
            footer = screen.query_one(DeskFooter)
            keys = list(footer.query(FooterKey))
            shown = {key.key for key in keys}
            wanted = {key for key, (_n, binding, _e, _t) in screen.active_bindings.items() if binding.show}
            assert wanted <= shown, wanted - shown
            assert all(key.region.right <= 80 and key.region.width > 0 for key in keys), [
                (key.key, key.region) for key in keys
            ]
            for bar in screen.query(ChoiceBar):
                lines = bar.lines(bar.content_region.width).plain.split("\n")
                assert all(cell_len(line) <= bar.content_region.width for line in lines)
                for option in bar.options:
                    hint = (option.hotkey or "").upper()
                    assert any(f"{hint} {option.label}" in line for line in lines), (hint, option.label, lines)


async def test_the_call_screens_side_panel_is_reachable_at_80x24(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        side, form = screen.query_one("#call-side"), screen.query_one("#call-form")
        await wait_for(pilot, lambda: screen.has_class("-narrow"))
        assert not side.display or side.region.width == 0
        assert "ctrl+o" in {key.key for key in screen.query_one(DeskFooter).query(FooterKey)}
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: side.region.width > 40 and form.region.width == 0)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: side.region.width == 0 and form.region.width > 40)
        assert app.screen.focused is not None and app.screen.focused.id == "call-phone"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: side.region.width > 40)
        await pilot.press("escape")
        await wait_for(pilot, lambda: form.region.width > 40)


async def test_the_call_screens_main_keys_keep_their_words_at_80_columns(app: DeskApp) -> None:
    """Ctrl+S, Ctrl+N… named in full left the call screen's footer at 80 columns with keys and no word at all; before
    a word goes, the footer writes Ctrl as ^ (^S 保存), as F1 and the palette still say Ctrl+S."""
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        for language in ("zh-CN", "en"):
            if get_language() != language:
                await app.set_language(language)
            await pilot.pause()
            keys = {key.key: key for key in app.screen.query_one(DeskFooter).query(FooterKey)}
            for key in ("ctrl+s", "ctrl+n", "ctrl+g", "ctrl+r")[: 4 if language == "zh-CN" else 3]:
                assert keys[key].description, (key, keys[key].key_display)
            assert keys["ctrl+s"].key_display.strip() == "^S"
            assert all(key.region.right <= 80 for key in keys.values())
        await pilot.press("f2")  # Home's few keys fit named in full
        await wait_for(pilot, lambda: not isinstance(app.screen, CallsScreen))
        await pilot.pause()
        keys = {key.key: key for key in app.screen.query_one(DeskFooter).query(FooterKey)}
        assert keys["ctrl+l"].key_display.strip() == "Ctrl+L"
