"""Key log 钥匙借用登记 (003 4.1.3 f): lend a key, take it back; the keys still out, overdue ones in red.

A loan is written once; its return is a row of its own, so the screen reads like the paper book. The keys still out
are the same list the handover's step 2 shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.base import BACK, HandoverSection, theme_style, view_bindings
from deskui.widgets.background import background, still_running
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.handover import KeyLoanInfo, KeyLogService

POLL_SECONDS = 5.0
COLUMNS = (N_("Key tag"), N_("Borrower"), N_("Purpose"), N_("Lent"), N_("Due back"), N_("Returned"), N_("By"))


class LendForm(FormScreen):
    """The lend form. A key of the inventory that needs an authority (an owner's key in trust) closes it with the
    refusal and what was typed, so the screen asks for the authority note and lends with it (issue 13)."""

    def refused(self, exc: DeskError, values: dict[str, Any]) -> object | None:
        needs = exc.field == "authority" and bool(getattr(exc, "authority", None))
        return (exc, values) if needs else None


class KeyLogScreen(HandoverSection, inherit_bindings=False):
    CSS_PATH = stylesheet("keys.tcss")
    VIEW: ClassVar[str] = "keys"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "lend", "Lend a key", id="keys-lend", priority=True),
        Binding("t", "take_back", "Take back", id="keys-return", priority=True),
        Binding("a", "toggle_all", "Out / all loans", id="keys-all", priority=True),
        Binding("enter", "take_back", show=False, priority=True),
        BACK,
        *view_bindings("keys"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.loans: list[KeyLoanInfo] = []
        self.loaded = False

    @property
    def key_log(self) -> KeyLogService:
        return self.services.keys

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="kl-main"):
            yield Static("", id="kl-title")
            yield DataTable(id="kl-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="kl-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.set_interval(POLL_SECONDS, self.poll)
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#kl-table", DataTable)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()

    async def language_changed(self) -> None:
        """The table in the new language; one poll timer still (on_mount again would add another each time)."""
        await self.recompose()
        self.loaded = False
        self.fill_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_back":
            return any(loan.is_out for loan in self.loans)
        return super().check_action(action, parameters)

    # --- loading --------------------------------------------------------------------------------------------

    @work(exclusive=True, group="keys-load")
    @background
    async def load(self, select_tag: str = "") -> None:
        if self.show_all:
            loans = await asyncio.to_thread(self.key_log.history)
        else:
            loans = await asyncio.to_thread(self.key_log.out)
        if loans == self.loans and self.loaded and not select_tag:
            return
        self.loans = loans
        self.loaded = True
        self.fill(select_tag)
        self.refresh_bindings()

    def poll(self) -> None:
        if self.is_active and self.desk.services is not None and not still_running(self, "keys-load"):
            self.load()

    def fill(self, select_tag: str = "") -> None:
        table = self.query_one("#kl-table", DataTable)
        keep = table.cursor_row
        table.clear()
        target = None
        overdue = 0
        for index, loan in enumerate(self.loans):
            late = loan.overdue
            overdue += late
            style = theme_style(self.app, "error", bold=True) if late else ""
            if loan.returned_at is not None:
                returned = Text(self.hm(loan.returned_at, "%m-%d %H:%M"))
            else:
                returned = Text(t("overdue") if late else t("out"), style=style)
            table.add_row(
                plain(loan.tag, one_line=True, style=str(style) if style else ""),
                plain(loan.borrower, one_line=True),
                plain(loan.purpose, one_line=True),
                Text(self.hm(loan.lent_at, "%m-%d %H:%M")),
                Text(self.hm(loan.due_at, "%m-%d %H:%M"), style=style),
                returned,
                plain(loan.returned_by or loan.lent_by, one_line=True),
            )
            if select_tag and loan.tag == select_tag:
                target = index
        if self.loans:
            table.move_cursor(row=target if target is not None else min(keep, len(self.loans) - 1))
        out = sum(1 for loan in self.loans if loan.is_out)
        title = Text(t("Key log") + "  ", style="bold")
        title.append(t("All loans, newest first") if self.show_all else t("Keys out"), style="bold")
        title.append("  " + t("{n} out", n=out))
        if overdue:
            title.append("  · ")
            title.append(t("{n} overdue", n=overdue), style=theme_style(self.app, "error", bold=True))
        self.query_one("#kl-title", Static).update(title)
        if not self.loans:
            self.show_message(t("No keys out") if not self.show_all else t("No entries"), error=False)

    def show_message(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#kl-message", Static)
        label.update(plain(message))
        label.set_class(bool(message) and error, "-error")

    def selected(self) -> KeyLoanInfo | None:
        table = self.query_one("#kl-table", DataTable)
        if not self.loans or not 0 <= table.cursor_row < len(self.loans):
            return None
        return self.loans[table.cursor_row]

    # --- actions --------------------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.loaded = False
        self.show_message("")
        self.load()

    def _lend_submit(self) -> Callable[[dict[str, Any]], Awaitable[object]]:
        keys = self.key_log
        operator = self.desk.operator

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                keys.lend,
                values["tag"],
                values["borrower"],
                operator=operator,
                due=values["due"],
                purpose=values["purpose"],
                authority=values.get("authority", ""),
            )

        return submit

    async def action_lend(self) -> None:
        submit = self._lend_submit()
        fields = [
            FormField("tag", N_("Key tag"), placeholder=t("e.g. 机房A, 3-2-1201")),
            FormField("borrower", N_("Borrower")),
            FormField("due", N_("Due back"), placeholder=t("end of the shift, or 18:00, or 2026-11-24 09:00")),
            FormField("purpose", N_("Purpose")),
        ]
        await self.open_modal(LendForm(t("Lend a key"), fields, submit), self._lent)

    async def _lent(self, loan: Any) -> None:
        if loan is None or loan is True:
            return
        if isinstance(loan, tuple):  # the key needs an authority: ask for the note, then lend with what was typed
            refusal, typed = loan
            submit = self._lend_submit()

            async def with_note(values: dict[str, Any]) -> object:
                return await submit({**typed, **values})

            field = FormField("authority", N_("Authority"), placeholder=refusal.authority)
            form = FormScreen(t("Lend {label}", label=typed["tag"]), [field], with_note, intro=refusal.message)
            await self.open_modal(form, self._lent)
            return
        message = t(
            "Key {tag} lent to {borrower}, due back {when}",
            tag=loan.tag,
            borrower=loan.borrower,
            when=self.hm(loan.due_at, "%m-%d %H:%M"),
        )
        self.show_message(message, error=False)
        self.loaded = False
        self.load(select_tag=loan.tag)

    async def action_take_back(self) -> None:
        loan = self.selected()
        if loan is None or not loan.is_out:
            self.show_message(t("Choose a key that is out"))
            return
        keys = self.key_log
        operator = self.desk.operator

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(keys.take_back, loan.tag, operator=operator, note=values["note"])

        intro = t(
            "Key {tag}, lent to {borrower} at {when}.",
            tag=loan.tag,
            borrower=loan.borrower,
            when=self.hm(loan.lent_at, "%m-%d %H:%M"),
        )
        fields = [FormField("note", N_("Note"))]
        form = FormScreen(t("Take back {tag}", tag=loan.tag), fields, submit, intro=intro)
        await self.open_modal(form, self._back)

    def _back(self, loan: Any) -> None:
        if loan is None or loan is True:
            return
        self.show_message(t("Key {tag} is back", tag=loan.tag), error=False)
        self.loaded = False
        self.load()

    @on(DataTable.RowSelected, "#kl-table")
    async def _row_selected(self) -> None:
        loan = self.selected()
        if loan is not None and loan.is_out:
            await self.action_take_back()
