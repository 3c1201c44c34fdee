"""`deskui renovations` in-process through `deskui.cli.run`: the contract of issue 13 (exact names, the permit number
printed alone, `--format table|csv|json` on the list with number, unit, applicant, company, from, to, state and ISO
times), supervisors only for approval, refusals as one line on stderr with nothing written, and both languages."""

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

TABLES = (
    "renovation",
    "renovation_decision",
    "renovation_worker_pass",
    "renovation_inspection",
    "renovation_ticket",
    "renovation_close",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    """The database with a receptionist, a supervisor and a unit."""
    from deskui.services import open_services

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    svc.operators.add("王芳", "receptionist", "1111")
    svc.operators.add("陈静", "supervisor", "3333")
    svc.directory.add_unit("3-2-1201")
    yield svc
    svc.close()


def rows(db_path: Path) -> tuple[int, ...]:
    con = sqlite3.connect(db_path)
    try:
        return tuple(int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES)
    finally:
        con.close()


def refused(result: Result) -> str:
    assert result.code == 1, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def days(n: int) -> str:
    return (datetime.now(UTC) + timedelta(days=n)).date().isoformat()


def open_one(cli, *extra: str) -> Result:  # type: ignore[no-untyped-def]
    return cli(
        "renovations", "open", "--unit", "3栋2单元1201", "--applicant", "张三", "--company", "美家装饰",
        "--from", days(0), "--to", days(14), "--work", "厨房翻新", *extra,
    )  # fmt: skip


def test_the_contract_open_approve_inspect_close_list(cli, desk, db_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r = open_one(cli, "--worker", "王师傅", "--worker", "李师傅", "--operator", "王芳")
    assert r.code == 0 and r.err == "", r
    number = r.out.strip()
    assert number.startswith("ZXXK-") and "\n" not in number
    approved = cli("renovations", "approve", number.lower(), "--operator", "陈静")
    assert approved.code == 0 and f"{number}-W1  王师傅" in approved.out, approved
    assert cli("renovations", "inspect", number, "--ok").code == 0
    issue = cli("renovations", "inspect", number, "--issue", "楼道堆放垃圾", "--ticket", "--operator", "王芳")
    assert issue.code == 0 and "WX-" in issue.out, issue
    listed = json.loads(cli("renovations", "list", "--active", "--format", "json").out)
    assert isinstance(listed, list) and len(listed) == 1
    (one,) = listed
    assert (one["number"], one["unit"], one["applicant"], one["company"], one["from"], one["to"], one["state"]) == (
        number,
        "3栋2单元1201",
        "张三",
        "美家装饰",
        days(0),
        days(14),
        "active",
    )
    assert one["unit_key"] == "3-2-1201" and one["inspections"] == 2 and one["last_result"] == "issue"
    for key in ("applied_at", "decided_at", "last_inspected_at", "inspection_due"):
        assert datetime.fromisoformat(one[key]).utcoffset() is not None, key  # ISO 8601 with the offset
    assert cli("renovations", "close", number, "--note", "验收合格").code == 0
    assert json.loads(cli("renovations", "list", "--active", "--format", "json").out) == []
    everything = json.loads(cli("renovations", "list", "--format", "json").out)
    assert [(x["number"], x["state"], x["closed_at"] is not None) for x in everything] == [(number, "closed", True)]
    monkeypatch.setenv("COLUMNS", "200")
    table = cli("renovations", "list")
    assert table.code == 0 and number in table.out and "Accepted and closed" in table.out
    assert "已验收结案" in cli("renovations", "list", lang="zh-CN").out
    parsed = list(csv.DictReader(io.StringIO(cli("renovations", "list", "--format", "csv").out)))
    assert [(x["number"], x["from"], x["to"], x["state"]) for x in parsed] == [(number, days(0), days(14), "closed")]
    assert rows(db_path) == (1, 1, 2, 2, 1, 1)


def test_refusals_are_one_line_and_write_nothing(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert "before they start" in refused(
        cli("renovations", "open", "--unit", "3-2-1201", "--applicant", "张三", "--company", "美家",
            "--from", days(5), "--to", days(1), "--work", "刷墙")
    )  # fmt: skip
    assert "not a date" in refused(
        cli("renovations", "open", "--unit", "3-2-1201", "--applicant", "张三", "--company", "美家",
            "--from", "tomorrow", "--to", days(1), "--work", "刷墙")
    )  # fmt: skip
    assert "No renovation permit numbered ZXXK-20261203-042" in refused(
        cli("renovations", "approve", "ZXXK-20261203-042")
    )
    assert rows(db_path) == (0, 0, 0, 0, 0, 0)
    number = open_one(cli, "--structural").out.strip()
    assert "not approved yet" in refused(cli("renovations", "inspect", number, "--ok"))
    assert "supervisor or manager" in refused(cli("renovations", "approve", number, "--operator", "王芳"))
    assert "changes the structure" in refused(cli("renovations", "approve", number, "--operator", "陈静"))
    assert "--ok or --issue" in refused(cli("renovations", "inspect", number))
    assert "--ok or --issue" in refused(cli("renovations", "inspect", number, "--ok", "--issue", "x"))
    assert rows(db_path) == (1, 0, 0, 0, 0, 0)
    assert cli("renovations", "approve", number, "--note", "房管局批准", "--operator", "陈静").code == 0
    assert "already approved" in refused(cli("renovations", "approve", number))
    assert cli("renovations", "close", number).code == 0
    assert "was closed" in refused(cli("renovations", "close", number))
    assert "已" in refused(cli("renovations", "close", number, lang="zh-CN"))
    assert rows(db_path) == (1, 1, 0, 0, 0, 1)
    bad = cli("renovations", "list", "--format", "xml")
    assert bad.code == 2


def test_show_one_renovation_with_its_inspections(cli, desk) -> None:  # type: ignore[no-untyped-def]
    number = open_one(cli, "--worker", "王师傅").out.strip()
    cli("renovations", "approve", number, "--operator", "陈静")
    cli("renovations", "inspect", number, "--issue", "噪音超时施工", "--ticket")
    one = json.loads(cli("renovations", "show", number.lower(), "--format", "json").out)
    assert (one["number"], one["from"], one["to"], one["state"]) == (number, days(0), days(14), "active")
    assert [p["pass_number"] for p in one["worker_passes"]] == [f"{number}-W1"]
    (look,) = one["inspection_list"]
    assert look["result"] == "issue" and look["finding"] == "噪音超时施工" and look["ticket_number"].startswith("WX-")
    text = cli("renovations", "show", number)
    assert text.code == 0 and number in text.out and "噪音超时施工" in text.out and look["ticket_number"] in text.out
    assert "No renovation permit numbered" in refused(cli("renovations", "show", "ZXXK-20260101-009"))
