"""When a screen has settled: the work it started for what it shows (loads, lookups) has ended and was applied.

A screen's worker methods whose results change the picture carry `@settles`, outermost (above `@work`): from the
moment such work is asked for until it ends (done, failed, or cancelled by a newer one of its group) the screen is
not settled. `await settled(screen)` returns when none is left. Work is asked for by message handlers (a key's
Changed message starts a lookup), so a caller that wants the picture lets the queued messages be handled first
and looks again afterwards (tests/snapshots/conftest.py `settle`). Snapshots and tests wait on this, not on time.
It lives with the widgets, below the screens, because the header's duty line is counted work as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

W = TypeVar("W", bound=Callable[..., Worker[Any]])

_PENDING = "_settling_workers"


def settles(method: W) -> W:
    """Count each worker `method` starts until it ends (put it above `@work`)."""

    @functools.wraps(method)
    def start(self: DOMNode, *args: Any, **kwargs: Any) -> Worker[Any]:
        worker = method(self, *args, **kwargs)
        pending: list[Worker[Any]] = [w for w in getattr(self, _PENDING, ()) if not w.is_finished]
        pending.append(worker)
        setattr(self, _PENDING, pending)
        return worker

    return start  # type: ignore[return-value]


def unsettled(node: DOMNode) -> list[Worker[Any]]:
    """The counted workers of `node` and of the widgets in it (the header's duty line) still running."""
    return [w for n in node.walk_children(with_self=True) for w in getattr(n, _PENDING, ()) if not w.is_finished]


async def settled(node: DOMNode) -> None:
    """Return once every counted worker of `node` and its widgets, those started meanwhile included, has ended."""
    while pending := unsettled(node):
        for worker in pending:
            with contextlib.suppress(Exception):  # failed or cancelled ends it as well
                await worker.wait()
        await asyncio.sleep(0)
