"""`deskui patrols` in-process through `deskui.cli.run`: the contract of issue 13 (`routes`, `start --route NAME`
printing the round's id alone, `check ROUND --point NAME --ok|--issue TEXT`, `end ROUND`, `list [--date D]` with
`--format table|csv|json`), refusals as one line on stderr with nothing written, and both languages."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    svc.operators.add("王芳", "receptionist", "1111")
    yield svc
    svc.close()


def rows(db_path: Path, table: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def counts(db_path: Path) -> tuple[int, ...]:
    return tuple(rows(db_path, t) for t in ("patrol_round", "patrol_check", "patrol_end", "patrol_ticket", "ticket"))


def refused(result: Result) -> str:
    assert result.code == 1, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def test_routes_names_and_checkpoints(cli, desk) -> None:  # type: ignore[no-untyped-def]
    routes = json.loads(cli("patrols", "routes", "--format", "json").out)
    estate = next(r for r in routes if r["route"] == "estate")
    assert estate["times"] == ["09:00", "15:00"] and estate["name"] == "Estate patrol"
    assert estate["checkpoints"][0] == {"point": "east_gate", "name": "East gate", "zh": "东门", "en": "East gate"}
    assert {r["route"] for r in routes} >= {"estate", "supervisor"}
    table = cli("patrols", "routes").out
    assert "Estate patrol" in table and "East gate" in table
    assert "园区巡查" in cli("patrols", "routes", lang="zh-CN").out
    lines = list(csv.DictReader(io.StringIO(cli("patrols", "routes", "--format", "csv").out)))
    assert lines[0]["route"] == "estate" and lines[0]["times_text"] == "09:00 15:00"


def test_a_round_start_check_end_list(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("patrols", "start", "--route", "estate", "--operator", "王芳")
    assert r.code == 0 and r.out.strip().isdigit() and len(r.out.splitlines()) == 1, r
    round_id = r.out.strip()
    ok = cli("patrols", "check", round_id, "--point", "east_gate", "--ok")
    assert ok.code == 0 and "East gate: OK" in ok.out and "1 of 9" in ok.out, ok
    bad = cli("patrols", "check", round_id, "--point", "B1车库", "--issue", "车库灯坏了两盏", "--operator", "王芳")
    assert bad.code == 0 and "abnormal" in bad.out, bad
    ended = cli("patrols", "end", round_id)
    assert ended.code == 0 and f"#{round_id}" in ended.out and "not checked" in ended.out, ended
    listed = json.loads(cli("patrols", "list", "--format", "json").out)
    assert len(listed) == 1
    got = listed[0]
    assert (got["id"], got["route"], got["operator"], got["state"]) == (
        int(round_id),
        "estate",
        "王芳",
        "incomplete",
    )
    started, ended_at = datetime.fromisoformat(got["started_at"]), datetime.fromisoformat(got["ended_at"])
    assert started.utcoffset() == timedelta(hours=8) and ended_at >= started  # ISO 8601 with the site's offset
    assert [(c["point"], c["state"], c["note"]) for c in got["checks"]] == [
        ("east_gate", "ok", ""),
        ("garage_b1", "abnormal", "车库灯坏了两盏"),
    ]
    assert got["checks"][1]["operator"] == "王芳" and got["checks"][0]["checked_at"]
    day = started.date().isoformat()
    assert [g["id"] for g in json.loads(cli("patrols", "list", "--date", day, "--format", "json").out)] == [
        int(round_id)
    ]
    assert json.loads(cli("patrols", "list", "--date", "2020-01-01", "--format", "json").out) == []
    lines = list(csv.DictReader(io.StringIO(cli("patrols", "list", "--format", "csv").out)))
    assert [(row["id"], row["route"], row["state"], row["abnormal"]) for row in lines] == [
        (round_id, "estate", "incomplete", "1")
    ]
    assert "Estate" in cli("patrols", "list").out  # a narrow test terminal wraps the name
    assert "园区" in cli("patrols", "list", lang="zh-CN").out
    assert counts(db_path)[:3] == (1, 2, 1)


def test_an_abnormal_finding_becomes_a_ticket(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    round_id = cli("patrols", "start", "--route", "Estate patrol").out.strip()
    cli("patrols", "check", round_id, "--point", "garden", "--issue", "路灯不亮")
    r = cli("patrols", "ticket", round_id, "--point", "garden", "--operator", "王芳")
    assert r.code == 0 and r.out.strip().startswith("WX-"), r
    listed = json.loads(cli("patrols", "list", "--format", "json").out)
    assert listed[0]["checks"][0]["ticket_number"] == r.out.strip()
    assert "already has the ticket" in refused(cli("patrols", "ticket", round_id, "--point", "garden"))
    assert "no abnormal finding" in refused(cli("patrols", "ticket", round_id, "--point", "east_gate"))
    assert counts(db_path)[3:] == (1, 1)


def test_refusals_are_one_line_and_write_nothing(cli, desk, db_path) -> None:  # type: ignore[no-untyped-def]
    assert "Unknown route nowhere" in refused(cli("patrols", "start", "--route", "nowhere"))
    assert "未知的巡查路线" in refused(cli("patrols", "start", "--route", "nowhere", lang="zh-CN"))
    round_id = cli("patrols", "start", "--route", "estate").out.strip()
    assert cli("patrols", "check", round_id, "--point", "east_gate", "--ok").code == 0
    before = counts(db_path)
    assert "no checkpoint moon" in refused(cli("patrols", "check", round_id, "--point", "moon", "--ok"))
    assert "already checked" in refused(cli("patrols", "check", round_id, "--point", "east_gate", "--ok"))
    assert "--ok or --issue" in refused(cli("patrols", "check", round_id, "--point", "garden"))
    assert "--ok or --issue" in refused(cli("patrols", "check", round_id, "--point", "garden", "--ok", "--issue", "x"))
    assert "What is abnormal" in refused(cli("patrols", "check", round_id, "--point", "garden", "--issue", " "))
    assert "#999" in refused(cli("patrols", "check", "999", "--point", "garden", "--ok"))
    assert "#999" in refused(cli("patrols", "end", "999"))
    assert cli("patrols", "list", "--format", "xml").code == 2  # not a choice: a usage error
    assert counts(db_path) == before
    assert cli("patrols", "end", round_id).code == 0
    assert "already ended" in refused(cli("patrols", "end", round_id))
    assert "already ended" in refused(cli("patrols", "check", round_id, "--point", "garden", "--ok"))
    assert counts(db_path) == (before[0], before[1], before[2] + 1, before[3], before[4])


def test_schedule_lists_the_days_rounds(cli, desk) -> None:  # type: ignore[no-untyped-def]
    cli("patrols", "start", "--route", "supervisor")
    plan = json.loads(cli("patrols", "schedule", "--format", "json").out)
    assert {(p["route"], p["state"] in ("done", "missed", "due", "upcoming")) for p in plan} == {
        ("estate", True),
        ("supervisor", True),
    }
    assert all(datetime.fromisoformat(p["scheduled_at"]).utcoffset() == timedelta(hours=8) for p in plan)


def test_routes_table_names_each_route_under_route(cli, desk) -> None:  # type: ignore[no-untyped-def]
    """A person reads the route's name under "Route" (in their language), not its key; the key, what a script may
    type, stays in a column of its own. JSON keeps its fields (route is the key, name the reader's label)."""
    for lang, name in (("zh-CN", "园区巡查"), ("en", "Estate")):
        table = cli("patrols", "routes", lang=lang).out
        header = next(line for line in table.splitlines() if "┃" in line)
        row = next(line for line in table.splitlines() if name in line)
        assert row.index(name) < row.index("estate"), table
        assert header.split("┃")[1].strip() == ("路线" if lang == "zh-CN" else "Route"), table
    assert "姓名" not in cli("patrols", "routes", lang="zh-CN").out  # a person's name is not a route's
    routes = json.loads(cli("patrols", "routes", "--format", "json", lang="zh-CN").out)
    estate = next(r for r in routes if r["route"] == "estate")
    assert set(estate) == {"route", "name", "zh", "en", "times", "checkpoints"} and estate["name"] == "园区巡查"
    lines = list(csv.DictReader(io.StringIO(cli("patrols", "routes", "--format", "csv").out)))
    assert list(lines[0]) == ["route", "name", "times_text", "checkpoints_text"]
