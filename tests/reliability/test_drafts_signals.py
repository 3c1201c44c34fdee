"""Drafts when the program is stopped from outside: the real deskui on a pty, a call half typed, then SIGTERM, SIGHUP,
the terminal window closed (the pty's master end goes away: the kernel sends SIGHUP and reads fail), or SIGKILL.

- SIGTERM, SIGHUP, closed terminal: not one character typed (and shown) is lost, the program leaves by itself
  (exit code 0, not killed by the signal), and, where the terminal is still there, it is restored (alternate
  screen left, cursor shown, cooked mode with echo back).
- SIGKILL: at most the last second is lost (the form autosaves twice a second).

Keys are typed one by one with a pause (a burst of bytes arrives as a paste).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from deskui.core.config import Settings
from deskui.services import open_services
from tests.functional.conftest import seed_desk

pytestmark = [pytest.mark.slow, pytest.mark.load, pytest.mark.sqlite_only]

F3 = b"\x1bOR"


class Terminal:
    """deskui as the session leader of a new pseudo-terminal (its controlling terminal, as in a real window)."""

    def __init__(self, db: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.cooked = termios.tcgetattr(slave)
        env = {**os.environ, "TERM": "xterm-256color", "DESKUI_LANG": "en"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deskui", "--db", str(db)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.seen = b""
        self.open = True

    def pump(self, timeout: float = 0.05) -> None:
        if not self.open:
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # the program is gone and the pty with it
                self.seen += os.read(self.master, 65536)

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > end:
                raise AssertionError(f"{marker!r} never appeared")
            self.pump(0.1)

    def type(self, text: str | bytes, delay: float = 0.03) -> None:
        chars = [text] if isinstance(text, bytes) else [c.encode() for c in text]
        for c in chars:
            os.write(self.master, c)
            time.sleep(delay)
            self.pump(0)

    def wait_exit(self, timeout: float = 20.0) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > end:
                self.proc.kill()
                raise AssertionError("deskui did not exit after the signal")
            self.pump(0.05)
        self.pump(0.2)
        return self.proc.returncode

    def close(self) -> None:
        if self.open:
            os.close(self.master)
            self.open = False
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def start_call(settings: Settings, clock, db_path: Path) -> Terminal:  # type: ignore[no-untyped-def]
    services = seed_desk(open_services(settings, clock))
    services.close()
    term = Terminal(db_path)
    term.wait_for("王芳".encode())
    term.type("1111\r")
    term.wait_for(b"F3")
    term.type(F3)
    term.wait_for(b"New call")
    term.type("13900001111\t\t\tr")  # phone, then caller, unit, category: repair
    return term


def saved_draft(settings: Settings) -> dict[str, str]:
    services = open_services(settings)
    try:
        drafts = services.calls.pending_drafts(services.operators.by_name("王芳"), form="call")
        assert services.calls.list() == [], "a draft is not a saved call"
        return drafts[0].payload if drafts else {}
    finally:
        services.close()


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "closed terminal"])
def test_nothing_typed_is_lost_when_stopped_from_outside(settings: Settings, clock, db_path: Path, how: str) -> None:  # type: ignore[no-untyped-def]
    term = start_call(settings, clock, db_path)
    content = "水管爆裂 [/ not markup ZX7"
    try:
        term.type(content)
        term.wait_for(b"ZX7")  # on the screen: typed and shown, so it must survive
        shown_at = len(term.seen)
        if how == "closed terminal":
            os.close(term.master)
            term.open = False
        else:
            term.proc.send_signal(getattr(signal, how))
        code = term.wait_exit()
        after = term.seen[shown_at:]
        restored = termios.tcgetattr(term.master) if term.open else None
    finally:
        term.close()
    assert code == 0, f"deskui ended with {code} after {how}"
    payload = saved_draft(settings)
    assert payload.get("content") == content
    assert payload.get("phone") == "13900001111" and payload.get("category") == "repair"
    if restored is not None:
        assert b"\x1b[?1049l" in after, "the alternate screen was not left"
        assert b"\x1b[?25h" in after, "the cursor was not shown again"
        lflag = termios.ICANON | termios.ECHO
        assert restored[3] & lflag == term.cooked[3] & lflag, "the terminal was left in raw mode"


def test_sigkill_loses_at_most_the_last_second(settings: Settings, clock, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = start_call(settings, clock, db_path)
    early, late = "电梯困人 ZQ1", " 三楼 ZQ2"
    try:
        term.type(early)
        term.wait_for(b"ZQ1")
        time.sleep(1.0)  # typed more than a second before the kill: must be kept
        term.type(late)
        term.proc.send_signal(signal.SIGKILL)
        term.proc.wait(10)
    finally:
        term.close()
    content = saved_draft(settings).get("content", "")
    assert content.startswith(early), content
    assert (early + late).startswith(content)
