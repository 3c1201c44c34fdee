"""The supervisor's daily review (003 4.3; 002 每日工作安排 1): yesterday's duty log, its handovers, the count
discrepancies, the night's calls and what became of them — then the supervisor signs with the PIN.

The signature is an entry of the duty-log chain that records the chain head it signed. Days without a signature
are flagged at the top, so a missed morning does not go unnoticed.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.base import BACK, HandoverSection, shift_name, theme_style, view_bindings
from deskui.services.common.shifts import local_time
from deskui.services.handover import DISPOSITION_LABELS
from deskui.widgets.background import background
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.handover import DayReview, ReviewService

KIND_LABELS = {"entry": N_("Entry"), "amendment": N_("Amendment"), "handover": N_("Handover"), "review": N_("Review")}


class ReviewScreen(HandoverSection, inherit_bindings=False):
    CSS_PATH = stylesheet("review.tcss")
    VIEW: ClassVar[str] = "review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sign", "Sign the review", id="review-sign", priority=True),
        Binding("left_square_bracket", "day(-1)", "Previous day", id="review-previous", priority=True),
        Binding("right_square_bracket", "day(1)", "Next day", id="review-next", priority=True),
        Binding("u", "oldest_unsigned", "Oldest unsigned day", id="review-unsigned", priority=True),
        BACK,
        *view_bindings("review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.review_data: DayReview | None = None
        self.unsigned: list[date] = []

    @property
    def review(self) -> ReviewService:
        return self.services.review

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="rv-main"):
            yield Static("", id="rv-title")
            yield Static("", id="rv-unsigned")
            with VerticalScroll(id="rv-body"):
                yield Static("", id="rv-content")
            yield Static("", id="rv-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        if self.day is None:
            self.day = self.today() - timedelta(days=1)
        self.query_one("#rv-body", VerticalScroll).focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.on_mount()

    def today(self) -> date:
        return local_time(self.desk.settings, self.desk.clock.now()).date()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        operator = self.desk.operator
        if action == "sign":
            return (
                operator is not None and operator.is_supervisor() and not (self.review_data and self.review_data.signed)
            )
        if action == "oldest_unsigned":
            return bool(self.unsigned)
        return super().check_action(action, parameters)

    # --- loading --------------------------------------------------------------------------------------------

    @work(exclusive=True, group="review-load")
    @background
    async def load(self) -> None:
        assert self.day is not None
        self.review_data = await asyncio.to_thread(self.review.review, self.day)
        # The service's one rule (the days over since the desk's first record, unsigned), as 'review unsigned'.
        self.unsigned = await asyncio.to_thread(self.review.unsigned_days)
        self.show()
        self.refresh_bindings()

    def show(self) -> None:
        data = self.review_data
        if data is None:
            return
        title = Text.assemble((t("Supervisor review"), "bold"), "  ", (data.day.isoformat(), "bold"), "  ")
        if data.signature is not None:
            sig = data.signature
            title.append(
                t(
                    "Signed by {name} at {when} (chain head #{seq})",
                    name=sig.supervisor,
                    when=self.hm(sig.signed_at, "%m-%d %H:%M"),
                    seq=sig.head_seq,
                ),
                style=theme_style(self.app, "success", bold=True),
            )
        else:
            title.append(t("Not signed yet"), style=theme_style(self.app, "warning", bold=True))
        self.query_one("#rv-title", Static).update(title)
        flag = self.query_one("#rv-unsigned", Static)
        if self.unsigned:
            shown = ", ".join(d.strftime("%m-%d") for d in self.unsigned[-7:])
            more = len(self.unsigned) - 7
            text = t("Days without a signature: {days}", days=shown) + (
                " " + t("… and {n} more", n=more) if more > 0 else ""
            )
            flag.update(Text("⚑ " + text))
        else:
            # Today is not in the list until it is over (it cannot be signed before): say which days are meant.
            flag.update(Text(t("Every day that is over is signed."), style="dim"))
        flag.set_class(bool(self.unsigned), "-flagged")
        self.query_one("#rv-content", Static).update(self.body(data))

    def section(self, title: str, count: int) -> Text:
        return Text.assemble(("\n" + title, "bold underline"), f"  ({count})\n")

    def body(self, data: DayReview) -> Text | Table:
        out = Text()
        # Duty log
        out.append_text(self.section(t("Duty log"), len(data.entries)))
        for e in data.entries:
            out.append(f"{self.hm(e.time, '%m-%d %H:%M')}  #{e.seq} ")
            out.append(t(KIND_LABELS.get(e.kind, e.kind)), style="dim")
            out.append(" ")
            out.append_text(plain(e.operator, one_line=True))
            out.append(": ")
            out.append_text(plain(e.text, one_line=True))
            if e.is_amended:
                out.append("  " + t("(corrected later)"), style=theme_style(self.app, "warning"))
            out.append("\n")
        # Handovers
        out.append_text(self.section(t("Handovers"), len(data.handovers)))
        for h in data.handovers:
            out.append(f"#{h.id} {shift_name(h.shift_key)}  ")
            out.append_text(plain(f"{h.outgoing} → {h.incoming or '?'}", one_line=True))
            out.append("  ")
            if h.signed_at is not None:
                out.append(t("signed {when}", when=self.hm(h.signed_at, "%m-%d %H:%M")))
            else:
                out.append(t("not signed"), style=theme_style(self.app, "error", bold=True))
            out.append("\n")
        # Count discrepancies
        out.append_text(self.section(t("Count discrepancies"), len(data.discrepancies)))
        for d in data.discrepancies:
            c = d.count
            line = t(
                "{item}: {counted} of {expected} ({explanation}; held by: {holder})",
                item=c.label,
                counted=c.counted,
                expected=c.expected,
                explanation=c.explanation or "-",
                holder=c.holder or "-",
            )
            out.append(f"{shift_name(d.shift_key)}  ", style="dim")
            out.append_text(plain(line, one_line=True, style=str(theme_style(self.app, "warning"))))
            if c.ticket_number:
                out.append("  " + t("ticket {number}", number=c.ticket_number))
            out.append("\n")
        # Night calls
        out.append_text(self.section(t("Night calls"), len(data.night_calls)))
        for n in data.night_calls:
            call = n.call
            out.append(f"{self.hm(call.time, '%m-%d %H:%M')}  #{call.id} ")
            out.append_text(plain(" ".join(f"{call.unit} {call.content}".split()), one_line=True))
            out.append("  → ")
            if n.disposition is None:
                out.append(t("nothing recorded"), style=theme_style(self.app, "warning", bold=True))
            else:
                out.append(t(DISPOSITION_LABELS[n.disposition]), style=theme_style(self.app, "success"))
                if n.ticket_number:
                    out.append(f" {n.ticket_number}")
                if n.reason:
                    out.append(": ")
                    out.append_text(plain(n.reason, one_line=True))
            out.append("\n")
        # The registers: what is open now (visitors still inside, old parcels); only when there is something
        if data.registers:
            out.append_text(self.section(t("Open now in the registers"), len(data.registers)))
            for item in data.registers:
                out.append(f"{item.kind_label}  ", style="dim")
                out.append_text(plain(item.title, one_line=True))
                out.append("\n")
        return out

    def show_message(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#rv-message", Static)
        label.update(plain(message))
        label.set_class(bool(message) and error, "-error")

    # --- actions --------------------------------------------------------------------------------------------

    def action_day(self, step: int) -> None:
        assert self.day is not None
        self.day += timedelta(days=step)
        self.show_message("")
        self.load()

    def action_oldest_unsigned(self) -> None:
        if self.unsigned:
            self.day = self.unsigned[0]
            self.load()

    async def action_sign(self) -> None:
        day = self.day
        operator = self.desk.operator
        if day is None or operator is None:
            return
        review = self.review

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(review.sign, day, operator, values["pin"], note=values["note"])

        fields = [FormField("note", N_("Note"), "text"), FormField("pin", N_("PIN"), "pin")]
        intro = t(
            "{name} signs the review of {day}: the duty log as it stands now is what is signed.",
            name=operator.name,
            day=day.isoformat(),
        )
        # Focus on the first field, the note: typed into the PIN it would have been sent as a PIN and cost an attempt.
        form = FormScreen(t("Sign the review of {day}", day=day.isoformat()), fields, submit, intro=intro)
        await self.open_modal(form, self._signed)

    def _signed(self, result: Any) -> None:
        if result is None:
            return
        self.show_message(t("Review signed"), error=False)
        self.load()
