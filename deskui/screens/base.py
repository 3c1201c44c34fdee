"""What every section screen shares: the header, the footer, and following a language switch."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.screen import Screen

from deskui.widgets.footer import DeskFooter
from deskui.widgets.header import DeskHeader

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from deskui.app import DeskApp
    from deskui.services import Services


class DeskScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # The header's urgent banner names this key (deskui.widgets.urgent_banner).
        Binding("f8", "open_urgent", "Open the urgent ticket", id="open-urgent", show=False),
    ]
    SECTION: ClassVar[str] = ""
    """Message id of the section name shown in the header."""

    @property
    def desk(self) -> DeskApp:
        return cast("DeskApp", self.app)

    @property
    def services(self) -> Services:
        """Screens are only reachable after sign-in, so services are open."""
        services = self.desk.services
        assert services is not None
        return services

    def compose_header(self) -> ComposeResult:
        yield DeskHeader(self.SECTION)

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
        focused = self.focused
        widget_id = focused.id if focused is not None else None
        await self.language_changed()
        if widget_id is None or (self.focused is not None and self.focused.id == widget_id):
            return
        found = self.query(f"#{widget_id}")
        if found and found.first().focusable:
            self.set_focus(found.first(), scroll_visible=False)
