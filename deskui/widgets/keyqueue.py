"""Type-ahead that loses nothing: every key goes to the field that has focus once the key before it has settled.

Textual routes a key as the app takes it from its queue: priority bindings, else the key is posted to the focused
widget's own queue and handled there later. When that handling moves focus (Enter to the next field, a key that
opens a form, F3 switching section, F9 recomposing the screen), the keys typed meanwhile have already been routed
to the old field or to a screen not yet mounted: they land in the wrong field, or nowhere.

`KeyQueue` makes delivery sequential. The app puts each key (and paste) it receives into a FIFO and a drain task
hands them on one at a time; the app's own queue is never blocked, so screens can be pushed, switched and mounted
meanwhile. A key is delivered in the app's own turn (priority bindings, else to the focused widget, exactly as
Textual does) and the next one waits until this one has settled: the app, the screen shown and every widget on it,
and the widget the key went to with its ancestors, have processed everything queued for them, twice running, with
the same screen and focus both times (a key bubbling up to an app binding, a pushed screen's mount and auto focus,
a recompose, all finish within that). A screen that starts work the next key must wait for (a form saving) holds
the keys with `hold_keys`. Every wait is bounded, so a widget that never answers delays keys but cannot stop them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

SETTLE_SECONDS = 10.0
"""At most this long for one key to settle (a handler that hangs); the next key then goes on regardless. Opening a
section for the first time takes over 2 s on a busy 2-core machine (imports, compose), so the bound is generous:
it only ever matters when something is stuck."""
HOLD_SECONDS = 30.0
"""At most this long keys wait for a hold (a save) to be released."""
QUIET_ROUNDS = 2
"""Rounds in a row with every queue empty and nothing changed: the second covers a key bubbling up to the app
after the app's barrier of the first, and callbacks a widget runs when it falls idle."""


class KeyHold:
    """Keys wait while this is held; `release` (or leaving the `with` block) lets them go on. Releasing twice is
    harmless."""

    def __init__(self, queue: KeyQueue | None) -> None:
        self.queue = queue
        self.released = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            if self.queue is not None:
                self.queue._release(self)

    def __enter__(self) -> KeyHold:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class KeyQueue:
    def __init__(self, app: App[Any], deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.deliver = deliver
        """Routes one key as Textual would (called in the app's own turn)."""
        self.pending: deque[events.Event] = deque()
        self.holds: set[KeyHold] = set()
        self.unheld = asyncio.Event()
        self.unheld.set()
        self.idle = asyncio.Event()
        self.idle.set()
        self.task: asyncio.Task[None] | None = None
        self.settle_seconds = SETTLE_SECONDS
        """At most this long for one key to settle (tests that hold the app back on purpose raise it)."""

    # --- taking keys --------------------------------------------------------------------------------------

    def put(self, event: events.Event) -> None:
        """Queue a key or paste the app has just taken from its queue."""
        self.pending.append(event)
        self.idle.clear()
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain(), name="deskui-keyqueue")

    def hold(self) -> KeyHold:
        """Keys wait (after the current one) until the hold is released: a form saving, say."""
        hold = KeyHold(self)
        self.holds.add(hold)
        self.unheld.clear()
        return hold

    def _release(self, hold: KeyHold) -> None:
        self.holds.discard(hold)
        if not self.holds:
            self.unheld.set()

    async def settled(self) -> None:
        """Return once every key the app has received so far has been delivered and has settled."""
        while True:
            await self._barrier([self.app], SETTLE_SECONDS)  # keys still in the app's own queue reach `pending`
            if not self.pending and (self.task is None or self.task.done()):
                return
            await self.idle.wait()

    # --- delivering -----------------------------------------------------------------------------------------

    async def _drain(self) -> None:
        try:
            while self.pending and not self.app._closing:
                event = self.pending.popleft()
                target = await self._in_app_turn(event)
                await self._settle(target)
        finally:
            if not self.pending or self.app._closing:
                self.pending.clear()
                self.idle.set()
            else:  # cancelled with keys left: start again rather than strand them
                self.task = asyncio.create_task(self._drain(), name="deskui-keyqueue")

    async def _in_app_turn(self, event: events.Event) -> MessagePump | None:
        """Deliver in the app's own turn (as Textual does), and return the widget the key was sent to."""
        done = asyncio.get_running_loop().create_future()

        async def run() -> None:
            try:
                target = self.app.focused or self.app.screen
                await self.deliver(event)
            except BaseException as exc:  # the app reports its own errors; the queue goes on
                if not done.done():
                    done.set_exception(exc)
                raise
            if not done.done():
                done.set_result(target)

        if not self.app.call_later(run):
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(done), self.settle_seconds)
        except Exception:
            return None

    async def _settle(self, target: MessagePump | None) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_seconds
        quiet = 0
        while quiet < QUIET_ROUNDS and not self.app._closing:
            if self.holds:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.unheld.wait(), HOLD_SECONDS)
                if self.holds:  # a save that never ends: the keys go on rather than wait for ever
                    self.holds.clear()
                    self.unheld.set()
                deadline = loop.time() + self.settle_seconds
                quiet = 0
            left = deadline - loop.time()
            if left <= 0:
                return
            screen, focused = self._screen(), self.app.focused
            nodes = self._nodes(target)
            await self._barrier([self.app, *nodes], left)
            busy = any(node.message_queue_size for node in nodes)
            changed = self._screen() is not screen or self.app.focused is not focused
            quiet = 0 if busy or changed or self.holds else quiet + 1

    def _screen(self) -> object:
        try:
            return self.app.screen
        except Exception:
            return None

    def _nodes(self, target: MessagePump | None) -> list[MessagePump]:
        """The screen shown with everything on it, and the key's target with its ancestors (perhaps on a screen
        that has just been covered or switched away)."""
        nodes: list[MessagePump] = []
        with contextlib.suppress(Exception):
            nodes.extend(self.app.screen.walk_children(with_self=True))
        seen = {id(node) for node in nodes}
        node = target
        while node is not None and node is not self.app:
            if id(node) not in seen:
                nodes.append(node)
                seen.add(id(node))
            node = node._parent
        return nodes

    @staticmethod
    async def _barrier(nodes: list[MessagePump], timeout: float) -> None:
        """Wait until each node has processed what was in its queue when this was called (or `timeout`)."""
        loop = asyncio.get_running_loop()
        waiting: list[asyncio.Future[None]] = []
        for node in nodes:
            future: asyncio.Future[None] = loop.create_future()

            def done(future: asyncio.Future[None] = future) -> None:
                if not future.done():
                    future.set_result(None)

            if node.call_later(done):
                waiting.append(future)
        if waiting:
            await asyncio.wait(waiting, timeout=timeout)
        for future in waiting:
            future.cancel()


@contextlib.contextmanager
def hold_keys(node: MessagePump) -> Iterator[KeyHold]:
    """`with hold_keys(self):` keys typed meanwhile wait, then go on in order to whatever has focus after."""
    hold = start_hold(node)
    try:
        yield hold
    finally:
        hold.release()


def start_hold(node: MessagePump) -> KeyHold:
    """A hold released by hand (`hold.release()`), for work that ends in another task."""
    queue = getattr(node.app, "keys", None)
    if isinstance(queue, KeyQueue):
        return queue.hold()
    return KeyHold(None)  # an app without a key queue: nothing to hold
