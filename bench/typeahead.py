"""Keys typed ahead: what the key queue (deskui/widgets/keyqueue.py) costs a fast typist, against Textual's own routing.

A burst of N printable keys (a call's content typed without a pause) is posted to the app at once, as a terminal
delivers it, and timed until the last one is in the field (which must then hold exactly what was typed):
- queued: the call form's content field on the Calls screen, every key through the queue (each delivered once the
  one before has settled), as deskui runs;
- routed: the same app, screen and field, the keys routed by Textual as they come (the queue bypassed: no ordering
  guarantee across focus changes, which is why deskui has the queue);
- plain, for information: a bare Textual app with one TextArea.
The judged ratio is per key, queued over routed: the queue's own cost. Dividing by the bare TextArea instead (as this
benchmark first did) also charged the queue with the Calls screen's own work per key (its change handlers, a screen
of 60-odd widgets): about a bare TextArea's on a quiet machine, 3-4x it under load, and nothing the queue decides;
that figure is printed too. Measured both ways on a quiet machine the verdict is the same: the queue is what costs
(routed 1.7 ms/key, bare 1.8, queued 61.5: 35x against 25x, 2026-12-03).
The verdict is the median of the runs' ratios (each run measures both, the order swapped every run), printed with
its spread and the absolute time per key (on a quiet machine it is what a typist feels; under load all grow).

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


async def desk_burst(settings, services, clock, n: int, *, queued: bool = True) -> float:  # type: ignore[no-untyped-def]
    from deskui.screens.calls import CallsScreen

    operator = services.operators.by_name("王芳")
    for draft in services.calls.pending_drafts(operator, form="call"):  # the last run's autosave would be restored
        services.calls.discard_draft(draft.token)
    app = make_app(settings, clock=clock, services=services)
    if not queued:  # each key routed by Textual in the app's turn as it comes, nothing waiting for it to settle
        app.keys.put = lambda event: app.call_later(app.deliver_key, event)  # type: ignore[method-assign]
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
        typed = "".join(key.character or "" for key in burst)
        if area.text != typed:
            raise SystemExit(f"typeahead: the field holds {area.text!r}, typed {typed!r}")
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        settings = load_settings(database_url=str(Path(tmp) / "desk.db"), language="en", environ={})
        services = open_services(settings, clock)
        services.operators.add("王芳", "receptionist", "1111")
        asyncio.run(plain_burst(args.keys))  # warm-up: imports, CSS
        asyncio.run(desk_burst(settings, services, clock, args.keys))
        asyncio.run(desk_burst(settings, services, clock, args.keys, queued=False))
        plain_t, routed_t, queued_t = [], [], []
        for i in range(args.runs):
            order = (True, False) if i % 2 == 0 else (False, True)
            plain_t.append(asyncio.run(plain_burst(args.keys)))
            for queued in order:
                elapsed = asyncio.run(desk_burst(settings, services, clock, args.keys, queued=queued))
                (queued_t if queued else routed_t).append(elapsed)
        services.close()
    p, r, q = (statistics.median(t) * 1000 / args.keys for t in (plain_t, routed_t, queued_t))
    pairs = [a / b for a, b in zip(queued_t, routed_t, strict=True)]  # each run's two measured side by side
    ratio = statistics.median(pairs)
    q1, _, q3 = statistics.quantiles(pairs, n=4) if len(pairs) > 1 else (ratio,) * 3
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"typeahead: {args.keys} keys typed ahead into the call content (median of {args.runs}): "
        f"routed by Textual {r:.1f} ms/key, through the key queue {q:.1f} ms/key; bare TextArea {p:.1f} ms/key"
    )
    print(
        f"typeahead: the Calls screen without the queue / bare TextArea {r / p:.1f}x, with it {q / p:.1f}x "
        f"(for information)"
    )
    print(
        f"typeahead: queue ratio {ratio:.1f}x, median of the runs' ratios (quartiles {q1:.1f}-{q3:.1f}x, range "
        f"{min(pairs):.1f}-{max(pairs):.1f}x) "
        f"(target <= {TARGET:g}x) {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
