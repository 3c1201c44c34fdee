"""What opening a desk costs as its database grows (issue 11): a big database against one of 100 calls.

Every open used to read the whole file (`PRAGMA quick_check`: 8.1 s at a million calls), so every CLI call from a
script, every second terminal and every start of the app grew with the years of data. Printed, from one run, each
side timed interleaved and compared by median:
  (a) `deskui calls list --limit 20`, big ÷ 100 calls                                   ≤ 1.2
  (b) `deskui calls list --limit 20` with 100 calls ÷ `python -c "import typer"`        reported (aim ≤ 3)
  (c) launch to the home screen usable, the PIN typed at once, on a pty, big ÷ 100       ≤ 1.2
  (d) peak RSS of the app in (c), big ÷ 100                                              ≤ 1.5

Usage: .venv/bin/python bench/open_cost.py [--calls N] [--big-db PATH] [--runs N]
`make bench` builds a database of --calls calls (default 100,000; env DESKUI_BENCH_CALLS) in a temp dir. The
issue's figure is a million: build it once with `--calls 1000000 --keep /tmp/deskui-1m.db` (about 1.4 GB, a quarter
of an hour of CPU), then reuse it with `--big-db /tmp/deskui-1m.db`. A database given with --big-db is only read
(the app's sign-in writes nothing to it but the operator's sign-in record).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import select
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tty
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _ratio import verdict  # bench/_ratio.py, beside this file (the script's folder is on sys.path)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PIN = b"1111\r"  # the first demo operator (王芳), selected when the sign-in screen opens
HOME_MARKER = b"Choose a section"  # deskui/screens/home.py's greeting, in English
SMALL_CALLS = 100


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESKUI_", "_DESKUI"))}
    env.update(DESKUI_DB=str(db), DESKUI_LANG="en", TERM="xterm-256color", COLUMNS="120", LINES="40")
    return env


def call_count(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM call").fetchone()[0])
    finally:
        con.close()


def make_desk(db: Path, calls: int) -> None:
    """The demo property, then synthetic calls (bench/calls.py's generator) up to `calls` in all."""
    sys.path.insert(0, str(HERE))
    import calls as generator  # bench/calls.py

    from deskui.core.clock import Clock
    from deskui.core.config import load_settings
    from deskui.services import open_services

    subprocess.run([sys.executable, "-m", "deskui", "demo", "--quiet"], env=env_for(db), check=True)
    missing = calls - call_count(db)
    services = open_services(load_settings(database_url=str(db), language="en", environ={}), Clock())
    rng = random.Random(20261203)
    end = datetime.now(UTC) - timedelta(hours=1)
    started = time.perf_counter()
    for done in range(0, max(missing, 0), 100_000):
        batch = min(100_000, missing - done)
        # Oldest first, so the newest calls are the demo's own and the last batch's.
        generator.build(services.calls, generator.synthetic(rng, batch, end - timedelta(minutes=3 * (missing - done))))
        if missing > 100_000:
            print(f"  built {done + batch:,} of {missing:,} calls in {time.perf_counter() - started:.0f} s", flush=True)
    services.close()


def timed_run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def launch(db: Path, timeout: float = 120.0) -> tuple[float, int]:
    """Seconds from spawning `deskui` on a pty, the PIN typed at once, until the home screen is painted; and the
    app's peak RSS in KiB (wait4's ru_maxrss, the process killed once home was seen)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    tty.setraw(slave)  # as a terminal emulator's keys arrive once the app runs: Enter is \r, not a cooked \n
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskui"], stdin=slave, stdout=slave, stderr=slave, env=env_for(db), close_fds=True
    )
    os.close(slave)
    os.write(master, PIN)  # typed ahead: the key queue delivers it once the sign-in screen can take it
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if HOME_MARKER in seen:
                    elapsed = time.perf_counter() - start
                    break
    finally:
        proc.kill()
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = -9
        os.close(master)
    if elapsed is None:
        tail = seen[-600:].decode("utf-8", "replace")
        raise SystemExit(f"{db}: the home screen did not appear within {timeout}s; the output ended:\n{tail}")
    return elapsed, int(usage.ru_maxrss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=int(os.environ.get("DESKUI_BENCH_CALLS", 100_000)))
    parser.add_argument("--big-db", type=Path, help="an existing desk database (demo operators) to use as the big one")
    parser.add_argument("--keep", type=Path, help="build the big database here and keep it (for --big-db later)")
    parser.add_argument("--runs", type=int, default=7, help="runs of each side, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskui-bench-open-") as tmpdir:
        tmp = Path(tmpdir)
        small = tmp / "small.db"
        make_desk(small, SMALL_CALLS)
        if args.big_db is not None:
            big = args.big_db
        else:
            big = args.keep or tmp / "big.db"
            if big.exists():
                raise SystemExit(f"{big} exists; pass it with --big-db to reuse it")
            started = time.perf_counter()
            make_desk(big, args.calls)
            print(f"built {args.calls:,} calls in {time.perf_counter() - started:.0f} s")
        n_big, n_small = call_count(big), call_count(small)
        size = big.stat().st_size / 1e6
        print(f"big: {n_big:,} calls ({size:,.0f} MB); small: {n_small} calls; {args.runs} interleaved runs each")

        cli = [sys.executable, "-m", "deskui", "calls", "list", "--limit", "20"]
        typer_only = [sys.executable, "-c", "import typer"]
        for db in (small, big):  # warm the page cache and the .pyc files: every run below is a warm one
            timed_run(cli, env_for(db))
        list_small: list[float] = []
        list_big: list[float] = []
        bare: list[float] = []
        for i in range(args.runs):
            order = [(list_small, small), (list_big, big)]
            for samples, db in order if i % 2 == 0 else order[::-1]:
                samples.append(timed_run(cli, env_for(db)))
            bare.append(timed_run(typer_only, env_for(small)))
        ls, lb, tb = (statistics.median(x) for x in (list_small, list_big, bare))
        print(
            f"(a, b) calls list --limit 20: {ls * 1000:.0f} ms small, {lb * 1000:.0f} ms big; import typer {tb * 1000:.0f} ms"
        )
        results = [
            verdict("calls list big / small", lb / ls, 1.2),
            verdict("calls list small / import typer", ls / tb, None, aim=3),
        ]

        launch(small)
        launch(big)
        up_small: list[float] = []
        up_big: list[float] = []
        rss_small: list[int] = []
        rss_big: list[int] = []
        for i in range(args.runs):
            order = [(up_small, rss_small, small), (up_big, rss_big, big)]
            for times, rss, db in order if i % 2 == 0 else order[::-1]:
                seconds, peak = launch(db)
                times.append(seconds)
                rss.append(peak)
        us, ub = statistics.median(up_small), statistics.median(up_big)
        rs, rb = statistics.median(rss_small), statistics.median(rss_big)
        print(f"(c) launch to home, PIN typed at once: {us * 1000:.0f} ms small, {ub * 1000:.0f} ms big")
        print(f"(d) peak RSS of the app: {rs / 1024:.1f} MiB small, {rb / 1024:.1f} MiB big")
        results.append(verdict("launch to home big / small", ub / us, 1.2))
        results.append(verdict("peak RSS big / small", rb / rs, 1.5))
        if args.keep is not None and args.big_db is None:
            print(f"kept {big}: reuse it with --big-db {big}")
    print(f"open_cost: {sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
