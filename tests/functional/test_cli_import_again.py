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


def test_importing_the_same_file_twice_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    first = cli("import", "calls", str(path))
    assert first.code == 0, first.err
    before = listed(cli)
    assert len(before) == 3

    line = refused(cli("import", "calls", str(path)))
    assert "calls.csv line 2" in line  # the first row already in the log, named as other refusals name a row
    assert "3 of the file's 3 rows" in line  # and how many
    assert listed(cli) == before  # nothing written


def test_a_file_overlapping_the_log_names_its_first_stored_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "calls.csv"
    first.write_text(CALLS, encoding="utf-8")
    assert cli("import", "calls", str(first)).code == 0
    before = listed(cli)
    header, *rows = CALLS.splitlines()
    later = tmp_path / "later.csv"
    new = "2026-01-06 08:15,电话,,,,complaint,楼道灯又不亮了"  # same time as a stored call, other words: new
    later.write_text("\n".join([header, new, rows[2], rows[0]]) + "\n", encoding="utf-8")
    line = refused(cli("import", "calls", str(later)))
    assert "later.csv line 3" in line and "2 of the file's 3 rows" in line
    assert listed(cli) == before


def test_a_call_logged_at_the_desk_is_found_in_a_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """What the form saved and what the import would save compare the same (time zone, unit, phone as stored)."""
    added = cli(
        "calls", "add", "--category", "repair", "--content", "厨房漏水", "--caller", "张三",
        "--unit", "3-2-1201", "--phone", "13800138000", "--time", "2026-01-05T09:00:00+08:00",
    )  # fmt: skip
    assert added.code == 0, added.err
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")  # naive times are site time (Asia/Shanghai by default)
    line = refused(cli("import", "calls", str(path)))
    assert "calls.csv line 2" in line and "1 of the file's 3 rows" in line
    assert len(listed(cli)) == 1


def test_allow_duplicates_imports_identical_calls(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    assert cli("import", "calls", str(path)).code == 0
    again = cli("import", "calls", "--allow-duplicates", str(path))
    assert again.code == 0, again.err
    assert len(listed(cli)) == 6


def test_the_refusal_is_translated(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    assert cli("import", "calls", str(path)).code == 0
    line = refused(cli("import", "calls", str(path), lang="zh-CN"))
    assert "已在登记簿中" in line and "--allow-duplicates" in line
