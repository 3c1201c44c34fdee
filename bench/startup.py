"""Start-up: process start to the sign-in screen painted, on a real pty, against a bare Textual app.

Target (issue 11): deskui / bare Textual <= 1.3x, the deskui run being `python -m deskui` on a demo database.

How it is measured, so that a loaded machine does not decide the verdict:
- The two programs run in pairs, interleaved, the order swapped every pair (bare-deskui, deskui-bare, ...), so a
  slow drift in the machine's load falls on both. Each pair gives a ratio; the verdict is the median of those
  ratios, printed with its quartiles (the spread). The ratio of the two medians is printed as well.
- Both run with compiled bytecode for every module, as an installed tool does (pip compiles a wheel's modules when it
  installs it). Python's cache goes to a temporary folder (PYTHONPYCACHEPREFIX): a PYTHONDONTWRITEBYTECODE in the
  environment would otherwise make deskui compile its own sources on every start while Textual's, compiled at
  install, load from bytecode, and the ratio would measure the compiler. Warm-up runs fill that cache and the file
  cache.
- The CPU time the process had used when the frame arrived (user + system, all threads, from /proc) is printed as
  a second ratio: it does not grow with other processes' load the way wall time does.
Also printed, for information: time until the operator list is filled (the database opened in a thread).

Usage: .venv/bin/python bench/startup.py [--runs N] [--lang en|zh-CN]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

TARGET = 1.3
BARE_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App):
        def compose(self):
            yield Static("Sign in")
            yield Footer()

    Bare().run()
    """
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far, all its threads (/proc/PID/stat), 0 when unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of the line


def time_until(
    argv: list[str], markers: list[bytes], env: dict[str, str], timeout: float = 60.0
) -> tuple[list[float], float]:
    """Seconds from spawning `argv` on a pty until each marker has appeared in its output, and the CPU seconds the
    process had used when the first one appeared."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    found: list[float] = []
    cpu = 0.0
    try:
        while len(found) < len(markers) and time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                while len(found) < len(markers) and markers[len(found)] in seen:
                    found.append(time.perf_counter() - start)
                    if len(found) == 1:
                        cpu = cpu_seconds(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    if len(found) < len(markers):
        tail = seen[-600:].decode(errors="replace")
        raise SystemExit(
            f"{argv[-1]!r}: marker {markers[len(found)]!r} not seen within {timeout}s; its output ended:\n{tail}"
        )
    return found, cpu


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0],) * 3
    return q1, q2, q3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="pairs of runs (default 21)")
    parser.add_argument("--lang", default="en", help="DESKUI_LANG for the deskui runs (default en)")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        env = {**os.environ, "TERM": "xterm-256color", "DESKUI_DB": str(db), "DESKUI_LANG": args.lang}
        env.pop("DESKUI_CONFIG", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run([python, "-m", "deskui", "demo", "--quiet"], env=env, check=True, capture_output=True)
        bare_file = Path(tmp) / "bare.py"
        bare_file.write_text(BARE_APP)
        bare_argv, desk_argv = [python, str(bare_file)], [python, "-m", "deskui"]
        operator = "王芳".encode()
        for _ in range(2):  # warm-up: bytecode compiled into the cache, files in the page cache
            time_until(bare_argv, [b"Sign in"], env)
            time_until(desk_argv, [b"Sign in", operator], env)
        bare, desk, listed, ratios, bare_cpu, desk_cpu = [], [], [], [], [], []
        for i in range(args.runs):
            order = ("bare", "desk") if i % 2 == 0 else ("desk", "bare")
            pair: dict[str, float] = {}
            for which in order:
                if which == "bare":
                    (pair["bare"],), cpu = time_until(bare_argv, [b"Sign in"], env)
                    bare_cpu.append(cpu)
                else:
                    (pair["desk"], operators), cpu = time_until(desk_argv, [b"Sign in", operator], env)
                    desk_cpu.append(cpu)
                    listed.append(operators)
            bare.append(pair["bare"])
            desk.append(pair["desk"])
            ratios.append(pair["desk"] / pair["bare"])
    b, d, o = statistics.median(bare), statistics.median(desk), statistics.median(listed)
    q1, ratio, q3 = quartiles(ratios)
    spread = f"quartiles {q1:.2f}-{q3:.2f}, range {min(ratios):.2f}-{max(ratios):.2f}"
    cpu_ratio = statistics.median(desk_cpu) / statistics.median(bare_cpu) if statistics.median(bare_cpu) else 0.0
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"startup: bare Textual {b * 1000:.0f} ms, deskui sign-in painted {d * 1000:.0f} ms "
        f"(medians of {args.runs} interleaved pairs, DESKUI_LANG={args.lang})"
    )
    print(f"startup: ratio of the medians {d / b:.2f}x")
    print(
        f"startup: CPU time to the frame: bare {statistics.median(bare_cpu) * 1000:.0f} ms, deskui "
        f"{statistics.median(desk_cpu) * 1000:.0f} ms, ratio {cpu_ratio:.2f}x (for information)"
    )
    print(f"startup: operators listed after {o * 1000:.0f} ms (database opened and upgraded in a thread)")
    print(
        f"startup: sign-in painted / bare Textual {ratio:.2f}x, median of the pairs ({spread}) (target <= {TARGET}x) {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
