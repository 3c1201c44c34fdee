"""Issue 14 "Scriptable": the ticket screen's actions from the command line, same rules and roles.

`deskui tickets dispatch|note|done|callback|close|reopen NUMBER … --operator NAME` with that operator's PIN (the way
`export --full` asks for it: `--pin`, DESKUI_PIN, or the prompt at a terminal). Every refusal is one line on stderr,
a non-zero exit and no new event. What was written is read back through `tickets show --format json`, whose
`targets` carry `kind`, `due` (ISO 8601 with the site's offset), `state` (open, met, late) and `late_minutes`.
Seeds: 002 四.2(3) 报修接待 and 四.5 走回访 (a callback by phone or visit, 100 % of repairs).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import as_operator, cli_runner, scripted_env

OPERATORS = (("王芳", "receptionist", "1111"), ("李强", "maintenance", "2222"), ("陈静", "supervisor", "3333"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_env(monkeypatch)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    """A second connection to the same database: operators, a worker, and what the CLI wrote."""
    from deskui.services import open_services

    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    for name, role, pin in OPERATORS:
        services.operators.add(name, role, pin)
    yield services
    services.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, svc):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def open_ticket(cli, category: str = "repair", content: str = "厨房水管漏水", *extra: str) -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", category, "--content", content,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli("tickets", "open", "--from-call", r.out.strip(), *extra)
    assert r.code == 0, r.err
    return str(r.out.strip())


def show(cli, number: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = cli("tickets", "show", number, "--format", "json")
    assert r.code == 0, r.err
    return dict(json.loads(r.out))


def as_(name: str) -> tuple[str, ...]:
    return as_operator(OPERATORS, name)


def refused(r, svc, number: str, version: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """One line on stderr naming what is wrong, a non-zero exit, nothing on stdout, no new event."""
    assert r.code != 0 and r.out == ""
    assert r.err.count("\n") == 1 and r.err.startswith("deskui: ") and text in r.err, r.err
    assert svc.tickets.get(number).version == version


def test_a_repair_from_dispatch_to_close_and_back(cli, svc) -> None:  # type: ignore[no-untyped-def]
    """002 四.2(3): dispatched to maintenance, done with its result, called back (visit), closed; then reopened."""
    number = open_ticket(cli)
    r = cli("tickets", "dispatch", number, "--department", "维修部", *as_("王芳"))
    assert (r.code, r.err) == (0, ""), r.err
    data = show(cli, number)
    assert (data["status"], data["department"]) == ("dispatched", "maintenance")
    assert data["events"][-1]["operator"] == "王芳"

    assert cli("tickets", "note", number, "--text", "住户下午在家", *as_("王芳")).code == 0
    assert show(cli, number)["events"][-1]["note"] == "住户下午在家"

    r = cli("tickets", "done", number, "--result", "更换了角阀", *as_("李强"))
    assert r.code == 0, r.err
    data = show(cli, number)
    assert (data["status"], data["result"]) == ("done", "更换了角阀")

    r = cli(
        "tickets", "callback", number, "--outcome", "reached", "--satisfaction", "5", "--via", "visit",
        "--text", "满意", *as_("王芳"),
    )  # fmt: skip
    assert r.code == 0, r.err
    data = show(cli, number)
    assert (data["callback_result"], data["satisfaction"], data["callback_comment"]) == ("reached", 5, "满意")
    assert data["callback_via"] == "visit"
    assert data["events"][-1]["data"]["via"] == "visit"
    assert {g["kind"]: g["state"] for g in data["targets"]}["callback"] == "met"
    text = cli("tickets", "show", number)
    assert "visit" in text.out, text.out

    assert cli("tickets", "close", number, *as_("王芳")).code == 0
    assert show(cli, number)["status"] == "closed"

    r = cli("tickets", "reopen", number, "--reason", "又漏了", *as_("陈静"))
    assert r.code == 0, r.err
    data = show(cli, number)
    assert data["status"] == "dispatched" and data["events"][-1]["note"] == "又漏了"


def test_callback_via_defaults_to_phone(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    assert cli("tickets", "done", number, *as_("李强")).code == 0
    r = cli("tickets", "callback", number, "--outcome", "no_answer", *as_("王芳"))
    assert r.code == 0, r.err
    data = show(cli, number)
    assert (data["callback_result"], data["callback_via"]) == ("no_answer", "phone")


def test_the_pin_from_the_environment(cli, svc, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    monkeypatch.setenv("DESKUI_PIN", "1111")
    r = cli("tickets", "note", number, "--text", "已电话联系", "--operator", "王芳")
    assert r.code == 0, r.err
    assert show(cli, number)["events"][-1]["operator"] == "王芳"


def test_wrong_pin_is_refused_and_counts(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "dispatch", number, "--department", "maintenance", "--operator", "王芳", "--pin", "9999")
    refused(r, svc, number, 1, "Wrong PIN; 4 attempts left")
    for left in (3, 2, 1):
        r = cli("tickets", "note", number, "--text", "x", "--operator", "王芳", "--pin", "0000")
        refused(r, svc, number, 1, f"Wrong PIN; {left} attempts left")
    # The fifth wrong PIN locks 王芳 as a sign-in would: then even her right PIN is refused for a while.
    refused(
        cli("tickets", "note", number, "--text", "x", "--operator", "王芳", "--pin", "0000"), svc, number, 1, "Locked"
    )
    refused(cli("tickets", "note", number, "--text", "x", *as_("王芳")), svc, number, 1, "Locked")


def test_no_operator_is_refused(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "note", number, "--text", "x")
    refused(r, svc, number, 1, "--operator")


def test_no_pin_outside_a_terminal_is_refused(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "note", number, "--text", "x", "--operator", "王芳")
    refused(r, svc, number, 1, "PIN")


@pytest.mark.parametrize(
    ("who", "args", "text"),
    [
        ("李强", ("callback", "--outcome", "reached", "--satisfaction", "4"), "may not do this"),
        ("王芳", ("done",), "may not do this"),
        ("王芳", ("reopen", "--reason", "x"), "Only a supervisor or manager may reopen a closed ticket"),
        ("王芳", ("close",), "closed after a callback"),
    ],
)
def test_the_screens_roles(cli, svc, who, args, text) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    if args[0] in ("callback", "reopen"):
        assert cli("tickets", "done", number, *as_("李强")).code == 0
    if args[0] == "reopen":
        assert cli("tickets", "close", number, "--reason", "住户不需要回访", *as_("陈静")).code == 0
    version = svc.tickets.get(number).version
    r = cli("tickets", args[0], number, *args[1:], *as_(who))
    refused(r, svc, number, version, text)


@pytest.mark.parametrize(
    "command",
    [
        ("dispatch", "--department", "maintenance"),
        ("note", "--text", "x"),
        ("done",),
        ("callback", "--outcome", "reached", "--satisfaction", "4"),
        ("close",),
        ("reopen", "--reason", "x"),
    ],
)
def test_unknown_number(cli, svc, command) -> None:  # type: ignore[no-untyped-def]
    r = cli("tickets", command[0], "WX-20000101-0001", *command[1:], *as_("陈静"))
    assert (r.code, r.out, r.err) == (1, "", "deskui: No ticket WX-20000101-0001\n")


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("--outcome", "maybe", "--satisfaction", "4"), "reached, no_answer, left_message"),
        (("--outcome", "reached"), "Satisfaction is 1 to 5"),
        (("--outcome", "reached", "--satisfaction", "6"), "Satisfaction is 1 to 5"),
        (("--outcome", "reached", "--satisfaction", "4", "--via", "letter"), "phone, visit"),
    ],
)
def test_bad_callback(cli, svc, args, text) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    assert cli("tickets", "done", number, *as_("李强")).code == 0
    version = svc.tickets.get(number).version
    refused(cli("tickets", "callback", number, *args, *as_("王芳")), svc, number, version, text)


def test_bad_department_and_empty_texts(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "dispatch", number, "--department", "plumbing", *as_("王芳"))
    refused(r, svc, number, 1, "Unknown department 'plumbing'")
    refused(cli("tickets", "note", number, "--text", "  ", *as_("王芳")), svc, number, 1, "Please write a note")


def test_refusal_in_chinese(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    r = cli("tickets", "dispatch", number, "--department", "maintenance", "--operator", "王芳", lang="zh-CN")
    assert (r.code, r.err) == (1, "deskui: 需要 王芳 的 PIN：--pin、DESKUI_PIN，或在终端输入\n")


# --- targets in `tickets show --format json` -------------------------------------------------------------------


def test_targets_json_has_kind_due_state_and_late_minutes(cli, db_path) -> None:  # type: ignore[no-untyped-def]
    """The callback made 10h 5m after it was due is late by 605 minutes; the follow-up met; due has an offset."""
    from datetime import UTC

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
        complaint = services.calls.record(
            CallInput(content="噪音", category="complaint", unit="3-2-1202", phone="13800138001", time="-1m")
        )
        y = services.tickets.open_from_call(complaint.id, severity="minor")
    finally:
        services.close()
    data = show(cli, x.number)
    for target in data["targets"]:
        assert {"kind", "due", "state", "late_minutes"} <= set(target), target
        due = datetime.fromisoformat(target["due"])
        assert due.utcoffset() is not None and due.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai
        assert target["state"] in ("open", "met", "late") and isinstance(target["late_minutes"], int)
    by_kind = {g["kind"]: g for g in data["targets"]}
    assert (by_kind["callback"]["state"], by_kind["callback"]["late_minutes"]) == ("late", 605)
    assert (by_kind["follow_up"]["state"], by_kind["follow_up"]["late_minutes"]) == ("met", 0)
    assert "name" in by_kind["callback"] and "seconds_left" in by_kind["callback"]  # the fields before stay
    # The complaint made ten days ago (the CLI reads the real clock) is past its resolve time and not met: late.
    resolve = next(g for g in show(cli, y.number)["targets"] if g["kind"] == "resolve")
    assert resolve["state"] == "late" and resolve["late_minutes"] > 0 and resolve["phase"] == "overdue"


def test_a_running_target_is_open(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli)
    follow_up = next(g for g in show(cli, number)["targets"] if g["kind"] == "follow_up")
    assert (follow_up["state"], follow_up["late_minutes"], follow_up["phase"]) == ("open", 0, "ok")
