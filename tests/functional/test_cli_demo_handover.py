"""`deskui demo` leaves the previous shift's handover signed, made through the services as the two people on the
roster would make it, so the duty log, the review and Home have a signed handover to show (read through the CLI's
JSON). The demo's clock is the machine's: the tests pin it to a day-shift and a night-shift moment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.functional.cli import cli_runner

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("local", "shift", "day_over"),
    [
        (datetime(2026, 12, 3, 10, 0, tzinfo=SH), "night", True),  # the desk's day: the night before handed over
        (datetime(2026, 12, 3, 21, 0, tzinfo=SH), "day", False),  # the night: the day shift handed over
    ],
)
def test_the_demo_signs_the_previous_shifts_handover(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    local: datetime,
    shift: str,
    day_over: bool,
) -> None:
    monkeypatch.setattr("deskui.core.clock.Clock.now", lambda self: local.astimezone(UTC))
    cli = cli_runner(capsys, tmp_path / "demo.db")
    assert cli("demo", "--quiet").code == 0
    last = json.loads(cli("handover", "show", "--last", "--format", "json").out)
    assert last is not None and last["signed"] and last["shift_key"] == shift, last
    people = {"day": "王芳", "night": "李强"}
    assert (last["outgoing"]["name"], last["incoming"]["name"]) == (people[shift], people[last["next_shift_key"]])
    day = last["duty_date"]
    entries = json.loads(cli("dutylog", "show", "--date", day, "--format", "json").out)
    assert [e["payload"]["handover_id"] for e in entries if e["kind"] == "handover"] == [last["id"]]
    review = json.loads(cli("review", "show", "--date", day, "--format", "json").out)
    assert [h["id"] for h in review["handovers"] if h["signed_at"]] == [last["id"]]
    unsigned = json.loads(cli("review", "unsigned", "--format", "json").out)
    assert ({"day": day} in unsigned) == day_over  # a day over waits for the supervisor's signature
    # The demo's patrol finding handed over: its checkpoint named in the reader's language, its keys kept.
    finding = next(i for i in last["items"] if i["kind"] == "patrol_finding")
    assert finding["title"] == "Garage B1: 3号排风机异响"
    zh = json.loads(cli("handover", "show", "--last", "--format", "json", lang="zh-CN").out)
    assert next(i for i in zh["items"] if i["kind"] == "patrol_finding")["title"] == "B1车库: 3号排风机异响"
    assert cli("demo", "--quiet").code == 0  # a second run adds nothing
    again = json.loads(cli("handover", "show", "--last", "--format", "json").out)
    assert again["id"] == last["id"] and again["signed_at"] == last["signed_at"]
