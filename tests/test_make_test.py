"""`make test` runs both pytest runs (the rest, then the tests marked load) and fails when either failed.

The Makefile is run with VENV pointing at a stand-in whose `python` records its arguments and fails as told, and
whose `ruff`, `lint-imports` and `mypy` pass: what is checked is the recipe, not the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
case "$*" in
  *"not load"*) exit "${FAIL_REST:-0}" ;;
  *) exit "${FAIL_LOAD:-0}" ;;
esac
"""


def make_test(tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    for checker in ("ruff", "lint-imports", "mypy"):
        (bin_dir / checker).write_text("#!/bin/sh\nexit 0\n")
    for tool in ("python", "ruff", "lint-imports", "mypy"):
        (bin_dir / tool).chmod(0o755)
    for stamp in (".installed", ".installed-test"):  # newer than pyproject.toml: nothing to install
        (venv / stamp).touch()
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "test", f"VENV={venv}"],
        env={**{k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    log = bin_dir / "calls.log"
    calls = log.read_text().splitlines() if log.exists() else []
    return result.returncode, [c for c in calls if c.startswith("-m pytest")]


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.mark.parametrize(
    ("fail_rest", "fail_load", "ok"), [("0", "0", True), ("1", "0", False), ("0", "1", False), ("1", "1", False)]
)
def test_both_runs_run_and_either_fails_it(tmp_path: Path, fail_rest: str, fail_load: str, ok: bool) -> None:
    code, calls = make_test(tmp_path, FAIL_REST=fail_rest, FAIL_LOAD=fail_load)
    assert len(calls) == 2 and "not load" in calls[0] and calls[1].endswith("-m load"), calls
    assert (code == 0) is ok
