"""`deskui operators add|list|reset-pin` through `deskui.cli.run`, checked against the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.core.config import load_settings
from deskui.core.errors import OperatorLocked, PinRejected
from tests.functional.cli import Result, cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def _as_local_administrator(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about adding, listing and resetting, run as the local administrator (root), who needs no
    manager's PIN whoever runs the suite; who must give one is tests/functional/test_cli_errors.py's."""
    monkeypatch.setattr("deskui.services.common.masking.is_local_admin", lambda: True)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def operators(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    yield svc.operators
    svc.close()


def one_line(result: Result) -> str:
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def test_add_list_and_reset_pin(cli, operators) -> None:  # type: ignore[no-untyped-def]
    added = cli("operators", "add", "王芳", "--role", "receptionist", "--pin", "1111")
    assert added.code == 0, added.err
    assert "王芳" in added.out
    assert cli("operators", "add", "陈静", "--role", "supervisor", "--pin", "3333").code == 0

    listed = cli("operators", "list")
    assert listed.code == 0
    assert "王芳" in listed.out and "Receptionist" in listed.out and "Supervisor" in listed.out
    assert [(o.name, o.role.value) for o in operators.list()] == [("王芳", "receptionist"), ("陈静", "supervisor")]

    wang = operators.by_name("王芳")
    assert operators.authenticate(wang.id, "1111").name == "王芳"
    assert cli("operators", "reset-pin", "王芳", "--pin", "5678").code == 0
    assert operators.authenticate(wang.id, "5678").name == "王芳"
    with pytest.raises(PinRejected):
        operators.authenticate(wang.id, "1111")


def test_reset_pin_lifts_a_lockout(cli, operators) -> None:  # type: ignore[no-untyped-def]
    assert cli("operators", "add", "李强", "--role", "maintenance", "--pin", "2222").code == 0
    li = operators.by_name("李强")
    for _ in range(operators.settings.security.pin_max_attempts):
        with pytest.raises((PinRejected, OperatorLocked)):
            operators.authenticate(li.id, "0000")
    assert operators.by_name("李强").locked_until is not None
    assert "李强" in cli("operators", "list").out
    assert cli("operators", "reset-pin", "李强", "--pin", "2468").code == 0
    assert operators.by_name("李强").locked_until is None
    assert operators.authenticate(li.id, "2468").name == "李强"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["add", "王芳", "--role", "cashier", "--pin", "1111"], "Unknown role 'cashier'"),
        (["add", "王芳", "--role", "receptionist", "--pin", "12ab"], "digits only"),
        (["add", "王芳", "--role", "receptionist", "--pin", "12"], "to 12 digits"),
        (["reset-pin", "nobody", "--pin", "1234"], "No operator named nobody"),
    ],
)
def test_refusals_write_nothing(cli, operators, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    assert words in one_line(cli("operators", *args))
    assert operators.list() == []


def test_duplicate_operator_is_refused(cli, operators) -> None:  # type: ignore[no-untyped-def]
    assert cli("operators", "add", "王芳", "--role", "receptionist", "--pin", "1111").code == 0
    assert "already exists" in one_line(cli("operators", "add", "王芳", "--role", "manager", "--pin", "4444"))
    assert [o.role.value for o in operators.list()] == ["receptionist"]
