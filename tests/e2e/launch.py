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
    import deskui.clock

    def now(self: deskui.clock.Clock) -> datetime:
        with open(path, encoding="ascii") as f:
            iso, real = f.read().split()
        return datetime.fromisoformat(iso) + timedelta(seconds=time.time() - float(real))

    deskui.clock.Clock.now = now  # type: ignore[method-assign]


def main() -> None:
    path = os.environ.get("DESKUI_E2E_CLOCK")
    if path:
        _install_clock(path)
    from deskui.__main__ import main as deskui_main

    sys.argv[0] = "deskui"
    deskui_main()


if __name__ == "__main__":
    main()
