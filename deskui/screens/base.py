"""What every section screen shares: the header, the footer, and following a language switch."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual._callback import invoke
from textual.binding import Binding, BindingType
from textual.screen import Screen

from deskui.core.i18n import get_language
from deskui.widgets.background import quietly
from deskui.widgets.footer import DeskFooter
from deskui.widgets.header import DeskHeader

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer, TimerCallback

    from deskui.desk import Desk
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo


class DeskScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # The header's urgent banner names this key (deskui.widgets.urgent_banner).
        Binding("f8", "open_urgent", "Open the urgent ticket", id="open-urgent", show=False),
    ]
    SECTION: ClassVar[str] = ""
    """Message id of the section name shown in the header."""
    recomposing: bool = False
    """Set while a language switch rebuilds the screen: its widgets are briefly gone."""

    drawn_language: str = ""
    """The language the screen's widgets were last composed in."""

    drawn_theme: str = ""
    """The theme the screen's widgets were last composed in (texts built in code hold its colours)."""

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.drawn_language = get_language()
        self.drawn_theme = self.app.theme
        _ = self.owner

    @functools.cached_property
    def owner(self) -> OperatorInfo | None:
        """The operator whose session this screen belongs to: who was signed in when it opened. Another operator
        unlocking the lock screen gets screens of their own (DeskApp.signed_in); this one's timers go on saving
        under its owner (the call form's draft), never under whoever is signed in now."""
        return self.desk.operator

    async def on_screen_resume(self) -> None:
        """On top again (a dialog closed, back to this section, unlocked): in the language (and the colour theme)
        chosen meanwhile."""
        if (self.drawn_language and self.drawn_language != get_language()) or (
            self.drawn_theme and self.drawn_theme != self.app.theme
        ):
            await self.follow_language()

    def on_unmount(self) -> None:
        # A view replaced with switch_screen, a closed ticket: no longer one to follow a language switch.
        self.desk.desk_screens.discard(self)

    @property
    def live(self) -> bool:
        """Mounted, in the app and not being recomposed: timers and workers may touch its widgets."""
        return self.is_mounted and self.is_attached and not self.recomposing

    # --- timers: none fires while the screen is gone or being rebuilt ------------------------------------------

    def set_timer(self, delay: float, callback: TimerCallback | None = None, **kwargs: Any) -> Timer:
        return super().set_timer(delay, self._while_live(callback), **kwargs)

    def set_interval(self, interval: float, callback: TimerCallback | None = None, **kwargs: Any) -> Timer:
        return super().set_interval(interval, self._while_live(callback), **kwargs)

    def _while_live(self, callback: TimerCallback | None) -> TimerCallback | None:
        """The timer's callback, skipped while the screen is not `live`; a language switch waits for a run under
        way (it may be awaiting the database, then read the widgets) before it rebuilds the screen. A DeskError it
        meets (the database busy, a write refused) is told quietly (deskui.widgets.background): the app goes on."""
        if callback is None:
            return None

        name = getattr(callback, "__qualname__", repr(callback))

        @functools.wraps(callback)
        async def run() -> None:
            if not self.live:
                return
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._timer_runs.add(done)
            try:
                # A DeskError (the database busy, a write refused) is told quietly; the next tick tries again.
                await quietly(self, name, lambda: invoke(callback))
            finally:
                self._timer_runs.discard(done)
                done.set_result(None)

        return run

    @functools.cached_property
    def _timer_runs(self) -> set[asyncio.Future[None]]:
        return set()

    async def _quiet(self) -> None:
        """Wait (boundedly) for this screen's workers and timer callbacks under way: they read the widgets a
        recompose is about to replace. New ones do not start meanwhile (`recomposing`, `live`)."""
        waits = [w.wait() for w in self.app.workers if w.node is self and w.is_running]
        tasks: list[asyncio.Future[Any]] = [asyncio.ensure_future(self._quietly(wait)) for wait in waits]
        tasks += list(self._timer_runs)
        if tasks:
            await asyncio.wait(tasks, timeout=self.desk.keys.settle_seconds)

    @staticmethod
    async def _quietly(wait: Any) -> None:
        with contextlib.suppress(Exception):
            await wait

    @property
    def desk(self) -> Desk:
        return cast("Desk", self.app)

    @property
    def services(self) -> Services:
        """Screens are only reachable after sign-in, so services are open."""
        services = self.desk.services
        assert services is not None
        return services

    def compose_header(self) -> ComposeResult:
        yield DeskHeader(self.SECTION)

    def refresh_headers(self) -> None:
        for header in self.query(DeskHeader):
            header.refresh()

    def compose_footer(self) -> ComposeResult:
        yield DeskFooter()

    async def action_open_urgent(self) -> None:
        """F8: the urgent ticket the header's banner shows, nobody has taken it yet."""
        from deskui.widgets.urgent_banner import UrgentBanner

        for banner in self.query(UrgentBanner):
            await banner.open_ticket()
            return

    async def language_changed(self) -> None:
        """Re-render in the new language. Screens holding typed input override this to keep it."""
        await self.recompose()

    async def follow_language(self) -> None:
        """`language_changed`, then focus back on the field that had it (a recompose replaces every widget), so
        the keys typed after F9 go on where they were going: the phone stays the phone."""
        if not (self.is_mounted and self.is_attached):
            self.desk.desk_screens.discard(self)  # gone (replaced, closed): nothing to redraw, nothing to query
            return
        if self.app.screen is not self:
            # Under a dialog or in another section: redrawn when it is on top again (`on_screen_resume`), so
            # nothing rebuilds the widgets a dialog's answer (the read-back, a ticket's form) is about to use.
            return
        self.drawn_language = get_language()
        self.drawn_theme = self.app.theme
        focused = self.focused
        widget_id = focused.id if focused is not None else None
        self.recomposing = True
        try:
            await self._quiet()
            await self.language_changed()
        finally:
            self.recomposing = False
        if widget_id is None or (self.focused is not None and self.focused.id == widget_id):
            return
        found = self.query(f"#{widget_id}")
        if found and found.first().focusable:
            self.set_focus(found.first(), scroll_visible=False)
