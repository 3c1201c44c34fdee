"""`deskui calls add|list|show`, `deskui import calls`, `deskui export calls`, run in-process."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.core.db import open_database

    open_database(str(db_path)).dispose()  # as `deskui init` makes it: other commands never make a new file

    return cli_runner(capsys, db_path)


@pytest.fixture
def calls(db_path: Path):  # type: ignore[no-untyped-def]
    """A second connection to the same database, to check what the CLI wrote."""
    from deskui.services import open_services

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    yield svc.calls
    svc.close()


def add(cli, *extra: str, content: str = "厨房水管漏水", category: str = "repair") -> Result:  # type: ignore[no-untyped-def]
    return cli(
        "calls",
        "add",
        "--caller",
        "张先生",
        "--unit",
        "3-2-1201",
        "--phone",
        "13800138000",
        "--category",
        category,
        "--content",
        content,
        *extra,
    )


def refused(result: Result) -> str:
    assert result.code == 1, result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ") and "Traceback" not in result.err
    return lines[0]


def test_add_prints_only_the_new_id(cli, calls) -> None:  # type: ignore[no-untyped-def]
    first = add(cli, "--time", "2026-01-05T09:00:00+08:00")
    assert first.code in (0, None), first.err
    assert first.out == "1\n"
    second = add(cli, "--time", "2026-01-05 10:30", "--channel", "walk_in", content="[bold]卫生间[/")
    assert second.out == "2\n"
    call = calls.get(2)
    assert call.content == "[bold]卫生间[/" and call.channel == "walk_in"
    assert call.time == datetime.fromisoformat("2026-01-05T10:30:00+08:00")


def test_add_with_operator_and_unknowns(cli, calls) -> None:  # type: ignore[no-untyped-def]
    assert cli("operators", "add", "王芳", "--role", "receptionist", "--pin", "1234").code in (0, None)
    assert add(cli, "--operator", "王芳").out == "1\n"
    assert calls.get(1).operator == "王芳"
    assert "No operator named nobody" in refused(add(cli, "--operator", "nobody"))
    line = refused(add(cli, category="plumbing"))
    assert "Unknown category 'plumbing'; use one of: repair, complaint, inquiry, help" in line
    assert "Unknown channel" in refused(add(cli, "--channel", "pigeon"))
    assert "letters" in refused(
        cli(
            "calls",
            "add",
            "--caller",
            "x",
            "--unit",
            "3-2-1201",
            "--phone",
            "138abc",
            "--category",
            "repair",
            "--content",
            "x",
        )
    )
    assert "future" in refused(add(cli, "--time", "2099-01-01T00:00:00"))
    assert "escape" in refused(add(cli, content="\x1b]0;title\x07"))
    assert calls.list() != [] and len(calls.list()) == 1


def test_add_accepts_category_in_any_case_and_chinese(cli, calls) -> None:  # type: ignore[no-untyped-def]
    assert add(cli, category="REPAIR").code in (0, None)
    assert add(cli, category="投诉").code in (0, None)
    assert [c.category for c in calls.list()] == ["complaint", "repair"]


@pytest.fixture
def three(cli) -> None:  # type: ignore[no-untyped-def]
    add(cli, "--time", "2026-01-05T09:00:00+08:00", content="厨房水管漏水")
    add(cli, "--time", "2026-01-06T23:40:00+08:00", "--channel", "walk_in", content="=1+1", category="complaint")
    cli(
        "calls",
        "add",
        "--caller",
        "李",
        "--unit",
        "B2 car park",
        "--phone",
        "",
        "--channel",
        "letter",
        "--category",
        "inquiry",
        "--content",
        "地库灯不亮\n第二行",
        "--time",
        "2026-01-07T08:00:00+08:00",
    )


def test_list_json_has_the_contract_fields(cli, three) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "list", "--format", "json")
    assert result.code in (0, None), result.err
    rows = json.loads(result.out)
    assert [r["id"] for r in rows] == [3, 2, 1]
    for key in (
        "id",
        "time",
        "channel",
        "caller",
        "unit",
        "phone",
        "category",
        "content",
        "operator",
        "shift",
        "urgent",
        "amends_id",
        "ticket_wanted",
    ):
        assert key in rows[0]
    night = rows[1]
    assert night["time"] == "2026-01-06T23:40:00+08:00"
    assert (night["channel"], night["category"], night["shift"]) == ("walk_in", "complaint", "night")
    assert night["content"] == "=1+1"  # JSON is data: never altered
    assert rows[0]["content"] == "地库灯不亮\n第二行" and rows[0]["unit"] == "B2 car park"
    assert rows[2]["ticket_wanted"] is True and rows[0]["ticket_wanted"] is False


def test_list_filters_search_and_limit(cli, three) -> None:  # type: ignore[no-untyped-def]
    def ids(*args: str) -> list[int]:
        result = cli("calls", "list", "--format", "json", *args)
        assert result.code in (0, None), result.err
        return [r["id"] for r in json.loads(result.out)]

    assert ids("--search", "漏水") == [1]
    assert ids("--search", "水") == [1]
    assert ids("--search", "灯") == [3]
    assert ids("--unit", "3栋2单元1201") == [2, 1]
    assert ids("--since", "2026-01-06") == [3, 2]
    assert ids("--until", "2026-01-06") == [2, 1]
    assert ids("--since", "2026-01-06T00:00", "--until", "2026-01-07T00:00") == [2]
    assert ids("--limit", "2") == [3, 2]
    assert ids("--search", "漏水", "--since", "2026-01-06") == []


def test_list_csv_and_table(cli, three) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["id"] for r in rows] == ["3", "2", "1"]
    assert rows[1]["content"] == "'=1+1"
    table = cli("calls", "list")
    assert table.code in (0, None) and "张先生" in table.out and "B2 car" in table.out
    assert cli("calls", "list", "--format", "yaml").code == 2  # a usage error (test_cli_formats)


def test_show_reads_back(cli, three) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "show", "1", lang="zh-CN")
    assert "1月5日 09:00，3栋2单元1201 张先生（138…）来电报修：厨房水管漏水。" in result.out


CSV_HEADER = "time,channel,caller,unit,phone,category,content\n"


def test_import_a_good_file(cli, calls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = (
        "2026-01-05 09:00,phone,张先生,3-2-1201,13800138000,repair,厨房水管漏水\n"
        '2026-01-05T10:00:00+08:00,来访,李女士,B2 car park,,投诉,"车位被占,\r\n第二行"\n'
        "2026-01-05 11:00,LETTER,,5栋1单元302,0755-8888 1234 转 12,Inquiry,=SUM(A1)\n"
    )
    path = tmp_path / "calls.csv"
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    result = cli("import", "calls", str(path))
    assert result.code in (0, None), result.err
    assert result.out.strip() == "Imported 3 calls"
    got = calls.list()
    assert [(c.channel, c.category) for c in got] == [
        ("letter", "inquiry"),
        ("walk_in", "complaint"),
        ("phone", "repair"),
    ]
    assert got[1].content == "车位被占,\n第二行"
    assert got[2].time == datetime.fromisoformat("2026-01-05T09:00:00+08:00")
    assert [c.id for c in calls.search("漏水")] == [got[2].id]


def test_import_a_bad_row_in_the_middle_imports_nothing(cli, calls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = "2026-01-05 09:00,phone,张先生,3-2-1201,13800138000,repair,厨房水管漏水\n"
    body = good * 5 + "2026-01-05 09:00,phone,张先生,3-2-1201,138abc,repair,x\n" + good * 5
    path = tmp_path / "calls.csv"
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    line = refused(cli("import", "calls", str(path)))
    assert "line 7" in line and "column phone" in line and "letters" in line
    assert calls.list() == []


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2026-01-05 09:00,phone,a,3-2-1201,110,plumbing,x", "category", "repair, complaint"),
        ("2026-01-05 09:00,carrier pigeon,a,3-2-1201,110,repair,x", "channel", "phone, walk_in"),
        ("2099-01-05 09:00,phone,a,3-2-1201,110,repair,x", "time", "future"),
        ("someday,phone,a,3-2-1201,110,repair,x", "time", "someday"),
        ("2026-01-05 09:00,phone,a,3-2-1201,110,repair,\x1b[2J", "content", "escape"),
        ("2026-01-05 09:00,phone,a,3-2-1201,110,repair,", "content", "blank"),
    ],
)
def test_import_errors_name_row_column_reason(cli, calls, tmp_path, row, column, words) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CSV_HEADER + row + "\n", encoding="utf-8")
    line = refused(cli("import", "calls", str(path)))
    assert "line 2" in line and f"column {column}" in line and words in line
    assert calls.list() == []


def test_import_refuses_a_megabyte_cell_clearly(cli, calls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_text(CSV_HEADER + "2026-01-05 09:00,phone,a,3-2-1201,110,repair," + "水" * 1_000_000 + "\n")
    line = refused(cli("import", "calls", str(path)))
    assert "column content" in line and "too long" in line and len(line) < 300
    assert calls.list() == []


def test_export_csv_json_xlsx(cli, three, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "calls", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["id"] for r in rows] == ["1", "2", "3"]  # oldest first
    assert rows[1]["content"] == "'=1+1"
    assert rows[2]["content"] == "地库灯不亮\n第二行"

    out = tmp_path / "calls.csv"
    assert cli("export", "calls", "--format", "csv", "--output", str(out)).code in (0, None)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,time")

    data = json.loads(cli("export", "calls", "--format", "json", "--since", "2026-01-06").out)
    assert [r["id"] for r in data] == [2, 3] and data[0]["content"] == "=1+1"
    assert json.loads(cli("export", "calls", "--format", "json", "--since", "2030-01-01").out) == []

    xlsx = tmp_path / "calls.xlsx"
    result = cli("export", "calls", "--format", "xlsx", "--output", str(xlsx))
    assert result.code in (0, None), result.err
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    header = values[0]
    content = header.index("Content")  # a workbook's headers are words (issue 12); CSV keeps the keys
    assert values[2][content] == "'=1+1"
    assert ws.cell(row=3, column=content + 1).data_type == "s"  # text, not a formula
    assert values[1][header.index("Time")] == datetime(2026, 1, 5, 9, 0)
    assert "xlsx" in refused(cli("export", "calls", "--format", "xlsx"))
    assert "'csv', 'json', 'xlsx'" in cli("export", "calls", "--format", "pdf").err


def test_cli_messages_in_chinese(cli) -> None:  # type: ignore[no-untyped-def]
    line = refused(
        cli(
            "calls",
            "add",
            "--caller",
            "x",
            "--unit",
            "3-2-1201",
            "--phone",
            "110",
            "--category",
            "repair",
            "--content",
            "",
            lang="zh-CN",
        )
    )
    assert "请填写内容" in line


def test_search_by_unit_in_any_spelling(cli) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 4: `calls list --search` and `calls search` find a unit's calls whatever the spelling."""
    ids = []
    for spelling in ("3-2-1201", "3栋2单元1201", "3#2-1201"):
        result = cli("calls", "add", "--caller", "张", "--unit", spelling, "--phone", "13800138000",
                     "--category", "repair", "--content", "漏水")  # fmt: skip
        assert result.code == 0, result.err
        ids.append(int(result.out))
    cli("calls", "add", "--caller", "李", "--unit", "5-1-302", "--phone", "13800138001",
        "--category", "repair", "--content", "停电")  # fmt: skip
    for term in ("3-2-1201", "3栋2单元1201", "三栋二单元１２０１", "3#2-1201"):
        listed = json.loads(cli("calls", "list", "--search", term, "--format", "json").out)
        assert sorted(r["id"] for r in listed) == ids, term
        found = json.loads(cli("calls", "search", term, "--format", "json").out)
        assert sorted(r["id"] for r in found) == ids, term
        unit = json.loads(cli("calls", "list", "--unit", term, "--format", "json").out)
        assert sorted(r["id"] for r in unit) == ids, term


def test_one_phone_rule_for_calls_add_and_import_calls(cli, calls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 11: `calls add` and `import calls` accept and refuse exactly what the form does."""
    from tests.unit.test_calls import PHONES_ACCEPTED, PHONES_REFUSED

    for phone in PHONES_ACCEPTED:
        result = cli("calls", "add", "--caller", "张", "--unit", "3-2-1201", "--phone", phone,
                     "--category", "inquiry", "--content", "问")  # fmt: skip
        assert result.code == 0, (phone, result.err)
    for phone in PHONES_REFUSED:
        result = cli("calls", "add", "--caller", "张", "--unit", "3-2-1201", "--phone", phone,
                     "--category", "inquiry", "--content", "问")  # fmt: skip
        assert repr(phone) in refused(result), phone
    assert len(calls.list(limit=100)) == len(PHONES_ACCEPTED)
    path = tmp_path / "calls.csv"
    rows = "".join(f'2026-01-05 09:00,phone,张,3-2-1201,"{p}",inquiry,问\n' for p in PHONES_ACCEPTED)
    path.write_text(CSV_HEADER + rows, encoding="utf-8")
    assert cli("import", "calls", str(path)).code == 0
    for phone in PHONES_REFUSED:
        path.write_text(CSV_HEADER + f'2026-01-05 09:00,phone,张,3-2-1201,"{phone}",inquiry,问\n', encoding="utf-8")
        line = refused(cli("import", "calls", str(path)))
        assert "line 2" in line and "column phone" in line and repr(phone) in line, line
    assert len(calls.list(limit=100)) == 2 * len(PHONES_ACCEPTED)


def test_list_shows_a_correction_and_its_original_by_their_own_numbers(cli, calls) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 12: `calls list` shows both versions, each by its own number (as the Calls screen does),
    the correction marked as correcting the original; --current-only leaves the replaced version out."""
    from deskui.services.calls import CallInput

    first = int(add(cli).out)
    second = int(add(cli, content="停电").out)
    fixed = calls.amend(first, CallInput(content="厨房水管漏水 已关阀", category="repair", unit="3-2-1201",
                                         phone="13800138000", caller="张先生"))  # fmt: skip
    data = json.loads(cli("calls", "list", "--format", "json").out)
    assert [(r["id"], r["amends_id"]) for r in data] == [(fixed.id, first), (second, None), (first, None)]
    table = cli("calls", "list").out
    assert f"{fixed.id} ✎#{first}" in table and f"{first} →#{fixed.id}" in table
    current = json.loads(cli("calls", "list", "--current-only", "--format", "json").out)
    assert [r["id"] for r in current] == [fixed.id, second]
    assert f"#{fixed.id} " in cli("calls", "show", str(fixed.id)).out
