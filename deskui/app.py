"""The Textual application and `make_app`, the one factory shared by the CLI and every test.

Start-up paints the sign-in screen first and opens the database (SQLAlchemy, migrations) in a thread afterwards,
so the first frame does not wait on the heaviest imports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, ClassVar
from weakref import WeakSet

from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.events import Event, Key, MouseDown, Paste
from textual.screen import Screen

from deskui.app_startup import StartupWork
from deskui.core.clock import Clock
from deskui.core.config import LANGUAGES, Settings, load_settings
from deskui.core.i18n import set_language, t
from deskui.screens.signin import SignInScreen
from deskui.sections import SECTIONS
from deskui.widgets.keyqueue import KeyQueue

if TYPE_CHECKING:
    from pathlib import Path

    from textual.command import Provider
    from textual.theme import Theme

    from deskui.desk import Desk, FollowsLanguage
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo


def register_search() -> type[Provider]:
    """The palette's register search (a pass number, a visitor, a tracking number), imported when it first opens."""
    from deskui.screens.registers.palette import RegisterSearch

    return RegisterSearch


def action_search() -> type[Provider]:
    """deskui's commands by name in the UI language (in place of Textual's system commands; issue 12)."""
    from deskui.screens.palette.actions import ActionSearch

    return ActionSearch


def data_search() -> type[Provider]:
    """Tickets, calls, units and residents by number, spelling, name or pinyin (issue 12)."""
    from deskui.screens.palette.data import DataSearch

    return DataSearch


class DeskApp(StartupWork):
    # The sign-in's rules load with the app's: a screen's own CSS_PATH makes Textual re-parse every stylesheet
    # when the screen is registered, which the first frame would pay for. Other screens keep their own files.
    CSS_PATH: ClassVar[list[str]] = ["styles/app.tcss", "styles/signin.tcss"]  # type: ignore[assignment]
    TITLE = "deskui"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        action_search,
        data_search,
        register_search,
    }
    # The app opens in sign-in mode: its screen is the first frame, with no screen switch before it.
    DEFAULT_MODE: ClassVar[str] = "signin"
    # Section screens are imported when first opened, keeping their widgets (DataTable…) off the start-up path.
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {  # type: ignore[assignment]
        "signin": SignInScreen,
        **{section.mode: section.make_screen for section in SECTIONS},
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so focus moves as the Tab arrives: keys typed after it go to the next field, not this one.
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
        Binding("f1", "help", "Help", id="help"),
        # Shown in the header's tab bar rather than the footer, which keeps its room for the screen's own keys.
        *(Binding(s.key, f"section('{s.mode}')", s.label, id=f"section-{s.mode}", show=False) for s in SECTIONS),
        # Priority: a dialog (the help, a form) is modal, and a modal screen hides the app's ordinary bindings.
        Binding("f9", "toggle_language", "Language/语言", id="language", priority=True),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        services: Services | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.state_file = state_file
        """Where the chosen theme is remembered (core.userstate); None: not remembered (tests)."""
        self.recall_theme()
        self.clock = clock or Clock()
        self.services: Services | None = services
        self._owns_services = services is None
        self.open_error: str | None = None
        self.integrity_checked = False
        self.integrity_error: str | None = None
        self.operator: OperatorInfo | None = None
        self.last_input = self.clock.now()
        self.desk_screens: WeakSet[FollowsLanguage] = WeakSet()
        self._parked: dict[int, tuple[str, list[str]]] = {}
        """Sessions of operators who were locked out by another's unlock: operator id → (mode, sections)."""
        self.keys = KeyQueue(self, self.deliver_key)
        self.keymap: dict[str, str] = {}
        """The user's keymap ([keys]) as applied: binding id → keys (deskui.widgets.keynames reads it)."""
        self.keymap_checked = not settings.keys
        """Set once the user's keymap has been checked (and applied, or refused): tests wait for it."""
        set_language(settings.language)

    # --- start-up ---------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.services is None:
            # After the first frame: the worker's imports (SQLAlchemy, Alembic) hold the import lock, and the
            # sign-in screen's own lazy widget imports would otherwise queue behind them.
            self.call_after_refresh(self.open_services)
        self.set_interval(self.idle_check_seconds, self.check_idle_lock)
        self.exit_on_signals()
        if self.settings.keys:
            self.check_keymap()
        self.theme_changed_signal.subscribe(self, self.remember_theme)

    def recall_theme(self) -> None:
        """The theme chosen in an earlier run, if it is still one of the app's."""
        if self.state_file is None:
            return
        from deskui.core.userstate import read_state

        theme = read_state(self.state_file).get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    def remember_theme(self, theme: Theme) -> None:
        """Every screen follows a theme change (Textual restyles them; the screens that build coloured Rich text
        subscribe too); the choice is kept for the next run."""
        self.call_next(self.follow_theme)
        if self.state_file is not None:
            from deskui.core.userstate import remember

            remember(self.state_file, "theme", theme.name)

    def exit_on_signals(self) -> None:
        """SIGTERM (shutdown, `kill`) and SIGHUP (the terminal window closed) end the app like Ctrl+Q: screens
        unmount (the call form saves its draft) and the terminal is restored. Python's default for both is to die
        on the spot, and Textual installs no handler for them. Only for a real terminal: a headless app under
        Pilot shares the test runner's process."""
        import asyncio
        import signal

        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.exit)

    def _fatal_error(self) -> None:
        """A crash's traceback, printed when the app ends, without local variables.

        Textual's own (App._fatal_error) renders Rich's Traceback with `show_locals=True`: a PIN being checked, a
        resident's phone, a password in a URL would be printed on the terminal and land in whatever captures it.
        The frames, source lines and the exception itself are kept; values are not. Same steps as Textual's
        otherwise (bell, pre-rendered for printing after the terminal is restored, close)."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        if self.services is not None and self._owns_services:
            self.services.close()

    # --- operators and the idle lock -----------------------------------------------------------------------

    @property
    def idle_check_seconds(self) -> float:
        return 5.0

    async def signed_in(self, operator: OperatorInfo, *, from_lock: bool) -> None:
        """`operator` typed their PIN: at start, Home; on the lock screen, their own session.

        Unlocked by whoever locked it: the lock goes and the screen underneath is exactly as it was. Unlocked by
        someone else: the first operator's session (every section as she left it, dialogs and half-typed forms
        included) is parked, and the new operator gets theirs — the one they left at their last lock, else a new
        one at Home. The first operator finds hers when she next unlocks."""
        previous = self.operator
        self.operator = operator
        self.last_input = self.clock.now()
        if not from_lock:
            await self.switch_mode("home")
        elif previous is None or previous.id == operator.id:
            self.pop_screen()
        else:
            await self.switch_session(previous, operator)
        self.refresh_bindings()

    async def switch_session(self, previous: OperatorInfo, operator: OperatorInfo) -> None:
        """Park `previous`'s sections, bring back `operator`'s (or start them at Home).

        A section is a mode; its screen stack moves to a key of its own in the app's stacks ("calls@3"), which no
        mode has: nothing can switch to it, and Textual still sees its screens (they close with the app, the call
        form saving its draft under its owner). They stay mounted, suspended; their timers keep skipping work that
        is only for the screen shown. The lock screen that was typed on is dropped (its session needs no second
        PIN when it comes back)."""
        lock, mode = self.screen, self.current_mode
        await self.switch_mode(self.DEFAULT_MODE)  # the sign-in's own mode: no section is current while they move
        stack = self._screen_stacks.get(mode, [])
        if stack and stack[-1] is lock:
            stack.pop()
            self.call_next(self._replace_screen, lock)  # removed after this handler (it is the lock's own)
        self._park_session(previous.id, mode)
        await self.switch_mode(self._unpark_session(operator.id) or "home")

    def _park_session(self, operator_id: int, mode: str) -> None:
        sections = [s.mode for s in SECTIONS if s.mode in self._screen_stacks]
        for section in sections:
            self._screen_stacks[f"{section}@{operator_id}"] = self._screen_stacks.pop(section)
        self._parked[operator_id] = (mode, sections)

    def _unpark_session(self, operator_id: int) -> str | None:
        """The mode `operator_id` was in when parked (their sections back in place), or None: no session yet."""
        mode, sections = self._parked.pop(operator_id, ("", []))
        for section in sections:
            self._screen_stacks[section] = self._screen_stacks.pop(f"{section}@{operator_id}")
        return mode or None

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Paste) and not event.is_forwarded:
            # A paste is the one way raw control bytes get into a field (keys arrive as keys), and an input
            # widget draws them as they are: an ESC/OSC sequence from a pasted e-mail would act on the terminal.
            # They become visible pictures (ESC → ␛) before any widget sees them; line breaks and tabs stay.
            from deskui.widgets.plain import safe

            event.text = safe(event.text.replace("\r\n", "\n").replace("\r", "\n"))
            self.last_input = self.clock.now()
        if isinstance(event, Key | MouseDown):
            self.last_input = self.clock.now()
        if isinstance(event, Key | Paste) and not event.is_forwarded:
            # Typed ahead: delivered one at a time, each once the one before has settled (deskui.widgets.keyqueue).
            self.keys.put(event)
            return
        await super().on_event(event)

    async def deliver_key(self, event: Event) -> None:
        """One key (or paste) from the key queue, routed as Textual routes it, in the app's own turn."""
        if isinstance(event, Key):
            take_key = getattr(self.focused, "take_key", None)  # a ChoiceBar, duck-typed: no import at start-up
            if take_key is not None and take_key(event):
                return
            if wide_space(event):
                # A Chinese input method's space bar in full-width mode types U+3000. Textual calls that key not
                # printable, so Input and TextArea dropped it ('K-12　2栋' stored as 'K-122栋'). It is typed text:
                # delivered as such, to the field with focus.
                event = Paste(event.character or "")
        await super().on_event(event)

    async def keys_settled(self) -> None:
        """Every key received so far delivered, and what it started (a form opening, a section) done."""
        await self.keys.settled()

    async def _press_keys(self, keys: Iterable[str]) -> None:
        """Pilot's `press`: the keys are queued like typed ones; the test reads on once they have settled."""
        await super()._press_keys(keys)
        await self.keys_settled()

    def check_idle_lock(self) -> None:
        """Lock when nobody has typed for the configured minutes; the screen underneath stays as it was."""
        try:
            screen = self.screen
        except ScreenStackError:  # an F-key switching to a section whose screen is not on its stack yet: next tick
            return
        if self.operator is None or isinstance(screen, SignInScreen):
            return
        idle = (self.clock.now() - self.last_input).total_seconds()
        if idle >= self.settings.security.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        if self.operator is not None and not isinstance(self.screen, SignInScreen):
            self.push_screen(SignInScreen(lock=True))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sections, help and the lock only make sense once someone has signed in."""
        signed_out = self.operator is None or isinstance(self.screen, SignInScreen)
        return not (signed_out and action in ("section", "lock", "help"))

    # --- sections, help, language -----------------------------------------------------------------------------

    async def action_section(self, mode: str) -> None:
        await self.switch_section(mode)

    async def switch_section(self, mode: str) -> None:
        await self.switch_mode(mode)

    async def show_ticket(self, ticket_id: int) -> None:
        from deskui.screens.tickets.detail import TicketDetailScreen

        screen = self.screen
        if isinstance(screen, TicketDetailScreen) and screen.ticket_id == ticket_id:
            return
        await self.push_screen(TicketDetailScreen(ticket_id))

    def action_help(self) -> None:
        from deskui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def follow_theme(self) -> None:
        """Every screen redrawn in the theme's colours, as after a language switch: the texts screens build in code
        (table cells, counts, marks) hold the colours of the theme they were built in. A screen under a dialog
        redraws when it is on top again."""
        for screen in list(self.desk_screens):
            if getattr(screen, "drawn_theme", None) != self.theme:
                await screen.follow_language()
        for screen in list(self.desk_screens):
            screen.refresh_headers()

    async def action_toggle_language(self) -> None:
        """F9: the next UI language in the cycle zh-CN → zh-HK → zh-TW → en → zh-CN (core.config.LANGUAGES)."""
        current = self.settings.language
        following = LANGUAGES[(LANGUAGES.index(current) + 1) % len(LANGUAGES)] if current in LANGUAGES else "en"
        await self.set_language(following)

    async def set_language(self, language: str) -> None:
        from dataclasses import replace

        self.settings = replace(self.settings, language=language)
        set_language(language)
        for screen in list(self.desk_screens):
            await screen.follow_language()
        # A header paints its text when it is drawn: on a screen under a dialog (drawn as the dialog's background)
        # it kept the old language until its clock tick, and whoever read it then was told the wrong language.
        for screen in list(self.desk_screens):
            screen.refresh_headers()
        from deskui.screens.help import HelpScreen

        if isinstance(self.screen, SignInScreen):
            await self.screen.language_changed()  # in place: the chosen operator and the typed PIN stay
        elif isinstance(self.screen, HelpScreen):
            await self.screen.recompose()
        self.screen.refresh_bindings()

    def get_key_display(self, binding: Binding) -> str:
        """A bound key as the header and the manuals write it (F3, Ctrl+S, Esc, Enter), not Textual's ^s and f3:
        Textual's footer and key panel ask here, and so do the help (F1) and the palette."""
        from deskui.widgets.keynames import key_label

        return binding.key_display or key_label(binding.key)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, its text colours made readable (WCAG AA on its backgrounds: widgets.colours)."""
        from deskui.widgets.colours import readable

        variables = super().get_css_variables()  # the dict Textual also keeps as self.theme_variables
        variables.update(readable(variables))
        return variables

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every key of the current screen and the app, translated: deskui's actions, not
        Textual's own editing and scrolling keys (an Input's Ctrl+W, a table's cursor: the fields' own keys)."""
        from deskui.widgets.keynames import textual_binding

        seen: set[str] = set()
        for _key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if not enabled or not binding.description or binding.action in seen or textual_binding(node, binding):
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                t(binding.description),
                f"{key} · {t(binding.description)}",
                self._runner(binding.action, node),
                # Listed before anything is typed: the keys the footer shows and the sections, not the moves.
                binding.show or binding.action.startswith("section("),
            )
        yield SystemCommand(t("Theme"), t("Change the colour theme"), self.action_change_theme)

    def action_command_palette(self) -> None:
        """Textual's palette, its prompt in the UI language."""
        from typing import cast

        from textual.command import CommandPalette

        from deskui.screens.palette.screen import DeskPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            placeholder = t("Search for commands, tickets, units, residents…")
            self.push_screen(DeskPalette(placeholder=placeholder, id="--command-palette"))

    def _runner(self, action: str, node: DOMNode) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await self.run_action(action, node)

        return run


if TYPE_CHECKING:

    def _desk(app: DeskApp) -> Desk:
        """mypy checks here that the app is what screens and widgets take it for (deskui.desk)."""
        return app


def wide_space(event: Key) -> bool:
    """A space other than ASCII's (U+3000, no-break space) typed as a key: text, though not 'printable'."""
    import unicodedata

    char = event.character or ""
    return len(char) == 1 and not event.is_printable and unicodedata.category(char) == "Zs"


def make_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    services: Services | None = None,
    state_file: Path | None = None,
) -> DeskApp:
    """The app with these settings; tests pass a FrozenClock and, to skip the opening worker, open Services. The
    terminal's start passes the user's `state_file` (core.userstate), where the theme is remembered."""
    return DeskApp(settings or load_settings(), clock=clock, services=services, state_file=state_file)
