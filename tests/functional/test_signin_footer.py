"""The sign-in's footer is composed once before the first frame, and still follows what changes (issue 11: start-up
to sign-in painted <= 1.3x a bare Textual app).

Textual's Footer recomposes after every bindings update; a start brings several with the same keys (the screen's
auto focus, its resume, the PIN's focus and the refresh each focus asks for), and each recompose of the sign-in's
three keys cost about as much CPU as importing a large module. DeskFooter recomposes only when what it shows would
change: the bindings, or the language they are translated into.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets._footer import FooterKey

from deskui.app import DeskApp
from deskui.widgets.footer import DeskFooter
from tests.functional.helpers import operators_listed, sign_in, wait_for


def footer_keys(app: DeskApp) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in app.screen.query_one(DeskFooter).query(FooterKey)]


@pytest.fixture
def composes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many keys each compose of a DeskFooter yielded, in order."""
    counts: list[int] = []
    compose = DeskFooter.compose

    def counted(self: DeskFooter) -> Iterator[object]:
        widgets = list(compose(self))
        counts.append(sum(isinstance(widget, FooterKey) for widget in widgets))
        yield from widgets

    monkeypatch.setattr(DeskFooter, "compose", counted)
    return counts


async def test_the_sign_in_footer_is_composed_once_and_follows_the_language(app: DeskApp, composes: list[int]) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        await app.keys_settled()
        await pilot.pause()
        assert ("enter", "Sign in") in footer_keys(app)
        assert [n for n in composes if n] == [len(footer_keys(app))], composes  # one compose with keys, not three
        await pilot.press("f9")
        await wait_for(pilot, lambda: ("enter", "登录") in footer_keys(app))
        await pilot.press("f9")  # the next in F9's cycle: zh-HK
        await wait_for(pilot, lambda: ("enter", "登入") in footer_keys(app))


async def test_the_footer_still_shows_the_keys_of_the_screen_signed_into(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await wait_for(pilot, lambda: ("enter", "Sign in") not in footer_keys(app))
        assert footer_keys(app), "the home screen's footer shows no key"
        shown = {key for key, _ in footer_keys(app)}
        assert "ctrl+l" in shown  # Lock: only offered once someone has signed in
