"""What the benchmarks share: time a side, time two or more sides interleaved, and say a ratio against its target.

A target line reads `  name: 1.23x (target <= 2.0x) PASS` (or FAIL): bench/run_all.py collects the lines holding
"(target" into its summary. Not a benchmark itself (run_all skips names starting with "_").
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def interleaved(runs: int, *sides: Callable[[], object]) -> list[list[float]]:
    """Each side timed `runs` times, one after the other in every run (a drift in the machine's load falls on all):
    the seconds of each side, in the order given."""
    samples: list[list[float]] = [[] for _ in sides]
    for _ in range(runs):
        for side, out in zip(sides, samples, strict=True):
            out.append(timed(side))
    return samples


def verdict(name: str, ratio: float, target: float | None, *, aim: float | None = None) -> bool:
    """Print the ratio against its target, PASS or FAIL, and whether it was met. No target: the ratio is reported
    (with what it aims at) and counts as met."""
    if target is None:
        print(f"  {name}: {ratio:.2f}x (reported; aim <= {aim}x)")
        return True
    ok = ratio <= target
    print(f"  {name}: {ratio:.2f}x (target <= {target}x) {'PASS' if ok else 'FAIL'}")
    return ok
