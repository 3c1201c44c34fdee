"""Issue 14: `deskui workers add|list|duty|jobs` — the maintenance staff of each department, from the command line,
and `tickets dispatch --worker NAME` naming one (002 四.2(3)③: 通知维修部人员携单上门)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import cli_runner, scripted_env


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_env(monkeypatch)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    services.operators.add("王芳", "receptionist", "1111")
    yield services
    services.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, svc):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def add(cli, *args: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("workers", "add", *args)
    assert (r.code, r.err) == (0, ""), r.err


def test_add_and_list_in_each_format(cli) -> None:  # type: ignore[no-untyped-def]
    add(cli, "--department", "maintenance", "--name", "张师傅", "--phone", "13800138000")
    add(cli, "--department", "维修部", "--name", "李师傅")
    add(cli, "--department", "security", "--name", "王保安")
    data = json.loads(cli("workers", "list", "--format", "json").out)
    assert data == [
        {"name": "张师傅", "department": "maintenance", "phone": "13800138000", "on_duty": True, "open_jobs": 0},
        {"name": "李师傅", "department": "maintenance", "phone": "", "on_duty": True, "open_jobs": 0},
        {"name": "王保安", "department": "security", "phone": "", "on_duty": True, "open_jobs": 0},
    ]
    only = json.loads(cli("workers", "list", "--department", "security", "--format", "json").out)
    assert [w["name"] for w in only] == ["王保安"]
    rows = list(csv.DictReader(io.StringIO(cli("workers", "list", "--format", "csv").out)))
    assert [(r["name"], r["on_duty"]) for r in rows] == [("张师傅", "yes"), ("李师傅", "yes"), ("王保安", "yes")]
    table = cli("workers", "list")
    assert table.code == 0 and "张师傅" in table.out and "Maintenance" in table.out
    zh = cli("workers", "list", lang="zh-CN")
    assert "维修部" in zh.out and "在岗" in zh.out


def test_duty_on_and_off(cli) -> None:  # type: ignore[no-untyped-def]
    add(cli, "--department", "maintenance", "--name", "张师傅")
    assert cli("workers", "duty", "张师傅", "--off").code == 0
    assert json.loads(cli("workers", "list", "--format", "json").out)[0]["on_duty"] is False
    assert cli("workers", "duty", "张师傅", "--on").code == 0
    assert json.loads(cli("workers", "list", "--format", "json").out)[0]["on_duty"] is True
    r = cli("workers", "duty", "张师傅")
    assert r.code != 0 and r.err.count("\n") == 1 and "--on or --off" in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--department", "plumbing", "--name", "张师傅"), "Unknown department 'plumbing'"),
        (("--department", "maintenance", "--name", "张师傅", "--phone", "1234"), "phone"),
    ],
)
def test_bad_workers_are_one_line(cli, args, message) -> None:  # type: ignore[no-untyped-def]
    r = cli("workers", "add", *args)
    assert r.code == 1 and r.out == "" and r.err.count("\n") == 1 and message in r.err, r.err
    assert json.loads(cli("workers", "list", "--format", "json").out) == []


def test_dispatch_to_a_worker_and_the_workers_jobs(cli, svc) -> None:  # type: ignore[no-untyped-def]
    add(cli, "--department", "maintenance", "--name", "张师傅", "--phone", "13800138000")
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "repair", "--content", "厨房水管漏水",
    )  # fmt: skip
    number = cli("tickets", "open", "--from-call", r.out.strip()).out.strip()
    r = cli(
        "tickets", "dispatch", number, "--department", "maintenance", "--worker", "张师傅",
        "--operator", "王芳", "--pin", "1111",
    )  # fmt: skip
    assert (r.code, r.err) == (0, ""), r.err
    data = json.loads(cli("tickets", "show", number, "--format", "json").out)
    assert (data["worker"], data["department"]) == ("张师傅", "maintenance")
    assert data["events"][-1]["data"]["worker_name"] == "张师傅"
    assert "张师傅" in cli("tickets", "show", number).out
    jobs = json.loads(cli("workers", "jobs", "张师傅", "--format", "json").out)
    assert [j["number"] for j in jobs] == [number] and jobs[0]["worker"] == "张师傅"
    assert json.loads(cli("workers", "list", "--format", "json").out)[0]["open_jobs"] == 1
    assert number in cli("workers", "jobs", "张师傅").out
    r = cli("workers", "jobs", "赵师傅")
    assert (r.code, r.err) == (1, "deskui: No worker named 赵师傅\n")


def test_dispatch_to_an_unknown_worker_writes_nothing(cli, svc) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "repair", "--content", "厨房水管漏水",
    )  # fmt: skip
    number = cli("tickets", "open", "--from-call", r.out.strip()).out.strip()
    r = cli(
        "tickets", "dispatch", number, "--department", "maintenance", "--worker", "赵师傅",
        "--operator", "王芳", "--pin", "1111",
    )  # fmt: skip
    assert r.code == 1 and r.err.count("\n") == 1 and "No worker named 赵师傅" in r.err
    assert svc.tickets.get(number).version == 1
