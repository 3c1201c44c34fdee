"""A header refresh asked for between a section's screens waits for the screen, not crash the app."""

from __future__ import annotations

from types import SimpleNamespace

from textual.app import ScreenStackError

from deskui.widgets.background import _refresh_headers


class BetweenScreens:
    """An app while an F-key switches to a section whose screen is not on its stack yet."""

    @property
    def screen(self) -> object:
        raise ScreenStackError("No screens on stack")


def test_a_header_refresh_between_screens_does_nothing() -> None:
    """A save that waited (the 'another terminal' notice) can end while the desk switches sections; the header of
    the screen that comes is drawn with it anyway."""
    _refresh_headers(SimpleNamespace(app=BetweenScreens()))  # type: ignore[arg-type]
