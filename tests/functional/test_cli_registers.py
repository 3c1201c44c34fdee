"""`deskui visitors|parcels|passes` in-process through `deskui.cli.run`: the contract of issue 13 (exact names, the
id or number printed alone, `--format table|csv|json` on every list, `passes check` exit codes), refusals as one
line on stderr with nothing written, and both languages."""

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
    """The database with a receptionist, two units and their residents (one owner's notes flag unpaid fees)."""
    from deskui.services import open_services

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    svc.operators.add("王芳", "receptionist", "1111")
    for unit in ("3-2-1201", "5-1-302"):
        svc.directory.add_unit(unit)
    svc.directory.add_resident("张三", "3-2-1201", "13812345678", role="owner")
    svc.directory.add_resident("李四", "3-2-1201", "13912340000", role="tenant")
    svc.directory.add_resident("王五", "5-1-302", "13712340000", role="owner", notes="物业费欠费")
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


def test_visitors_in_out_list(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("visitors", "in", "--name", "刘先生", "--unit", "3栋2单元1201", "--purpose", "探亲", "--operator", "王芳")
    assert r.code == 0 and r.out.strip().isdigit(), r
    first = int(r.out)
    second = int(cli("visitors", "in", "--name", "送水工", "--unit", "5-1-302", "--purpose", "送水").out)
    assert cli("visitors", "out", str(second)).code == 0
    inside = json.loads(cli("visitors", "list", "--inside", "--format", "json").out)
    assert [(v["id"], v["unit"], v["unit_key"], v["state"], v["left_at"]) for v in inside] == [
        (first, "3栋2单元1201", "3-2-1201", "inside", None)
    ]
    assert inside[0]["entered_at"] and inside[0]["entered_by"] == "王芳"
    everyone = json.loads(cli("visitors", "list", "--format", "json").out)
    assert [v["id"] for v in everyone] == [second, first] and everyone[0]["left_at"]
    table = cli("visitors", "list", "--inside").out
    assert "刘先生" in table and "送水工" not in table
    lines = list(csv.reader(io.StringIO(cli("visitors", "list", "--format", "csv").out)))
    assert lines[0][:3] == ["id", "name", "unit"] and len(lines) == 3
    assert "left" in refused(cli("visitors", "out", str(second)))
    assert rows(db_path, "visit_exit") == 1


def test_visitors_refusals_write_nothing(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert "visitor" in refused(cli("visitors", "in", "--name", " ", "--unit", "3-2-1201", "--purpose", "探亲"))
    assert "访客" in refused(cli("visitors", "in", "--name", "", "--unit", "3-2-1201", "--purpose", "x", lang="zh-CN"))
    assert "#99" in refused(cli("visitors", "out", "99"))
    assert rows(db_path, "visit") == 0


def test_parcels_receive_notify_pickup_list(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("parcels", "receive", "--unit", "3-2-1201", "--carrier", "顺丰", "--tracking", "SF1234")
    assert r.code == 0 and r.out.strip().isdigit(), r
    parcel = int(r.out)
    other = int(cli("parcels", "receive", "--unit", "5-1-302", "--carrier", "邮政", "--kind", "letter").out)
    assert cli("parcels", "notify", str(parcel), "--via", "sms").code == 0
    assert cli("parcels", "pickup", str(other), "--by", "王五").code == 0
    waiting = json.loads(cli("parcels", "list", "--waiting", "--format", "json").out)
    assert [(p["id"], p["unit"], p["state"], p["tracking"]) for p in waiting] == [
        (parcel, "3-2-1201", "notified", "SF1234")
    ]
    assert waiting[0]["received_at"] and waiting[0]["notified_at"] and waiting[0]["picked_up_at"] is None
    all_ = list(csv.DictReader(io.StringIO(cli("parcels", "list", "--format", "csv").out)))
    assert [(int(p["id"]), p["state"], p["picked_up_by"]) for p in all_] == [
        (other, "picked_up", "王五"),
        (parcel, "notified", ""),
    ]
    assert "顺丰" in cli("parcels", "list", "--waiting").out
    assert "王五" in refused(cli("parcels", "pickup", str(other), "--by", "张三"))
    assert "sms, phone, note" in refused(cli("parcels", "notify", str(parcel), "--via", "pigeon"))  # the choices
    assert refused(cli("parcels", "receive", "--unit", "3-2-1201", "--carrier", " "))
    assert (rows(db_path, "parcel"), rows(db_path, "parcel_notice"), rows(db_path, "parcel_pickup")) == (2, 1, 1)


def test_passes_issue_check_use(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("passes", "issue", "--unit", "3栋2单元1201", "--bearer", "张三", "--items", "沙发", "--vehicle", "沪A12345")
    assert r.code == 0, r
    number = r.out.strip()
    assert number.startswith("FX-") and len(r.out.splitlines()) == 1
    ok = cli("passes", "check", number.lower().replace("-", ""))
    assert ok.code == 0 and len(ok.out.strip().splitlines()) == 1 and "valid" in ok.out
    assert cli("passes", "use", number).code == 0
    used = cli("passes", "check", number)
    assert used.code == 1 and "already used" in used.out and len(used.out.strip().splitlines()) == 1
    unknown = cli("passes", "check", "FX-20000101-001")
    assert unknown.code == 1 and "No pass" in unknown.out
    assert "already used" in refused(cli("passes", "use", number))
    listed = json.loads(cli("passes", "list", "--format", "json").out)
    assert [(p["number"], p["unit"], p["state"], p["bearer"]) for p in listed] == [
        (number, "3栋2单元1201", "used", "张三")
    ]
    assert listed[0]["issued_at"] and listed[0]["valid_until"] and listed[0]["used_at"]
    assert next(csv.DictReader(io.StringIO(cli("passes", "list", "--format", "csv").out)))["number"] == number
    assert (rows(db_path, "gate_pass"), rows(db_path, "gate_pass_use")) == (1, 1)


def test_passes_expired(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    desk.ctx.clock.current -= timedelta(hours=desk.settings.registers.pass_valid_hours)  # issued long ago
    number = desk.passes.issue("3-2-1201", "张三", "电视").number
    r = cli("passes", "check", number)
    assert r.code == 1 and "expired" in r.out
    assert "过期" in cli("passes", "check", number, lang="zh-CN").out


def test_tenant_needs_consent_and_move_out_warns(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert "consent" in refused(cli("passes", "issue", "--unit", "3-2-1201", "--bearer", "李四", "--items", "冰箱"))
    r = cli("passes", "issue", "--unit", "3-2-1201", "--bearer", "李四", "--items", "冰箱", "--consent", "业主来电确认")
    assert r.code == 0, r
    move = ("passes", "issue", "--unit", "5-1-302", "--bearer", "王五", "--items", "全部家具", "--move-out")
    line = refused(cli(*move))
    assert "欠费" in line and "--force" in line
    assert rows(db_path, "gate_pass") == 1
    forced = cli(*move, "--force")
    assert forced.code == 0, forced
    shown = json.loads(cli("passes", "list", "--format", "json", "--unit", "5栋1单元302").out)
    assert [(p["kind"], p["warning"]) for p in shown] == [("move_out", "物业费欠费")]
