"""Issue 16 items 1, 2 and 14: the TUI survives what the CLI survives, and a locked screen belongs to its operator.

- A background refresh (a poll, a load) that finds the database busy — another terminal holds the write lock longer
  than the busy timeout — does not end the app: it says so quietly and tries again at its next tick, and the screen
  catches up once the lock is gone. A person's own save waits with "waiting for another terminal…" and keeps what
  was typed.
- A write that fails (disk full, read-only database, I/O error) does not end the app either: the screen says what
  failed and that nothing was saved, the form keeps its text, and the same action works once the fault is gone.
  A crash's printed traceback shows no local variable values (a PIN was among them).
- Another operator unlocking the lock screen gets a session of their own; the first operator's screen and the
  half-typed call wait for her.

Faults are injected in-process: a raw sqlite3 connection to the same file holds `BEGIN EXCLUSIVE`; an SQLAlchemy
`before_cursor_execute` hook fails chosen statements with the driver's own error ("database or disk is full",
"attempt to write a readonly database", "disk I/O error"). The busy timeout and the retry policy are shortened so
the waits are short; every wait is for a condition, never a sleep.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import event
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TextArea

from deskui.app import DeskApp
from deskui.core.retry import RetryPolicy
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.home import HomeScreen
from deskui.screens.signin import SignInScreen
from deskui.screens.tickets import TicketsScreen
from deskui.services.calls import CallInput
from deskui.widgets.header import DeskHeader
from deskui.widgets.signin_fields import PinField
from tests.functional.helpers import operators_listed, sign_in
from tests.functional.helpers import wait_for as wait_briefly

pytestmark = pytest.mark.sqlite_only

FAST_POLICY = RetryPolicy(attempts=2, first_delay=0.01, max_delay=0.01, deadline=0.3, jitter=0.0)
PATIENT_POLICY = RetryPolicy(attempts=400, first_delay=0.01, max_delay=0.02, deadline=60.0, jitter=0.0)


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A busy database is noticed in a tenth of a second, and a busy write gives up after two tries."""
    monkeypatch.setattr("deskui.core.db.BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr("deskui.core.retry.DEFAULT_POLICY", FAST_POLICY)
    monkeypatch.setattr("deskui.screens.calls.screen.LIVE_REFRESH_SECONDS", 0.1)
    monkeypatch.setattr("deskui.screens.calls.screen.AUTOSAVE_SECONDS", 0.1)
    monkeypatch.setattr("deskui.screens.tickets.screen.POLL_SECONDS", 0.1)
    monkeypatch.setattr("deskui.widgets.urgent_banner.POLL_SECONDS", 0.1)


@pytest.fixture
def services(settings, clock, short_waits):  # type: ignore[no-untyped-def]
    """The desk's services, opened after the waits were shortened (the busy timeout is set per connection)."""
    from deskui.services import open_services

    svc = open_services(settings, clock)
    yield svc
    svc.close()


class WriteLock:
    """Another terminal holding the write lock (`BEGIN EXCLUSIVE`: no reader gets in either) until released."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.con.execute("BEGIN EXCLUSIVE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.con.execute("ROLLBACK")
            self.held = False
            self.con.close()


@contextmanager
def write_lock(app: DeskApp) -> Iterator[WriteLock]:
    assert app.services is not None and app.services.db.path is not None
    lock = WriteLock(app.services.db.path)
    try:
        yield lock
    finally:
        lock.release()


class Faults:
    """Statements fail with the driver's own error while `message` is set and the statement matches `where`."""

    def __init__(self, app: DeskApp) -> None:
        assert app.services is not None
        self.engine = app.services.db.engine
        self.message: str | None = None
        self.where: Callable[[str], bool] = lambda _statement: True
        self.injected = 0
        event.listen(self.engine, "before_cursor_execute", self._maybe_fail)

    def _maybe_fail(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.message is not None and self.where(statement.strip().lower()):
            self.injected += 1
            raise sqlite3.OperationalError(self.message)

    def fail(self, message: str, where: Callable[[str], bool]) -> None:
        self.where, self.message = where, message

    def heal(self) -> None:
        self.message = None

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._maybe_fail)


@pytest.fixture
def faults(app: DeskApp) -> Iterator[Faults]:
    injector = Faults(app)
    yield injector
    injector.remove()


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a condition (not for time): generous, since a loaded machine is slow and a pass does not wait."""
    await wait_briefly(pilot, condition, timeout)


@pytest.fixture(autouse=True)
def _notices_kept(app: DeskApp) -> None:
    """Every notification the app posts is kept for `notices` (a toast expires: a loaded machine may look late)."""
    said: list[str] = []
    post = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        post(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    app.said = said  # type: ignore[attr-defined]


def notices(app: DeskApp) -> str:
    """Every notification the app has posted so far, as one text."""
    return "\n".join(app.said)  # type: ignore[attr-defined]


def header_text(app: DeskApp) -> str:
    return str(app.screen.query_one(DeskHeader).render())


def screen_text(app: DeskApp) -> str:
    """What the current screen's static texts and inputs show (for "the PIN never reaches the screen")."""
    parts = [str(w.render()) for w in app.screen.query(Static)]
    parts += [w.value for w in app.screen.query(Input)]
    return "\n".join(parts)


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def open_section(pilot: Pilot[None], key: str, kind: type) -> Any:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


# --- item 1: a busy database ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "kind"), [("f3", CallsScreen), ("f4", TicketsScreen), ("f2", HomeScreen)])
async def test_a_background_refresh_on_a_busy_database_says_so_and_catches_up(
    app: DeskApp, key: str, kind: type
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_section(pilot, key, kind)
        if isinstance(screen, CallsScreen):
            await wait_for(pilot, lambda: screen.log_loaded)
        with write_lock(app) as lock:
            # The polls keep ticking into the lock: the app stays up and says, quietly, that it will try again.
            await wait_for(pilot, lambda: "busy" in header_text(app) and "busy" in notices(app).lower())
            assert app.is_running and app.screen is screen
            lock.release()
            assert app.services is not None
            calls = app.services.calls
            call = calls.record(
                calls.check(
                    CallInput(content="另一台终端的来电", category="repair", unit="3-2-1202", phone="13700001234")
                )
            )
        if isinstance(screen, TicketsScreen):
            ticket = app.services.tickets.open_from_call(call.id)
            await wait_for(pilot, lambda: ticket.id in [r.id for r in screen.rows])
        if isinstance(screen, CallsScreen):
            await wait_for(pilot, lambda: call.id in [r.id for r in screen.rows])
        await wait_for(pilot, lambda: "busy" not in header_text(app))
        assert app.is_running


async def test_a_save_waits_for_another_terminal_and_keeps_the_form(
    app: DeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_section(pilot, "f3", CallsScreen)
        await type_text(pilot, "13700001234")
        await pilot.press("tab", "tab")  # caller, unit
        await type_text(pilot, "5-1-302")
        await pilot.press("tab", "r")
        await type_text(pilot, "lift")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        monkeypatch.setattr("deskui.core.retry.DEFAULT_POLICY", PATIENT_POLICY)
        monkeypatch.setattr("deskui.widgets.background.WAIT_NOTICE_SECONDS", 0.2)
        # Enter holds the next keys until the save ends (deskui.widgets.keyqueue); here the save waits on the lock, so the
        # test takes its keys back after a moment instead of the hold's 30 s bound.
        monkeypatch.setattr("deskui.widgets.keyqueue.HOLD_SECONDS", 0.5)
        with write_lock(app) as lock:
            await pilot.press("enter")
            await wait_for(pilot, lambda: "waiting for another terminal" in notices(app).lower())
            await wait_for(pilot, lambda: "Waiting for another terminal" in header_text(app))
            assert app.is_running
            assert screen.query_one("#call-content", TextArea).text == "lift"
            lock.release()
        assert app.services is not None
        await wait_for(pilot, lambda: len(app.services.calls.list(limit=5)) == 1)
        assert app.services.calls.list(limit=5)[0].content == "lift"

        # Busy past every retry: nothing saved, said so, and the form still holds the call.
        monkeypatch.setattr("deskui.core.retry.DEFAULT_POLICY", FAST_POLICY)
        await wait_for(pilot, lambda: screen.query_one("#call-content", TextArea).text == "")
        await type_text(pilot, "13700001234")
        await pilot.press("tab", "tab")
        await type_text(pilot, "5-1-302")
        await pilot.press("tab", "c")
        await type_text(pilot, "noise")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        with write_lock(app):
            await pilot.press("enter")
            await wait_for(pilot, lambda: "nothing was saved" in notices(app))
            assert app.is_running and app.screen is screen
            assert screen.query_one("#call-content", TextArea).text == "noise"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.services.calls.list(limit=5)) == 2)


async def test_a_read_asked_for_on_a_busy_database_is_told(app: DeskApp) -> None:
    assert app.services is not None
    calls = app.services.calls
    call = calls.record(
        calls.check(CallInput(content="电梯按键失灵", category="repair", phone="13700001234", unit="5-1-302"))
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_section(pilot, "f3", CallsScreen)
        await wait_for(pilot, lambda: [r.id for r in screen.rows] == [call.id])
        screen.query_one("#call-table", DataTable).focus()
        with write_lock(app):
            await pilot.press("enter")  # the call's versions: a read the receptionist asked for
            await wait_for(pilot, lambda: "Try again" in notices(app))
            assert app.is_running and app.screen is screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))


async def test_the_sign_in_lists_the_operators_once_the_database_is_free(
    app: DeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deskui.screens.signin.RELIST_SECONDS", 0.1)
    assert app.services is not None and app.services.db.path is not None
    lock = WriteLock(app.services.db.path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: "busy" in notices(app).lower())
            signin = app.screen
            assert isinstance(signin, SignInScreen) and app.is_running and not signin.operators
            lock.release()
            await operators_listed(pilot)
            await pilot.press(*"1111", "enter")
            await wait_for(pilot, lambda: app.operator is not None and isinstance(app.screen, HomeScreen))
    finally:
        lock.release()


# --- item 2: a failed write -------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["database or disk is full", "attempt to write a readonly database"])
async def test_draft_autosave_that_cannot_write_keeps_the_form_and_retries(
    app: DeskApp, faults: Faults, message: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_section(pilot, "f3", CallsScreen)
        faults.fail(message, lambda sql: "calldraft" in sql and not sql.startswith("select"))
        await type_text(pilot, "13812345678")
        await wait_for(pilot, lambda: faults.injected > 0 and "nothing was saved" in notices(app))
        assert "The draft was not kept (the form still has it)" in notices(app)
        assert app.is_running and app.screen is screen
        assert screen.query_one("#call-phone", Input).value == "13812345678"
        assert app.services is not None
        assert app.services.calls.pending_drafts(app.operator, form="call") == []
        faults.heal()  # space is back: the next autosave stores what was typed, without another key
        await wait_for(pilot, lambda: bool(app.services.calls.pending_drafts(app.operator, form="call")))
        (draft,) = app.services.calls.pending_drafts(app.operator, form="call")
        assert draft.payload["phone"] == "13812345678"


async def test_sign_in_on_a_full_disk_is_told_and_shows_no_pin(app: DeskApp, faults: Faults) -> None:
    assert app.services is not None
    chen = app.services.operators.by_name("陈静")
    with pytest.raises(Exception, match="Wrong PIN"):
        app.services.operators.authenticate(chen.id, "9999")  # one failed attempt: the right PIN must reset it
    app.error_console = Console(file=io.StringIO(), width=160)
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        signin = app.screen
        assert isinstance(signin, SignInScreen)
        faults.fail("database or disk is full", lambda sql: sql.startswith("update operator"))
        await pilot.press("down", "down", *"3333", "enter")
        message = signin.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "nothing was saved" in str(message.render()))
        assert app.is_running and app.operator is None
        assert "3333" not in screen_text(app)
        assert signin.query_one("#signin-pin", PinField).value == ""
        faults.heal()
        await pilot.press(*"3333", "enter")
        await wait_for(pilot, lambda: app.operator is not None and app.operator.name == "陈静")
    output = app.error_console.file.getvalue()  # type: ignore[attr-defined]
    assert "3333" not in output


def _crash_holding_a_pin() -> None:
    pin = "".join(["33", "33"])
    raise RuntimeError(f"boom after {len(pin)} digits")


async def test_a_crash_prints_no_local_values(app: DeskApp) -> None:
    app.error_console = Console(file=io.StringIO(), width=160)

    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=(120, 40)) as pilot:
            await operators_listed(pilot)
            app.call_later(_crash_holding_a_pin)
            await pilot.pause()
            await wait_for(pilot, lambda: not app.is_running)
    output = app.error_console.file.getvalue()  # type: ignore[attr-defined]
    assert "RuntimeError" in output and "boom after 4 digits" in output, "the traceback itself is still printed"
    assert "3333" not in output and "locals" not in output, output


# --- item 14: the lock screen belongs to whoever locked it --------------------------------------------------------


async def unlock_as(pilot: Pilot[None], name: str, pin: str) -> None:
    """On the lock screen: choose `name` with the arrow keys and type the PIN."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    await operators_listed(pilot)
    lock = app.screen
    assert isinstance(lock, SignInScreen) and lock.is_lock_screen
    names = [o.name for o in lock.operators]
    here = lock.query_one("#signin-operators").highlighted  # type: ignore[attr-defined]
    step = names.index(name) - here
    await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step))
    await pilot.press(*pin, "enter")
    await wait_for(pilot, lambda: app.operator is not None and app.operator.name == name)
    await wait_for(pilot, lambda: not isinstance(app.screen, SignInScreen))


async def test_unlocking_as_another_operator_starts_their_own_session(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳
        calls = await open_section(pilot, "f3", CallsScreen)
        await type_text(pilot, "13812345678")
        await pilot.press("tab", "tab", "tab", "r")
        await type_text(pilot, "half typed")
        await pilot.press("ctrl+l")
        await unlock_as(pilot, "李强", "2222")
        assert app.screen is not calls and isinstance(app.screen, HomeScreen), "李强 starts on his own Home"
        assert "李强" in str(app.screen.query_one("#home-greeting", Static).render())
        mine = await open_section(pilot, "f3", CallsScreen)
        assert mine is not calls
        assert mine.query_one("#call-content", TextArea).text == "", "王芳's call is not on 李强's form"
        assert mine.query_one("#call-phone", Input).value == ""
        await wait_for(pilot, lambda: mine.query_one("#call-table", DataTable) is not None and mine.log_loaded)
        assert app.services is not None
        wang = app.services.operators.by_name("王芳")
        li = app.services.operators.by_name("李强")
        assert not [d for d in app.services.calls.pending_drafts(li, form="call") if d.payload.get("content")]
        await pilot.press("ctrl+l")
        await unlock_as(pilot, "王芳", "1111")
        assert app.screen is calls, "王芳 finds her screen as she left it"
        assert calls.query_one("#call-content", TextArea).text == "half typed"
        assert calls.query_one("#call-phone", Input).value == "13812345678"
        await wait_for(pilot, lambda: bool(app.services.calls.pending_drafts(wang, form="call")))
        assert not [d for d in app.services.calls.pending_drafts(li, form="call") if d.payload.get("content")]
