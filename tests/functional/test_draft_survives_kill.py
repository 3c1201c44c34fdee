"""A half-typed call survives `kill -9` of the app: the real program on a real pty, killed mid-call."""

from __future__ import annotations

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

from deskui.core.config import Settings
from deskui.services import open_services
from tests.functional.conftest import seed_desk

F3 = b"\x1bOR"


class PtyApp:
    """deskui running in a pseudo-terminal, fed keystrokes as bytes."""

    def __init__(self, db: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "DESKUI_LANG": "en"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deskui", "--db", str(db)], stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > end:
                raise AssertionError(f"{marker!r} never appeared")
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                self.seen += os.read(self.master, 65536)

    def drain(self, timeout: float) -> None:
        """Read what the program wrote: a pty nobody reads fills up, and then the program blocks on its output
        (Textual's writer queue, then the event loop) and processes no key."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            self.seen += os.read(self.master, 65536)

    def type(self, text: str | bytes, delay: float = 0.03) -> None:
        """Key by key, as fast as a quick typist (a burst of bytes would arrive as one paste)."""
        if isinstance(text, bytes):
            os.write(self.master, text)
            self.pause(delay)
            return
        for char in text:
            os.write(self.master, char.encode())
            self.pause(delay)

    def pause(self, seconds: float) -> None:
        """The gap between two keys, reading the screen meanwhile."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.drain(left)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        os.close(self.master)


def test_draft_survives_sigkill(settings: Settings, clock, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = seed_desk(open_services(settings, clock))
    services.close()
    app = PtyApp(db_path)
    try:
        app.wait_for("王芳".encode())
        app.type("1111\r")
        app.wait_for(b"F3")
        app.type(F3)
        app.wait_for(b"New call")
        app.type("13900001111\t\t\tr")  # phone, then caller, unit, category: repair
        app.type("水管爆裂 urgent [/ half typed")
        # The kill comes once the autosave (twice a second) has stored everything typed: the signal is the draft
        # itself, read from another connection, not a guess at how long a loaded machine takes to get there.
        watcher = open_services(settings)
        try:
            operator = watcher.operators.by_name("王芳")
            end = time.monotonic() + 60
            while not any(
                d.payload.get("content") == "水管爆裂 urgent [/ half typed"
                for d in watcher.calls.pending_drafts(operator, form="call")
            ):
                assert time.monotonic() < end, "the autosave never stored what was typed"
                app.drain(0.05)
        finally:
            watcher.close()
    finally:
        app.kill()
    services = open_services(settings)
    try:
        operator = services.operators.by_name("王芳")
        drafts = services.calls.pending_drafts(operator, form="call")
        assert drafts, "no draft survived the kill"
        payload = drafts[0].payload
        assert payload["phone"] == "13900001111"
        assert payload["category"] == "repair"
        assert payload["content"] == "水管爆裂 urgent [/ half typed"
        assert services.calls.list() == [], "a draft is not a saved call"
    finally:
        services.close()
