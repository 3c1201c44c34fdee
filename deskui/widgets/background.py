"""The database busy or refusing a write, as the screens meet it: told quietly, never the end of the app.

Two kinds of database work happen on a screen, and each has one way through here:

- Background work: the poll timers and load workers that keep a screen current (the call log's two-second poll,
  the ticket queues, the handover, the duty log, the header's duty line and urgent banner, a draft's autosave). A
  DeskError there — `DatabaseBusy` when another terminal holds the write lock past the busy timeout (a large
  import, a backup, `BEGIN EXCLUSIVE`), `StorageFailed` when a write is refused (disk full, read-only, I/O error) —
  ends that one run, not the app. The next tick tries again. It is said once per episode, quietly: a notification
  and, while it lasts, a word in the header; the same failure repeating tick after tick says nothing more, and the
  header's word goes when the run that met it gets through. Methods carry `@background` (under `@work`); every
  timer of a DeskScreen gets the same treatment through `DeskScreen.set_interval` / `set_timer`. A tick that
  starts a worker skips while the last one still waits (`still_running`): no pile of threads blocked on the lock.
- A person's own save (a form submitted, a call confirmed, a PIN typed): `await saving(node, work)`. The retry
  policy (core.retry) already waits out a lock; past a second of waiting the screen says "waiting for another
  terminal…" until the save ends. What still fails is a DeskError the form shows next to what was typed, so the
  form keeps its text and the same key tries again.
- A read a person asked for (Enter on a row of the call log, Ctrl+R): `@asked`. Its DeskError is shown as a
  notification and nothing else happens; the same key tries again.

Nothing here catches other exceptions: a bug still ends the app with its traceback (without locals: DeskApp). The
one exception: a background run whose answer comes back while its screen is being taken down (the app quitting, the
screen closed) finds its widgets gone; it ends quietly (`coming_down`), as its next tick never comes.

It lives with the widgets, below the screens, because both use it: the header's duty line and the urgent banner
are background runs too.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from textual.css.query import NoMatches  # with textual.dom: every widget has loaded it already

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from textual.dom import DOMNode

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

BUSY_NOTICE = N_("The database is busy (another terminal is writing); the screen will retry by itself.")
BUSY_STATUS = N_("Database busy, will retry")
WAITING_NOTICE = N_("Waiting for another terminal… (the database is busy; nothing is lost)")
WAITING_STATUS = N_("Waiting for another terminal…")
WAIT_NOTICE_SECONDS = 1.0
"""A save still running after this long is waiting for a lock (saves take milliseconds): the screen says so."""
NOTICE_SECONDS = 6.0


@dataclass
class DatabaseStatus:
    """What the header tells about the database: busy for some background run, saves waiting for a lock."""

    busy_runs: dict[tuple[int, str], DOMNode] = field(default_factory=dict)
    """Background runs whose last try found the database busy (by node and method), until they get through."""
    failing: dict[tuple[int, str], str] = field(default_factory=dict)
    """The message last told for each background run that failed otherwise (told again only when it changes)."""
    waiting: int = 0
    """Saves under way that have waited longer than WAIT_NOTICE_SECONDS."""

    @property
    def busy(self) -> bool:
        for key, node in list(self.busy_runs.items()):
            if not node.is_attached:  # its screen closed: it will not run again to clear itself
                del self.busy_runs[key]
        return bool(self.busy_runs)

    def label(self) -> str:
        """The header's word for it: waiting wins over busy (it is the person's own save)."""
        if self.waiting:
            return t(WAITING_STATUS)
        if self.busy:
            return t(BUSY_STATUS)
        return ""


def database_status(node: DOMNode) -> DatabaseStatus:
    """The app's one DatabaseStatus (made on first use)."""
    app = node.app
    status: DatabaseStatus | None = getattr(app, "_deskui_database_status", None)
    if status is None:
        status = DatabaseStatus()
        app._deskui_database_status = status  # type: ignore[attr-defined]
    return status


def _key(node: DOMNode, name: str) -> tuple[int, str]:
    return (id(node), name)


def told(node: DOMNode, name: str, error: DeskError) -> None:
    """Background run `name` of `node` failed with `error`: said once for the episode, the app goes on."""
    from deskui.core.retry import DatabaseBusy  # here, not at the top: core.retry loads sqlite3, not needed to paint

    status = database_status(node)
    key = _key(node, name)
    if isinstance(error, DatabaseBusy):
        was_busy = status.busy
        status.busy_runs[key] = node
        if not was_busy:
            node.app.notify(t(BUSY_NOTICE), severity="warning", timeout=NOTICE_SECONDS)
        _refresh_headers(node)
        return
    if status.failing.get(key) != error.message:
        status.failing[key] = error.message
        node.app.notify(error.message, severity="error", timeout=NOTICE_SECONDS)


def got_through(node: DOMNode, name: str) -> None:
    """Background run `name` of `node` ended without a DeskError: its episode, if any, is over."""
    status = database_status(node)
    key = _key(node, name)
    status.failing.pop(key, None)
    if status.busy_runs.pop(key, None) is not None:
        _refresh_headers(node)


def coming_down(node: DOMNode) -> bool:
    """`node` is leaving the app (removed, its screen closed, the app quitting): what it would show has no place.

    Textual marks every node of a removal `_pruning` before it takes their children away one by one; a worker that
    resumes in between (its thread answered) finds the screen there and its widgets gone."""
    return not node.is_attached or any(n._pruning or n._closing or n._closed for n in node.ancestors_with_self)


async def quietly(node: DOMNode, name: str, work: Callable[[], Awaitable[T]]) -> T | None:
    """Run one background `work` of `node`; a DeskError is told (see `told`) and the result is None. A widget not
    found while `node` is coming down ends the run too: the answer came back after its screen had gone."""
    try:
        result = await work()
    except NoMatches:
        if coming_down(node):
            return None
        raise
    except DeskError as error:
        if node.is_attached:
            told(node, name, error)
        return None
    if node.is_attached:
        got_through(node, name)
    return result


def while_shown(method: F) -> F:
    """A worker of a screen (a person's own save, a lookup as they type) whose answer comes back while the screen is
    coming down (the app quitting mid-save: the save is done, there is nothing left to show it on) stops quietly. A
    widget missing from a screen still shown is a bug, and still ends the app."""

    @functools.wraps(method)
    async def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except NoMatches:
            if coming_down(self):
                return None
            raise

    return run  # type: ignore[return-value]


def background(method: F) -> F:
    """A background run (a poll tick, a load worker, an autosave): a DeskError is told quietly, the app goes on and
    the next tick tries again. Put it under `@work` (and above helpers like `while_shown`)."""
    name = method.__qualname__
    if not inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        def run_sync(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, *args, **kwargs)
            except NoMatches:
                if coming_down(self):
                    return None
                raise
            except DeskError as error:
                told(self, name, error)
                return None
            got_through(self, name)
            return result

        return run_sync  # type: ignore[return-value]

    @functools.wraps(method)
    async def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        return await quietly(self, name, lambda: method(self, *args, **kwargs))

    return run  # type: ignore[return-value]


def asked(method: F) -> F:
    """A read a person asked for (Enter on a row, a key that loads something): a DeskError (the database busy) is
    shown as a notification and nothing else happens; the same key tries again. Not "will retry": no tick will."""

    @functools.wraps(method)
    async def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except DeskError as error:
            self.app.notify(error.message, severity="warning", timeout=NOTICE_SECONDS)
            return None

    return run  # type: ignore[return-value]


def still_running(node: DOMNode, group: str) -> bool:
    """A worker of `group` that `node` started has not ended yet: a poll tick skips rather than start another.

    Textual's exclusive workers cancel the one before, but a cancelled worker's database call goes on in its
    thread until the busy timeout (10 s) lets it go: a tick every second or two under a long lock would block one
    more thread each time (and the default executor has a handful: a person's own save would queue behind them),
    and no run would ever finish to say the database is busy."""
    return any(w.node is node and w.group == group and not w.is_finished for w in node.app.workers)


async def saving(node: DOMNode, work: Awaitable[T]) -> T:
    """A person's own save: its result, or its DeskError raised for the form to show. While it waits longer than
    WAIT_NOTICE_SECONDS (another terminal holds the write lock; the retry policy keeps trying), the screen says so."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=WAIT_NOTICE_SECONDS)
        if done:
            return task.result()
        status = database_status(node)
        status.waiting += 1
        _refresh_headers(node)
        node.app.notify(t(WAITING_NOTICE), severity="warning", timeout=NOTICE_SECONDS)
        try:
            return await task
        finally:
            status.waiting -= 1
            _refresh_headers(node)
    except asyncio.CancelledError:
        task.cancel()
        raise


def _refresh_headers(node: DOMNode) -> None:
    # By the header's type name: the header imports this module for `@background`, and this one need not import it.
    from textual.app import ScreenStackError  # loaded with the app already; kept off this module's import

    try:
        screen = node.app.screen
    except ScreenStackError:  # an F-key switching sections: the screen that comes draws its header anyway
        return
    for header in screen.query("DeskHeader"):
        header.refresh()
