"""Start-up imports only what paints the sign-in screen (issue 11: start-up to sign-in painted <= 1.3x a bare Textual
app, bench/startup.py).

The database (SQLAlchemy, the models, the services), the CLI (Typer), the section screens and their widgets, the
report and spreadsheet libraries are imported after the first frame: the database in the app's opening worker, a
section's screen when it is first opened (deskui.sections). Each deferral has its guard here, in a fresh interpreter:
importing `deskui.app`, and the whole launch (`deskui` → deskui/__main__.py → the app) up to the first refresh.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DEFERRED = {
    # The database: opened in the app's worker after the first frame.
    "sqlalchemy": "SQLAlchemy",
    "sqlmodel": "SQLModel",
    "alembic": "Alembic (migrations)",
    "deskui.core.db": "the database module",
    "deskui.models": "the models",
    "deskui.services": "the services",
    "deskui.core.retry": "the database retry rules (sqlite3); widgets.background imports them when a run fails",
    "sqlite3": "the sqlite3 module (core.retry)",
    # The CLI: the launcher goes straight to the app when only app options are given.
    "typer": "Typer",
    "click": "Click",
    "deskui.cli": "the CLI",
    "deskui.commands": "the CLI's commands",
    # Section screens and what only they use: imported when the section is first opened.
    "deskui.screens.home": "the home screen",
    "deskui.screens.calls": "the calls screen",
    "deskui.screens.tickets": "the tickets screens",
    "deskui.screens.handover": "the handover screens",
    "deskui.screens.directory": "the directory screen",
    "deskui.screens.reports": "the reports screen",
    "deskui.screens.help": "the help screen",
    "deskui.widgets.header": "the signed-in header",
    "deskui.widgets.table": "the tables",
    "deskui.widgets.report_charts": "the report charts",
    "deskui.widgets.ticket_text": "the ticket texts",
    "textual.widgets._data_table": "Textual's DataTable",
    "textual_plotext": "the chart widget",
    "plotext": "plotext",
    "openpyxl": "openpyxl",
    "reportlab": "reportlab (the printed work order, issue 14)",
    # The Traditional catalogs are generated files (deskui.core.traditional): OpenCC converts only a label a site
    # configured itself, when it is first shown.
    "opencc": "OpenCC (issue 12: the zh-HK and zh-TW catalogs are generated, not converted at start-up)",
    # Exports only: core.safetext imports json in dumps().
    "json": "json (core.safetext.dumps)",
}

# Run in a fresh interpreter: `argv[1]` the deferred modules, comma-separated; prints those that were loaded.
PRELUDE = """
import sys
DEFERRED = sys.argv[1].split(",")

def report(names):
    print("LOADED", ",".join(m for m in DEFERRED if any(n == m or n.startswith(m + ".") for n in names)))
"""

IMPORT_APP = (
    PRELUDE
    + """
import deskui.app
report(list(sys.modules))
"""
)

# The launcher as `deskui --db FILE` runs it, headless, stopped where the app would open the database: after the
# first refresh (DeskApp.on_mount: call_after_refresh(open_services)). What is loaded then is what the first frame
# cost.
LAUNCH = (
    PRELUDE
    + """
from textual.app import App
from deskui.app import DeskApp

loaded = []

def stop(self):
    loaded.extend(sys.modules)
    self.exit()

DeskApp.open_services = stop
DeskApp.run = lambda self: App.run(self, headless=True, size=(120, 40))
sys.argv = ["deskui", "--db", sys.argv[2]]
from deskui.__main__ import main
main()
assert loaded, "the app never reached its first refresh"
report(loaded)
"""
)


def run(code: str, *args: str, language: str = "zh-CN") -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_")} | {"DESKUI_LANG": language}
    proc = subprocess.run(
        [sys.executable, "-c", code, ",".join(DEFERRED), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("LOADED"))
    return [name for name in line.removeprefix("LOADED").strip().split(",") if name]


def test_importing_the_app_loads_nothing_deferred() -> None:
    loaded = run(IMPORT_APP)
    assert loaded == [], "imported with deskui.app: " + "; ".join(f"{m} ({DEFERRED[m]})" for m in loaded)


@pytest.mark.parametrize("language", ["zh-CN", "zh-HK"])
def test_the_launch_to_the_first_frame_loads_nothing_deferred(tmp_path: Path, language: str) -> None:
    db = tmp_path / "desk.db"
    db.touch()  # the launcher refuses a missing file; the database itself is never opened here
    loaded = run(LAUNCH, str(db), language=language)
    assert loaded == [], "imported before the first frame: " + "; ".join(f"{m} ({DEFERRED[m]})" for m in loaded)
