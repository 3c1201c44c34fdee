"""`deskui import units|residents|calls` with the files real offices have (issue 11): Big5 and GB18030 CSV from
Chinese Windows, UTF-16 from Excel's "Unicode text", .xlsx workbooks, `-` for stdin, `--encoding`, and progress.

Each file is either read right or refused with one line; never stored wrong (the call log is append-only).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner

# A header and one row, the hard case for detection: in Big5 these bytes also decode as GB18030, without error.
TRAD_CALL = "時間,類別,內容\n2026-01-05 09:00,repair,3棟2單元1201廚房漏水，請派維修師傅上門處理\n"
SIMP_CALL = "时间,类别,内容\n2026-01-05 09:00,报修,3栋2单元1201厨房漏水，请派维修师傅上门处理\n"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def services(db_path: Path):  # type: ignore[no-untyped-def]
    """A second connection to the same database, to check what the CLI wrote."""
    from deskui.services import open_services

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    yield svc
    svc.close()


def refused(result: Result) -> str:
    assert result.code == 1, result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ")
    return lines[0]


def contents(services) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.content for c in services.calls.iter_all()]


def test_a_big5_call_is_read_as_big5(cli, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_bytes(TRAD_CALL.encode("cp950"))
    result = cli("import", "calls", str(path))
    assert result.code == 0, result.err
    assert contents(services) == ["3棟2單元1201廚房漏水，請派維修師傅上門處理"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_a_short_simplified_call_in_every_office_encoding(  # type: ignore[no-untyped-def]
    cli, services, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(SIMP_CALL.encode(encoding))
    result = cli("import", "calls", str(path))
    assert result.code == 0, result.err
    assert contents(services) == ["3栋2单元1201厨房漏水，请派维修师傅上门处理"]


def test_a_utf16_call_is_read(cli, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "calls.csv"
    path.write_bytes(SIMP_CALL.encode("utf-16"))
    result = cli("import", "calls", str(path))
    assert result.code == 0, result.err
    assert contents(services) == ["3栋2单元1201厨房漏水，请派维修师傅上门处理"]


def test_an_unclear_file_is_refused_naming_encoding_and_read_with_it(  # type: ignore[no-untyped-def]
    cli, services, tmp_path: Path
) -> None:
    # 北京 in GB18030 is B1B1 BEA9, two common characters in Big5 too: no detector can tell which was meant.
    path = tmp_path / "calls.csv"
    path.write_bytes("time,category,content\n2026-01-05 09:00,repair,北京\n".encode("gb18030"))
    line = refused(cli("import", "calls", str(path)))
    assert "--encoding" in line, line
    assert contents(services) == []
    result = cli("import", "calls", "--encoding", "gb18030", str(path))
    assert result.code == 0, result.err
    assert contents(services) == ["北京"]


def test_units_residents_and_calls_from_xlsx(cli, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    def book(name: str, rows: list[list[object]]) -> Path:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "登记"
        for row in rows:
            ws.append(row)
        wb.save(tmp_path / name)
        return tmp_path / name

    assert (
        cli("import", "units", str(book("u.xlsx", [["房号", "类型"], ["3-2-1201", None], ["3-2-1202", ""]]))).code == 0
    )
    residents = book("r.xlsx", [["姓名", "房号", "电话"], ["张三", "3-2-1201", 13800138000]])
    result = cli("import", "residents", str(residents))
    assert result.code == 0, result.err
    calls = book("c.xlsx", [["时间", "类别", "内容"], ["2026-01-05 09:00", "报修", "厨房漏水"]])
    result = cli("import", "calls", str(calls))
    assert result.code == 0, result.err
    assert services.directory.counts()["residents"] == 1
    assert contents(services) == ["厨房漏水"]


def test_a_bad_xlsx_cell_names_sheet_row_and_column(cli, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "来电"
    ws.append(["时间", "类别", "内容"])
    ws.append(["2026-01-05 09:00", "报修", "厨房漏水"])
    ws.append(["2026-01-05 10:00", "no such category", "停电"])
    wb.save(tmp_path / "c.xlsx")
    line = refused(cli("import", "calls", str(tmp_path / "c.xlsx")))
    assert "来电" in line and "row 3" in line and "category" in line, line
    assert contents(services) == []


def test_dash_reads_stdin_with_detection(cli, services, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TRAD_CALL.encode("cp950"))))
    result = cli("import", "calls", "-")
    assert result.code == 0, result.err
    assert contents(services) == ["3棟2單元1201廚房漏水，請派維修師傅上門處理"]


def test_units_import_shows_progress_on_a_terminal(  # type: ignore[no-untyped-def]
    cli, services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    import deskui.cli

    screen = io.StringIO()
    monkeypatch.setattr(deskui.cli, "err", Console(file=screen, force_terminal=True, width=100))
    path = tmp_path / "u.csv"
    path.write_text("unit,kind\n3-2-1201,\n", encoding="utf-8")
    assert cli("import", "units", str(path)).code == 0
    assert "Checking rows" in screen.getvalue()


ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SF311 = ROOT.parent / "shared" / "data" / "sf_311_sample_2008_2018.csv.gz"


@pytest.mark.skipif(not SEEDS.exists(), reason=f"the Chinese seed texts are not at {SEEDS}")
@pytest.mark.parametrize(("prefix", "encoding"), [("001", "cp950"), ("000", "gb18030"), ("004", "utf-16")])
def test_a_manual_as_calls_lands_in_the_log_exactly(  # type: ignore[no-untyped-def]
    cli, services, tmp_path: Path, prefix: str, encoding: str
) -> None:
    """Every line of a real office manual, Traditional or Simplified, becomes a call's content as written."""
    (seed,) = SEEDS.glob(f"{prefix}_*.txt")
    lines = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        try:
            line.encode(encoding)
        except UnicodeEncodeError:
            continue
        if line:
            lines.append(line)
    body = "".join(f'2026-01-05 09:00,repair,"{line.replace(chr(34), chr(34) * 2)}"\n' for line in lines)
    path = tmp_path / "calls.csv"
    path.write_bytes(("時間,類別,內容\n" + body).encode(encoding))
    result = cli("import", "calls", str(path))
    assert result.code == 0, result.err
    assert sorted(contents(services)) == sorted(lines)


@pytest.mark.slow
@pytest.mark.skipif(not SF311.exists(), reason=f"real data not found at {SF311} (shared/data is not checked out)")
def test_real_requests_from_an_xlsx_workbook(cli, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """10,000 San Francisco 311 requests saved as a workbook (dates as Excel dates) import like the CSV."""
    import csv
    import gzip
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("311")
    ws.append(["time", "unit", "category", "content"])
    expected = []
    with gzip.open(SF311, "rt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            content = f"{r['complaint_type']}: {r['descriptor']}\n{r['status_notes']}".strip()
            when = datetime.fromisoformat(r["created_date"]).replace(tzinfo=None)
            ws.append([when, r["incident_address"], "other", content])
            expected.append(content)
    wb.save(tmp_path / "sf.xlsx")
    result = cli("import", "calls", str(tmp_path / "sf.xlsx"))
    assert result.code == 0, result.err
    assert result.out.strip() == f"Imported {len(expected)} calls"
    assert sorted(contents(services)) == sorted(expected)
