"""`deskui import units|residents`: all-or-nothing, one line naming file/line/column, checked in the database."""

from __future__ import annotations

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
    """Run `deskui --db DB ARGS` in-process."""

    return cli_runner(capsys, db_path)


@pytest.fixture
def directory(db_path: Path):  # type: ignore[no-untyped-def]
    """A second connection to the same database, to check what the CLI wrote."""
    from deskui.services import open_services

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    yield svc.directory
    svc.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def refused(result: Result) -> str:
    """The single stderr line of a refused import."""
    assert result.code == 1, result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ")
    assert "Traceback" not in result.err
    return lines[0]


UNITS_200 = "unit,kind\n" + "".join(
    f"{b}-{e}-{floor}{room:02d},\n" for b in (1, 2) for e in (1, 2) for floor in range(1, 26) for room in (1, 2)
)


def test_import_200_units(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", "units", str(write(tmp_path / "units.csv", UNITS_200)))
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 200 units"
    assert directory.counts() == {"buildings": 2, "units": 200, "residents": 0}
    unit = directory.resolve_unit("2栋1单元2502")
    assert unit is not None and unit.kind == "residence"


def test_import_units_of_every_kind(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = "unit,kind\n3-2-1201,住宅\n1栋101,商铺\nB2车库,公共区域\n东门,public\n5-1-302,shop\n"
    assert cli("import", "units", str(write(tmp_path / "u.csv", csv))).code == 0
    kinds = {key: directory.resolve_unit(key).kind for key in ("3-2-1201", "1-101", "B2车库", "东门", "5-1-302")}
    assert kinds == {"3-2-1201": "residence", "1-101": "shop", "B2车库": "public", "东门": "public", "5-1-302": "shop"}


def test_duplicate_unit_in_the_file_refuses_everything(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = "unit,kind\n3-2-1201,\n3-2-1202,\n3-2-1203,\n3-2-1201,\n"
    line = refused(cli("import", "units", str(write(tmp_path / "units.csv", csv))))
    assert "units.csv line 5, column unit: duplicate unit 3-2-1201 (also line 2)" in line
    assert directory.counts()["units"] == 0


def test_duplicate_of_a_unit_already_in_the_directory(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory.add_unit("3栋2单元1201")
    csv = "unit\n3-2-1101\n3-2-1201\n"
    line = refused(cli("import", "units", str(write(tmp_path / "more.csv", csv))))
    assert "more.csv line 3, column unit:" in line and "already in the directory" in line
    assert directory.counts()["units"] == 1


def test_blank_required_column(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = "unit,kind\n3-2-1201,\n  ,shop\n"
    line = refused(cli("import", "units", str(write(tmp_path / "units.csv", csv))))
    assert "units.csv line 3, column unit: required, but blank" in line
    assert directory.counts()["units"] == 0


def test_missing_required_header(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory.add_unit("3-2-1201")
    csv = "name,unit,role\n张三,3-2-1201,owner\n"
    line = refused(cli("import", "residents", str(write(tmp_path / "r.csv", csv))))
    assert "r.csv line 1, column phone: missing from the header" in line
    assert directory.counts()["residents"] == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
        (b"unit,kind\n3-2-1201,\xff\xfe\xfd\xfc\n", "not UTF-8, GB18030, Big5 or UTF-16"),
        (b"", "no header"),
        (b"\n\n  \n", "no header"),
        (b"3-2-1201,residence\n3-2-1202,residence\n", "not a header"),
        ("unit\n3-2-1201\n".encode("utf-16-le"), "--encoding utf-16-le"),  # UTF-16 without its BOM
    ],
    ids=["png", "undecodable", "empty", "blank-lines", "headerless", "utf-16-without-bom"],
)
def test_a_file_that_is_not_csv(cli, directory, tmp_path: Path, content: bytes, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.csv"
    path.write_bytes(content)
    line = refused(cli("import", "units", str(path)))
    assert "units.csv" in line and reason in line
    assert directory.counts()["units"] == 0


def test_missing_file(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    line = refused(cli("import", "units", str(tmp_path / "nope.csv")))
    assert "nope.csv" in line and "no such file" in line


def test_residents_in_a_gbk_file_from_excel(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path / "units.csv", "房号,类型\n3-2-1201,住宅\n3-2-1202,住宅\n", encoding="gbk")
    assert cli("import", "units", str(tmp_path / "units.csv")).code == 0
    csv = (
        "name,unit,phone,role,notes\r\n"
        "张伟,3栋2单元1201,13812345678；0755-8888 1234,业主,独居老人\r\n"
        "李娜,3-2-1202,139 1234 0000、13700001111/13600002222,租户,\r\n"
        "王秀英,3-2-1202,15012345678,,\r\n"
    )
    result = cli("import", "residents", str(write(tmp_path / "residents.csv", csv, encoding="gbk")))
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 3 residents"
    (zhang,) = directory.search_residents("张伟")
    assert zhang.unit_key == "3-2-1201" and zhang.role == "owner" and zhang.notes == "独居老人"
    assert zhang.phones == ("13812345678", "0755-8888 1234")
    (li,) = directory.search_residents("李娜")
    assert li.role == "tenant" and len(li.phones) == 3
    assert [r.name for r in directory.lookup_phone("13600002222")] == ["李娜"]
    (wang,) = directory.search_residents("王秀英")
    assert wang.role == "owner"


def test_utf8_with_bom(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "units", str(write(tmp_path / "u.csv", "\ufeffunit,kind\n5-1-302,\n"))).code == 0
    path = write(tmp_path / "r.csv", "\ufeffname,unit,phone\n赵敏,5-1-302,18600001234\n")
    assert cli("import", "residents", str(path)).code == 0
    assert [r.name for r in directory.lookup_phone("18600001234")] == ["赵敏"]


def test_phone_with_letters_refuses_the_whole_file(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory.add_unit("3-2-1201")
    csv = "name,unit,phone\n张三,3-2-1201,13812345678\n李四,3-2-1201,1391234abcd\n"
    line = refused(cli("import", "residents", str(write(tmp_path / "residents.csv", csv))))
    assert "residents.csv line 3, column phone:" in line and "1391234abcd" in line
    assert directory.counts()["residents"] == 0  # 张三 on line 2 was valid, and is not there either


def test_unknown_unit_for_a_resident(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory.add_unit("3-2-1201")
    csv = "name,unit,phone\n张三,3-2-1201,13812345678\n李四,9-9-909,13912340000\n"
    line = refused(cli("import", "residents", str(write(tmp_path / "residents.csv", csv))))
    assert "residents.csv line 3, column unit: unit 9-9-909 is not in the directory" in line
    assert directory.counts()["residents"] == 0


def test_importing_the_same_residents_twice_is_refused(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory.add_unit("3-2-1201")
    path = write(tmp_path / "residents.csv", "name,unit,phone\n张三,3-2-1201,13812345678\n")
    assert cli("import", "residents", str(path)).code == 0
    line = refused(cli("import", "residents", str(path)))
    assert "line 2, column name" in line and "already in the directory" in line
    assert directory.counts()["residents"] == 1


def test_errors_in_chinese(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = "unit\n3-2-1201\n3-2-1201\n"
    line = refused(cli("import", "units", str(write(tmp_path / "units.csv", csv)), lang="zh-CN"))
    assert "units.csv 第 3 行，unit 列：房号 3-2-1201 重复（第 2 行也有）" in line
    ok = cli("import", "units", str(write(tmp_path / "ok.csv", "unit\n3-2-1201\n")), lang="zh-CN")
    assert ok.out.strip() == "已导入 1 个房号"


def test_residents_import_uses_the_one_phone_rule(cli, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 defect 11: a residents file accepts and refuses the numbers the call form does."""
    from tests.unit.test_calls import PHONES_ACCEPTED, PHONES_REFUSED

    assert cli("import", "units", str(write(tmp_path / "u.csv", "unit\n3-2-1201\n"))).code == 0
    rows = "".join(f'住户{i},3-2-1201,"{p}"\n' for i, p in enumerate(PHONES_ACCEPTED))
    result = cli("import", "residents", str(write(tmp_path / "r.csv", "name,unit,phone\n" + rows)))
    assert result.code == 0, result.err
    for phone in PHONES_REFUSED:
        path = write(tmp_path / "bad.csv", f'王五,3-2-1201,"{phone}"\n'.join(["name,unit,phone\n", ""]))
        line = refused(cli("import", "residents", str(path)))
        assert "line 2" in line and "column phone" in line and repr(phone) in line, line
