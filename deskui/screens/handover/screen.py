"""Handover 交接班 (002 交接班制度, 003 4.2): the checklist the two people work through together on one screen.

The outgoing operator begins it near the end of the shift; the incoming one joins (with their PIN) or signs in
here. Both then act from this one screen: the screen acts as the outgoing for notes and as the incoming for counts,
acknowledgements, night-call decisions and checks, because the two of them are at the desk together. Anyone else
acts as themselves and the service refuses what is not theirs. Each step is written as it is entered (a crash loses
nothing); the sign-off asks both PINs and locks the handover into the duty log.

Steps: 1 equipment count · 2 keys out · 3 open items · 4 night calls (at the morning handover) · 5 checks · 6 sign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import DataTable, OptionList, Static

from deskui.screens import stylesheet
from deskui.screens.handover.actions import HandoverActions
from deskui.screens.handover.base import view_bindings
from deskui.screens.handover.view import POLL_SECONDS
from deskui.services.handover import STEP_LABELS, STEPS
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from deskui.services.common.shifts import ShiftSlot
    from deskui.services.handover import HandoverState
    from deskui.services.operators import OperatorInfo


NARROW_WIDTH = 100


class HandoverScreen(HandoverActions, inherit_bindings=False):
    """The checklist; its parts are HandoverView (deskui.screens.handover.view) and HandoverActions (.actions)."""

    CSS_PATH = stylesheet("handover.tcss")
    VIEW: ClassVar[str] = "checklist"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "begin", "Begin the handover", id="handover-begin", priority=True),
        Binding("e", "count", "Count", id="handover-count", priority=True),
        Binding("n", "note", "Note", id="handover-note", priority=True),
        Binding("a", "acknowledge", "Acknowledge", id="handover-ack", priority=True),
        Binding("t", "dispose('ticket')", "Make a ticket", id="handover-ticket", priority=True),
        Binding("h", "dispose('handled')", "Handled", id="handover-handled", priority=True),
        Binding("x", "dispose('no_action')", "No action", id="handover-no-action", priority=True),
        Binding("space", "tick", "Done / not done", id="handover-tick", priority=True),
        Binding("j", "join", "Incoming arrives", id="handover-join", priority=True),
        Binding("s", "sign", "Sign", id="handover-sign", priority=True),
        Binding("enter", "primary", show=False, priority=True),
        *(
            Binding(str(n), f"step('{step}')", STEP_LABELS[step], show=False, priority=True)
            for n, step in enumerate(STEPS, 1)
        ),
        *view_bindings("checklist"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.st: HandoverState | None = None
        self.next_slot: ShiftSlot | None = None
        self.people: dict[int, OperatorInfo] = {}
        self.operators: list[OperatorInfo] = []
        self.step = "equipment"
        self.rows: list[Any] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="ho-main"):
            yield Static("", id="ho-title")
            yield Static("", id="ho-relief")
            with Horizontal(id="ho-body"):
                yield OptionList(id="ho-steps")
                with Vertical(id="ho-step"):
                    yield Static("", id="ho-step-hint")
                    yield DeskTable(id="ho-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="ho-message")
            yield Static("", id="ho-blockers")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")
        self.query_one("#ho-table", DataTable).focus()
        self.set_interval(POLL_SECONDS, self.poll)
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.query_one("#ho-table", DataTable).focus()
        self.show()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        st = self.st
        open_ = st is not None and not st.signed
        step = self.step
        if action == "view":
            return True
        if action == "step":
            return st is not None
        if action == "begin":
            return self.loaded and not open_
        if action == "join":
            return open_ and st is not None and st.incoming is None
        if action == "sign":
            return open_
        if action == "count":
            return step == "equipment" and self.can_act("incoming")
        if action == "note":
            if step == "checks":
                return self.can_act("incoming")
            return step in ("keys", "items") and self.can_act("outgoing")
        if action == "acknowledge":
            return step in ("keys", "items") and self.can_act("incoming")
        if action == "dispose":
            return step == "night_calls" and self.can_act("incoming") and bool(st and st.night_calls)
        if action == "tick":
            return step == "checks" and self.can_act("incoming")
        return True

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.show_steps()
            self.show_table()
        self.show_blockers()

    def action_step(self, step: str) -> None:
        self.set_step(step)
        self.query_one("#ho-table", DataTable).focus()

    @on(OptionList.OptionHighlighted, "#ho-steps")
    def _step_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving through the step list shows each step (only when the list has focus: refilling it also
        highlights, and a late message from that must not undo a step chosen with a number key since)."""
        if event.option.id and event.option_list.has_focus:
            self.set_step(event.option.id)

    @on(OptionList.OptionSelected, "#ho-steps")
    def _step_selected(self) -> None:
        self.query_one("#ho-table", DataTable).focus()

    @on(DataTable.RowSelected, "#ho-table")
    async def _row_selected(self) -> None:
        await self.action_primary()

    async def action_primary(self) -> None:
        """Enter does the step's main thing: count, acknowledge, tick, sign (in the step list: on to the table)."""
        if self.focused is self.query_one("#ho-steps", OptionList):
            self.query_one("#ho-table", DataTable).focus()
            return
        primary = {"equipment": "count", "keys": "acknowledge", "items": "acknowledge", "checks": "tick"}
        action = primary.get(self.step, "sign" if self.step == "sign" else "")
        if action and self.check_action(action, ()):
            await self.run_action(action)
