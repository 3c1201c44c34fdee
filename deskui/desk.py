"""What screens and widgets need from the app, named as a Protocol: `Desk`.

The app (deskui.app.DeskApp) sits above the screens and widgets and imports them; were they to import it back, for
its type alone, the layers would have a circle. They read the app through this instead: `cast(Desk, self.app)`, or
`DeskScreen.desk`. The app is checked against it (deskui.app: `_desk`), so the two cannot drift apart.

What is plain Textual (`notify`, `push_screen`, `screen`, `theme_variables`…) is read from `self.app` as it is;
`Desk` names the desk's own part: the settings and clock, the services once open, who is signed in, and what a screen
asks the app to do (sign someone in, show a section, show a ticket).
"""

from __future__ import annotations

from collections.abc import MutableSet
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from deskui.core.clock import Clock
    from deskui.core.config import Settings
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo


class FollowsLanguage(Protocol):
    """A screen the app redraws when the language changes (deskui.screens.base.DeskScreen)."""

    async def follow_language(self) -> None:
        """Redrawn in the language just chosen, if it is the screen shown (else when it is next shown)."""

    def refresh_headers(self) -> None:
        """Its header repainted: the text is read when it is drawn, also under a dialog."""


class KeyTiming(Protocol):
    """The part of the key queue (deskui.widgets.keyqueue.KeyQueue) a screen reads."""

    @property
    def settle_seconds(self) -> float:
        """At most this long for one key to settle."""


class Desk(Protocol):
    """The app as screens and widgets see it."""

    @property
    def settings(self) -> Settings:
        """The settings, the language the one last chosen (F9)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def services(self) -> Services | None:
        """None until the database is open (it opens in a worker after the first frame)."""

    @property
    def open_error(self) -> str | None:
        """Why the database could not be opened (safe to show), once that is known."""

    @property
    def operator(self) -> OperatorInfo | None:
        """Who is signed in; None before the first sign-in."""

    @property
    def desk_screens(self) -> MutableSet[FollowsLanguage]:
        """The screens a language switch redraws: each adds itself when mounted and leaves when unmounted."""

    @property
    def keys(self) -> KeyTiming: ...

    async def signed_in(self, operator: OperatorInfo, *, from_lock: bool) -> None:
        """`operator` typed their PIN on the sign-in screen (`from_lock`: the lock screen)."""

    async def switch_section(self, mode: str) -> None:
        """Show the section `mode` (deskui.sections), as its key does."""

    async def show_ticket(self, ticket_id: int) -> None:
        """The ticket's detail on top of the screen shown; nothing when that ticket's detail is already shown."""
