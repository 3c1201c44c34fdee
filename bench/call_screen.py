"""The call screen's first frame with a big call log against the same screen with a small one.

Target (call-logging issue): first frame with 1,000,000 calls ≤ 1.2 × first frame with 100 calls.
"First frame" here: from switching to the Calls section until today's log is on screen (the table filled), in a
headless Textual app on the same machine, the two databases measured interleaved, median of --runs.
Two mornings are measured: calls already logged today, and a quiet morning with none yet today (the log's query
must not walk a million older calls to find that out).

Usage: .venv/bin/python bench/call_screen.py [--calls N] [--runs N]   (default --calls 200000; the issue's figure
is --calls 1000000, about 5 minutes to build).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calls import build, synthetic

from deskui.app import make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.services import open_services

TARGET = 1.2


def make_db(path: Path, n: int, last_call: datetime, clock: FrozenClock):  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=str(path), language="en", environ={})
    services = open_services(settings, clock)
    services.operators.add("王芳", "receptionist", "1111")
    build(services.calls, synthetic(random.Random(7), n, last_call))
    return settings, services


async def first_frame(settings, services, clock) -> float:  # type: ignore[no-untyped-def]
    from deskui.screens.calls import CallsScreen

    app = make_app(settings, clock=clock, services=services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.operator = services.operators.by_name("王芳")
        start = time.perf_counter()
        await app.switch_mode("calls")
        while True:
            screen = app.screen
            if isinstance(screen, CallsScreen) and screen.rows is not None and screen.log_loaded:
                break
            await pilot.pause(0.001)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for morning, offset in (("calls today", timedelta(hours=0)), ("none yet today", timedelta(hours=11))):
            # The site is in Asia/Shanghai: 02:00 UTC is 10:00 local. "None yet today" ends the log at 23:00 local.
            clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
            last = clock.now() - offset
            big = make_db(Path(tmp) / f"big{offset.seconds}.db", args.calls, last, clock)
            small = make_db(Path(tmp) / f"small{offset.seconds}.db", 100, last, clock)
            asyncio.run(first_frame(*small, clock))  # warm-up: imports, CSS
            big_t, small_t = [], []
            for _ in range(args.runs):
                small_t.append(asyncio.run(first_frame(*small, clock)))
                big_t.append(asyncio.run(first_frame(*big, clock)))
            b, s = statistics.median(big_t), statistics.median(small_t)
            ratio = b / s
            passed = ratio <= TARGET
            ok &= passed
            print(
                f"call screen, {morning}: {args.calls:,} calls {b * 1000:.0f} ms, 100 calls {s * 1000:.0f} ms, "
                f"ratio {ratio:.2f}x (target <= {TARGET}x) {'PASS' if passed else 'FAIL'}"
            )
            for _settings, services in (big, small):
                services.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
