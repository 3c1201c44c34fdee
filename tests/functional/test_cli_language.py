"""The CLI speaks the reader's language (issue 12): no key (maintenance, overdue, night, ok …) in a person's output
in Chinese, keys typed in Chinese (either script) or English, refusals listing the choices in the reader's
language, XLSX headers in the UI language and CSV headers stable. JSON keeps its English keys and key values."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest

from deskui.cli import run
from tests.functional.cli import Result, cli_runner, scripted_env

# An English word in Chinese output: a run of lowercase ASCII letters (with _; after digits: 2d, 19h), not inside a
# longer token such as a ticket number, a path or a time zone (Asia/Shanghai).
ENGLISH_WORD = re.compile(r"(?<![\w/.-])\d*[a-z][a-z_]*(?![\w/.-])")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo property (`deskui demo`) with a handover in progress, made once for the module."""
    path = tmp_path_factory.mktemp("lang") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        scripted_env(mp)
        cheap = lambda: argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # noqa: E731
        mp.setattr("deskui.services.operators.PasswordHasher", cheap)
        with pytest.raises(SystemExit) as exc:
            run(["--db", str(path), "demo", "--quiet"])
        assert exc.value.code == 0
        from deskui.core.config import load_settings
        from deskui.services import open_services

        svc = open_services(load_settings(database_url=str(path), language="en", environ={}))
        try:
            svc.handover.start(svc.operators.by_name("王芳"))
        finally:
            svc.close()
    yield path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    scripted_env(monkeypatch)
    monkeypatch.setenv("COLUMNS", "200")
    db = tmp_path / "demo.db"
    shutil.copy(demo_db, db)
    for extra in ("demo.db.key", "demo.db.anchor"):
        if (demo_db.parent / extra).exists():
            shutil.copy(demo_db.parent / extra, tmp_path / extra)
    return cli_runner(capsys, db)


def _numbers(cli) -> list[str]:  # type: ignore[no-untyped-def]
    tickets = json.loads(cli("tickets", "list", "--limit", "50", "--format", "json").out)
    closed = json.loads(cli("tickets", "list", "--queue", "closed", "--format", "json").out)
    return [x["number"] for x in (*tickets, *closed)]


SHOWN = (
    ("tickets", "list"),
    ("tickets", "list", "--queue", "closed"),
    ("dutylog", "show"),
    ("dutylog", "show", "--shift", "night"),
    ("handover", "show"),
    ("review", "show"),
    ("roster", "show"),
    ("calls", "list"),
    ("keys", "list"),
    ("visitors", "list"),
    ("parcels", "list"),
    ("passes", "list"),
    ("renovations", "list"),
    ("patrols", "schedule"),
    ("operators", "list"),
    ("workers", "list"),
    ("report", "monthly"),
)


def test_no_key_leaks_into_chinese_output(cli) -> None:  # type: ignore[no-untyped-def]
    """Every main list and show command, and `tickets show` of every ticket, in zh-CN: no English word at all (the
    demo's free text is Chinese), so no key — a department, a status, a target's state, a shift, a duration unit."""
    leaks: dict[str, set[str]] = {}
    commands = [*SHOWN, *(("tickets", "show", n) for n in _numbers(cli))]
    for args in commands:
        result = cli(*args, lang="zh-CN")
        assert result.code == 0, (args, result.err)
        found = set(ENGLISH_WORD.findall(result.out)) - {"deskui"}
        if found:
            leaks[" ".join(args)] = found
    assert leaks == {}, "; ".join(f"{args}: {sorted(words)}" for args, words in leaks.items())


def test_english_output_says_keys_in_words(cli) -> None:  # type: ignore[no-untyped-def]
    """The same words in English: a department's name and a target's state, not its key."""
    number = next(n for n in _numbers(cli) if n.startswith("WX-20261201"))
    shown = cli("tickets", "show", number).out
    assert "Department: Maintenance" in shown and "maintenance" not in shown
    assert not re.search(r"\s(ok|overdue|due_soon)\s", shown)
    assert "Night shift" in cli("dutylog", "show").out


def test_json_keeps_keys(cli) -> None:  # type: ignore[no-untyped-def]
    number = next(n for n in _numbers(cli) if n.startswith("WX-20261201"))
    data = json.loads(cli("tickets", "show", number, "--format", "json", lang="zh-CN").out)
    assert data["department"] == "maintenance" and data["kind"] == "repair"
    entries = json.loads(cli("dutylog", "show", "--format", "json", lang="zh-CN").out)
    assert entries and {e["shift_key"] for e in entries} <= {"day", "night"}  # keys, never 夜班 / 白班


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--queue", "已超时"), "overdue"),
        (("--queue", "已超時"), "overdue"),
        (("--queue", "Due-Soon"), "due_soon"),
        (("--queue", "即将到期"), "due_soon"),
        (("--queue", "卽將到期"), "due_soon"),
    ],
)
def test_queue_named_in_chinese(cli, args: tuple[str, ...], expected: str) -> None:  # type: ignore[no-untyped-def]
    by_name = cli("tickets", "list", *args, "--format", "json")
    by_key = cli("tickets", "list", "--queue", expected.replace("_", "-"), "--format", "json")
    assert by_name.code == 0, by_name.err
    assert [x["number"] for x in json.loads(by_name.out)] == [x["number"] for x in json.loads(by_key.out)]


@pytest.mark.parametrize("word", ["夜班", "NIGHT", "Night shift"])
def test_shift_named_in_chinese(cli, word: str) -> None:  # type: ignore[no-untyped-def]
    by_name = cli("dutylog", "show", "--shift", word, "--format", "json")
    assert by_name.code == 0, by_name.err
    assert json.loads(by_name.out) == json.loads(cli("dutylog", "show", "--shift", "night", "--format", "json").out)


@pytest.mark.parametrize("word", ["维修", "報修", "报修", "REPAIR"])
def test_call_category_named_in_chinese(cli, word: str) -> None:  # type: ignore[no-untyped-def]
    added = cli(
        "calls", "add", "--caller", "张", "--unit", "3-2-1201", "--phone", "13800138000",
        "--category", word, "--content", "水管漏水",
    )  # fmt: skip
    assert added.code == 0, added.err
    call = json.loads(cli("calls", "show", added.out.strip(), "--format", "json").out)
    assert call["category"] == "repair"


@pytest.mark.parametrize("word", ["维修", "維修", "Repair"])
def test_ticket_kind_named_in_chinese(cli, word: str) -> None:  # type: ignore[no-untyped-def]
    added = cli(
        "calls", "add", "--caller", "张", "--unit", "3-2-1201", "--phone", "13800138000",
        "--category", "inquiry", "--content", "水管漏水",
    )  # fmt: skip
    opened = cli("tickets", "open", "--from-call", added.out.strip(), "--kind", word)
    assert opened.code == 0, opened.err
    assert opened.out.startswith("WX-")


def _one_line(result: Result) -> str:
    assert result.code != 0, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def test_refusals_list_choices_in_the_readers_language(cli) -> None:  # type: ignore[no-untyped-def]
    call = ("calls", "add", "--caller", "张", "--unit", "3-2-1201", "--phone", "13800138000", "--content", "x")
    line = _one_line(cli(*call, "--category", "修理", lang="zh-CN"))
    assert "可选：报修、投诉" in line and "repair" not in line
    line = _one_line(cli(*call, "--category", "修理", lang="zh-HK"))  # Traditional: the choices in its script
    assert "可選：報修、投訴" in line and "repair" not in line
    line = _one_line(cli(*call, "--category", "fix", lang="en"))
    assert "repair, complaint" in line
    line = _one_line(cli("tickets", "list", "--queue", "全部", lang="zh-CN"))
    assert "已超时" in line and "overdue" not in line
    line = _one_line(cli("dutylog", "show", "--shift", "早班", lang="zh-CN"))
    assert "白班、午间值班、夜班" in line and "night" not in line
    assert "day, midday, night" in _one_line(cli("dutylog", "show", "--shift", "early"))


def test_xlsx_headers_in_the_ui_language_csv_stable(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    def first_row(path: Path) -> list[str]:
        sheet = load_workbook(path, read_only=True).worksheets[0]
        return [str(c.value) for c in next(sheet.iter_rows(max_row=1))]

    for what in ("tickets", "calls", "dutylog"):
        zh, en = tmp_path / f"{what}-zh.xlsx", tmp_path / f"{what}-en.xlsx"
        assert cli("export", what, "--format", "xlsx", "-o", str(zh), lang="zh-CN").code == 0
        assert cli("export", what, "--format", "xlsx", "-o", str(en)).code == 0
        zh_head, en_head = first_row(zh), first_row(en)
        assert len(zh_head) == len(en_head) and zh_head != en_head
        assert not any(ENGLISH_WORD.fullmatch(h) for h in zh_head), zh_head
        csv_zh = cli("export", what, "--format", "csv", lang="zh-CN").out
        csv_en = cli("export", what, "--format", "csv").out
        head = next(csv.reader(io.StringIO(csv_zh)))
        assert head == next(csv.reader(io.StringIO(csv_en)))
        assert all(re.fullmatch(r"[a-z_0-9]+", h) for h in head), head


@pytest.mark.parametrize("words", [("来电",), ("來電", "工單"), ("Calls", "TICKET")])
def test_timeline_kinds_named_in_any_language(cli, words: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    keys = {"来电": "call", "來電": "call", "工單": "ticket", "Calls": "calls", "TICKET": "ticket"}

    def kinds(*names: str) -> list[object]:
        args = [a for n in names for a in ("--kind", n)]
        result = cli("units", "timeline", "3-1-502", *args, "--format", "json")
        assert result.code == 0, result.err
        return [(x["kind"], x["number"]) for x in json.loads(result.out)]

    assert kinds(*words) == kinds(*(keys[w] for w in words))
