"""The CLI's output contract (issue 11): `--format` is a real choice (a usage error, exit 2, naming the values);
every command that prints data has `--format json`, in one style (an array of objects, or one object for a
single record); `-o -` is stdout; long exports show a progress bar on stderr, and only at a terminal."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG", "DESKUI_PIN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    """The database, opened as another terminal would, with two operators and one call three days ago."""
    from deskui.services import open_services
    from deskui.services.calls import CallInput

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=3))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    svc.operators.add("王芳", "receptionist", "1111")
    svc.operators.add("陈静", "manager", "3333")
    call = CallInput(content="厨房水管漏水", category="repair", caller="张先生", unit="3-2-1201", phone="13800138000")
    svc.calls.record(call, operator=svc.operators.by_name("王芳"))
    yield svc
    svc.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, desk):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def usage_error(result: Result) -> str:
    """Exit 2 and one line on stderr, as every usage error: "deskui: … (deskui CMD --help)"."""
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: ") and lines[0].endswith("--help)"), result.err
    return lines[0]


TABLE_CSV_JSON = ("table", "csv", "json")
EXPORTS = ("csv", "json", "xlsx")
TABLE_JSON = ("table", "json")
TEXT_JSON = ("text", "json")
CHOICES = [
    (("calls", "list"), TABLE_CSV_JSON),
    (("calls", "search", "水"), TABLE_CSV_JSON),
    (("tickets", "list"), TABLE_CSV_JSON),
    (("tickets", "show", "WX-20261123-0007"), TEXT_JSON),
    (("export", "calls"), EXPORTS),
    (("export", "tickets"), EXPORTS),
    (("export", "dutylog"), EXPORTS),
    (("report", "monthly"), ("table", "json", "xlsx")),
    (("dutylog", "show"), TABLE_JSON),
    (("handover", "show"), TABLE_JSON),
    (("keys", "list"), TABLE_CSV_JSON),
    (("roster", "show"), TABLE_JSON),
    (("review", "show"), TABLE_JSON),
]
NEW_CHOICES = [
    (("operators", "list"), TABLE_JSON),
    (("verify",), TEXT_JSON),
    (("review", "unsigned"), TEXT_JSON),
    (("calls", "show", "1"), TEXT_JSON),
]


@pytest.mark.parametrize(("command", "values"), CHOICES, ids=[" ".join(c[:2]) for c, _ in CHOICES])
def test_an_unknown_format_is_a_usage_error_naming_the_values(cli, command, values) -> None:  # type: ignore[no-untyped-def]
    line = usage_error(cli(*command, "--format", "yaml"))
    assert "'yaml'" in line and all(f"'{v}'" in line for v in values), line
    assert "--format" in line


@pytest.mark.parametrize(("command", "values"), NEW_CHOICES, ids=[" ".join(c[:2]) for c, _ in NEW_CHOICES])
def test_new_format_options_are_choices_too(cli, command, values) -> None:  # type: ignore[no-untyped-def]
    line = usage_error(cli(*command, "--format", "yaml"))
    assert all(f"'{v}'" in line for v in values), line


def test_a_format_in_capitals_is_still_understood(cli) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(cli("calls", "list", "--format", "JSON").out)[0]["caller"] == "张先生"
    rows = csv.DictReader(io.StringIO(cli("export", "calls", "--format", "Csv").out))
    assert [row["caller"] for row in rows] == ["张先生"]


def test_the_help_lists_the_values(cli) -> None:  # type: ignore[no-untyped-def]
    assert "table|csv|json" in cli("calls", "list", "--help").out


# --- JSON where it was missing ------------------------------------------------------------------------------------


def test_operators_list_json(cli, desk) -> None:  # type: ignore[no-untyped-def]
    r = cli("operators", "list", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert [(o["name"], o["role"], o["active"], o["locked_until"]) for o in data] == [
        ("王芳", "receptionist", True, None),
        ("陈静", "manager", True, None),
    ]
    assert set(data[0]) == {"name", "role", "active", "locked_until"}  # never a PIN hash


def test_verify_json(cli, desk) -> None:  # type: ignore[no-untyped-def]
    desk.dutylog.add("巡查B2车库", operator=desk.operators.by_name("王芳"))
    r = cli("verify", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["intact"] is True and data["entries"] == 1 and data["head_seq"] == 1 and data["problems"] == []
    assert len(data["head_hash"]) == 64


def test_review_unsigned_json(cli, desk) -> None:  # type: ignore[no-untyped-def]
    days = [d.isoformat() for d in desk.review.unsigned_days()]
    r = cli("review", "unsigned", "--format", "json")
    assert r.code == 1 and r.err == ""  # the exit code still says "some day waits", for cron
    listed = [x["day"] for x in json.loads(r.out)]
    assert listed[: len(days)] == days and listed  # the CLI runs on the real clock, a moment later


def test_calls_show_json(cli, desk) -> None:  # type: ignore[no-untyped-def]
    listed = json.loads(cli("calls", "list", "--format", "json").out)
    r = cli("calls", "show", "1", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == listed[0]  # one object, the same keys as the list
    versions = json.loads(cli("calls", "show", "1", "--versions", "--format", "json").out)
    assert versions == listed  # several records: an array


def test_list_json_is_one_array_of_objects(cli, desk) -> None:  # type: ignore[no-untyped-def]
    desk.keys.lend("机房A", "电工 老周", operator=desk.operators.by_name("王芳"))
    for command in (("calls", "list"), ("tickets", "list"), ("keys", "list"), ("dutylog", "show")):
        data = json.loads(cli(*command, "--format", "json").out)
        assert isinstance(data, list) and all(isinstance(x, dict) for x in data), command


# --- `-o -` is stdout ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("export", "calls", "--format", "json"),
        ("export", "tickets", "--format", "json"),
        ("export", "dutylog", "--format", "json"),
        ("report", "monthly", "--format", "json"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_dash_output_is_stdout(cli, tmp_path, monkeypatch, command) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    r = cli(*command, "-o", "-")
    assert r.code == 0, r.err
    json.loads(r.out)
    assert not (tmp_path / "-").exists()
    assert r.err == ""  # no "Exported … to -": the data went where the user looks


# --- progress -----------------------------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stderr is a terminal: what the CLI's `err` console draws lands in the returned buffer."""
    from deskui.cli import SafeConsole

    screen = io.StringIO()
    monkeypatch.setattr("deskui.cli.err", SafeConsole(file=screen, force_terminal=True, width=100, highlight=False))
    return screen


@pytest.mark.parametrize(
    ("command", "label"),
    [
        (("export", "calls", "--format", "csv"), "Exporting calls"),
        (("export", "tickets", "--format", "csv"), "Exporting tickets"),
        (("export", "dutylog", "--format", "csv"), "Exporting the duty log"),
        (("report", "monthly", "--format", "xlsx"), "Writing the report"),
    ],
    ids=lambda c: " ".join(c[:2]) if isinstance(c, tuple) else c,
)
def test_long_jobs_show_progress_at_a_terminal(cli, tmp_path, terminal, command, label) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / ("out.xlsx" if "xlsx" in command else "out.csv")
    r = cli(*command, "-o", str(target))
    assert r.code == 0, r.err
    assert label in terminal.getvalue(), terminal.getvalue()
    assert target.exists()


def test_no_progress_when_stderr_is_not_a_terminal(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("export", "calls", "-o", str(tmp_path / "calls.csv"))
    assert r.code == 0 and r.err.strip().splitlines() == [f"Exported 1 calls to {tmp_path / 'calls.csv'}"]
    piped = cli("export", "calls", "--format", "json")
    assert piped.err == "" and json.loads(piped.out)[0]["id"] == 1


def test_the_bar_counts_every_row_in_steps_and_costs_nothing_when_hidden() -> None:
    from deskui.commands._formats import Job

    steps: list[int] = []
    job = Job(steps.append, lambda text: None, shown=True)
    assert list(job.track(range(600))) == list(range(600))
    assert steps == [256, 256, 88]
    hidden = Job(steps.append, lambda text: None, shown=False)
    assert list(hidden.track(iter("abc"))) == ["a", "b", "c"] and steps == [256, 256, 88]
