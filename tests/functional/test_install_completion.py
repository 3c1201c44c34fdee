"""Issue 11: shell completion (Typer's). A shell asks for completions by running `deskui` with no arguments and
`_DESKUI_COMPLETE` in the environment: the bare launcher must answer instead of opening the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.cli import invoke

DESKUI = Path(sys.executable).with_name("deskui")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESKUI_", "_DESKUI", "COMP_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "share"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.update(extra)
    return env


@pytest.mark.skipif(not DESKUI.exists(), reason="deskui console script not installed next to this Python")
@pytest.mark.parametrize(
    ("words", "cword", "expected"), [("deskui cal", "1", "calls"), ("deskui calls l", "2", "list")]
)
def test_bash_completion_through_the_bare_launcher(tmp_path: Path, words: str, cword: str, expected: str) -> None:
    env = _env(tmp_path, _DESKUI_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
    done = subprocess.run(
        [str(DESKUI)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert expected in done.stdout.split(), done.stdout
    assert not (tmp_path / "share").exists()  # no database made, no settings needed to answer


def test_show_completion_prints_a_script(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer names the shell it finds above it (shellingham); under make that is sh, which it cannot complete, so the
    test says which shell asks instead of depending on who started pytest."""
    monkeypatch.setattr("typer.completion._get_shell_name", lambda: "bash")
    result = invoke(capsys, "--show-completion")
    assert result.code == 0, result.err
    assert "_DESKUI_COMPLETE" in result.out


def test_a_completion_request_is_recognised() -> None:
    from deskui.__main__ import completion_request

    assert completion_request({"_DESKUI_COMPLETE": "complete_zsh"})
    assert not completion_request({})
    assert not completion_request({"_DESKUI_COMPLETE": ""})
