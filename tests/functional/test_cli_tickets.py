"""`deskui tickets list|show|open` and `deskui export tickets`, run in-process through deskui.cli.run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.core.db import open_database

    open_database(str(db_path)).dispose()  # as `deskui init` makes it: other commands never make a new file

    return cli_runner(capsys, db_path)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    """A second connection to the same database, to check what the CLI wrote."""
    from deskui.services import open_services

    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    yield services
    services.close()


def add_call(cli, content: str = "厨房水管漏水", category: str = "repair", unit: str = "3-2-1201") -> int:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", unit, "--phone", "13812345678",
        "--category", category, "--content", content,
    )  # fmt: skip
    assert r.code == 0, r.err
    return int(r.out.strip())


def open_ticket(cli, *extra: str, **call) -> str:  # type: ignore[no-untyped-def]
    call_id = add_call(cli, **call)
    r = cli("tickets", "open", "--from-call", str(call_id), *extra)
    assert r.code == 0, r.err
    return r.out.strip()


def test_open_prints_only_the_number(cli) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    assert number.startswith("WX-") and len(number) == len("WX-20261123-0001")
    assert open_ticket(cli, unit="5-1-302").endswith("-0002")


def test_open_a_complaint_with_severity_and_operator(cli, svc) -> None:  # type: ignore[no-untyped-def]
    svc.operators.add("王芳", "receptionist", "1111")
    number = open_ticket(cli, "--severity", "important", "--operator", "王芳", category="complaint", content="噪音")
    x = svc.tickets.get(number)
    assert (x.kind, x.severity, x.created_by) == ("complaint", "important", "王芳")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--severity", "major"), "Only a complaint has a severity"),
        (("--kind", "teleport"), "Unknown ticket kind 'teleport'"),
        (("--operator", "nobody"), "No operator named nobody"),
    ],
)
def test_open_refusals_are_one_line_and_write_nothing(cli, svc, args, message) -> None:  # type: ignore[no-untyped-def]
    call_id = add_call(cli)
    r = cli("tickets", "open", "--from-call", str(call_id), *args)
    assert r.code == 1 and r.out == ""
    assert r.err.strip() == f"deskui: {message}" or r.err.startswith(f"deskui: {message}")
    assert r.err.count("\n") == 1
    assert list(svc.tickets.iter_all()) == []


def test_open_a_complaint_without_severity_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    call_id = add_call(cli, category="complaint", content="保安态度差")
    r = cli("tickets", "open", "--from-call", str(call_id))
    assert r.code == 1
    assert "needs a severity" in r.err


def test_open_unknown_call_and_twice(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("tickets", "open", "--from-call", "99").err == "deskui: No call #99\n"
    call_id = add_call(cli)
    number = cli("tickets", "open", "--from-call", str(call_id)).out.strip()
    r = cli("tickets", "open", "--from-call", str(call_id))
    assert r.code == 1 and number in r.err


def test_open_refusal_in_chinese(cli) -> None:  # type: ignore[no-untyped-def]
    call_id = add_call(cli, category="complaint", content="保安态度差")
    r = cli("tickets", "open", "--from-call", str(call_id), lang="zh-CN")
    assert "投诉须选择等级" in r.err


def test_list_json_has_the_contract_fields(cli) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "list", "--format", "json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [x["number"] for x in rows] == [number]
    row = rows[0]
    for key in (
        "number", "kind", "status", "severity", "unit", "caller", "phone", "description", "department",
        "assignee", "created_at", "due_at", "targets", "calls",
    ):  # fmt: skip
        assert key in row, key
    assert (row["kind"], row["status"], row["calls"]) == ("repair", "new", [1])
    assert row["targets"][0]["name"] == "follow_up" and set(row["targets"][0]) >= {"name", "due_at", "state"}
    assert row["created_at"].endswith("+08:00")
    assert "events" not in row


def test_list_queues_unit_and_csv(cli, svc) -> None:  # type: ignore[no-untyped-def]
    a = open_ticket(cli)
    b = open_ticket(cli, unit="5-1-302", content="灯不亮")
    x = svc.tickets.get(b)
    svc.tickets.dispatch(b, x.version, "maintenance")
    assert [r["number"] for r in json.loads(cli("tickets", "list", "--queue", "new", "--format", "json").out)] == [a]
    unit = json.loads(cli("tickets", "list", "--unit", "5栋1单元302", "--format", "json").out)
    assert [r["number"] for r in unit] == [b]
    assert json.loads(cli("tickets", "list", "--queue", "due-soon", "--format", "json").out) == []
    assert json.loads(cli("tickets", "list", "--queue", "closed", "--format", "json").out) == []
    rows = list(csv.DictReader(io.StringIO(cli("tickets", "list", "--format", "csv").out)))
    assert {r["number"] for r in rows} == {a, b}
    table = cli("tickets", "list")
    assert table.code == 0 and a in table.out


def test_list_bad_options(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tickets", "list", "--queue", "everything")
    assert r.code == 1 and "Unknown queue 'everything'" in r.err and "due-soon" in r.err
    r = cli("tickets", "list", "--format", "xml")
    assert r.code == 2 and "'table', 'csv', 'json'" in r.err  # a usage error (test_cli_formats)


def test_show_json_has_events_targets_and_calls(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli, "--severity", "major", category="complaint", content="电梯困人")
    x = svc.tickets.get(number)
    svc.tickets.inform(number, x.version, "manager", note="已报告经理")
    r = cli("tickets", "show", number, "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["number"] == number and data["severity"] == "major" and data["calls"] == [1]
    assert [e["kind"] for e in data["events"]] == ["created", "informed"]
    assert data["events"][1]["note"] == "已报告经理"
    states = {g["name"]: g["state"] for g in data["targets"]}
    assert states["manager_informed"] == "met" and states["resolve"] == "open"  # issue 14: open, met or late


def test_show_text_and_unknown_number(cli) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli, content="[bold]markup stays text[/bold]")
    r = cli("tickets", "show", number.lower())
    assert r.code == 0 and number in r.out and "[bold]markup stays text[/bold]" in r.out
    assert "Follow-up" in r.out
    r = cli("tickets", "show", "WX-20000101-0001")
    assert (r.code, r.err) == (1, "deskui: No ticket WX-20000101-0001\n")
    assert "'text', 'json'" in cli("tickets", "show", number, "--format", "xml").err


def test_show_gives_the_appointment_booked_from_the_calls_visit_time(cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 5: 'calls add --visit-time' reaches the ticket opened from the call."""
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "repair", "--content", "马桶堵了", "--visit-time", "2099-12-25 09:30",
    )  # fmt: skip
    assert r.code == 0, r.err
    number = cli("tickets", "open", "--from-call", r.out.strip()).out.strip()
    assert "Appointment: 2099-12-25 09:30" in cli("tickets", "show", number).out
    assert json.loads(cli("tickets", "show", number, "--format", "json").out)["appointment_at"].startswith(
        "2099-12-25T09:30"
    )


def test_export_csv_neutralises_formulas_json_keeps_them(cli) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli, content='=HYPERLINK("http://x")')
    rows = list(csv.DictReader(io.StringIO(cli("export", "tickets", "--format", "csv").out)))
    assert rows[0]["number"] == number
    assert rows[0]["description"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["calls"] == "1"
    data = json.loads(cli("export", "tickets", "--format", "json").out)
    assert data[0]["description"] == '=HYPERLINK("http://x")'


def test_export_xlsx(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    number = open_ticket(cli, content="+1 漏水")
    out = tmp_path / "tickets.xlsx"
    r = cli("export", "tickets", "--format", "xlsx", "--output", str(out))
    assert r.code == 0 and "Exported 1 tickets" in r.err
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert values["Number"] == number and values["Description"] == "'+1 漏水"  # headers in words (issue 12)
    assert values["Created"].year == 2026 or hasattr(values["Created"], "year")


def test_export_refusals(cli) -> None:  # type: ignore[no-untyped-def]
    assert "needs --output" in cli("export", "tickets", "--format", "xlsx").err
    assert "'csv', 'json', 'xlsx'" in cli("export", "tickets", "--format", "pdf").err


def test_export_to_csv_file_has_a_bom(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_ticket(cli)
    out = tmp_path / "t.csv"
    assert cli("export", "tickets", "--output", str(out)).code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_show_says_a_late_callback_is_late_and_how_late(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 6: a callback made 10 h 5 min after its due time is late in `tickets show`, text and JSON,
    as the monthly report counts it (the ticket is built with a frozen clock in the past)."""
    from datetime import UTC, datetime

    from deskui.core.clock import FrozenClock
    from deskui.services import open_services
    from deskui.services.calls import CallInput

    clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    try:
        call = services.calls.record(
            CallInput(content="厨房水管漏水", category="repair", unit="3-2-1201", phone="13800138000", time="-1m")
        )
        x = services.tickets.open_from_call(call.id)
        x = services.tickets.dispatch(x.number, x.version, "maintenance")
        clock.advance(hours=5)
        x = services.tickets.mark_done(x.number, x.version)
        clock.advance(days=2, hours=10, minutes=5)
        x = services.tickets.callback(x.number, x.version, "reached", satisfaction=4)
    finally:
        services.close()
    text = cli("tickets", "show", x.number)
    assert text.code == 0, text.err
    line = next(line for line in text.out.splitlines() if "Callback" in line)
    assert "late by 10h 5m" in line and "met" not in line, line
    zh = cli("tickets", "show", x.number, lang="zh-CN")
    assert any("回访" in line and "迟了 10小时5分" in line for line in zh.out.splitlines()), zh.out
    data = json.loads(cli("tickets", "show", x.number, "--format", "json").out)
    callback = next(g for g in data["targets"] if g["name"] == "callback")
    assert (callback["state"], callback["seconds_left"]) == ("late", -(10 * 3600 + 5 * 60))
    report = json.loads(cli("report", "monthly", "--month", "2026-11", "--format", "json").out)
    assert (report["callbacks"]["done"], report["callbacks"]["on_time"]) == (1, 0)
