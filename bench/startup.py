"""Start-up: process start to the sign-in screen painted, on a real pty, against a bare Textual app.

Both programs run interleaved in one session, each at least 10 times; the medians are compared.
Target (foundation issue): deskui / bare Textual ≤ 1.3×.
Also printed, for information: time until the operator list is filled (the database opened in a thread).
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


def time_until(argv: list[str], markers: list[bytes], env: dict[str, str], timeout: float = 20.0) -> list[float]:
    """Seconds from spawning `argv` on a pty until each marker has appeared in its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    found: list[float] = []
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
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    if len(found) < len(markers):
        raise SystemExit(f"{argv[-1]!r}: marker {markers[len(found)]!r} not seen within {timeout}s")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        env = {**os.environ, "TERM": "xterm-256color", "DESKUI_DB": str(db), "DESKUI_LANG": "en"}
        env.pop("DESKUI_CONFIG", None)
        subprocess.run([python, "-m", "deskui", "demo", "--quiet"], env=env, check=True, capture_output=True)
        bare_file = Path(tmp) / "bare.py"
        bare_file.write_text(BARE_APP)
        bare, desk, listed = [], [], []
        # One warm-up each so both start from a warm file cache.
        time_until([python, str(bare_file)], [b"Sign in"], env)
        time_until([python, "-m", "deskui"], [b"Sign in"], env)
        for _ in range(args.runs):
            bare.append(time_until([python, str(bare_file)], [b"Sign in"], env)[0])
            painted, operators = time_until([python, "-m", "deskui"], [b"Sign in", "王芳".encode()], env)
            desk.append(painted)
            listed.append(operators)
    b, d, o = statistics.median(bare), statistics.median(desk), statistics.median(listed)
    ratio = d / b
    print(f"startup: bare Textual {b * 1000:.0f} ms, deskui sign-in painted {d * 1000:.0f} ms (median of {args.runs})")
    print(f"startup: ratio {ratio:.2f}x (target <= {TARGET}x) {'PASS' if ratio <= TARGET else 'FAIL'}")
    print(f"startup: operators listed after {o * 1000:.0f} ms (database opened and upgraded in a thread)")


if __name__ == "__main__":
    main()
