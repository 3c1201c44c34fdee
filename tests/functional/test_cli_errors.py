"""Issue 16 items 11 and 15: every failure of the CLI is one line on stderr, a non-zero exit and nothing changed;
managing operators needs a manager's PIN.

Faults are real where that is cheap and works as root too:
- disk full: the CLI in a subprocess under `RLIMIT_FSIZE` (SIGXFSZ ignored), so SQLite's own write fails;
- a read-only database: SQLite's `query_only` on every connection (SQLite's own "attempt to write a readonly
  database", which a chmod does not give root), plus a chmod 0444 variant run only when not root;
- odd targets: a FIFO, a folder, a missing folder, a device: a copy of /dev/null's node made in tmp_path (root only),
  never the real one, which a command that failed to refuse could chmod or replace.
Everything else runs the CLI in-process through `deskui.cli.run`, the one place where exceptions become a line.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
MANAGER, MANAGER_PIN = "刘伟", "4444"
CALL = ("calls", "add", "--caller", "张先生", "--unit", "3-2-1201", "--phone", "13800138000")
CALL_REST = ("--category", "repair", "--content", "厨房水管漏水")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG", "DESKUI_PIN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def deskui(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`deskui --lang en ARGS…` in-process; the database is whatever --db the test gives."""

    return cli_runner(capsys)


def _open(db: Path):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    return open_services(load_settings(database_url=str(db), language="en", environ={}))


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A desk with a manager, a receptionist and one unit, made once (migrations and PIN hashes take seconds)."""
    db = tmp_path_factory.mktemp("template") / "desk.db"
    svc = _open(db)
    try:
        svc.operators.add(MANAGER, "manager", MANAGER_PIN)
        svc.operators.add("王芳", "receptionist", "1111")
        svc.directory.add_unit("3-2-1201")
    finally:
        svc.close()
    return db.read_bytes()


@pytest.fixture
def desk(tmp_path: Path, desk_template: bytes) -> Path:
    db = tmp_path / "desk.db"
    db.write_bytes(desk_template)
    db.chmod(0o600)
    return db


@pytest.fixture
def cli(deskui, desk: Path):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> Result:
        return deskui("--db", str(desk), *args)  # type: ignore[no-any-return]

    return invoke


def one_line(result: Result) -> str:
    """The failure as a person sees it: exit non-zero, exactly one `deskui: …` line on stderr, no traceback."""
    assert result.code not in (0, None), (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("deskui: ") and "Traceback" not in result.err, result.err
    return lines[0]


def count_calls(db: Path) -> int:
    svc = _open(db)
    try:
        return len(svc.calls.list(limit=1000))
    finally:
        svc.close()


# --- the database argument --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["postgresql://desk:pw@dbhost:abc/deskui", "://x", "postgresql://[::1", "postgresql://desk:pw@[::1/deskui"],
)
@pytest.mark.parametrize(
    "command",
    [
        ("doctor",),
        ("calls", "list"),
    ],
)
def test_an_unparsable_url_is_one_line(deskui, url: str, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    line = one_line(deskui("--db", url, *command))
    assert "URL" in line and "pw" not in line


def test_a_database_in_a_missing_folder_is_refused_and_nothing_is_created(deskui, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "dsek" / "sub" / "desk.db"
    for command in (("calls", "list"), ("operators", "list"), ("doctor",), ("restore", str(tmp_path / "b.db"))):
        line = one_line(deskui("--db", str(typo), *command))
        assert "deskui --db" in line and "init" in line, line
    line = one_line(deskui("--db", str(typo), "init"))  # init makes the file, not a folder nobody asked for
    assert str(typo.parent) in line
    assert not (tmp_path / "dsek").exists()


def test_a_new_database_file_is_made_only_by_init_or_demo(deskui, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new = tmp_path / "new.db"
    line = one_line(deskui("--db", str(new), *CALL, *CALL_REST))
    assert "deskui --db" in line and "init" in line
    assert not new.exists()
    made = deskui("--db", str(new), "init")
    assert made.code == 0, made.err
    assert deskui("--db", str(new), "calls", "list").code == 0


def test_the_app_refuses_a_database_that_is_not_there(tmp_path: Path) -> None:
    """`deskui --db PATH` alone starts the app without building the CLI (deskui.__main__'s fast path): the same
    check, the same line, and no file made."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_")}
    for path in (tmp_path / "typo.db", tmp_path / "dsek" / "desk.db"):
        proc = subprocess.run(
            [sys.executable, "-m", "deskui", "--lang", "en", "--db", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        one_line(Result(proc.returncode, proc.stdout, proc.stderr))
        assert "init" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def device_node(folder: Path) -> Path | None:
    """A character device like /dev/null (1, 3) made in `folder`, or None when this user may not make one."""
    node = folder / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        return None
    return node


def test_a_fifo_or_device_is_not_a_database(deskui, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    chmods: list[str] = []
    real_chmod = os.chmod

    def watched(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        chmods.append(str(path))
        if Path(path).is_relative_to(tmp_path):
            real_chmod(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", watched)
    device = device_node(tmp_path)
    targets = ([str(device)] if device is not None else []) + [str(fifo)]  # the device first: a FIFO could block
    for target in targets:
        for command in (("calls", "list"), ("doctor",), ("init",)):
            line = one_line(deskui("--db", target, *command))
            assert "not a database file" in line, line
    assert chmods == []
    assert device is None or stat.S_ISCHR(device.stat().st_mode)
    assert fifo.is_fifo()


# --- dates and numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (*CALL, *CALL_REST, "--time", "0001-01-01T00:00:00+08:00"),
        (*CALL, *CALL_REST, "--time", "0001-01-01 00:00"),
        (*CALL, *CALL_REST, "--time", "9999-12-31T23:59:59"),
        ("calls", "list", "--since", "0001-01-01"),
        ("calls", "list", "--until", "9999-12-31"),
        ("calls", "list", "--since", "0001-01-01T00:00:00"),
        ("calls", "list", "--until", "9999-12-31 23:59"),
        ("export", "calls", "--since", "0001-01-01"),
        ("report", "monthly", "--month", "9999-12"),
        ("report", "monthly", "--month", "0001-01"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_one_line(cli, desk: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    one_line(cli(*args))
    assert count_calls(desk) == 0


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01 00:00",
        "0001-01-01T00:00:00+08:00",
        "9999-12-31 23:59",
    ],
)
def test_an_import_with_a_date_at_the_end_of_the_calendar_is_one_line(
    cli, desk: Path, tmp_path: Path, when: str
) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "calls.csv"
    csv.write_text(
        "time,channel,caller,unit,phone,category,content\n"
        f"2026-01-05 09:00,phone,张先生,3-2-1201,13800138000,repair,漏水\n{when},phone,李四,3-2-1201,13912340000,repair,停电\n",
        encoding="utf-8",
    )
    line = one_line(cli("import", "calls", str(csv)))
    assert "line 3" in line
    assert count_calls(desk) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("calls", "show", "99999999999999999999"),
        ("tickets", "show", "99999999999999999999"),
        ("tickets", "open", "--from-call", "99999999999999999999"),
        ("dutylog", "correct", "99999999999999999999", "--text", "x", "--operator", "王芳"),
    ],
)
def test_huge_ids_are_one_line(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    one_line(cli(*args))


# --- write failures ---------------------------------------------------------------------------------------------

_UNDER_RLIMIT = textwrap.dedent(
    """
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from deskui.cli import run
    run(sys.argv[2:])
    """
)


def under_full_disk(*args: str, limit: int = 4096) -> Result:
    """The CLI in a process whose files may not grow past `limit` bytes: every write beyond fails like a full disk."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_")}
    proc = subprocess.run(
        [sys.executable, "-c", _UNDER_RLIMIT, str(limit), "--lang", "en", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_disk_full_on_calls_add_is_one_line_and_saves_nothing(desk: Path) -> None:
    line = one_line(under_full_disk("--db", str(desk), *CALL, *CALL_REST))
    assert "nothing was saved" in line
    assert count_calls(desk) == 0


def test_disk_full_on_backup_is_one_line_and_leaves_no_file(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups"
    target.mkdir()
    one_line(under_full_disk("--db", str(desk), "backup", str(target)))
    assert list(target.iterdir()) == []


@pytest.fixture
def read_only_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every deskui connection refuses writes the way SQLite refuses them on a read-only file."""
    import deskui.core.db as dbmod

    plain = dbmod.sqlite_pragmas
    monkeypatch.setattr(dbmod, "sqlite_pragmas", lambda version=None: (*plain(version), ("query_only", "ON")))


@pytest.mark.parametrize(
    "args", [(*CALL, *CALL_REST), ("dutylog", "add", "--text", "交班前巡查完毕", "--operator", "王芳")]
)
def test_a_read_only_database_is_one_line(cli, desk: Path, read_only_sqlite: None, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    before = desk.read_bytes()
    line = one_line(cli(*args))
    assert "read-only" in line and "nothing was saved" in line
    assert desk.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes a 0444 file anyway (query_only above)")
def test_a_database_file_without_write_permission_is_one_line(cli, desk: Path) -> None:  # type: ignore[no-untyped-def]
    desk.chmod(0o400)
    try:
        line = one_line(cli(*CALL, *CALL_REST))
    finally:
        desk.chmod(0o600)
    assert "read-only" in line
    assert count_calls(desk) == 0


# --- where backups and exports go -------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["backup", "export"])
@pytest.mark.parametrize(
    "target",
    [
        "missing-folder",
        "folder",
        "fifo",
        "device",
    ],
)
def test_backup_and_export_refuse_odd_targets(cli, tmp_path: Path, what: str, target: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    if what == "backup" and target == "folder":
        pytest.skip("a folder is where `deskui backup` puts a dated file")
    path = {"missing-folder": out / "nope" / "file", "folder": out, "fifo": out / "pipe"}.get(target)
    if target == "fifo":
        os.mkfifo(out / "pipe")
    if target == "device":
        path = device_node(out)
        if path is None:
            pytest.skip("making a device node needs root (the real /dev/null is never used: it could be replaced)")
    assert path is not None
    args = ("backup", str(path)) if what == "backup" else ("export", "calls", "-o", str(path))
    one_line(cli(*args))
    assert [p.name for p in out.iterdir()] == {"fifo": ["pipe"], "device": ["null"]}.get(target, [])
    if target == "fifo":
        assert path.is_fifo()
    if target == "device":
        assert stat.S_ISCHR(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into a 0555 folder anyway")
@pytest.mark.parametrize("what", ["backup", "export"])
def test_backup_and_export_into_an_unwritable_folder(cli, tmp_path: Path, what: str) -> None:  # type: ignore[no-untyped-def]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        path = locked / "file"
        args = ("backup", str(path)) if what == "backup" else ("export", "calls", "-o", str(path))
        one_line(cli(*args))
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


# --- the doctor -------------------------------------------------------------------------------------------------


@contextmanager
def effective_user(uid: int | None) -> Iterator[None]:
    """Root acting as `uid` (group and user) for a moment, then root again; None: nothing changes."""
    if uid is None:
        yield
        return
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_doctor_fails_a_database_in_a_folder_it_cannot_write(deskui, desk: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite writes its journal beside the file: a folder the user cannot write is a desk that cannot save. Root
    writes anywhere, so as root the doctor runs as `nobody` (effective ids) on a folder only root may write."""
    nobody = 65534 if os.geteuid() == 0 else None
    assert deskui("--db", str(desk), "doctor").code == 0  # and every module the doctor needs is imported
    # The built-in defaults as root read them: a checkout in a folder only root may enter (mktemp -d, 0700) is not
    # what this test is about, and `nobody` could not read deskui's own files there.
    from deskui.core import config

    defaults, read_toml = config._read_toml(config.DEFAULTS_FILE), config._read_toml
    monkeypatch.setattr(
        config, "_read_toml", lambda path: defaults if path == config.DEFAULTS_FILE else read_toml(path)
    )
    folder = Path(tempfile.mkdtemp(prefix="deskui-ro-")) if nobody is not None else tmp_path / "ro"
    try:
        folder.mkdir(exist_ok=True)
        db = folder / "desk.db"
        db.write_bytes(desk.read_bytes())
        if nobody is not None:
            folder.chmod(0o755)
            os.chown(db, 0, nobody)
            db.chmod(0o660)  # nobody (by its group) may read and write the file, not create the journal beside it
        else:
            db.chmod(0o600)
            folder.chmod(0o555)
        with effective_user(nobody):
            result = deskui("--db", str(db), "doctor")
        assert result.code == 1, result.out + result.err
        assert "Traceback" not in result.err
        report = " ".join(result.out.replace("│", " ").split())
        assert "not writable" in report, report
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.unlink()
        if nobody is not None:
            folder.rmdir()


# --- operators: a manager's PIN ---------------------------------------------------------------------------------


@pytest.fixture
def not_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local administrator (root) may manage operators without a PIN; these tests are about everyone else."""
    monkeypatch.setattr("deskui.services.common.masking.is_local_admin", lambda: False)


def _operator(db: Path, name: str):  # type: ignore[no-untyped-def]
    svc = _open(db)
    try:
        return svc.operators.by_name(name)
    finally:
        svc.close()


def test_the_first_operator_needs_no_pin(deskui, tmp_path: Path, not_root: None) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "first.db"
    assert deskui("--db", str(db), "init").code == 0
    added = deskui("--db", str(db), "operators", "add", MANAGER, "--role", "manager", "--pin", MANAGER_PIN)
    assert added.code == 0, added.err
    assert _operator(db, MANAGER).role.value == "manager"


@pytest.mark.parametrize("role", ["manager", "supervisor", "receptionist"])
def test_adding_an_operator_needs_a_managers_pin(cli, desk: Path, not_root: None, role: str) -> None:  # type: ignore[no-untyped-def]
    line = one_line(cli("operators", "add", "赵敏", "--role", role, "--pin", "5555"))
    assert "manager" in line and "--operator" in line
    line = one_line(
        cli("operators", "add", "赵敏", "--role", role, "--pin", "5555", "--operator", "王芳", "--operator-pin", "1111")
    )
    assert "王芳" in line
    line = one_line(
        cli(
            "operators", "add", "赵敏", "--role", role, "--pin", "5555", "--operator", MANAGER, "--operator-pin", "9999"
        )
    )
    assert "Wrong PIN" in line
    svc = _open(desk)
    try:
        assert [o.name for o in svc.operators.list()] == [MANAGER, "王芳"]
    finally:
        svc.close()
    ok = cli(
        "operators",
        "add",
        "赵敏",
        "--role",
        role,
        "--pin",
        "5555",
        "--operator",
        MANAGER,
        "--operator-pin",
        MANAGER_PIN,
    )
    assert ok.code == 0, ok.err
    assert _operator(desk, "赵敏").role.value == role


def test_reset_pin_needs_a_managers_pin(cli, desk: Path, not_root: None, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from deskui.core.errors import OperatorLocked, PinRejected

    svc = _open(desk)
    try:
        wang = svc.operators.by_name("王芳")
        for _ in range(svc.settings.security.pin_max_attempts):
            with pytest.raises((PinRejected, OperatorLocked)):
                svc.operators.authenticate(wang.id, "0000")
    finally:
        svc.close()
    assert _operator(desk, "王芳").locked_until is not None
    line = one_line(cli("operators", "reset-pin", "王芳", "--pin", "2468"))
    assert "manager" in line
    assert _operator(desk, "王芳").locked_until is not None
    monkeypatch.setenv("DESKUI_PIN", MANAGER_PIN)  # the manager's PIN from the environment, as for exports
    ok = cli("operators", "reset-pin", "王芳", "--pin", "2468", "--operator", MANAGER)
    assert ok.code == 0, ok.err
    assert _operator(desk, "王芳").locked_until is None


def test_the_local_administrator_needs_no_pin(cli, desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("deskui.services.common.masking.is_local_admin", lambda: True)
    assert cli("operators", "add", "赵敏", "--role", "manager", "--pin", "5555").code == 0
    assert cli("operators", "reset-pin", "王芳", "--pin", "2468").code == 0
