"""`deskui init`, `demo`, `doctor` and database errors through the real CLI entry point (`deskui.cli.run`)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from deskui.cli import run
from deskui.core.config import load_settings
from deskui.core.db import code_head
from tests.functional.cli import Result, cli_runner

DESKUI = Path(sys.executable).with_name("deskui")
PG_URL = "postgresql+psycopg://desk:s3cret-pw@127.0.0.1:1/deskui"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `deskui ARGS` in-process; the CLI always leaves through SystemExit."""

    return cli_runner(capsys)


def open_services_at(db_path: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    return open_services(load_settings(database_url=str(db_path), language="en", environ={}))


def assert_one_error_line(result: Result) -> None:
    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ")
    assert "Traceback" not in result.err


# --- init ---------------------------------------------------------------------------------------------------


def test_init_creates_the_database_private_to_the_owner(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", str(db_path), "init")
    assert result.code == 0, result.err
    assert "Schema created" in result.out
    assert code_head() in result.out
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (code_head(),)
        assert con.execute("SELECT count(*) FROM site").fetchone() == (1,)
    finally:
        con.close()
    again = cli("--db", str(db_path), "init")
    assert again.code == 0
    assert "up to date" in again.out


def test_init_masks_the_password_of_a_postgres_url_it_cannot_reach(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", PG_URL, "init")
    assert_one_error_line(result)
    assert "s3cret-pw" not in result.err + result.out
    assert "desk:***@127.0.0.1:1/deskui" in result.err


def test_doctor_on_an_unreachable_postgres_fails_without_the_password(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", PG_URL, "doctor")
    assert result.code == 1
    assert "s3cret-pw" not in result.err + result.out
    assert "Traceback" not in result.err
    assert_one_error_line(result)


@pytest.mark.parametrize(
    "content",
    [
        b"name,unit\n" * 50,  # a CSV someone passed as --db by mistake
        b"SQLite format 3\x00" + b"\x07" * 4000,  # right header, damaged body
    ],
    ids=["not-sqlite", "corrupt"],
)
def test_a_file_that_is_not_a_healthy_database_is_refused_and_left_untouched(
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    content: bytes,
) -> None:
    path = tmp_path / "important.db"
    path.write_bytes(content)
    path.chmod(0o640)
    for command in (["init"], ["demo"], ["operators", "list"]):
        result = cli("--db", str(path), *command)
        assert_one_error_line(result)
        assert "untouched" in result.err
    doctor = cli("--db", str(path), "doctor")
    assert doctor.code == 1
    assert "Traceback" not in doctor.err
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["important.db"]  # no -wal/-shm either


def test_an_unsupported_database_url_is_one_clear_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", "mysql://root:hunter2@localhost/desk", "init")
    assert_one_error_line(result)
    assert "hunter2" not in result.err
    assert "unsupported database" in result.err


def test_usage_errors_are_one_line_too(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", "units")
    assert result.code == 2
    assert_one_error_line(result)
    assert "Missing argument" in result.err


# --- demo ---------------------------------------------------------------------------------------------------


def test_demo_twice_changes_nothing(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("--db", str(db_path), "demo")
    assert first.code == 0, first.err
    for name, pin in (("王芳", "1111"), ("李强", "2222"), ("陈静", "3333"), ("刘伟", "4444")):
        assert name in first.out and pin in first.out
    svc = open_services_at(db_path)
    try:
        counts = svc.directory.counts()
        operators = [(o.name, o.role.value) for o in svc.operators.list()]
    finally:
        svc.close()
    assert counts["buildings"] >= 3
    assert 180 <= counts["units"] <= 260
    assert counts["residents"] >= 200
    assert operators == [
        ("王芳", "receptionist"),
        ("李强", "maintenance"),
        ("陈静", "supervisor"),
        ("刘伟", "manager"),
    ]

    second = cli("--db", str(db_path), "demo", "--quiet")
    assert second.code == 0
    assert second.out == ""
    svc = open_services_at(db_path)
    try:
        assert svc.directory.counts() == counts
        assert len(svc.operators.list()) == 4
        wang = svc.operators.by_name("王芳")
        assert svc.operators.authenticate(wang.id, "1111").name == "王芳"
    finally:
        svc.close()


def test_demo_speaks_chinese(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["--lang", "zh-CN", "--db", str(db_path), "demo"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "演示小区" in out and "前台客服" in out


# --- doctor -------------------------------------------------------------------------------------------------


def test_doctor_passes_on_a_fresh_database(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("--db", str(db_path), "init").code == 0
    result = cli("--db", str(db_path), "doctor")
    assert result.code == 0, result.out + result.err
    assert sqlite3.sqlite_version in result.out
    for pragma in ("journal_mode", "foreign_keys", "busy_timeout", "recursive_triggers", "synchronous"):
        assert pragma in result.out
    assert "FAILED" not in result.out
    assert result.err == ""


def test_doctor_fails_when_others_can_read_the_database(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("--db", str(db_path), "init").code == 0
    db_path.chmod(0o644)
    result = cli("--db", str(db_path), "doctor")
    assert result.code == 1
    assert "0644" in result.out
    assert_one_error_line(result)
    assert "Permissions" in result.err
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o644  # the doctor reports; it does not chmod


def test_doctor_warns_about_a_missing_database_but_does_not_create_it(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", str(db_path), "doctor")
    assert result.code == 0, result.out + result.err
    assert "deskui init" in result.out
    assert not db_path.exists()
    db_path.parent.chmod(0o500)
    try:
        locked = cli("--db", str(db_path / "sub" / "desk.db"), "doctor")
    finally:
        db_path.parent.chmod(0o700)
    if os.geteuid() != 0:  # root may write anywhere
        assert locked.code == 1
        assert "not writable" in locked.out


@pytest.mark.parametrize(("version", "word"), [(None, "not initialised"), ("0001", "behind"), ("9999", "ahead")])
def test_doctor_fails_when_the_schema_is_not_the_code_head(
    cli,  # type: ignore[no-untyped-def]
    db_path: Path,
    version: str | None,
    word: str,
) -> None:
    assert cli("--db", str(db_path), "init").code == 0
    con = sqlite3.connect(db_path)
    with con:
        if version is None:
            con.execute("DROP TABLE alembic_version")
        else:
            con.execute("UPDATE alembic_version SET version_num = ?", (version,))
    con.close()
    result = cli("--db", str(db_path), "doctor")
    assert result.code == 1
    assert word in result.out
    # The doctor never migrates: the recorded version is unchanged.
    con = sqlite3.connect(db_path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version is None:
            assert "alembic_version" not in tables
        else:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (version,)
    finally:
        con.close()


# --- the installed command, end to end ----------------------------------------------------------------------


@pytest.mark.skipif(not DESKUI.exists(), reason="deskui console script not installed next to this Python")
def test_installed_command_end_to_end(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_")}
    env["DESKUI_DB"] = str(tmp_path / "e2e.db")
    env["DESKUI_LANG"] = "en"

    def deskui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(DESKUI), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    assert deskui("demo", "--quiet").returncode == 0
    doctor = deskui("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    bad = deskui("--db", PG_URL, "init")
    assert bad.returncode == 1
    assert bad.stderr.startswith("deskui: ") and len(bad.stderr.strip().splitlines()) == 1
    assert "s3cret-pw" not in bad.stderr and "Traceback" not in bad.stderr
    no_pin = deskui("operators", "add", "赵敏", "--role", "receptionist")
    assert no_pin.returncode == 1
    assert "--pin" in no_pin.stderr
