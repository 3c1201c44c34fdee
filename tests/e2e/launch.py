"""Run the installed deskui (app or CLI, same argv as `deskui`) with its clock read from a file.

The scenario plays a night, a morning handover and a day in a couple of minutes, so the desk's clock must jump
from 02:00 to 08:20 to 09:00 while the program keeps running. `DESKUI_E2E_CLOCK` names a file holding
`<UTC ISO time> <real epoch seconds when it was set>`; every `Clock.now()` reads it and lets time run on from there
at normal speed. That one method is the only thing replaced: everything else is the real program.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta


def _install_clock(path: str) -> None:
    import deskui.core.clock

    def now(self: deskui.core.clock.Clock) -> datetime:
        with open(path, encoding="ascii") as f:
            iso, real = f.read().split()
        return datetime.fromisoformat(iso) + timedelta(seconds=time.time() - float(real))

    deskui.core.clock.Clock.now = now  # type: ignore[method-assign]


def batch() -> None:
    """`launch.py --batch`: a JSON list of argument lists on stdin, each run as `deskui ARGS` in this one process
    (the CLI's own entry point, so one interpreter start-up instead of one per command); a JSON list of
    {"code", "stdout", "stderr"} on stdout."""
    import contextlib
    import io
    import json

    from deskui.cli import run

    results = []
    for argv in json.load(sys.stdin):
        out, err = io.StringIO(), io.StringIO()
        code: object = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run(argv)
            except SystemExit as exc:
                code = exc.code
        results.append(
            {"code": code if isinstance(code, int) else 1, "stdout": out.getvalue(), "stderr": err.getvalue()}
        )
    json.dump(results, sys.__stdout__)


def main() -> None:
    path = os.environ.get("DESKUI_E2E_CLOCK")
    if path:
        _install_clock(path)
    if sys.argv[1:2] == ["--batch"]:
        batch()
        return
    from deskui.__main__ import main as deskui_main

    sys.argv[0] = "deskui"
    deskui_main()


if __name__ == "__main__":
    main()
