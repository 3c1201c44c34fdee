"""`make bench`: run every bench/*.py (except this file) in its own process with this Python; print their output.

Each benchmark prints its figures and, for each target, one line with the ratio, "(target <= X)" and PASS or FAIL,
and exits 1 when it missed a target. This runner shows their output as it comes, then every target line again in one
summary, and exits non-zero only when a target was missed or a benchmark could not measure at all (it crashed, or
exited non-zero without a FAIL line: its ratios are unknown, which is not a pass either). The two are told apart.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: Path) -> tuple[int, list[str]]:
    """Run `script`, echoing its output line by line; its exit code and the lines that state a target."""
    proc = subprocess.Popen(
        [sys.executable, "-u", str(script)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert proc.stdout is not None
    targets: list[str] = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        if "(target" in line:
            targets.append(line.strip())
    return proc.wait(), targets


def main() -> int:
    summary: list[str] = []
    missed: list[str] = []
    broken: list[str] = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        code, targets = run(script)
        summary.extend(f"{script.name}: {line}" for line in targets)
        if any("FAIL" in line for line in targets):
            missed.append(script.name)
        elif code != 0:
            broken.append(f"{script.name} (exit {code})")
            summary.append(f"{script.name}: no result (exit {code})")
        print(flush=True)
    print("== summary: every target")
    for line in summary:
        print(f"  {line}")
    if missed:
        print("benchmarks below target: " + ", ".join(missed))
    if broken:
        print("benchmarks that did not finish their measurement: " + ", ".join(broken))
    if missed or broken:
        return 1
    print("all benchmarks met their targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
