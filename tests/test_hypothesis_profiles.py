"""Hypothesis runs reproducibly by default, CI or not, and explores freely when asked by hand (the profiles in
tests/conftest.py). Stop 20's CI ran without a CI variable: a default that depended on it drew random examples there.

Each case runs a tiny property test in a new process with tests/conftest.py imported, as pytest would, and reads
which profile was loaded and which examples were tried.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json
import tests.conftest  # loads the profile, as pytest does before importing any test module
from hypothesis import given, settings, strategies as st

seen = []

@settings(max_examples=30)
@given(st.integers())
def probe(n):
    seen.append(n)

probe()
current = settings()
print(json.dumps({
    "profile": settings.get_current_profile_name(),
    "derandomize": current.derandomize,
    "deadline": current.deadline,
    "database": str(getattr(current.database, "path", current.database)),
    "seen": seen,
}))
"""


def run_probe(**env: str) -> dict:  # type: ignore[type-arg]
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    environ.update(env)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("env", [{}, {"CI": "true"}], ids=["no CI variable", "CI=true"])
def test_reproducible_by_default(env: dict[str, str]) -> None:
    first, second = run_probe(**env), run_probe(**env)
    assert first["profile"] == "ci" and first["derandomize"] is True and first["deadline"] is None
    assert first["seen"] == second["seen"]  # the same examples every run


def test_by_hand_explores_and_keeps_failures() -> None:
    first, second = run_probe(HYPOTHESIS_PROFILE="dev"), run_probe(HYPOTHESIS_PROFILE="dev")
    assert first["profile"] == "dev" and first["derandomize"] is False and first["deadline"] is None
    assert first["database"] == str(ROOT / ".hypothesis" / "examples")
    assert first["seen"] != second["seen"]  # new examples each run (30 random integers twice alike: never)


@pytest.mark.parametrize("env", [{"HYPOTHESIS_PROFILE": "ci"}, {"CI": "true", "HYPOTHESIS_PROFILE": "dev"}])
def test_profile_named_by_hand_wins(env: dict[str, str]) -> None:
    assert run_probe(**env)["profile"] == env["HYPOTHESIS_PROFILE"]
