"""The desk's header: site, section, signed-in operator, the current shift and a clock in the site's zone.

It also says who is on duty (the roster), and while a handover waits for a late relief, that the outgoing operator
remains on duty. That needs the database, so it is fetched in a worker once a minute and whenever `duty_changed` is
published (a handover started, joined or signed, the roster changed), never while painting; before services are
open the header paints without it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.signal import Signal
from textual.widget import Widget

from deskui.core.i18n import t
from deskui.sections import SECTIONS
from deskui.services.common.shifts import SHIFT_LABELS, local_time, shift_at
from deskui.widgets.background import background, database_status
from deskui.widgets.keynames import section_key
from deskui.widgets.settling import settles
from deskui.widgets.urgent_banner import UrgentBanner

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from deskui.desk import Desk
    from deskui.services import Services

DUTY_REFRESH_SECONDS = 60.0


@dataclass(frozen=True)
class DutyLine:
    """Who the roster has on duty now, and the outgoing operator kept on by a late relief (with the minutes)."""

    on_duty: str = ""
    remains: str = ""
    late_minutes: int = 0


def duty_changed(app: App[object]) -> Signal[None]:
    """The app's "who is on duty may have changed" signal; every header subscribes to it."""
    signal: Signal[None] | None = getattr(app, "_deskui_duty_changed", None)
    if signal is None:
        signal = Signal(app, "duty-changed")
        app._deskui_duty_changed = signal  # type: ignore[attr-defined]
    return signal


def read_duty(services: Services) -> DutyLine:
    """Runs in a thread: the roster now, and an open handover whose relief is late."""
    on_duty = services.roster.on_duty()
    names = [o.name for o in on_duty.operators] + [o.name for c in on_duty.cover for o in c.operators]
    line = DutyLine(on_duty=", ".join(dict.fromkeys(names)))
    handover = services.handover.open_handover()
    relief = handover.relief if handover is not None else None
    if handover is not None and relief is not None and relief.late_minutes > 0:
        line = DutyLine(line.on_duty, handover.outgoing.name, relief.late_minutes)
    return line


class DeskHeader(Widget):
    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 2;
        background: $panel;
        color: $foreground;
    }
    DeskHeader.-urgent {
        height: 3;
    }
    """

    section: reactive[str] = reactive("", layout=False)
    """Message id of the section shown (translated when rendered)."""

    duty: reactive[DutyLine] = reactive(DutyLine, layout=False)
    """Who is on duty, as last fetched (empty until services are open and someone has signed in)."""

    def __init__(self, section: str = "") -> None:
        super().__init__()
        self.set_reactive(DeskHeader.section, section)
        self.fetched_at = -DUTY_REFRESH_SECONDS

    def compose(self) -> ComposeResult:
        # Its third line while an urgent ticket waits to be taken (deskui.widgets.urgent_banner); hidden otherwise.
        yield UrgentBanner()

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)
        duty_changed(self.app).subscribe(self, self._duty_changed)
        self.tick()

    def tick(self) -> None:
        """Repaint the clock; refetch the duty line when a minute has passed (only on the screen shown)."""
        self.refresh()
        if time.monotonic() - self.fetched_at >= DUTY_REFRESH_SECONDS and self.screen.is_active:
            self.fetch_duty()

    def _duty_changed(self, _: None) -> None:
        self.fetched_at = -DUTY_REFRESH_SECONDS  # the next tick of the header on screen fetches
        if self.screen.is_active:
            self.fetch_duty()

    @settles
    @work(exclusive=True, group="header-duty", exit_on_error=False)
    @background
    async def fetch_duty(self) -> None:
        app = cast("Desk", self.app)
        if app.services is None or app.operator is None:
            return
        self.fetched_at = time.monotonic()
        self.duty = await asyncio.to_thread(read_duty, app.services)

    def render(self) -> Text:
        app = cast("Desk", self.app)
        now = app.clock.now()
        local = local_time(app.settings, now)
        slot = shift_at(app.settings, now)
        left = Text.assemble((" deskui ", "bold reverse"), " ", (app.settings.site_name, "bold"))
        right = Text()
        if app.operator is not None:
            right.append(f"{app.operator.name} · {app.operator.role_label}   ")
        right.append(t(SHIFT_LABELS.get(slot.key, slot.key)) + "   ")
        width = self.size.width
        # The year goes first when the line is short: the clock must not be cut off at 80 columns.
        right.append(local.strftime("%Y-%m-%d %H:%M" if width >= 100 else "%m-%d %H:%M"), "bold")
        right.append(" ")
        gap = max(1, width - left.cell_len - right.cell_len)
        line = left + Text(" " * gap) + right
        line.truncate(width)
        tabs, duty = self.tabs_and_duty(width)
        if duty.cell_len:
            tabs = tabs + Text(" " * max(2, width - tabs.cell_len - duty.cell_len)) + duty
        return Text("\n").join([line, tabs])

    def tabs_and_duty(self, width: int) -> tuple[Text, Text]:
        """The tab bar and, right of it, the duty line, cut to the room left (short first). A warning (the
        database busy, a late relief) is not cut while narrower tabs would leave it room: the tabs give way."""
        forms = [bar for bar in (self.tab_bar(*spacing) for spacing in TAB_SPACINGS) if bar.cell_len <= width]
        forms = forms or [self.tabs(width)]
        warning = bool(database_status(self).label() or self.duty.remains)
        full, short = self.duty_text(), self.duty_text(short=True)
        for tabs in forms if warning else forms[:1]:
            room = width - tabs.cell_len - 2
            for duty in (full, short):
                if duty.cell_len <= room:
                    return tabs, duty
        tabs = forms[-1] if warning else forms[0]
        short.truncate(max(0, width - tabs.cell_len - 2), overflow="ellipsis")
        return tabs, short

    def duty_text(self, *, short: bool = False) -> Text:
        """The duty line; `short` (a narrow terminal): the names alone, and the relief's lateness in minutes.
        While the database is busy (deskui.widgets.background), that instead: the screen may be behind."""
        status = database_status(self).label()
        if status:
            return Text(f"⏳ {status} ", style=Style(color=self.app.theme_variables.get("text-warning"), bold=True))
        duty = self.duty
        if duty.remains:
            colour = self.app.theme_variables.get("text-warning")
            if short:
                message = f"{duty.remains} +{duty.late_minutes}′"
            else:
                message = t("{name} remains on duty: relief {n} min late", name=duty.remains, n=duty.late_minutes)
            return Text(f"⚠ {message} ", style=Style(color=colour, bold=True))
        if duty.on_duty:
            return Text((duty.on_duty if short else t("On duty: {names}", names=duty.on_duty)) + " ", style="dim")
        return Text()

    def tabs(self, width: int) -> Text:
        """The sections and their keys, the current one highlighted: the way around without a mouse.

        As wide as the line allows: each section's key and name spaced out; else a space apart (80 columns in
        English); else the keys alone, but for the current section's name (a longer language, more sections)."""
        for spacing in TAB_SPACINGS:
            bar = self.tab_bar(*spacing)
            if bar.cell_len <= width:
                return bar
        bar.truncate(width)
        return bar

    def tab_bar(self, pad: str, names: bool) -> Text:
        """`pad` around each key and after each name; `names`: every section's name, else the current one's."""
        bar = Text(" ")
        try:
            app: object = self.app  # the keys as bound (a user keymap)
        except RuntimeError:  # NoActiveAppError: a header drawn outside an app (tests) prints the default keys
            app = None
        for section in SECTIONS:
            current = section.label == self.section
            bar.append(f"{pad}{section_key(app, section)}", "bold")
            if current or names:
                bar.append(" ")
                bar.append(f"{t(section.label)}{pad}", "bold reverse" if current else "")
            bar.append(" ")
        return bar


TAB_SPACINGS: tuple[tuple[str, bool], ...] = ((" ", True), ("", True), ("", False))
"""The tab bar's forms, widest first: spaced names, names a space apart, keys alone."""
