"""`deskui units timeline UNIT` in-process through `deskui.cli.run` (issue 13 contract): any spelling, newest
first, `--kind`, `--since`, `--limit`, `--format table|csv|json` (JSON one array of objects with kind, id, number,
unit, at with its offset, summary, state), an unknown unit as one line on stderr, both languages."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.services.calls import CallInput
from tests.functional.cli import cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    """3-2-1201 with a call, a ticket from it, a duty-log line, a parcel; 5-1-302 with a call of its own."""
    from deskui.services import open_services

    clock = FrozenClock(START)
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    rec = svc.operators.add("王芳", "receptionist", "1111")
    for unit in ("3-2-1201", "5-1-302"):
        svc.directory.add_unit(unit)
    call = svc.calls.record(
        CallInput(content="厨房水管漏水", category="repair", unit="3栋2单元1201", phone="13812345678"), operator=rec
    )
    clock.advance(minutes=5)
    svc.calls.record(CallInput(content="门禁坏了", category="repair", unit="5-1-302", phone="13712340000"))
    clock.advance(minutes=5)
    svc.tickets.open_from_call(call.id, operator=rec)
    clock.advance(minutes=5)
    svc.dutylog.add("3#2-1201 楼道灯不亮", operator=rec)
    clock.advance(minutes=5)
    svc.parcels.receive("3-2-1201", "顺丰", tracking="SF1")
    yield svc
    svc.close()


def test_any_spelling_newest_first_as_json(cli, desk) -> None:  # type: ignore[no-untyped-def]
    for spelling in ("3-2-1201", "3栋2单元1201室", "3#2-1201"):
        r = cli("units", "timeline", spelling, "--format", "json")
        assert r.code == 0, r
        entries = json.loads(r.out)
        assert [e["kind"] for e in entries] == ["parcel", "log", "ticket", "call"], spelling
    for e in entries:
        assert {"kind", "id", "number", "unit", "at", "summary", "state"} <= set(e)
        at = datetime.fromisoformat(e["at"])
        assert at.utcoffset() == timedelta(hours=8)  # the site's zone, with its offset
    assert entries[-1]["unit"] == "3栋2单元1201" and "厨房水管漏水" in entries[-1]["summary"]
    assert entries[-1]["call_id"] == entries[-1]["id"]
    assert entries[2]["ticket_id"] == entries[2]["id"] and entries[2]["number"].startswith("WX-")
    assert entries[2]["state"] == "new" and entries[0]["state"] == "waiting"


def test_kind_since_limit_and_csv(cli, desk) -> None:  # type: ignore[no-untyped-def]
    calls = json.loads(cli("units", "timeline", "3-2-1201", "--kind", "calls", "--format", "json").out)
    assert [e["kind"] for e in calls] == ["call"]
    two = json.loads(cli("units", "timeline", "3-2-1201", "--kind", "parcel", "--kind", "log", "--format", "json").out)
    assert [e["kind"] for e in two] == ["parcel", "log"]
    since = (START + timedelta(minutes=12)).astimezone(UTC).isoformat()
    recent = json.loads(cli("units", "timeline", "3-2-1201", "--since", since, "--format", "json").out)
    assert [e["kind"] for e in recent] == ["parcel", "log"]
    one = json.loads(cli("units", "timeline", "3-2-1201", "--limit", "1", "--format", "json").out)
    assert [e["kind"] for e in one] == ["parcel"]
    lines = list(csv.DictReader(io.StringIO(cli("units", "timeline", "3-2-1201", "--format", "csv").out)))
    assert [row["kind"] for row in lines] == ["parcel", "log", "ticket", "call"]
    assert {"at", "kind", "number", "summary", "state", "id", "unit"} <= set(lines[0])
    bad = cli("units", "timeline", "3-2-1201", "--kind", "weather")
    assert bad.code == 1 and bad.out == "" and len(bad.err.strip().splitlines()) == 1


def test_table_in_both_languages(cli, desk) -> None:  # type: ignore[no-untyped-def]
    en = cli("units", "timeline", "3-2-1201")
    assert en.code == 0 and "顺丰" in en.out and "Parcel" in en.out and "Waiting" in en.out, en
    zh = cli("units", "timeline", "3-2-1201", lang="zh-CN")
    assert zh.code == 0 and "包裹" in zh.out and "编号" in zh.out, zh
    empty = cli("units", "timeline", "5-1-302", "--kind", "parcel")
    assert empty.code == 0 and "Nothing recorded" in empty.out


def test_an_unknown_unit_is_one_line_on_stderr(cli, desk) -> None:  # type: ignore[no-untyped-def]
    r = cli("units", "timeline", "9-9-9999")
    assert r.code == 1 and r.out == ""
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: ") and "9-9-9999" in lines[0]
    zh = cli("units", "timeline", "9-9-9999", lang="zh-CN")
    assert zh.code == 1 and "没有房号" in zh.err
    # A place only the records name has its story.
    desk.calls.record(CallInput(content="东门栏杆坏了", category="repair", unit="东门", phone="13812345678"))
    r = cli("units", "timeline", "东门", "--format", "json")
    assert r.code == 0 and [e["kind"] for e in json.loads(r.out)] == ["call"]
