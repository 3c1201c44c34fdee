"""Security basics: exports mask phone numbers unless a supervisor (or root) asks for --full; the database files are
private (tests/reliability/test_sqlite_safety.py); PIN lockout and the idle lock are tested with a fake clock in
tests/unit/test_operators.py and tests/functional/test_app_shell.py, and here for --full."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from deskui.services.calls import CallInput
from deskui.services.common import masking
from deskui.services.common.masking import mask_phone
from deskui.services.tickets import TicketInput
from tests.functional.cli import cli_runner

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("021-62345678", "021-****5678"),
        ("021-62345678 转 123", "021-****5678 转 123"),
        ("110", "***"),  # a subscriber number shorter than 4 digits is all masked
        ("62345678", "****5678"),  # Hong Kong: half of 8 digits, not 7 of them
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(masking, "is_local_admin", lambda: False)  # CI runs as root; a desk does not

    return cli_runner(capsys, db_path)


@pytest.fixture
def desk(services):  # type: ignore[no-untyped-def]
    services.operators.add("王芳", "receptionist", "1111")
    services.operators.add("陈静", "supervisor", "3333")
    services.directory.add_unit("3-2-1201")
    call = services.calls.record(CallInput(content="漏水", category="repair", unit="3-2-1201", phone="13812345678"))
    services.tickets.open_from_call(call.id, kind="repair")
    services.calls.record(CallInput(content="咨询", category="inquiry", channel="walk_in", phone="021-62345678 转 12"))
    return services


def phones(out: str, fmt: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(out))) if fmt == "csv" else json.loads(out)
    return [r["phone"] for r in rows]


@pytest.mark.parametrize("what", ["calls", "tickets"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_mask_phone_numbers_by_default(cli, desk, what: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", what, "--format", fmt)
    assert result.code == 0, result.err
    shown = phones(result.out, fmt)
    assert shown[0] == "138****5678"
    assert "13812345678" not in result.out and "62345678" not in result.out


def test_full_needs_a_supervisor_and_the_pin(cli, desk) -> None:  # type: ignore[no-untyped-def]
    nobody = cli("export", "calls", "--full")
    assert nobody.code == 1 and "supervisor or manager" in nobody.err and nobody.out == ""
    desk_clerk = cli("export", "calls", "--full", "--operator", "王芳", "--pin", "1111")
    assert desk_clerk.code == 1 and "may not export whole phone numbers" in desk_clerk.err and desk_clerk.out == ""
    no_pin = cli("export", "calls", "--full", "--operator", "陈静")  # no terminal to ask at
    assert no_pin.code == 1 and "PIN" in no_pin.err and no_pin.out == ""
    wrong = cli("export", "tickets", "--full", "--operator", "陈静", "--pin", "9999")
    assert wrong.code == 1 and wrong.out == ""
    ok = cli("export", "calls", "--full", "--operator", "陈静", "--pin", "3333", "--format", "json")
    assert ok.code == 0, ok.err
    assert phones(ok.out, "json") == ["13812345678", "021-62345678 转 12"]
    tickets = cli("export", "tickets", "--full", "--operator", "陈静", "--pin", "3333", "--format", "json")
    assert phones(tickets.out, "json") == ["13812345678"]


def test_wrong_pins_for_full_count_towards_the_lockout(cli, desk, clock) -> None:  # type: ignore[no-untyped-def]
    attempts = desk.settings.security.pin_max_attempts
    for _ in range(attempts):
        assert cli("export", "calls", "--full", "--operator", "陈静", "--pin", "0000").code == 1
    locked = cli("export", "calls", "--full", "--operator", "陈静", "--pin", "3333")
    assert locked.code == 1 and locked.out == "" and "lock" in locked.err.lower()


def test_root_is_the_local_administrator(cli, desk, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(masking, "is_local_admin", lambda: True)
    result = cli("export", "calls", "--full", "--format", "json")
    assert result.code == 0 and phones(result.out, "json")[0] == "13812345678"


def test_masking_keeps_every_other_field(desk) -> None:  # type: ignore[no-untyped-def]
    calls = list(desk.calls.iter_all())
    masked = list(masking.masked_calls(calls))
    assert [(c.id, c.content, c.caller, c.unit) for c in masked] == [(c.id, c.content, c.caller, c.unit) for c in calls]
    x = desk.tickets.create(TicketInput(kind="inquiry", unit="3-2-1201", phone="13900001111", description="问"))
    rows = dict((t.id, t) for t, _ in masking.masked_tickets(desk.tickets.iter_all()))
    assert rows[x.id].phone == "139****1111" and rows[x.id].description == "问"
