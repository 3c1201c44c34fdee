"""Issue 14 "Repairs and paid services" from the command line: `tickets open --paid/--free --visit`, `tickets done
--paid/--free --fee AMOUNT`, `tickets callback --signed-off/--not-signed-off --signed-by NAME`; `tickets show --format
json` carries `paid`, `fee` (a decimal string) and `fee_cents`, the `visit` target and the `signoff`.
Seeds: 002 四.2–四.5 (paid and free repairs under one callback rule), 002 入住⑤/报修 (the resident signs the repair done).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import as_operator, cli_runner, scripted_env

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


def as_(name: str) -> tuple[str, ...]:
    return as_operator(OPERATORS, name)


def open_ticket(cli, category: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13812345678",
        "--category", category, "--content", "疏通下水道",
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli("tickets", "open", "--from-call", r.out.strip(), *extra)
    assert r.code == 0, r.err
    return str(r.out.strip())


def show(cli, number: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = cli("tickets", "show", number, "--format", "json")
    assert r.code == 0, r.err
    return dict(json.loads(r.out))


def test_paid_service_has_targets_fee_and_signoff_002_4_5(cli, svc) -> None:  # type: ignore[no-untyped-def]
    """FW- tickets showed targets=[]: a paid service keeps the follow-up and the 100 % callback."""
    number = open_ticket(cli, "service")
    data = show(cli, number)
    assert number.startswith("FW-")
    assert (data["paid"], data["fee"], data["repair_type"]) == (True, None, "other")
    assert [g["kind"] for g in data["targets"]] == ["follow_up"]
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    r = cli("tickets", "done", number, "--result", "疏通完毕", "--fee", "120", *as_("李强"))
    assert r.code == 0, r.err
    data = show(cli, number)
    assert (data["paid"], data["fee"], data["fee_cents"]) == (True, "120.00", 12000)
    assert [g["kind"] for g in data["targets"]] == ["follow_up", "callback"]
    r = cli(
        "tickets", "callback", number, "--outcome", "reached", "--satisfaction", "5", "--via", "visit",
        "--signed-off", "--signed-by", "张先生", *as_("王芳"),
    )  # fmt: skip
    assert r.code == 0, r.err
    data = show(cli, number)
    assert data["signoff"] == {"signed_off": True, "signed_by": "张先生"}
    assert data["events"][-1]["data"]["signed_off"] is True
    text = cli("tickets", "show", number).out
    assert "Paid, fee 120.00" in text and "signed off" in text, text
    zh = cli("tickets", "show", number, lang="zh-CN").out
    assert "有偿，费用 120.00 元" in zh, zh


def test_free_repair_found_paid_when_done_and_booked_visit(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli, "repair", "--free", "--visit", "23:59")
    data = show(cli, number)
    assert (data["kind"], data["paid"], data["fee"]) == ("repair", False, None)
    visit = next(g for g in data["targets"] if g["kind"] == "visit")
    assert visit["due"] == data["appointment_at"] and visit["state"] == "open"
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    r = cli("tickets", "done", number, "--paid", "--fee", "85.50", *as_("李强"))
    assert r.code == 0, r.err
    data = show(cli, number)
    assert (data["paid"], data["fee"]) == (True, "85.50")
    assert next(g for g in data["targets"] if g["kind"] == "visit")["state"] == "met"


def test_refusals_one_line_nothing_written(cli, svc) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(cli, "repair")
    assert cli("tickets", "dispatch", number, "--department", "maintenance", *as_("王芳")).code == 0
    version = svc.tickets.get(number).version
    for args, text in (
        (("--fee", "120"), "A free repair has no fee"),
        (("--paid", "--fee", "一百二十元"), "A fee is an amount"),
    ):
        r = cli("tickets", "done", number, *args, *as_("李强"))
        assert r.code != 0 and r.out == "" and r.err.count("\n") == 1 and text in r.err, r.err
        assert svc.tickets.get(number).version == version
    r = cli("tickets", "open", "--from-call", "1", "--kind", "service", "--free")
    assert r.code != 0 and "paid service is paid" in r.err, r.err
