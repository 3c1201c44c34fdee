"""Reliability tests: several processes on one database, kills, backups under load, fuzzing, a state machine.

Sizes are options (environment variables), so a developer can run them small while the two cores are shared and CI
runs them at full size:

| variable | default | what |
|---|---|---|
| DESKUI_LOAD_OPS | 1000 | operations per writer process in the load and backup tests |
| DESKUI_LOAD_WRITERS | 3 | writer processes (a fourth process reads) |
| DESKUI_KILLS | 200 | SIGKILLs of a writer in the crash test |
| DESKUI_BACKUPS | 20 | backups taken (and restored) under load |
| DESKUI_FUZZ_EXAMPLES | 200 | hypothesis examples per fuzzed entry point |
| DESKUI_STATEFUL_EXAMPLES | 60 | runs of the stateful model test |

Backends: every test that takes `backend_url` runs on a SQLite file and, when DESKUI_TEST_PG is set, on a fresh
PostgreSQL database too (skipped with the reason otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def size(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A prepared desk (migrated, two operators, a few units) on each backend."""
    if request.param == "sqlite":
        url = str(tmp_path / "desk.db")
    else:
        url = str(request.getfixturevalue("pg_new_database")(empty=True))
    workload("prepare", "--db", url)
    return url


def workload(*args: str, timeout: float = 120) -> None:
    """Run tests/reliability/workload.py in a new process and wait for it (raises with its output on failure)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.workload", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
    )
    if result.returncode != 0:
        raise AssertionError(f"workload {args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("DESKUI_LANG", "en")
    return env


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.workload", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_env(),
    )


def stop_all(procs: list[subprocess.Popen[str]], timeout: float) -> list[str]:
    """Wait for every process (killing the ones still running at the deadline); their stderr, for messages."""
    import time

    deadline = time.monotonic() + timeout
    errs = []
    for p in procs:
        try:
            _, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            err = "killed at the deadline\n" + err
        errs.append(err)
    return errs


@pytest.fixture
def open_url() -> Callable[[str], object]:
    """Services on a URL (closed after the test)."""
    from deskui.core.config import load_settings
    from deskui.services import open_services

    opened: list[object] = []

    def make(url: str):  # type: ignore[no-untyped-def]
        svc = open_services(load_settings(database_url=url, language="en", environ={}))
        opened.append(svc)
        return svc

    yield make
    for svc in opened:
        svc.close()  # type: ignore[attr-defined]
