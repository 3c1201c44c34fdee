"""The real deskui on a pseudo-terminal, read through a terminal emulator (pyte), driven by the bytes a terminal sends.

- `Desk` starts `tests/e2e/launch.py` (the installed deskui with a settable clock) on a pty of a fixed size, feeds
  every byte it writes into a `pyte` screen, and types keys either one by one with seeded 20–120 ms gaps or a whole
  step in one `os.write` (`burst`).
- Every wait is for text on the emulated screen (or for the process to end); the timeout only bounds a failure, and
  the failure message carries the screen as it was.
- `Clock` moves the desk's time (see launch.py); `cli_json` reads the database through deskui's own CLI.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import random
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = Path(__file__).with_name("launch.py")
WAIT_SECONDS = 60.0  # an upper bound for a loaded machine working through a burst of keys; a pass never waits it out


class Key(bytes):
    """A key that is not text: its bytes as xterm sends them."""


TAB = Key(b"\t")
SHIFT_TAB = Key(b"\x1b[Z")
ENTER = Key(b"\r")
ESC = Key(b"\x1b")
BACKSPACE = Key(b"\x7f")
SPACE = Key(b" ")
UP, DOWN, RIGHT, LEFT = Key(b"\x1b[A"), Key(b"\x1b[B"), Key(b"\x1b[C"), Key(b"\x1b[D")
F1, F2, F3, F4 = Key(b"\x1bOP"), Key(b"\x1bOQ"), Key(b"\x1bOR"), Key(b"\x1bOS")
F5, F6, F7, F9 = Key(b"\x1b[15~"), Key(b"\x1b[17~"), Key(b"\x1b[18~"), Key(b"\x1b[20~")


def ctrl(letter: str) -> Key:
    return Key(bytes([ord(letter.lower()) - ord("a") + 1]))


Keys = Sequence[str | Key]


def key_bytes(keys: Keys) -> list[bytes]:
    """Each key press as the bytes of one write: text one character (UTF-8) at a time."""
    out: list[bytes] = []
    for item in keys:
        if isinstance(item, Key):
            out.append(bytes(item))
        else:
            out.extend(ch.encode() for ch in item)
    return out


class Clock:
    """The desk's clock for launch.py: a UTC time that runs on at normal speed from the moment it is set."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self, moment: datetime) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(f"{moment.isoformat()} {time.time()}", encoding="ascii")
        os.replace(tmp, self.path)


def child_env(db: Path, clock: Clock, lang: str) -> dict[str, str]:
    # COLUMNS / LINES (pytest-xdist's workers may have them) would override the pty's size.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_") and k not in ("COLUMNS", "LINES")}
    env.update(
        DESKUI_DB=str(db),
        DESKUI_E2E_CLOCK=str(clock.path),
        DESKUI_LANG=lang,
        TERM="xterm-256color",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    env.pop("NO_COLOR", None)
    return env


def cli(db: Path, clock: Clock, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`deskui ARGS` (in English) on the scenario's database and clock."""
    result = subprocess.run(
        [sys.executable, str(LAUNCH), "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(db, clock, "en"),
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"deskui {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def cli_json(db: Path, clock: Clock, *args: str) -> object:
    return json.loads(cli(db, clock, *args).stdout)


def cli_batch(db: Path, clock: Clock, commands: Sequence[Sequence[str]]) -> list[dict[str, object]]:
    """Several `deskui --lang en ARGS` in one process (see launch.py --batch): [{code, stdout, stderr}]."""
    result = subprocess.run(
        [sys.executable, str(LAUNCH), "--batch"],
        input=json.dumps([["--lang", "en", *args] for args in commands]),
        capture_output=True,
        text=True,
        timeout=300,
        env=child_env(db, clock, "en"),
    )
    if result.returncode != 0:
        raise AssertionError(f"deskui --batch failed ({result.returncode}):\n{result.stderr}")
    answers = json.loads(result.stdout)
    assert isinstance(answers, list)
    return answers


class Gone(AssertionError):
    """The program ended while a screen text was awaited."""


@dataclass
class Typing:
    mode: str  # "gaps" or "burst"
    rng: random.Random

    def gap(self) -> float:
        return self.rng.uniform(0.020, 0.120)


SYNC_QUERY = b"\x1b[?2026$p"  # DECRQM: does the terminal support synchronized output?
SYNC_START = b"\x1b[?2026h"  # a frame begins: a terminal that supports it shows nothing of it yet
SYNC_END = b"\x1b[?2026l"  # the frame is complete


SYNC_ANSWER = b"\x1b[?2026;2$y"  # DECRPM: supported, currently off


class Terminal:
    """The emulated terminal: every byte the program writes, on a pyte screen, shown a whole frame at a time.

    Like a terminal that supports synchronized output, it answers Textual's query that it does, and then holds the
    bytes of a frame (between SYNC_START and SYNC_END) until the frame is complete: a wait never sees a screen that
    is half the old frame and half the new one, however the program's writes were cut into reads.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.held = b""  # an unfinished frame, or the start of a marker cut by a read
        self.seen = b""  # the end of what came before, to find a query cut by a read
        self.answered = False

    def feed(self, data: bytes) -> bytes:
        """Take what the program wrote; returns what the terminal answers (written back to the program)."""
        answer = b""
        recent = self.seen + data
        if not self.answered and SYNC_QUERY in recent:
            self.answered = True
            answer = SYNC_ANSWER
        self.seen = recent[-len(SYNC_QUERY) :]
        pending = self.held + data
        start, end = pending.rfind(SYNC_START), pending.rfind(SYNC_END)
        # A frame begun and not finished: show what came before it; else all but a marker's start cut by the read.
        cut = start if start > end else len(pending) - _marker_prefix(pending)
        self.stream.feed(pending[:cut])
        self.held = pending[cut:]
        return answer

    def text(self) -> str:
        """The screen as text; the second cell of a wide (CJK) character holds "" and adds nothing."""
        cols, buffer = self.screen.columns, self.screen.buffer
        return "\n".join("".join(buffer[y][x].data for x in range(cols)).rstrip() for y in range(self.screen.lines))


def _marker_prefix(data: bytes) -> int:
    """How many bytes at the end of `data` could begin a frame marker the next read completes."""
    for size in range(min(len(SYNC_START) - 1, len(data)), 0, -1):
        tail = data[-size:]
        if SYNC_START.startswith(tail) or SYNC_END.startswith(tail):
            return size
    return 0


class Desk:
    """deskui on a pty, its output kept on a pyte screen."""

    def __init__(self, db: Path, clock: Clock, lang: str, size: tuple[int, int], typing: Typing) -> None:
        self.db, self.clock, self.lang, self.size, self.typing = db, clock, lang, size, typing
        self.proc: subprocess.Popen[bytes] | None = None
        self.master = -1
        self.log: list[str] = []
        self.start()

    # --- process ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        cols, rows = self.size
        self.terminal = Terminal(cols, rows)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, str(LAUNCH), "--lang", self.lang],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env(self.db, self.clock, self.lang),
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master = master
        self.raw = b""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pump(self, timeout: float) -> None:
        """Read what the program wrote (within `timeout`) into the screen."""
        if self.master < 0:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # the program is gone and the pty with it
            data = b""
        if not data:
            os.close(self.master)
            self.master = -1
            return
        self.raw = (self.raw + data)[-200_000:]
        answer = self.terminal.feed(data)
        if answer:
            os.write(self.master, answer)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        if self.master >= 0:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = -1

    def quit(self) -> int:
        """Ctrl+Q and wait for the program to end by itself."""
        self.send([ctrl("q")], mode="gaps")
        return self.wait_exit()

    def wait_exit(self, timeout: float = WAIT_SECONDS) -> int:
        assert self.proc is not None
        end = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > end:
                raise AssertionError("deskui did not exit\n" + self.text())
            self.pump(0.05)
        self.pump(0.05)
        return self.proc.returncode

    # --- the screen -------------------------------------------------------------------------------------------

    def text(self) -> str:
        """The screen as the last complete frame left it."""
        return self.terminal.text()

    def crash_output(self) -> str:
        """The end of what the program wrote (a traceback lands here after it left the alternate screen)."""
        tail = self.raw[-6000:].decode("utf-8", "replace")
        return re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", "", tail)

    def wait(self, *texts: str, timeout: float = WAIT_SECONDS, gone: bool = False) -> str:
        """Until every text is on the screen (or, with gone, none is); returns the screen."""
        end = time.monotonic() + timeout
        while True:
            screen = self.text()
            present = [t in screen for t in texts]
            if (not any(present)) if gone else all(present):
                self.log.append(f"  {'gone' if gone else 'saw'} {texts!r} | {screen.splitlines()[0] if screen else ''}")
                return screen
            if not self.alive() and self.master < 0:
                raise Gone(
                    f"deskui ended ({self.proc.returncode if self.proc else '?'}) waiting for {texts!r}:\n"
                    + self.crash_output()
                )
            if time.monotonic() > end:
                what = "to go" if gone else "to appear"
                missing = [t for t, p in zip(texts, present, strict=True) if p == gone]
                raise AssertionError(f"waited {timeout:.0f}s for {missing!r} {what}; the screen:\n{screen}")
            self.pump(0.05)

    def wait_re(
        self, pattern: str, timeout: float = WAIT_SECONDS, accept: Callable[[re.Match[str]], bool] | None = None
    ) -> re.Match[str]:
        """Until the pattern matches on the screen (a match `accept` agrees with); returns the match."""
        end = time.monotonic() + timeout
        while True:
            screen = self.text()
            for found in re.finditer(pattern, screen):
                if accept is None or accept(found):
                    self.log.append(f"  saw /{pattern}/ {found.group(0)!r} | {screen.splitlines()[0]}")
                    return found
            if not self.alive() and self.master < 0:
                raise Gone(f"deskui ended waiting for /{pattern}/:\n" + self.crash_output())
            if time.monotonic() > end:
                raise AssertionError(f"waited {timeout:.0f}s for /{pattern}/; the screen:\n{screen}")
            self.pump(0.05)

    # --- typing -----------------------------------------------------------------------------------------------

    def send(self, keys: Keys, mode: str | None = None) -> None:
        """Type: in gaps mode one key per write with a seeded pause; in burst mode every key in one write."""
        mode = mode or self.typing.mode
        presses = key_bytes(keys)
        self.log.append(f"{mode}: {keys!r}")
        if mode == "burst":
            os.write(self.master, b"".join(presses))
            self.pump(0)
            return
        for press in presses:
            os.write(self.master, press)
            end = time.monotonic() + self.typing.gap()
            while (left := end - time.monotonic()) > 0:
                self.pump(left)  # the gap between two keys, reading the screen meanwhile

    def step(self, keys: Keys, *expect: str, mode: str | None = None, timeout: float = WAIT_SECONDS) -> str:
        """Type a step's keys, then wait until the screen shows every expected text."""
        self.send(keys, mode)
        return self.wait(*expect, timeout=timeout) if expect else self.text()


def lines_with(screen: str, *needles: str) -> list[str]:
    return [line for line in screen.splitlines() if all(n in line for n in needles)]


def start_hogs(n: int) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen([sys.executable, "-c", "while 1: pass"], stdin=subprocess.DEVNULL, start_new_session=True)
        for _ in range(n)
    ]


def stop_hogs(hogs: Iterable[subprocess.Popen[bytes]]) -> None:
    for hog in hogs:
        hog.kill()
    for hog in hogs:
        hog.wait(10)
