"""Issue 14 "Complaints" from the command line: the complaint record when filed (`tickets open --place --about
--happened --wants`), shown by `tickets show` (text and JSON); a complaint closed only with its result; the resident's
deadline (`--resident-deadline`, `tickets deadline`); the major complaint's reply (`tickets reply --via`), timed as
the `answer` target. Seeds: 002 投诉接待(1)(5), 投诉处理制度 二. Refusals: one line on stderr, exit 1, nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.functional.cli import cli_runner, scripted_env
from tests.functional.test_cli_ticket_actions import OPERATORS, as_, refused, show

__all__ = ["OPERATORS"]  # the svc fixture below adds them

RECORD = ("--place", "3栋大堂", "--about", "保安 张师傅", "--happened", "夜里放人进楼没登记", "--wants", "书面道歉")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_env(monkeypatch)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.core.config import load_settings
    from deskui.services import open_services

    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    for name, role, pin in OPERATORS:
        services.operators.add(name, role, pin)
    yield services
    services.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, svc):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def file_complaint(cli, severity: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "complaint", "--content", "投诉保安夜里放人进楼",
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli("tickets", "open", "--from-call", r.out.strip(), "--severity", severity, *extra)
    assert r.code == 0, r.err
    return str(r.out.strip())


def test_complaint_record_shown_and_closed_with_its_result_002_complaint_rules_2(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = file_complaint(cli, "minor", *RECORD)
    data = show(cli, number)
    assert (data["complaint_place"], data["complaint_about"]) == ("3栋大堂", "保安 张师傅")
    assert (data["complaint_happened"], data["complaint_wants"]) == ("夜里放人进楼没登记", "书面道歉")
    text = cli("tickets", "show", number).out
    assert "Complained about: 保安 张师傅" in text and "What the resident wants: 书面道歉" in text, text
    assert "被投诉人或部门: 保安 张师傅" in cli("tickets", "show", number, lang="zh-CN").out

    assert cli("tickets", "dispatch", number, "--department", "security", *as_("王芳")).code == 0
    assert cli("tickets", "done", number, *as_("陈静")).code == 0
    r = cli("tickets", "callback", number, "--outcome", "reached", "--satisfaction", "4", *as_("王芳"))
    assert r.code == 0, r.err
    version = svc.tickets.get(number).version
    refused(cli("tickets", "close", number, *as_("王芳")), svc, number, version, "closed with its result")
    r = cli("tickets", "close", number, "--result", "已批评教育，补登记", *as_("王芳"))
    assert (r.code, r.err) == (0, ""), r.err
    data = show(cli, number)
    assert (data["status"], data["result"]) == ("closed", "已批评教育，补登记")


def test_a_complaint_record_on_a_repair_is_refused(cli, svc) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "repair", "--content", "厨房漏水",
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli("tickets", "open", "--from-call", r.out.strip(), "--about", "维修工")
    assert r.code == 1 and r.out == "" and r.err.count("\n") == 1 and "Only a complaint" in r.err


def test_resident_deadline_when_filed_and_agreed_later(cli, svc) -> None:  # type: ignore[no-untyped-def]
    soon = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d 18:00")
    later = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d 18:00")
    number = file_complaint(cli, "minor", "--resident-deadline", soon)
    data = show(cli, number)
    resolve = next(g for g in data["targets"] if g["kind"] == "resolve")
    assert data["resident_deadline"].startswith(soon.replace(" ", "T")) and resolve["due"] == data["resident_deadline"]
    r = cli("tickets", "deadline", number, "--date", later, "--note", "住户同意延后", *as_("王芳"))
    assert (r.code, r.err) == (0, ""), r.err
    data = show(cli, number)
    assert data["resident_deadline"].startswith(later.replace(" ", "T"))
    assert next(g for g in data["targets"] if g["kind"] == "resolve")["due"] == data["resident_deadline"]
    assert data["events"][-1]["kind"] == "deadline" and data["events"][-1]["note"] == "住户同意延后"
    assert "Resident deadline: " + later in cli("tickets", "show", number).out

    major = file_complaint(cli, "major")
    refused(cli("tickets", "deadline", major, "--date", later, *as_("王芳")), svc, major, 1, "minor complaint")
    refused(cli("tickets", "deadline", number, "--date", "someday", *as_("王芳")), svc, number, 2, "")


def test_a_resident_deadline_given_as_a_date_runs_to_the_end_of_that_day(cli, svc) -> None:  # type: ignore[no-untyped-def]
    """The resident agrees a day ("by Saturday"), not a minute: a date alone is that day's end, site time."""
    day = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d")
    number = file_complaint(cli, "minor", "--resident-deadline", day)
    assert show(cli, number)["resident_deadline"].startswith(f"{day}T23:59")
    later = (datetime.now() + timedelta(days=6)).strftime("%Y-%m-%d")
    r = cli("tickets", "deadline", number, "--date", later, *as_("王芳"))
    assert (r.code, r.err) == (0, ""), r.err
    assert show(cli, number)["resident_deadline"].startswith(f"{later}T23:59")


def test_major_complaint_reply_is_its_own_target_002_complaint_reception_5(cli, svc) -> None:  # type: ignore[no-untyped-def]
    """002 投诉接待(5): a clear answer within 2 days — a reply to the resident, timed as the `answer` target; the work
    marked done leaves it open."""
    number = file_complaint(cli, "major")
    assert cli("tickets", "dispatch", number, "--department", "security", *as_("王芳")).code == 0
    assert cli("tickets", "done", number, "--result", "已整改", *as_("陈静")).code == 0
    answer = next(g for g in show(cli, number)["targets"] if g["kind"] == "answer")
    assert answer["state"] == "open" and answer["met_at"] is None
    version = svc.tickets.get(number).version
    refused(
        cli("tickets", "reply", number, "--text", "已答复", "--via", "email", *as_("王芳")),
        svc,
        number,
        version,
        "written",
    )
    refused(cli("tickets", "reply", number, "--text", "已答复", *as_("李强")), svc, number, version, "may not do this")
    r = cli("tickets", "reply", number, "--text", "经理上门致歉", "--via", "visit", *as_("王芳"))
    assert (r.code, r.out, r.err) == (0, "", ""), r.err
    data = show(cli, number)
    answer = next(g for g in data["targets"] if g["kind"] == "answer")
    assert (answer["state"], answer["late_minutes"]) == ("met", 0)
    assert (data["reply"], data["reply_via"]) == ("经理上门致歉", "visit")
    assert data["events"][-1]["kind"] == "replied" and data["events"][-1]["data"] == {"via": "visit"}
    assert "Reply (Replied in person): 经理上门致歉" in cli("tickets", "show", number).out
