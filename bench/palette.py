"""The command palette's cost per keystroke (issue 12): the data search a typed text starts, at the demo's size and
at a large estate, against the plain way (the Directory's own search for the same text, which the desk already
pays on every keystroke there).

What a keystroke in the palette costs deskui: `deskui.screens.palette.data.found` in a thread (a ticket and a call
by number, units and residents by spelling, name and pinyin, as typed and folded to one script) plus the actions'
matching (`score` over every command's folded names, on the UI thread). Measured on the same machine, the two
databases interleaved, median of --runs per query.

Target: the palette's data search ≤ 2 × the Directory's search for the same text, at both sizes; the actions'
matching under 2 ms.

Usage: .venv/bin/python bench/palette.py [--homes N] [--runs N]   (default --homes 20000: ~50,000 residents)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.screens.palette.actions import score
from deskui.screens.palette.data import found
from deskui.services import open_services
from deskui.services.admin import demo_residents, load_demo

QUERIES = (
    "zs",
    "wang",
    "3棟2單元1201",
    "3-2-1201",
    "陳",
    "1201",
    "TS-20261201-0001",
    "20261201-0001",
    "#12",
    "13812345678",
)
TARGET = 2.0


def open_db(path: Path, homes: int):  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=str(path), language="zh-CN", environ={})
    services = open_services(settings, FrozenClock())
    load_demo(services)
    if homes:
        from deskui.services.directory import check_resident, check_unit

        rng = random.Random(12)
        people = [r.name for r in demo_residents()]
        units = [
            check_unit(f"{20 + i // 400}-{1 + i // 200 % 2}-{1 + i // 4 % 50}{1 + i % 4:02d}") for i in range(homes)
        ]
        services.directory.add_units(units)
        residents = [
            check_resident(rng.choice(people), u.key, f"139{i:08d}", "owner", "")
            for i, u in enumerate(units)
            for _ in range(rng.choice((1, 2, 3, 4)))
        ]
        services.directory.add_residents(residents)
    return services


def timed(work, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def directory_search(services, term: str) -> None:  # type: ignore[no-untyped-def]
    services.directory.search_units(term)
    services.directory.search_residents(term)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--homes", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = open_db(Path(tmp) / "demo.db", 0)
        large = open_db(Path(tmp) / "large.db", args.homes)
        sizes = {name: s.directory.counts() for name, s in (("demo", small), ("large", large))}
        print(f"residents: demo {sizes['demo'].get('residents')}, large {sizes['large'].get('residents')}")
        print(f"{'query':20} {'demo ms':>9} {'dir ms':>8} {'ratio':>6} {'large ms':>9} {'dir ms':>8} {'ratio':>6}")
        worst = 0.0
        for term in QUERIES:
            row = []
            for services in (small, large):
                palette = timed(lambda s=services, q=term: found(s, q), args.runs)
                plain = timed(lambda s=services, q=term: directory_search(s, q), args.runs)
                row += [palette, plain, palette / plain]
                worst = max(worst, palette / plain)
            print(f"{term:20} {row[0]:9.2f} {row[1]:8.2f} {row[2]:6.2f} {row[3]:9.2f} {row[4]:8.2f} {row[5]:6.2f}")
        words = [(f"命令{i}", f"command {i}", "主题 配色 颜色") for i in range(120)]
        actions = timed(lambda: [score("回访", w) for w in words], args.runs)
        print(f"actions' matching, 120 commands: {actions:.3f} ms")
        print(f"worst ratio palette / directory: {worst:.2f} (target ≤ {TARGET})")
        small.close()
        large.close()


if __name__ == "__main__":
    main()
