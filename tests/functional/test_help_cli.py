"""Issue 14, help requests from the command line: `tickets open --help-kind` (the key or its Chinese name, 003
4.1.1), `tickets list --help-kind`, `tickets classify`, and the emergency checklist of 003 4.2.1: `tickets step
NUMBER --step KEY [--note T]` with --operator and the PIN, read back in `tickets show --format json` (`help_kind`,
`steps` with `done_at`). Every refusal is one line on stderr, a non-zero exit, no new event.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import cli_runner, scripted_env

OPERATORS = (("王芳", "receptionist", "1111"), ("李强", "maintenance", "2222"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_env(monkeypatch)


@pytest.fixture
def svc(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    for name, role, pin in OPERATORS:
        services.operators.add(name, role, pin)
    yield services
    services.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, svc):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def open_help(cli, *extra: str, content: str = "老人在家晕倒，家属求助") -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", "help", "--content", content,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli("tickets", "open", "--from-call", r.out.strip(), *extra)
    assert r.code == 0, r.err
    return str(r.out.strip())


def show(cli, number: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = cli("tickets", "show", number, "--format", "json")
    assert r.code == 0, r.err
    return dict(json.loads(r.out))


AS_DESK = ("--operator", "王芳", "--pin", "1111")


def refused(r, svc, number: str, version: int, text: str) -> None:  # type: ignore[no-untyped-def]
    assert r.code != 0 and r.out == ""
    assert r.err.count("\n") == 1 and r.err.startswith("deskui: ") and text in r.err, r.err
    assert svc.tickets.get(number).version == version


def test_help_kind_by_key_or_chinese_name_shown_and_filtered_003_4_1_1(cli) -> None:  # type: ignore[no-untyped-def]
    medical = open_help(cli, "--help-kind", "急救病人")
    inquiry = open_help(cli, "--help-kind", "inquiry", content="问物业电话")
    assert (show(cli, medical)["help_kind"], show(cli, inquiry)["help_kind"]) == ("medical", "inquiry")
    r = cli("tickets", "list", "--help-kind", "medical", "--format", "json")
    assert [x["number"] for x in json.loads(r.out)] == [medical]
    assert json.loads(r.out)[0]["help_kind"] == "medical"
    r = cli("tickets", "list", "--help-kind", "fire")
    assert r.code != 0 and "Unknown help kind 'fire'" in r.err


def test_checklist_steps_timed_with_operator_and_note_003_4_2_1(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_help(cli, "--help-kind", "medical")
    data = show(cli, number)
    assert [s["key"] for s in data["steps"]][:3] == ["address_phone", "wishes_asked", "called_120"]
    assert all(s["done_at"] is None for s in data["steps"])

    r = cli("tickets", "step", number, "--step", "called_120", "--note", "已拨打120，送市一医院", *AS_DESK)
    assert (r.code, r.out, r.err) == (0, "", ""), r.err
    step = {s["key"]: s for s in show(cli, number)["steps"]}["called_120"]
    assert (step["operator"], step["note"], step["label"]) == ("王芳", "已拨打120，送市一医院", "120 called (or not)")
    assert datetime.fromisoformat(step["done_at"]).utcoffset() is not None  # ISO 8601 with the site's offset
    r = cli("tickets", "show", number)
    assert "[x] 120 called (or not)" in r.out and "王芳  已拨打120，送市一医院" in r.out
    assert "[ ] Address and phone recorded" in r.out


def test_bad_steps_refused_one_line_nothing_written(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_help(cli, "--help-kind", "medical")
    v = svc.tickets.get(number).version
    refused(cli("tickets", "step", number, "--step", "nonsense", *AS_DESK), svc, number, v, "Unknown step 'nonsense'")
    refused(
        cli("tickets", "step", number, "--step", "result", "--operator", "李强", "--pin", "2222"),
        svc, number, v, "李强",
    )  # fmt: skip
    refused(
        cli("tickets", "step", number, "--step", "result", "--operator", "王芳", "--pin", "9"), svc, number, v, "PIN"
    )
    assert cli("tickets", "step", number, "--step", "result", *AS_DESK).code == 0
    v = svc.tickets.get(number).version
    refused(cli("tickets", "step", number, "--step", "result", *AS_DESK), svc, number, v, "was ticked at")
    other = open_help(cli, "--help-kind", "inquiry", content="问物业电话")
    v = svc.tickets.get(other).version
    refused(cli("tickets", "step", other, "--step", "result", *AS_DESK), svc, other, v, "has no checklist")


def test_classify_an_urgent_help_ticket(cli, svc) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "李女士", "--unit", "1-1-101", "--phone", "13900001111",
        "--category", "help", "--content", "楼下车库进水了", "--urgent",
    )  # fmt: skip
    assert r.code == 0, r.err
    number = svc.tickets.queue("new").rows[0].number
    assert show(cli, number)["help_kind"] is None and show(cli, number)["steps"] == []
    assert cli("tickets", "classify", number, "--help-kind", "灾害事故", *AS_DESK).code == 0
    data = show(cli, number)
    assert data["help_kind"] == "disaster" and data["steps"][0]["key"] == "place_phone"
