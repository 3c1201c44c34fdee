"""services.imports and the CSV reader it shares with the call import: refusals name line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.core.errors import ImportFailed
from deskui.services.common.csvfiles import CsvImportFailed, read_csv
from deskui.services.directory import (
    check_residents_file,
    check_units_file,
    import_residents,
    import_units,
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- read_csv -----------------------------------------------------------------------------------------------


def test_rows_carry_the_line_an_editor_shows(tmp_path: Path) -> None:
    text = 'unit,kind\n3-2-1201,住宅\n\n"3-2-\n1202",shop\n  5-1-302 ,\n'
    rows = list(read_csv(write(tmp_path / "a.csv", text), ("unit", "kind"), required=("unit",)))
    assert rows == [
        (2, {"unit": "3-2-1201", "kind": "住宅"}),
        (4, {"unit": "3-2-\n1202", "kind": "shop"}),
        (6, {"unit": "5-1-302", "kind": ""}),
    ]


def test_optional_columns_may_be_absent_and_headers_are_case_insensitive(tmp_path: Path) -> None:
    rows = list(read_csv(write(tmp_path / "a.csv", "Unit\r\n3-2-1201\r\n"), ("unit", "kind")))
    assert rows == [(2, {"unit": "3-2-1201", "kind": ""})]


def test_chinese_headers_tabs_and_gbk(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "房号\t类型\n3栋2单元1201\t商铺\n", encoding="gbk")
    rows = list(read_csv(path, ("unit", "kind"), aliases={"房号": "unit", "类型": "kind"}))
    assert rows == [(2, {"unit": "3栋2单元1201", "kind": "商铺"})]


def test_gb18030_characters_outside_gbk(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "name\n𠀀先生\n", encoding="gb18030")
    assert list(read_csv(path, ("name",))) == [(2, {"name": "𠀀先生"})]


def test_unknown_column_is_refused_unless_allowed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "unit,序号\n3-2-1201,1\n")
    with pytest.raises(CsvImportFailed) as exc:
        list(read_csv(path, ("unit",)))
    assert (exc.value.line, exc.value.column) == (1, "序号")
    assert list(read_csv(path, ("unit",), allow_extra=True)) == [(2, {"unit": "3-2-1201"})]


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"),
    [
        ("unit,unit\n1-1-101,1-1-102\n", 1, "unit", "appears twice"),
        ("unit,kind\n1-1-101,shop,extra\n", 2, None, "3 cells but the header has 2 columns"),
        ('unit,kind\n1-1-101,"shop\n', 2, None, "not a valid CSV file"),
        ("kind\nshop\n", 1, "unit", "missing from the header"),
        ("unit,kind\n1-1-101,\n,shop\n", 3, "unit", "required, but blank"),
    ],
)
def test_refusals_name_line_and_column(tmp_path: Path, text: str, line: int, column: str | None, reason: str) -> None:
    path = write(tmp_path / "units.csv", text)
    with pytest.raises(ImportFailed) as exc:
        list(read_csv(path, ("unit", "kind"), required=("unit",)))
    err = exc.value
    assert isinstance(err, CsvImportFailed)
    assert (err.line, err.column) == (line, column)
    assert reason in err.reason
    assert str(err).startswith(f"{path} line {line}")


def test_nul_bytes_are_found_on_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"unit\n1-1-101\n1-1-\x00102\n")
    with pytest.raises(CsvImportFailed) as exc:
        list(read_csv(path, ("unit",)))
    assert exc.value.line == 3 and "binary" in exc.value.reason


def test_a_large_file_streams(tmp_path: Path) -> None:
    """The call import reads 100,000 rows through this function."""
    path = tmp_path / "calls.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("time,channel,caller,unit,phone,category,content\n")
        for i in range(100_000):
            fh.write(f"2024-06-01 08:{i % 60:02d},phone,张{i},3-2-1201,138{i:08d},repair,水管漏水 {i}\n")
    columns = ("time", "channel", "caller", "unit", "phone", "category", "content")
    count = 0
    last: tuple[int, dict[str, str]] | None = None
    for row in read_csv(path, columns, required=("time", "content")):
        count += 1
        last = row
    assert count == 100_000
    assert last is not None and last[0] == 100_001 and last[1]["caller"] == "张99999"


# --- units --------------------------------------------------------------------------------------------------


def test_import_units(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "u.csv", "unit,kind\n3-2-1201,\n1栋101,商铺\nB2车库,公共区域\n")
    assert import_units(services.directory, path) == 3
    assert services.directory.counts()["units"] == 3
    assert services.directory.resolve_unit("1-101").kind == "shop"


def test_duplicate_spellings_of_one_unit(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "u.csv", "unit\n3-2-1201\n3-2-1202\n3栋2单元1201室\n")
    with pytest.raises(CsvImportFailed) as exc:
        check_units_file(services.directory, path)
    assert (exc.value.line, exc.value.column) == (4, "unit")
    assert "also line 2" in exc.value.reason
    assert services.directory.counts()["units"] == 0


def test_bad_kind_names_the_kind_column(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "u.csv", "unit,kind\n3-2-1201,garage\n")
    with pytest.raises(CsvImportFailed) as exc:
        import_units(services.directory, path)
    assert (exc.value.line, exc.value.column) == (2, "kind")
    assert services.directory.counts()["units"] == 0


def test_unreadable_unit_names_the_unit_column(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "u.csv", "unit\n3-2-1201\n三楼那家\n")
    with pytest.raises(CsvImportFailed) as exc:
        import_units(services.directory, path)
    assert (exc.value.line, exc.value.column) == (3, "unit")
    assert services.directory.counts()["units"] == 0


def test_unit_already_present_refuses_the_batch(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.directory.add_unit("东门", "public")
    path = write(tmp_path / "u.csv", "unit,kind\n西门,public\n东门,public\n")
    with pytest.raises(CsvImportFailed) as exc:
        import_units(services.directory, path)
    assert (exc.value.line, exc.value.column) == (3, "unit")
    assert services.directory.counts()["units"] == 1


# --- residents ----------------------------------------------------------------------------------------------


@pytest.fixture
def units(services):  # type: ignore[no-untyped-def]
    for unit in ("3-2-1201", "3-2-1202"):
        services.directory.add_unit(unit)
    services.directory.add_unit("1栋101", "shop")
    return services.directory


def test_import_residents(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        "name,unit,phone,role,notes\n"
        "张三,3-2-1201,13812345678;13912345678,owner,独居老人\n"
        "李四,3栋2单元1202,0755-26881234 转 801,tenant,\n"
        "王五,1-101,18600001111,,商户：便利店\n"
    )
    assert import_residents(units, write(tmp_path / "r.csv", text)) == 3
    (zhang,) = units.lookup_phone("13912345678")
    assert zhang.name == "张三" and zhang.phones == ("13812345678", "13912345678") and zhang.notes == "独居老人"
    (li,) = units.lookup_phone("0755-26881234 转 801")
    assert li.role == "tenant" and li.unit_key == "3-2-1202"
    assert units.counts()["residents"] == 3


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("张三,3-2-1201,1381234567a", "phone", "Bad phone"),
        ("张三,3-2-1201,;", "phone", "no phone number"),
        ("张三,3-2-1201,", "phone", "required, but blank"),
        (",3-2-1201,13812345678", "name", "required, but blank"),
        ("张三,3-2-9999,13812345678", "unit", "not in the directory"),
        ("张三,B9车库,13812345678", "unit", "not in the directory"),
        ("张三,3-2-1201,13812345678,landlord", "role", "Unknown role"),
        ("李四,3-2-1201,13812345678", "name", "listed twice"),
    ],
)
def test_resident_refusals(units, tmp_path: Path, row: str, column: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "r.csv", f"name,unit,phone,role\n李四,3-2-1201,13900000000\n{row}\n")
    with pytest.raises(CsvImportFailed) as exc:
        import_residents(units, path)
    assert (exc.value.line, exc.value.column) == (3, column)
    assert reason in exc.value.reason
    assert units.counts()["residents"] == 0


def test_same_resident_already_in_the_unit(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    units.add_resident("张三", "3-2-1201", "13812345678")
    path = write(tmp_path / "r.csv", "name,unit,phone\n张三,3栋2单元1201,13812345678\n")
    with pytest.raises(CsvImportFailed) as exc:
        check_residents_file(units, path)
    assert (exc.value.line, exc.value.column) == (2, "name")
    assert units.counts()["residents"] == 1
