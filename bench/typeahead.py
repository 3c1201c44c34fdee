"""Keys typed ahead: what the key queue (deskui/widgets/keyqueue.py) costs a fast typist, against Textual's own routing.

A burst of N printable keys (a call's content typed without a pause) is posted to the app at once, as a terminal
delivers it, and timed until the last one is in the field:
- plain: a bare Textual app with one TextArea, keys routed by Textual as they come (no ordering guarantee across
  focus changes, which is why deskui has the queue);
- deskui: the call form's content field on the Calls screen, every key through the queue (each delivered once the
  one before has settled).
The ratio is per key, deskui over plain, median of --runs, measured interleaved in one run. Target: ≤ TARGET×, and
the absolute time per key is printed too (on a quiet machine it is what a typist feels; under load both grow).

Usage: .venv/bin/python bench/typeahead.py [--keys N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from deskui.app import make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.services import open_services

TARGET = 25.0
TEXT = "Water leaking from the ceiling of the second bathroom, main valve closed "


def keys(n: int) -> list[events.Key]:
    chars = (TEXT * (n // len(TEXT) + 1))[:n]
    return [events.Key("space" if c == " " else c, c) for c in chars]


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.0005)


class Plain(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea(id="content")


async def plain_burst(n: int) -> float:
    app = Plain()
    async with app.run_test(size=(120, 40)) as pilot:
        area = app.query_one("#content", TextArea)
        area.focus()
        await pilot.pause()
        burst = keys(n)
        start = time.perf_counter()
        for key in burst:
            app.post_message(key)
        await until(lambda: len(area.text) == n)
        return time.perf_counter() - start


async def desk_burst(settings, services, clock, n: int) -> float:  # type: ignore[no-untyped-def]
    from deskui.screens.calls import CallsScreen

    operator = services.operators.by_name("王芳")
    for draft in services.calls.pending_drafts(operator, form="call"):  # the last run's autosave would be restored
        services.calls.discard_draft(draft.token)
    app = make_app(settings, clock=clock, services=services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.operator = operator
        await app.switch_mode("calls")
        await until(lambda: isinstance(app.screen, CallsScreen) and bool(app.screen.query("#call-content")))
        area = app.screen.query_one("#call-content", TextArea)
        area.focus()
        await app.keys_settled()
        await pilot.pause()
        burst = keys(n)
        start = time.perf_counter()
        for key in burst:
            app.post_message(key)
        await until(lambda: len(area.text) == n)
        elapsed = time.perf_counter() - start
        await app.keys_settled()
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        settings = load_settings(database_url=str(Path(tmp) / "desk.db"), language="en", environ={})
        services = open_services(settings, clock)
        services.operators.add("王芳", "receptionist", "1111")
        asyncio.run(plain_burst(args.keys))  # warm-up: imports, CSS
        asyncio.run(desk_burst(settings, services, clock, args.keys))
        plain_t, desk_t = [], []
        for _ in range(args.runs):
            plain_t.append(asyncio.run(plain_burst(args.keys)))
            desk_t.append(asyncio.run(desk_burst(settings, services, clock, args.keys)))
        services.close()
    p, d = statistics.median(plain_t), statistics.median(desk_t)
    ratio = d / p
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"{args.keys} keys typed ahead into the call content: plain Textual {p * 1000 / args.keys:.1f} ms/key, "
        f"deskui {d * 1000 / args.keys:.1f} ms/key, ratio {ratio:.1f}x (target <= {TARGET:g}x) {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
