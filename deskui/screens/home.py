"""Home: where the desk lands after sign-in. What the person signed in has to do today, by role (issue 14), and
the sections with their keys.

Today is one service call (`services.today.today_for(role)`, in a worker): the day desk's callbacks, tickets,
visits, visitors, parcels and patrols; the night shift's handed-over items, help requests, patrols and keys; the
supervisor's unsigned days, late tickets, complaints owed a reply, missed patrols and renovations. Each line is a
count of what and its first few; Enter on it (or its digit) opens the place where it is handled. It is read again
when the screen is shown again, and every half minute while it is shown. The section tiles keep their keys.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.sections import SECTIONS, Section
from deskui.services.common.shifts import local_time
from deskui.widgets.background import background, still_running
from deskui.widgets.colours import FOR_TEXT
from deskui.widgets.keynames import section_key
from deskui.widgets.settling import settles
from deskui.widgets.ticket_text import department_label

if TYPE_CHECKING:
    from textual.app import App

    from deskui.services.today import Place, Today, TodayLine

WIDE_WIDTH = 100
"""From this many columns the sections stand beside today, with their descriptions."""
TALL_HEIGHT = 30
"""From this many rows a line lists its first three matters (else its first one)."""
POLL_SECONDS = 30.0
"""Today is read again this often while the screen is shown: tickets cross into late without any change."""
COMPACT_CHROME = 9
"""Rows that are not today's lines when compact: header 2, greeting 2, today's title 1, tiles 3, footer 1."""
WIDE_CHROME = 8
"""Rows that are not today's lines when wide: header 2, padding 1, greeting 2, today's title 2, footer 1."""
INDENT = 10
"""The matters of a line start under its label."""
LINE_KEYS = "123456789"


def fit(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, ending in "…" when shortened: cut at a space, never inside a word of
    Latin letters or digits; a Chinese phrase (no spaces between its words) is cut between characters.

    Not widgets.table.fit, which also ends a word at "-" and "/" and keeps a closing "→" or "—": home's items
    (units, ticket numbers, "name → unit") would be cut at a hyphen and end in an arrow ("ZXXK-20261110-001" in 10
    cells: "ZXXK…", here "ZXXK-2026…"; "Wang Wu → 1-1-101" in 12: "Wang Wu → 1…", here "Wang Wu…")."""
    if cell_len(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    kept = ""
    for word in text.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if cell_len(candidate) + 1 <= cells:
            kept = candidate
            continue
        if cell_len(word) > len(word) or not kept:  # wide characters (or one long word): cut between characters
            out = f"{kept} " if kept else ""
            for char in word:
                if cell_len(out + char) + 1 > cells:
                    break
                out += char
            kept = out
        break
    return kept.rstrip(" ·—,→") + "…"


class SectionTile(Static, can_focus=True):
    """One section on the home screen; Enter or its key opens it. Compact: its key and name on one line."""

    def __init__(self, section: Section) -> None:
        super().__init__(classes="tile")
        self.section = section

    def render(self) -> Text:
        key = section_key(self.app, self.section)  # as bound: the user's keymap may have moved it
        head = Text.assemble((f" {key} ", "reverse bold"), "  ", (t(self.section.label), "bold"))
        if self.screen.has_class("-compact"):
            return head
        return Text.assemble(head, "\n", (t(self.section.description), "dim"))

    async def on_click(self) -> None:
        await self.open()

    async def open(self) -> None:
        app: App[object] = self.app
        await app.switch_mode(self.section.mode)


class TodayRow(Widget, can_focus=True):
    """One line of today: its digit, the count, what is counted, then its first few matters."""

    def __init__(self, line: TodayLine, number: int) -> None:
        super().__init__(id=f"today-{line.key}", classes="today-line")  # an id: the focus stays on it across F9
        self.line = line
        self.number = number

    @property
    def home(self) -> HomeScreen:
        screen = self.screen
        assert isinstance(screen, HomeScreen)
        return screen

    def shown_items(self) -> int:
        return self.home.item_rows.get(self.line.key, 0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + (1 if self.line.parts else 0) + self.shown_items()

    def render(self) -> Text:
        line, width = self.line, max(self.size.width, 20)
        late_all = line.count > 0 and line.late == line.count
        count_style = "bold $error" if late_all else "bold" if line.count else "dim"
        key = LINE_KEYS[self.number] if self.number < len(LINE_KEYS) else " "
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f" {key} ", "reverse bold" if line.count else "reverse dim")
        out.append(f"{line.count:>5}  ", self.home.tinted(count_style))
        tail = ""
        if 0 < line.late < line.count:
            tail = f" · {line.late} {t(line.late_label)}"
        if line.note:
            tail += f" · {t(line.note)}"
        label = fit(t(line.label), width - INDENT - cell_len(tail))
        out.append(label, "bold" if line.count else "dim")
        out.append(tail, self.home.tinted("bold $error" if line.late else "bold $warning"))
        if line.parts:
            settings = self.home.desk.settings
            parts = " · ".join(f"{department_label(settings, key)} {n}" for key, n in line.parts)
            out.append("\n" + " " * INDENT + fit(parts, width - INDENT), "dim")
        for item in line.items[: self.shown_items()]:
            when = t(line.when_label, when=self.home.moment(item.when)) if item.when is not None else ""
            room = width - INDENT - (cell_len(when) + 2 if when else 0)
            out.append("\n" + " " * INDENT + fit(item.text, room))
            if when:
                out.append("  " + when, self.home.tinted("$error") if item.late else "dim")
        return out

    def update_line(self, line: TodayLine) -> None:
        self.line = line
        self.refresh(layout=True)

    async def on_click(self) -> None:
        self.focus()
        await self.home.open_place(self.line.place)


class TodayBox(VerticalScroll, can_focus=False):
    """The list of today's lines; its height decides how many matters the lines list."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, HomeScreen):
            before = dict(screen.item_rows)
            screen.allot()
            if screen.item_rows != before:
                for row in self.query(TodayRow):
                    row.refresh(layout=True)


class HomeScreen(DeskScreen):
    CSS_PATH = stylesheet("home.tcss")
    SECTION: ClassVar[str] = "Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_tile", "Open", id="open-tile"),
        Binding("right,l", "tile(1)", "Next", show=False),
        Binding("left,h", "tile(-1)", "Previous", show=False),
        Binding("down,j", "line(1)", N_("Next line"), show=False),
        Binding("up,k", "line(-1)", N_("Previous line"), show=False),
        # Each line shows its digit (the ticket queues show theirs beside them the same way).
        *(
            Binding(key, f"open_line({n})", N_("Open the line of today with this digit") if not n else "", show=False)
            for n, key in enumerate(LINE_KEYS)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today: Today | None = None
        """What today holds for the person signed in, as last read."""
        self.loaded = False
        """Set once today has been read and shown (tests and pictures wait for it)."""
        self.item_rows: dict[str, int] = {}
        """How many of its matters each line lists (by line key): as many as the room allows (`allot`)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="home"):
            yield Static(self.greeting(), id="home-greeting")
            with Horizontal(id="home-body"):
                with Vertical(id="home-today-box"):
                    yield Static(self.today_title(), id="home-today-title")
                    with TodayBox(id="home-today"):
                        yield from self.rows()
                with Grid(id="home-tiles"):
                    for section in SECTIONS:
                        if section.description:  # every section but Home itself
                            yield SectionTile(section)
        yield from self.compose_footer()

    def greeting(self) -> Text:
        operator = self.desk.operator
        name = operator.name if operator else ""
        return Text(t("Hello, {name}. Choose a section with its key, or Ctrl+P for every command.", name=name))

    def today_title(self) -> Text:
        if self.today is None:
            return Text(t("Reading today…"), "dim")
        return Text(t(self.today.title), "bold")

    def rows(self) -> list[TodayRow]:
        return [TodayRow(line, n) for n, line in enumerate(self.today.lines)] if self.today is not None else []

    def tinted(self, spec: str) -> str:
        """A Rich style with the theme's colours for its "$error", "$warning"… (Rich does not know theme variables)."""
        colours = self.app.theme_variables
        return " ".join(
            colours.get(FOR_TEXT.get(word[1:], word[1:]), "") if word.startswith("$") else word for word in spec.split()
        )

    def moment(self, when: datetime) -> str:
        """A time in the site's zone: its hour today, else its date and hour."""
        local = local_time(self.desk.settings, when)
        today = local_time(self.desk.settings, self.desk.clock.now()).date()
        return f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}"

    def on_mount(self) -> None:
        super().on_mount()
        self.fit_size(self.size.width, self.size.height)
        self.query(SectionTile).first().focus()
        self.set_interval(POLL_SECONDS, self.poll)
        self.load()

    def on_resize(self, event: Resize) -> None:
        self.fit_size(event.size.width, event.size.height)

    def fit_size(self, width: int, height: int) -> None:
        """Narrow or short: the sections on two lines under today; else beside it, with their descriptions."""
        self.set_class(width < WIDE_WIDTH or height < TALL_HEIGHT, "-compact")
        self.allot()
        for widget in (*self.query(TodayRow), *self.query(SectionTile)):
            widget.refresh(layout=True)

    def allot(self) -> None:
        """Every line gets its row; the rows left over go to the lines' matters: one to each line in the lines'
        order, then a second, then a third, so the most pressing lines show what they count and a tall terminal
        shows more. The room is the list's own height once laid out (the header's urgent banner takes a row)."""
        lines = self.today.lines if self.today is not None else ()
        boxes = self.query("#home-today")
        height = boxes.first().size.height if boxes else 0
        if height <= 0:
            chrome = COMPACT_CHROME if self.has_class("-compact") else WIDE_CHROME
            height = self.size.height - chrome
        room = height - sum(1 + (1 if line.parts else 0) for line in lines)
        self.item_rows = {line.key: 0 for line in lines}
        for round_ in range(1, 4):
            for line in lines:
                if room > 0 and line.count and len(line.items) >= round_:
                    self.item_rows[line.key] = round_
                    room -= 1

    async def on_screen_resume(self) -> None:
        await super().on_screen_resume()
        # Whoever signed in last (the lock screen lets another operator take over): greet them, not the first one,
        # and show their day. What was done meanwhile in another section shows at once.
        if self.is_mounted:
            self.query_one("#home-greeting", Static).update(self.greeting())
            self.load()

    async def language_changed(self) -> None:
        await super().language_changed()
        self.fit_size(self.size.width, self.size.height)
        self.load()  # the records' labels in the new language (a patrol route's name)

    def poll(self) -> None:
        if self.app.screen is self and not still_running(self, "home-today"):
            self.load()

    @settles
    @work(exclusive=True, group="home-today")
    @background
    async def load(self) -> None:
        operator = self.desk.operator
        services = self.desk.services
        if operator is None or services is None:
            return
        today = await asyncio.to_thread(services.today.today_for, operator.role)
        await self.show_today(today)
        self.loaded = True

    async def show_today(self, today: Today) -> None:
        """The lines in place: updated where they are the same lines, else made anew (the focus kept on the line
        at the same place)."""
        self.today = today
        self.allot()
        if not self.live:
            return
        self.query_one("#home-today-title", Static).update(self.today_title())
        rows = list(self.query(TodayRow))
        if [r.line.key for r in rows] == [line.key for line in today.lines]:
            for row, line in zip(rows, today.lines, strict=True):
                row.update_line(line)
            return
        focused = rows.index(self.focused) if isinstance(self.focused, TodayRow) and self.focused in rows else None
        box = self.query_one("#home-today", TodayBox)
        await box.remove_children()
        await box.mount_all(self.rows())
        if focused is not None:
            new = list(self.query(TodayRow))
            if new:
                new[min(focused, len(new) - 1)].focus()

    # --- keys ------------------------------------------------------------------------------------------------------

    async def action_open_tile(self) -> None:
        """Enter: the section of the tile, or the place of the line, that has the focus."""
        if isinstance(self.focused, SectionTile):
            await self.focused.open()
        elif isinstance(self.focused, TodayRow):
            await self.open_place(self.focused.line.place)

    def action_tile(self, step: int) -> None:
        tiles = list(self.query(SectionTile))
        if isinstance(self.focused, SectionTile) and self.focused in tiles:
            tiles[(tiles.index(self.focused) + step) % len(tiles)].focus()
        elif tiles:
            tiles[0 if step > 0 else -1].focus()

    def action_line(self, step: int) -> None:
        rows = list(self.query(TodayRow))
        if not rows:
            return
        if isinstance(self.focused, TodayRow) and self.focused in rows:
            rows[max(0, min(len(rows) - 1, rows.index(self.focused) + step))].focus()
        else:
            rows[0 if step > 0 else -1].focus()

    async def action_open_line(self, number: int) -> None:
        rows = list(self.query(TodayRow))
        if number < len(rows):
            rows[number].focus()
            await self.open_place(rows[number].line.place)

    async def open_place(self, place: Place) -> None:
        """The section where the line's matters are handled, showing them: the ticket queue (filtered), the
        register, the handover's view. A dialog open there (a half-filled form) is left as it is."""
        app = self.app
        await self.desk.switch_section(place.section)
        if place.section == "tickets":
            from textual.widgets import Input

            from deskui.screens.tickets import TicketDetailScreen, TicketsScreen

            while isinstance(app.screen, TicketDetailScreen) and len(app.screen_stack) > 1:
                await app.pop_screen()
            screen = app.screen
            if isinstance(screen, TicketsScreen) and place.queue:
                screen.query_one("#tq-filter", Input).value = place.text
                screen.switch_queue(place.queue)
            elif not isinstance(screen, TicketsScreen):
                app.bell()
        elif place.section == "registers":
            from deskui.screens.registers.switch import RegisterKeys, open_register

            if isinstance(app.screen, RegisterKeys):
                await open_register(app, place.register)
            else:
                app.bell()
        elif place.section == "handover":
            from deskui.screens.handover.base import HandoverSection

            screen = app.screen
            if isinstance(screen, HandoverSection):
                await screen.action_view(place.view)
            else:
                app.bell()
