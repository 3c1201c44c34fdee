"""A call from a Hong Kong resident, as a Hong Kong office logs it (issue 12): `deskui calls add` with an 8-digit
number written with +852 and the unit as `A座12樓B室`; the call is found by the unit in its Simplified and canonical
spellings, by the number as dialled locally, and the caller lookup by the local number finds the call and the
resident."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import cli_runner, scripted_env


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from deskui.core.db import open_database

    scripted_env(monkeypatch)
    open_database(str(db_path)).dispose()
    return cli_runner(capsys, db_path)


def test_a_hong_kong_call_is_found_in_any_spelling(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    added = cli(
        "calls", "add", "--caller", "陳大文", "--unit", "A座12樓B室", "--phone", "+852 6234 5678",
        "--category", "repair", "--content", "廚房水喉漏水", "--time", "10分鐘前",
    )  # fmt: skip
    assert added.code == 0, added.err
    call_id = int(added.out)
    for unit in ("A座12樓B室", "a座12楼b室", "A-12B", "Ａ座１２樓Ｂ"):
        found = cli("calls", "list", "--unit", unit, "--format", "json")
        assert found.code == 0, found.err
        assert [c["id"] for c in json.loads(found.out)] == [call_id], unit
    by_number = cli("calls", "search", "6234 5678", "--format", "json")
    assert [c["id"] for c in json.loads(by_number.out)] == [call_id]

    from deskui.services import open_services

    settings = load_settings(database_url=str(db_path), language="en", environ={})
    services = open_services(replace(settings, time_zone="Asia/Hong_Kong"))
    try:
        services.directory.add_unit("A座12楼B室")
        services.directory.add_resident("陳大文", "a-12b", "6234 5678")
        lookup = services.calls.lookup_caller("62345678")
        assert [c.id for c in lookup.recent] == [call_id]
        assert [r.name for r in lookup.residents] == ["陳大文"]
        international = services.calls.lookup_caller("+852 6234 5678")
        assert [r.name for r in international.residents] == ["陳大文"]
    finally:
        services.close()
