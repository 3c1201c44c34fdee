"""The urgent banner: an urgent ticket nobody has taken yet, on every screen, in the header area, until someone
dispatches or takes it (DOMAIN.md: a help request is answered at once; 003 4.1.2 a).

It is fed by one service query (`TicketService.urgent_untaken`), asked again whenever the site's ticket events move
(`last_change_marker`, the same live refresh the ticket screens poll, so another terminal's urgent call shows here
within a poll) and now and then for the minutes. It says the ticket number, the unit, how long ago, and F8, the key
that opens it (`DeskScreen.action_open_urgent`). Hidden, it takes no room and the header looks as it always did.

The sign-in screen, at start and as the idle lock, shows it too (`signed_out=True`), once the database is open: a
night terminal left locked still tells that someone waits. There it tells only that: number, unit, how long ago, and
that F8 opens it after signing in; no description, nothing opens without a PIN. It cannot take the focus or a key.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.widget import Widget

from deskui.core.i18n import t
from deskui.widgets.background import background, still_running
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.desk import Desk
    from deskui.services.tickets import UrgentTicket

POLL_SECONDS = 1.0
REFRESH_SECONDS = 30.0  # asked again without a new event: a correction that made the call not urgent


def ago(now: datetime, then: datetime) -> str:
    """ "just now", "3 min ago", "1 h 5 min ago"."""
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 1:
        return t("just now")
    if minutes < 60:
        return t("{n} min ago", n=minutes)
    return t("{h} h {m} min ago", h=minutes // 60, m=minutes % 60)


class UrgentBanner(Widget):
    DEFAULT_CSS = """
    UrgentBanner {
        dock: bottom;
        height: 1;
        display: none;
        background: $error;
        color: $text;
        text-style: bold;
    }
    UrgentBanner.-shown {
        display: block;
    }
    """

    def __init__(self, *, signed_out: bool = False) -> None:
        super().__init__()
        self.signed_out = signed_out
        """On the sign-in or lock screen: shown before anyone signs in, without the description."""
        self.urgent: tuple[UrgentTicket, ...] = ()
        self.marker = -1
        self.fetched_at = -REFRESH_SECONDS

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.poll)
        self.fetch(force=True)

    def poll(self) -> None:
        # Shown: the screen on top, or one showing through a dialog over it (its header dimmed, still read).
        if self.screen.is_current:
            if not still_running(self, "urgent-banner"):  # the last one waits on a locked database
                self.fetch()
        elif self.urgent:
            self.refresh()

    @work(exclusive=True, group="urgent-banner", exit_on_error=False)
    @background
    async def fetch(self, *, force: bool = False) -> None:
        """Ask again when a ticket changed anywhere (or when asked to): one indexed lookup otherwise."""
        app = cast("Desk", self.app)
        services = app.services
        if services is None or (app.operator is None and not self.signed_out):
            return
        tickets = services.tickets
        marker = await asyncio.to_thread(tickets.last_change_marker)
        stale = time.monotonic() - self.fetched_at >= REFRESH_SECONDS
        if force or stale or marker != self.marker:
            self.urgent = tuple(await asyncio.to_thread(tickets.urgent_untaken))
            self.marker = marker
            self.fetched_at = time.monotonic()
        self.show()

    def show(self) -> None:
        shown = bool(self.urgent)
        self.set_class(shown, "-shown")
        header = self.parent
        if isinstance(header, Widget) and not self.signed_out:
            header.set_class(shown, "-urgent")
        self.refresh()

    def render(self) -> Text:
        """Number, unit, how long ago and the key always fit; the description takes what room is left."""
        if not self.urgent:
            return Text()
        app = cast("Desk", self.app)
        first = self.urgent[0]
        head = Text(" ⚠ " + t("URGENT, not taken:") + " ")
        head.append(first.number + " ")
        head.append_text(plain(first.unit, one_line=True))
        tail = Text(" · " + ago(app.clock.now(), first.created_at))
        if len(self.urgent) > 1:
            tail.append(" · " + t("{n} more", n=len(self.urgent) - 1))
        width = self.size.width
        if self.signed_out:
            key = Text(" — " + t("Sign in, then F8 opens it") + " ")
            line = head + tail
            line.truncate(max(0, width - key.cell_len), overflow="ellipsis")
            return line + key
        key = Text("  " + t("F8 opens it") + " ")
        room = width - head.cell_len - tail.cell_len - key.cell_len - 1
        description = plain(first.description, one_line=True)
        if room >= 4:
            description.truncate(room, overflow="ellipsis")
            head.append(" ")
            head.append_text(description)
        line = head + tail
        line.truncate(max(0, width - key.cell_len), overflow="ellipsis")
        return line + Text(" " * max(0, width - line.cell_len - key.cell_len)) + key

    async def open_ticket(self) -> None:
        """F8: the oldest untaken urgent ticket's detail (nothing when it is already shown)."""
        if self.urgent:
            await cast("Desk", self.app).show_ticket(self.urgent[0].id)
