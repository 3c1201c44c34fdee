"""`deskui import calls FILE` run again on the same file (issue 11): the call log is append-only, so a second run
must not double it. The import refuses a file whose rows are already in the log, naming the first such row and how
many match, and writes nothing; `--allow-duplicates` is for the rare real case of two identical calls.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.functional.cli import Result, cli_runner

CALLS = (
    "time,channel,caller,unit,phone,category,content\n"
    "2026-01-05 09:00,电话,张三,3-2-1201,13800138000,报修,厨房漏水\n"
    "2026-01-05 10:30,walk_in,李四,,,inquiry,问停车费\n"
    "2026-01-06 08:15,电话,,,,complaint,楼道灯不亮\n"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.core.db import open_database

    open_database(str(db_path)).dispose()  # as `deskui init` makes it: other commands never make a new file
    return cli_runner(capsys, db_path)


def listed(cli) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    result = cli("calls", "list", "--format", "json", "--limit", "100")
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = json.loads(result.out)
    return rows


def refused(result: Result) -> str:
    assert result.code == 1, result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ")
    return lines[0]


@pytest.mark.xfail(strict=True, reason="issue 11: a second import of the same file doubles the call log")
def test_importing_the_same_file_twice_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    first = cli("import", "calls", str(path))
    assert first.code == 0, first.err
    before = listed(cli)
    assert len(before) == 3

    line = refused(cli("import", "calls", str(path)))
    assert "calls.csv line 2" in line  # the first row already in the log, named as other refusals name a row
    assert "3 rows" in line  # and how many
    assert listed(cli) == before  # nothing written
