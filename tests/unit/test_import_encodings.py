"""Import files in every encoding a Chinese office saves, built from real text: each is read right or refused.

The text is real: Chinese property-management manuals in Simplified and Traditional script (../shared/seeds/) and
San Francisco 311 requests (../shared/data/). Each fixture is a calls CSV — a header and 1 to 20 rows, the short
ones being the hard case for detection — saved as UTF-8 (with and without a BOM), UTF-16, GB18030 and Big5. The
one rule: a file is read exactly as written or refused with a message naming --encoding; never read wrong.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from pathlib import Path

import pytest

from deskui.services.common.csvfiles import CsvImportFailed, csv_records
from deskui.services.common.encodings import codec_for, guess
from deskui.services.common.tabular import InputBytes, Table

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SF311 = ROOT.parent / "shared" / "data" / "sf_311_sample_2008_2018.csv.gz"
COLUMNS = ("time", "channel", "caller", "unit", "phone", "category", "content", "visit_time", "urgent")


def _lines(*prefixes: str) -> list[str]:
    out = []
    for prefix in prefixes:
        for path in sorted(SEEDS.glob(f"{prefix}_*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip().replace(",", "，").replace('"', "")
                if len(line) >= 2:
                    out.append(line[:60])
    return out


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def fixtures(seed: int, n: int) -> list[tuple[str, str, str]]:
    """(label, text, codec): calls CSVs of real lines, Simplified and Traditional, in every office encoding."""
    simplified = _lines("000", "002", "003")
    traditional = _lines("001", "004")
    if not simplified or not traditional:
        pytest.skip(f"the Chinese seed texts are not at {SEEDS} (shared/ is not checked out)")
    big5_lines = [line for line in traditional if _encodable(line, "cp950")]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        script = ("simplified", "traditional")[i % 2]
        codec = rng.choice(["gb18030", "gb18030", "utf-8", "utf-8-sig", "utf-16"] + ["cp950"] * 3 * (i % 2))
        pool = simplified if script == "simplified" else (big5_lines if codec == "cp950" else traditional)
        rows = rng.sample(pool, rng.choice([1, 1, 2, 3, 5, 20]))
        if rng.random() < 0.4:  # cells of a few characters: a name, 漏水, 已处理
            rows = [row[: rng.randint(1, 6)] for row in rows]
        header = rng.choice(["time,category,content", "时间,类别,内容" if script == "simplified" else "時間,類別,內容"])
        body = "".join(f"2024-03-{d % 28 + 1:02d} 09:00,repair,{row}\n" for d, row in enumerate(rows))
        out.append((f"{script}-{codec}-{len(rows)}rows", f"{header}\n{body}", codec))
    return out


def read_back(data: bytes) -> str | None:
    """The text deskui reads from `data`, or None when it refuses the file (naming --encoding)."""
    try:
        return "\n".join(",".join(cells) for _, cells in csv_records(InputBytes(data).open, "f.csv")) + "\n"
    except CsvImportFailed as exc:
        assert "--encoding" in exc.reason, exc.reason
        return None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_fixture_is_read_right_or_refused(seed: int) -> None:
    outcomes: Counter[tuple[str, str]] = Counter()
    for label, text, codec in fixtures(seed, 400):
        got = read_back(text.encode(codec))
        assert got is None or got == text, f"{label} read wrong as {got!r}"
        kind = "short" if label.split("-")[-1] in ("1rows", "2rows", "3rows") else "long"
        outcomes[(kind, "read" if got is not None else "refused")] += 1
    # Refusing is safe but a nuisance: files of 5 rows and more are read; short ones mostly are.
    assert outcomes[("long", "refused")] <= outcomes[("long", "read")] // 20, outcomes
    assert outcomes[("short", "refused")] <= outcomes[("short", "read")] // 4, outcomes


def test_the_big5_file_from_the_issue_is_not_gb18030() -> None:
    """Big5 decodes as GB18030 without an error: that is how 維修 became garbage in the append-only log."""
    text = "時間,類別,內容\n2026-01-05 09:00,repair,管理處維修\n"
    data = text.encode("cp950")
    assert data.decode("gb18030") != text  # the bug's premise: no decode error, wrong text
    assert guess(data).codec == "cp950"
    assert read_back(data) == text


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "cp950"])
def test_whole_manuals_are_read_right(codec: str) -> None:
    for script, prefixes in (("simplified", ("000", "002")), ("traditional", ("001",))):
        rows = [line for line in _lines(*prefixes) if _encodable(line, codec)]
        if (codec == "cp950" and script == "simplified") or not rows:
            continue
        text = "time,category,content\n" + "".join(f"2024-03-01 09:00,repair,{row}\n" for row in rows)
        assert read_back(text.encode(codec)) == text, (script, codec)


@pytest.mark.skipif(not SF311.exists(), reason=f"real data not found at {SF311} (shared/data is not checked out)")
def test_real_english_requests_in_utf8_and_utf16() -> None:
    """10,000 San Francisco 311 requests (® ’ é, quoted newlines): UTF-8 as published, and as Excel's UTF-16."""
    text = gzip.decompress(SF311.read_bytes()).decode("utf-8")
    for codec in ("utf-8", "utf-8-sig", "utf-16"):
        records = list(csv_records(InputBytes(text.encode(codec)).open, "sf.csv"))
        assert len(records) > 10_000 and records[0][1][0] == "unique_key"


def test_a_few_latin_accents_alone_are_refused_not_guessed() -> None:
    """ "José" in UTF-8 is also 'Jos茅' in GB18030: with nothing else to go on, the person says which."""
    assert guess("name\nJosé\n".encode()).codec is None
    assert guess("name\nJosé Muñoz, Anna Müller\n".encode()).codec == "utf-8-sig"  # three: convincing
    assert guess("name\n“José”\n".encode()).codec == "utf-8-sig"  # curly quotes are three-byte UTF-8


def test_an_unclear_file_names_encoding_and_reads_with_it() -> None:
    data = "time,category,content\n2026-01-05 09:00,repair,北京\n".encode("gb18030")  # also 控儔 in Big5
    with pytest.raises(CsvImportFailed) as exc:
        list(csv_records(InputBytes(data).open, "calls.csv"))
    assert "--encoding" in str(exc.value) and "reads as gb18030, big5)" in str(exc.value)
    for name in ("gbk", "GB18030", "gb2312"):
        assert [cells for _, cells in csv_records(InputBytes(data).open, "calls.csv", name)][1][2] == "北京"
    assert [cells for _, cells in csv_records(InputBytes(data).open, "calls.csv", "big5")][1][2] == "控儔"


def test_encoding_names_people_type() -> None:
    assert codec_for("UTF-8") == codec_for("utf8") == "utf-8-sig"
    assert codec_for("Big5") == codec_for("cp950") == "cp950"
    assert codec_for("GBK") == codec_for("gb_2312") == "gb18030"
    assert codec_for("utf-16le") == "utf-16-le"
    assert codec_for("latin-1") is None


def test_a_wrong_encoding_given_names_the_line() -> None:
    data = "time,category,content\n2026-01-05 09:00,repair,厨房漏水\n".encode()
    with pytest.raises(CsvImportFailed) as exc:
        list(csv_records(InputBytes(data).open, "calls.csv", "utf-16"))
    assert "--encoding" in exc.value.reason
    with pytest.raises(CsvImportFailed) as exc:
        list(csv_records(InputBytes(data).open, "calls.csv", "latin-1"))
    assert "unknown encoding latin-1" in exc.value.reason


def test_non_ascii_far_into_a_file_decides() -> None:
    """The guess reads the lines that hold non-ASCII bytes, wherever they are, not the first 64 KiB."""
    text = (
        "time,category,content\n" + "2024-03-01 09:00,repair,pipe\n" * 20_000 + "2024-03-02 09:00,repair,管理處維修\n"
    )
    assert read_back(text.encode("cp950")) == text


def test_utf16_without_bom_is_binary_unless_named() -> None:
    data = "unit\n3-2-1201\n".encode("utf-16-le")
    with pytest.raises(CsvImportFailed) as exc:
        list(csv_records(InputBytes(data).open, "u.csv"))
    assert "UTF-16 without its BOM; give --encoding utf-16-le" in exc.value.reason
    assert [cells for _, cells in csv_records(InputBytes(data).open, "u.csv", "utf-16-le")] == [["unit"], ["3-2-1201"]]


def test_a_workbook_under_a_csv_name_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "u.xlsx", {"units": [["unit"], ["3-2-1201"]]})
    misnamed = tmp_path / "units.csv"
    misnamed.write_bytes(path.read_bytes())
    table = Table(misnamed, ("unit",))
    assert list(table) == [(2, {"unit": "3-2-1201"})] and table.sheet == "units"


# --- workbooks -------------------------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_xlsx_cells_read_as_people_see_them(tmp_path: Path) -> None:
    from datetime import datetime

    path = _workbook(
        tmp_path / "c.xlsx",
        {
            "来电": [
                ["时间", "电话", "类别", "内容", "紧急"],
                [],
                [datetime(2026, 1, 5, 9, 30), 13800138000, "报修", "厨房漏水\n很急", True],
            ]
        },
    )
    table = Table(path, COLUMNS, required=("time", "content"), aliases={"时间": "time", "电话": "phone"} | _ALIASES)
    rows = list(table)
    assert table.sheet == "来电"
    assert rows == [
        (
            3,
            {
                "time": "2026-01-05 09:30",
                "channel": "",
                "caller": "",
                "unit": "",
                "phone": "13800138000",
                "category": "报修",
                "content": "厨房漏水\n很急",
                "visit_time": "",
                "urgent": "1",
            },
        )
    ]


_ALIASES = {"类别": "category", "内容": "content", "紧急": "urgent"}


def test_xlsx_refusals_name_sheet_row_and_column_letter(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "c.xlsx", {"Sheet1": [["x"]], "来电": [["time", "content"], ["2026-01-05", None]]})
    table = Table(path, COLUMNS, required=("time", "content"), sheet="来电")
    with pytest.raises(CsvImportFailed) as exc:
        list(table)
    assert str(exc.value) == f"{path}, sheet 来电, row 2, column B (content): required, but blank"
    assert (exc.value.line, exc.value.column, exc.value.sheet) == (2, "content", "来电")
    with pytest.raises(CsvImportFailed, match="no sheet 3; the workbook has Sheet1, 来电"):
        list(Table(path, COLUMNS, sheet="3"))
    assert next(iter(Table(path, ("time", "content"), sheet="2")))[1]["time"] == "2026-01-05"


def test_xlsx_from_stdin_and_bad_workbooks(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "u.xlsx", {"units": [["unit"], ["3-2-1201"]]})
    assert list(Table(InputBytes(path.read_bytes()), ("unit",))) == [(2, {"unit": "3-2-1201"})]
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"unit\n3-2-1201\n")
    with pytest.raises(CsvImportFailed, match="not an Excel workbook"):
        list(Table(fake, ("unit",)))
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CsvImportFailed, match="Excel 97-2003"):
        list(Table(old, ("unit",)))
    csv = tmp_path / "u.csv"
    csv.write_text("unit\n3-2-1201\n", encoding="utf-8")
    with pytest.raises(CsvImportFailed, match=r"--sheet is for \.xlsx"):
        list(Table(csv, ("unit",), sheet="1"))


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    """Offices put 来电来访登记表 across the top of the sheet; the header is the row below it."""
    path = _workbook(tmp_path / "c.xlsx", {"登记": [["来电来访登记表"], [], ["房号"], ["3-2-1201"]]})
    assert list(Table(path, ("unit",), aliases={"房号": "unit"})) == [(4, {"unit": "3-2-1201"})]
    csv = tmp_path / "c.csv"
    csv.write_text("来电来访登记表,,\n2026年1月,,\n时间,类别,内容\n2026-01-05 09:00,repair,漏水\n", encoding="utf-8")
    rows = list(Table(csv, COLUMNS, aliases={"时间": "time"} | _ALIASES))
    assert [(line, row["content"]) for line, row in rows] == [(4, "漏水")]
    headerless = tmp_path / "u.csv"
    headerless.write_text("3-2-1201\n3-2-1202\n3-2-1203\n3-2-1204\n", encoding="utf-8")
    with pytest.raises(CsvImportFailed) as exc:
        list(Table(headerless, ("unit",)))
    assert exc.value.line == 1 and "not a header" in exc.value.reason


def test_fragments_of_real_text_are_read_right_or_refused() -> None:
    """Any run of 1 to 30 characters of the manuals, as a cell between ASCII cells, in every encoding."""
    assert guess("電等現".encode("gb18030")).codec != "utf-8-sig"
    simplified, traditional = "".join(_lines("000", "002", "003")), "".join(_lines("001", "004"))
    if not simplified or not traditional:
        pytest.skip(f"the Chinese seed texts are not at {SEEDS} (shared/ is not checked out)")
    rng = random.Random(7)
    for _ in range(6000):
        source = rng.choice([simplified, traditional])
        k = rng.choice([1, 2, 3, 4, 6, 10, 30])
        start = rng.randrange(len(source) - k)
        cell = source[start : start + k].replace(",", " ")
        text = f"unit,name,phone\n3-2-{rng.randint(101, 2500)},{cell},138{rng.randint(0, 99999999):08d}\n"
        codec = rng.choice(["gb18030", "utf-8", "utf-16", "cp950"])
        if not _encodable(text, codec):
            continue
        got = read_back(text.encode(codec))
        assert got is None or got == text, f"{cell!r} in {codec} read as {got!r}"


@pytest.mark.parametrize("text", ["name,unit\n繼續等,3-2-677\n", "name,unit\n禮,3-2-1900\nì,3-2-2135\n與,3-2-2066\n"])
def test_traditional_text_typed_into_a_gb18030_file_is_not_read_as_big5(text: str) -> None:
    """GBK holds the Traditional characters: 繼續 in a GB18030 file is common text, not a sign of Big5."""
    assert read_back(text.encode("gb18030")) in (None, text)


@pytest.mark.parametrize("text", ["name,notes\n张三,😀\n", "name,notes\nJoe,👍 ok\n"])
def test_emoji_pasted_from_a_chat_are_utf8(text: str) -> None:
    assert read_back(text.encode()) == text
