"""`make bench`: run every bench/*.py (except this file) in its own process with this Python; print their output.

Each benchmark prints its own ratios with PASS/FAIL; this runner only reports which ones failed to meet a target
(non-zero exit) and exits non-zero if any did.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed: list[str] = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        if code != 0:
            failed.append(script.name)
        print(flush=True)
    if failed:
        print("benchmarks below target: " + ", ".join(failed))
        return 1
    print("all benchmarks met their targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
