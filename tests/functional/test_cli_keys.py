"""`deskui keys add|retire|list` (the key inventory, issue 13) and `keys lend --authority` in-process through
`deskui.cli.run`: JSON as one array of objects (label, opens, hook, authority, state, borrower, since ISO 8601),
CSV and table, refusals as one line on stderr with nothing written, both languages."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    svc.operators.add("王芳", "receptionist", "1111")
    yield svc
    svc.close()


def rows(db_path: Path, table: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def refused(result: Result) -> str:
    assert result.code == 1, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def add(cli, label: str, opens: str, hook: str, *extra: str) -> Result:  # type: ignore[no-untyped-def]
    return cli("keys", "add", "--label", label, "--opens", opens, "--hook", hook, "--operator", "王芳", *extra)


def test_add_lend_list_retire(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert "No keys out" in cli("keys", "list").out
    r = add(cli, "机房A", "1号楼地下配电房", "A-01")
    assert r.code == 0 and "机房A" in r.out and "A-01" in r.out, r
    assert add(cli, "3-2-1201", "3栋2单元1201 入户门", "B-07", "--authority", "业主书面同意").code == 0
    assert cli("keys", "lend", "机房A", "--to", "电工 老周", "--operator", "王芳").code == 0
    data = json.loads(cli("keys", "list", "--format", "json").out)
    assert [(k["label"], k["opens"], k["hook"], k["authority"], k["state"], k["borrower"]) for k in data] == [
        ("机房A", "1号楼地下配电房", "A-01", "", "out", "电工 老周"),
        ("3-2-1201", "3栋2单元1201 入户门", "B-07", "业主书面同意", "in", ""),
    ]
    since = datetime.fromisoformat(data[0]["since"])
    assert since.utcoffset() == timedelta(hours=8) and data[1]["since"] is None
    out = json.loads(cli("keys", "list", "--out", "--format", "json").out)
    assert [k["label"] for k in out] == ["机房A"]
    lines = list(csv.DictReader(io.StringIO(cli("keys", "list", "--format", "csv").out)))
    assert list(lines[0])[:7] == ["label", "opens", "hook", "authority", "state", "borrower", "since"]
    assert [(k["label"], k["state"]) for k in lines] == [("机房A", "out"), ("3-2-1201", "in")]
    table = cli("keys", "list").out
    assert "老周" in table and "Lent" in table and "B-07" in table and "!" not in table
    assert "借出" in cli("keys", "list", lang="zh-CN").out
    assert cli("keys", "return", "机房A").code == 0
    r = cli("keys", "retire", "机房A", "--reason", "钥匙丢失，已换锁", "--operator", "王芳")
    assert r.code == 0 and "机房A" in r.out
    assert [k["label"] for k in json.loads(cli("keys", "list", "--format", "json").out)] == ["3-2-1201"]
    assert len(json.loads(cli("keys", "list", "--all", "--format", "json").out)) == 1  # the key log
    assert (rows(db_path, "key_item"), rows(db_path, "key_retirement")) == (2, 1)


def test_refusals_write_nothing(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert add(cli, "3-2-1201", "3栋2单元1201 入户门", "B-07", "--authority", "业主书面同意").code == 0
    assert "already held" in refused(add(cli, "３-２-１２０１", "别的", "C-01"))
    assert "hook" in refused(add(cli, "天台", "1号楼天台门", " "))
    assert "not in the key inventory" in refused(cli("keys", "lend", "车库", "--to", "保安 小李"))
    assert "业主书面同意" in refused(cli("keys", "lend", "3-2-1201", "--to", "维修 小张"))
    assert "retire" in refused(cli("keys", "retire", "3-2-1201", "--reason", " ")).lower()
    assert refused(cli("keys", "retire", "车库", "--reason", "丢失"))
    assert (rows(db_path, "key_item"), rows(db_path, "key_loan"), rows(db_path, "key_retirement")) == (1, 0, 0)
    lent = cli("keys", "lend", "3-2-1201", "--to", "维修 小张", "--authority", "业主张三电话同意", "--operator", "王芳")
    assert lent.code == 0, lent
    key = json.loads(cli("keys", "list", "--format", "json").out)[0]
    assert (key["state"], key["authority_note"]) == ("out", "业主张三电话同意")
    assert "维修 小张" in refused(cli("keys", "retire", "3-2-1201", "--reason", "还给业主"))


def test_refusal_in_chinese(cli, desk) -> None:  # type: ignore[no-untyped-def]
    assert add(cli, "机房A", "1号楼地下配电房", "A-01").code == 0
    line = refused(cli("keys", "lend", "车库", "--to", "保安 小李", lang="zh-CN"))
    assert "钥匙台账" in line
