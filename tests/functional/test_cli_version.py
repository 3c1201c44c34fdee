"""Issue 11: `deskui --version` and `-h`, as every installed tool answers them (before any database is opened)."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.functional.cli import invoke


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "--version")
    assert result.code == 0, result.err
    assert result.out.strip() == f"deskui {version('deskui')}"


@pytest.mark.parametrize("args", [("-h",), ("calls", "-h")])
def test_h_is_help(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    result = invoke(capsys, *args)
    assert result.code == 0, result.err
    assert "Usage:" in result.out
