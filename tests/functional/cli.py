"""`deskui ARGS` in-process, for the CLI tests: one helper instead of a copy in every test file.

`deskui.cli.run` always leaves through SystemExit; what a test looks at is the exit code, stdout and stderr, as a
`Result`. A test file's `cli` fixture is `cli_runner(capsys, db_path)` (after making the database, as `deskui init`
would, when its commands need one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from deskui.cli import run


@dataclass
class Result:
    code: int
    out: str
    err: str


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """`deskui ARGS`: its exit code (SystemExit(None) is 0, anything else that is not a number 1), stdout, stderr."""
    with pytest.raises(SystemExit) as exc:
        run(list(args))
    captured = capsys.readouterr()
    code = exc.value.code
    return Result(code if isinstance(code, int) else (0 if code is None else 1), captured.out, captured.err)


def cli_runner(capsys: pytest.CaptureFixture[str], db: Path | str | None = None) -> Callable[..., Result]:
    """A `cli(*args, lang="en")` that runs `deskui --lang LANG [--db DB] ARGS`."""

    def cli(*args: str, lang: str = "en") -> Result:
        database = ("--db", str(db)) if db is not None else ()
        return invoke(capsys, "--lang", lang, *database, *args)

    return cli


def scripted_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI as a script on a desk machine runs it: none of the runner's DESKUI_* settings, and not as the
    machine's administrator (CI runs as root, which may act without an operator; a desk does not)."""
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG", "DESKUI_PIN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("deskui.services.common.masking.is_local_admin", lambda: False)


def as_operator(operators: tuple[tuple[str, str, str], ...], name: str) -> tuple[str, ...]:
    """`--operator NAME --pin PIN` for one of the (name, role, PIN) operators a test file made."""
    pin = {n: p for n, _, p in operators}[name]
    return ("--operator", name, "--pin", pin)
