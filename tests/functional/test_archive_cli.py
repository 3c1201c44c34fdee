"""Issue 14: `deskui export help-register --year Y`, `deskui archive [--dry-run]` and `deskui archive verify FILE`.

Seeds: 003 4.10 (《住户求助登记表》于次年年初归入物业公司统一归档,保存期2年) and 003 4.1.8 (《值班记录》…保存期3年).
The data is written on a frozen clock in 2019-2020; the CLI runs on the real clock, for which those years are long
past both retentions, and the requests written "now" are not.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import cli_runner, scripted_env

OPERATORS = (("王芳", "receptionist", "1111"), ("陈静", "supervisor", "3333"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_env(monkeypatch)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    """The desk's history on a frozen clock: help requests in 2019 (two) and 2020 (one), duty log in 2019."""
    from deskui.services import open_services
    from deskui.services.tickets import TicketInput

    clock = FrozenClock(datetime(2019, 4, 2, 2, 0, tzinfo=UTC))
    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    for name, role, pin in OPERATORS:
        services.operators.add(name, role, pin)
    services.dutylog.add("夜班巡查正常", operator=None)

    def ask(caller: str, what: str) -> str:
        data = TicketInput(kind="help", unit="3-2-1201", caller=caller, phone="13812345678", description=what)
        return services.tickets.create(data).number

    first = ask("张先生", "=老人摔倒,需要帮忙送医")
    x = services.tickets.get(first)
    x = services.tickets.dispatch(first, x.version, "security", note="两名护卫前往")
    services.tickets.mark_done(first, x.version, note="已送医院")
    clock.advance(days=30)
    ask("李女士", "家中水管爆裂")
    clock.current = datetime(2020, 2, 1, 2, 0, tzinfo=UTC)
    ask("王先生", "咨询停车")
    clock.current = datetime.now(UTC)
    ask("赵女士", "钥匙锁在家里")
    yield services
    services.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, svc):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def test_export_help_register_of_a_year_003_4_10(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("export", "help-register", "--year", "2019", "--format", "json")
    assert r.code == 0, r.err
    records = json.loads(r.out)
    assert [x["caller"] for x in records] == ["张先生", "李女士"]
    assert records[0]["phone"] == "138****5678"  # masked without --full, as every export
    assert records[0]["result"] == "已送医院" and records[0]["handling"][0]["department"] == "security"
    r = cli("export", "help-register", "--year", "2019", "-o", "-")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0][:6] == ["number", "time", "unit", "caller", "phone", "help_kind"]
    assert rows[1][rows[0].index("request")] == "'=老人摔倒,需要帮忙送医"  # a formula made inert
    r = cli("export", "help-register", "--year", "2019", "--full", *("--operator", "陈静", "--pin", "3333"))
    assert r.code == 0, r.err
    assert "13812345678" in r.out
    out = tmp_path / "register.xlsx"
    r = cli("export", "help-register", "--year", "2020", "--format", "xlsx", "-o", str(out), lang="zh-CN")
    assert r.code == 0, r.err
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "登记时间" in values[0] and values[1][values[0].index("来电人")] == "王先生"


def test_dry_run_says_what_is_past_retention_and_writes_nothing(cli, svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("archive", "--dry-run", "--format", "json")
    assert r.code == 0, r.err
    plan = json.loads(r.out)
    assert plan["dry_run"] is True and plan["archive"] is None
    assert plan["help_register_years"] == 2 and plan["duty_log_years"] == 3
    assert {(y["kind"], y["year"], y["rows"]) for y in plan["years"]} == {
        ("help_register", 2019, 2),
        ("help_register", 2020, 1),
        ("duty_log", 2019, 1),
    }
    assert plan["rows"] == {"ticket": 3, "ticketevent": 5, "ticketcall": 0, "dutylog": 1}
    r = cli("archive", "--dry-run")
    assert r.code == 0 and "3 help requests" in r.out and "1 duty log entries" in r.out
    from deskui.services.admin import ArchiveService

    assert ArchiveService(svc.ctx, keeper=svc.dutylog.keeper).archives() == []
    assert list(tmp_path.glob("*.zip")) == []


def test_archive_needs_a_supervisor_and_its_pin(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.zip"
    for args, text in (
        ((), "--operator"),
        (("--operator", "王芳", "--pin", "1111"), "supervisor or manager"),
        (("--operator", "陈静", "--pin", "9999"), "PIN"),
    ):
        r = cli("archive", "-o", str(path), *args)
        assert r.code != 0 and r.out == "" and r.err.count("\n") == 1 and text in r.err, r.err
        assert not path.exists()


def test_archive_written_then_verified_and_a_changed_one_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.zip"
    r = cli("archive", "-o", str(path), "--operator", "陈静", "--pin", "3333", "--format", "json")
    assert r.code == 0, r.err
    written = json.loads(r.out)["archive"]
    assert (written["help_requests"], written["dutylog_entries"], written["operator"]) == (3, 1, "陈静")
    r = cli("archive", "verify", str(path), "--format", "json")
    assert r.code == 0, r.err
    check = json.loads(r.out)
    assert check["intact"] is True and check["recorded"]["sha256"] == written["sha256"]
    r = cli("archive", "verify", str(path))
    assert r.code == 0 and "intact" in r.out
    # the rows are still there: nothing was removed
    r = cli("export", "help-register", "--year", "2019", "--format", "json")
    assert len(json.loads(r.out)) == 2
    changed = tmp_path / "b.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(changed, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data.replace("夜班".encode(), "白班".encode()) if name == "dutylog.json" else data)
    r = cli("archive", "verify", str(changed))
    assert r.code == 1 and "dutylog.json does not match its SHA-256" in r.err
    r = cli("archive", "-o", str(path), "--operator", "陈静", "--pin", "3333")
    assert r.code == 1 and "never written over" in r.err
    r = cli("archive", "--dry-run", "--format", "json")
    assert [a["sha256"] for a in json.loads(r.out)["archives"]] == [written["sha256"]]
    r = cli("archive", "--dry-run")
    assert f"Archived before: {path.name}" in r.out and "陈静" in r.out


def test_remove_is_refused_and_nothing_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.zip"
    r = cli("archive", "--remove", "-o", str(path), "--operator", "陈静", "--pin", "3333")
    assert r.code == 1 and r.out == "" and r.err.count("\n") == 1 and "--remove is refused" in r.err
    assert not path.exists()
