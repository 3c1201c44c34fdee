"""`deskui report monthly` in each format, run in-process through deskui.cli.run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import cli_runner

SH = ZoneInfo("Asia/Shanghai")
HOSTILE = '=HYPERLINK("http://x","点我")'


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def october(db_path: Path) -> None:
    """Four repair calls from 3-2-1201 in October (one with a formula for content), one ticket."""
    from deskui.services import open_services
    from deskui.services.calls import CallInput

    clock = FrozenClock(datetime(2026, 9, 1, tzinfo=UTC))
    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    try:
        ids = []
        for day, content in ((3, "厨房水管漏水"), (9, HOSTILE), (20, "又漏了"), (28, "还在漏")):
            moment = datetime(2026, 10, day, 10, tzinfo=SH).astimezone(UTC)
            clock.current = moment
            call = services.calls.record(
                CallInput(content=content, category="repair", caller="张三", unit="3-2-1201", phone="13812345678")
            )
            ids.append(call.id)
        services.tickets.open_from_call(ids[0])
    finally:
        services.close()


def test_table(cli, october) -> None:  # type: ignore[no-untyped-def]
    r = cli("report", "monthly", "--month", "2026-10")
    assert r.code == 0, r.err
    assert "Monthly report 2026-10 · Whole site · Asia/Shanghai" in r.out
    assert "Calls: 4" in r.out and "Tickets: 1" in r.out
    assert "Recurring problems" in r.out and "3-2-1201" in r.out


def test_table_in_chinese(cli, october) -> None:  # type: ignore[no-untyped-def]
    r = cli("report", "monthly", "--month", "2026-10", "--building", "3栋", lang="zh-CN")
    assert r.code == 0, r.err
    assert "月度报告 2026-10 · 3栋" in r.out and "来电：4" in r.out and "重复问题" in r.out


def test_number_columns_say_how_many_in_chinese(cli, october) -> None:  # type: ignore[no-untyped-def]
    """The calls' and tickets' tables by channel, category, kind… count calls and tickets (来电次数, 工单数量); 清点 is
    the handover's count of equipment, a verb, and stays there (清点差异)."""
    r = cli("report", "monthly", "--month", "2026-10", lang="zh-CN")
    assert r.code == 0, r.err
    assert "来电次数" in r.out and "工单数量" in r.out
    assert "清点" not in r.out.replace("清点差异", "")
    en = cli("report", "monthly", "--month", "2026-10")
    assert "Number of calls" in en.out and "Number of tickets" in en.out


def test_json_keys(cli, october) -> None:  # type: ignore[no-untyped-def]
    r = cli("report", "monthly", "--month", "2026-10", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["schema"] == "deskui.report.monthly/1"
    assert set(data) == {
        "schema", "month", "building", "time_zone", "first_day", "last_day", "generated_at", "thresholds",
        "calls", "tickets", "targets", "callbacks", "recurring", "handover", "registers",
    }  # fmt: skip
    assert set(data["calls"]) == {"total", "by_channel", "by_category", "by_shift", "by_hour", "by_day"}
    assert set(data["targets"]) == {"rows", "total", "overdue_open", "overdue"}
    assert set(data["targets"]["total"]) == {
        "kind",
        "severity",
        "tickets",
        "answer",
        "resolve",
        "response",
        "resolution",
    }
    assert set(data["targets"]["total"]["answer"]) == {"on_time", "late", "overdue", "pending", "judged", "share"}
    assert set(data["callbacks"]) == {
        "needed", "done", "on_time", "rate", "target", "met_target", "attempts", "attempts_total",
        "satisfaction", "rated", "average", "by_kind",
    }  # fmt: skip
    assert set(data["handover"]) == {
        "handovers", "signed", "discrepancies", "late_reliefs", "days_reviewable", "unsigned_days",
    }  # fmt: skip
    assert data["calls"]["total"] == 4 and data["calls"]["by_category"]["repair"] == 4
    assert data["calls"]["by_hour"][10] == 4 and len(data["calls"]["by_day"]) == 31
    [unit] = [p for p in data["recurring"] if p["level"] == "unit"]
    assert unit["calls"] == 4 and unit["listed"][1]["content"] == HOSTILE  # JSON keeps values exactly


def test_json_to_a_file(cli, october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.json"
    r = cli("report", "monthly", "--month", "2026-10", "--format", "json", "--output", str(out))
    assert r.code == 0 and r.out == ""
    assert json.loads(out.read_text(encoding="utf-8"))["tickets"]["total"] == 1


def test_xlsx(cli, october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    r = cli("report", "monthly", "--month", "2026-10", "--format", "xlsx", "-o", str(out))
    assert r.code == 0, r.err
    assert str(out) in r.err
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Summary", "Calls", "Tickets", "Targets", "Callbacks", "Recurring problems", "Handover quality", "Registers",
    ]  # fmt: skip
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Calls"] == 4 and summary["Tickets"] == 1 and summary["Monthly report"] == "2026-10"
    calls = {row[0]: row[1] for row in wb["Calls"].iter_rows(min_row=2, max_row=9, values_only=True)}
    assert calls["Repair"] == 4 and calls["Complaint"] == 0
    assert len(wb["Calls"]._charts) == 3 and len(wb["Tickets"]._charts) == 2
    cells = [c for row in wb["Recurring problems"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'" + HOSTILE in cells and HOSTILE not in cells  # formula-safe


def test_refusals_are_one_line(cli, october) -> None:  # type: ignore[no-untyped-def]
    for args, words in (
        (("--format", "xlsx"), "needs --output"),
        (("--month", "2026-13"), "Not a month"),
        (("--building", "east gate"), "Not a building"),
    ):
        r = cli("report", "monthly", *args)
        assert r.code == 1 and words in r.err and r.err.count("\n") == 1, (args, r.err)


def test_empty_month(cli, october) -> None:  # type: ignore[no-untyped-def]
    r = cli("report", "monthly", "--month", "2025-01", "--format", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["calls"]["total"] == 0 and data["callbacks"]["rate"] is None
