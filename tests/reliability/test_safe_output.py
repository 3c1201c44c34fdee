"""What deskui prints is safe, whoever wrote the row (issue 16 item 4), and the files it writes are private (item 10).

Input refuses escape sequences, but another client (a sqlite3 shell, a script, an older deskui) can store them. Here
the desk's own input check is switched off while the hostile rows are written, which stores exactly what such a
client would. Then every command that prints them must show them as visible symbols (ESC → ␛), never send them to
the terminal: an OSC title change (ESC ] 0 ; … BEL), a C1 CSI (U+009B), a bidi override (U+202E).
JSON keeps the exact stored text but escapes those code points (\\u009b), Chinese stays readable.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from deskui.cli import run
from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner

pytestmark = pytest.mark.sqlite_only

TITLE = "\x1b]0;PWNED\x07"  # OSC 0: sets the terminal's title
CSI_C1 = "\x9b31m"  # the 8-bit CSI: red text on terminals that honour C1
RLO = "\u202e"  # right-to-left override: "evil.exe" shown as "exe.live"
CALLER = f"{TITLE}张先生"
CONTENT = f"厨房漏水{CSI_C1}红字{RLO}txt.exe\x1b[2J"
LOG_TEXT = f"值班{TITLE}记录{RLO}abc\x9b2J"
BORROWER = f"王{TITLE}师傅"
# What must never reach a terminal: C0 controls but tab and line feed, DEL, C1, bidi embeddings/overrides/isolates/marks.
# A CR right before a LF is CSV's line end.
DANGEROUS = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Desk(NamedTuple):
    path: Path
    shift: str
    call_id: int
    ticket: str
    log_seq: int


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG", "DESKUI_PIN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], desk: Desk):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, desk.path)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """A desk whose call, ticket, duty-log entry and key loan hold escape sequences, as another client stores them.

    One database for the module: the commands only read it (exports write files elsewhere)."""
    import deskui.services.common.text as text_module
    from deskui.services import open_services
    from deskui.services.calls import CallInput
    from deskui.services.common.shifts import shift_at

    db_path = tmp_path_factory.mktemp("hostile") / "desk.db"
    services = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    services.operators.add("王芳", "receptionist", "1111")
    services.directory.add_unit("3-2-1201")
    never = re.compile(r"(?!)")
    with pytest.MonkeyPatch.context() as mp:  # the desk's own input check, off while "another client" writes
        mp.setattr(text_module, "_CONTROL_LINE", never)
        mp.setattr(text_module, "_CONTROL_MULTILINE", never)
        call = services.calls.record(
            CallInput(
                content=CONTENT, category="repair", channel="phone", caller=CALLER, unit="3-2-1201", phone="13812345678"
            )
        )
        ticket = services.tickets.open_from_call(call.id, operator=None)
        entry = services.dutylog.add(LOG_TEXT, operator=None)
        services.keys.lend("3-2-1201", BORROWER, operator=None)
    shift = shift_at(services.settings, services.clock.now()).key
    services.close()
    yield Desk(db_path, shift, call.id, ticket.number, entry.seq)


def assert_safe(result: Result) -> None:
    for stream, text in (("stdout", result.out), ("stderr", result.err)):
        bad = DANGEROUS.search(text)
        assert bad is None, f"{stream} holds U+{ord(bad.group()):04X}: {text!r}"


PRINTING_COMMANDS = [
    ("calls", "list"),
    ("calls", "list", "--format", "csv"),
    ("calls", "list", "--format", "json"),
    ("calls", "search", "漏水"),
    ("calls", "show", "{call}"),
    ("calls", "show", "{call}", "--versions"),
    ("tickets", "list"),
    ("tickets", "list", "--format", "csv"),
    ("tickets", "list", "--format", "json"),
    ("tickets", "show", "{ticket}"),
    ("tickets", "show", "{ticket}", "--format", "json"),
    ("dutylog", "show"),
    ("dutylog", "show", "--format", "json"),
    ("dutylog", "show", "--shift", "{shift}"),
    ("dutylog", "show", "--shift", "{shift}", "--format", "json"),
    ("keys", "list"),
    ("keys", "list", "--all", "--format", "json"),
    ("export", "calls"),
    ("export", "calls", "--format", "json"),
    ("export", "tickets"),
    ("export", "tickets", "--format", "json"),
    ("export", "dutylog"),
    ("export", "dutylog", "--format", "json"),
]


@pytest.mark.parametrize("command", [pytest.param(c, id=" ".join(c)) for c in PRINTING_COMMANDS])
def test_no_escape_sequence_reaches_the_terminal(cli, desk: Desk, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    fields = {"call": str(desk.call_id), "ticket": desk.ticket, "shift": desk.shift}
    result = cli(*(part.format(**fields) for part in command))
    assert result.code == 0, result.err
    assert_safe(result)


def test_calls_show_prints_the_title_sequence_as_visible_symbols(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "show", str(desk.call_id))
    assert result.code == 0, result.err
    assert "␛]0;PWNED␇张先生" in result.out
    assert "厨房漏水" in result.out and "红字" in result.out
    assert_safe(result)


def test_table_shows_pictures_and_keeps_its_columns(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "list")
    assert "␛]0;" in result.out and "␛[2J" in result.out
    assert_safe(result)
    # Every line of the table is as wide as the others: a control character measured as 0 columns and drawn as 1
    # would push its row's border out of line.
    from rich.cells import cell_len

    widths = {cell_len(line) for line in result.out.splitlines() if line.strip()}
    assert len(widths) == 1, result.out


def test_json_escapes_dangerous_code_points_and_keeps_the_text(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    result = cli("calls", "list", "--format", "json")
    assert_safe(result)
    assert "\\u009b" in result.out and "\\u202e" in result.out and "\\u001b" in result.out
    assert "厨房漏水" in result.out  # Chinese readable, not \\u53a8
    (row,) = json.loads(result.out)
    assert row["caller"] == CALLER and row["content"] == CONTENT  # exactly what is stored


def test_json_of_the_duty_log_and_a_ticket_keep_the_text(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log = cli("dutylog", "show", "--format", "json")
    assert_safe(log)
    assert any(e["text"] == LOG_TEXT for e in json.loads(log.out))
    ticket = cli("tickets", "show", desk.ticket, "--format", "json")
    assert_safe(ticket)
    assert json.loads(ticket.out)["description"] == CONTENT


def test_csv_on_stdout_is_sanitised(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "calls")
    assert_safe(result)
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows[0]["caller"] == "␛]0;PWNED␇张先生"
    assert result.out.count("\r\n") == 2  # the header's and the row's line ends are still CSV's


def test_csv_file_keeps_the_exact_stored_text(cli, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file written with -o is data for re-import and audit, not a terminal: it keeps what is stored."""
    target = tmp_path / "calls.csv"
    result = cli("export", "calls", "-o", str(target))
    assert result.code == 0, result.err
    assert_safe(result)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0]["caller"] == CALLER and rows[0]["content"] == CONTENT


def test_xlsx_export_of_hostile_rows_works(cli, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """XML cannot hold C0 controls: the workbook shows them as pictures instead of failing."""
    from openpyxl import load_workbook

    target = tmp_path / "calls.xlsx"
    result = cli("export", "calls", "--format", "xlsx", "-o", str(target))
    assert result.code == 0, result.err
    ws = load_workbook(target).active
    assert ws is not None
    values = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert "␛]0;PWNED␇张先生" in values


def test_error_lines_are_sanitised(cli, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    result = cli("dutylog", "show", "--date", f"2026{TITLE}{CSI_C1}")
    assert result.code != 0
    assert_safe(result)
    assert "2026␛]0;PWNED␇\ufffd31m" in result.err


def test_the_cli_and_the_tui_share_one_sanitiser() -> None:
    from deskui.core import safetext
    from deskui.widgets import plain

    assert plain.safe is safetext.safe
    assert safetext.safe(TITLE + RLO + "\x9b") == "␛]0;PWNED␇\ufffd\ufffd"
    assert safetext.safe("a\tb\nc") == "a\tb\nc"


def test_export_files_are_private(cli, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Item 10: whatever the umask, an export holds residents' data and is written 0600."""
    import os

    from deskui.services.common import masking

    monkeypatch.setattr(masking, "is_local_admin", lambda: True)
    old = os.umask(0o022)
    try:
        written = []
        for args in (
            ("export", "calls", "--full"),
            ("export", "calls", "--format", "json"),
            ("export", "calls", "--format", "xlsx"),
            ("export", "tickets"),
            ("export", "tickets", "--format", "xlsx"),
            ("export", "dutylog"),
            ("export", "dutylog", "--format", "xlsx"),
            ("report", "monthly", "--format", "json"),
            ("report", "monthly", "--format", "xlsx"),
        ):
            target = (
                tmp_path / f"{'-'.join(args).replace('--', '')}.{args[-1] if args[-1] in ('json', 'xlsx') else 'csv'}"
            )
            result = cli(*args, "-o", str(target))
            assert result.code == 0, (args, result.err)
            written.append((args, stat.S_IMODE(target.stat().st_mode)))
    finally:
        os.umask(old)
    assert [(args, mode) for args, mode in written if mode != 0o600] == []


def test_an_existing_lax_export_file_is_tightened(cli, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "calls.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    result = cli("export", "calls", "-o", str(target))
    assert result.code == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "old" not in target.read_text(encoding="utf-8-sig")


def test_a_private_file_on_a_fifo_writes_through_and_leaves_its_mode(tmp_path: Path) -> None:
    """A pipe (or /dev/stdout) reaching the export writer is written as it is, never chmodded or replaced (item 13's
    rule). The CLI refuses such a -o target before any work (item 15); the writer does not rely on that."""
    import os
    import threading

    from deskui.services.common.exportfiles import private_file

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    os.chmod(fifo, 0o644)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    try:
        with private_file(fifo) as fh:
            fh.write("[1]\n")
    finally:
        reader.join(timeout=60)
    assert got == [b"[1]\n"]
    assert stat.S_IMODE(fifo.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no scratch file left beside it


def test_a_failed_export_leaves_the_old_file_and_no_scratch(tmp_path: Path) -> None:
    from deskui.services.common.exportfiles import private_file

    target = tmp_path / "calls.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), private_file(target) as fh:
        fh.write("half")
        raise RuntimeError("the export failed")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv"]


# --- item 13: never chmod what is not a regular file deskui created or owns -------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    import os

    path = tmp_path / "fifo"
    os.mkfifo(path)
    os.chmod(path, 0o666)
    return path


def test_a_fifo_as_database_is_refused_and_left_alone(fifo: Path) -> None:
    from deskui.core.db import _prepare_sqlite_file
    from deskui.core.errors import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable, match="not a regular file"):
        _prepare_sqlite_file(fifo)
    assert _mode(fifo) == 0o666


def test_make_private_leaves_a_fifo_and_a_symlink_to_it_alone(fifo: Path, tmp_path: Path) -> None:
    from deskui.core.db import make_private

    link = tmp_path / "link.db"
    link.symlink_to(fifo)
    make_private(fifo)
    make_private(link)
    assert _mode(fifo) == 0o666


def test_a_device_node_is_left_alone(tmp_path: Path) -> None:
    """What `--db /dev/null` did as root, on a copy of /dev/null's node in tmp_path (the real one is not touched)."""
    import os

    from deskui.core.db import _prepare_sqlite_file, make_private
    from deskui.core.errors import DatabaseUnavailable

    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    os.chmod(node, 0o666)
    make_private(node)
    assert _mode(node) == 0o666
    with pytest.raises(DatabaseUnavailable, match="not a regular file"):
        _prepare_sqlite_file(node)
    assert _mode(node) == 0o666


def test_a_file_of_another_user_is_left_alone(tmp_path: Path) -> None:
    """Root can chmod anything: make_private must only tighten the files this user owns."""
    import os

    from deskui.core.db import make_private

    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    path = tmp_path / "theirs.db"
    path.write_bytes(b"")
    os.chown(path, 65534, 65534)
    path.chmod(0o644)
    make_private(path)
    assert _mode(path) == 0o644


def test_own_lax_database_file_is_still_tightened(tmp_path: Path) -> None:
    from deskui.core.db import make_private

    path = tmp_path / "desk.db"
    path.write_bytes(b"")
    path.chmod(0o664)
    link = tmp_path / "link.db"
    link.symlink_to(path)
    make_private(link)  # the database reached through a symlink is still this user's regular file
    assert _mode(path) == 0o660


def test_cli_with_a_fifo_as_database_says_so_in_one_line(fifo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Refused before SQLite opens it (reading a FIFO would hang), in one line, its mode untouched."""
    with pytest.raises(SystemExit) as exc:
        run(["--lang", "en", "--db", str(fifo), "calls", "list"])
    shown = capsys.readouterr()
    assert exc.value.code == 1
    assert shown.err.count("\n") == 1 and shown.err.startswith("deskui: "), shown.err
    assert str(fifo) in shown.err
    assert _mode(fifo) == 0o666


# --- item 12 in the app: the sign-in screen's reason never shows a password ------------------------------------


async def test_the_app_does_not_show_a_password_piece_when_the_database_fails_to_open() -> None:
    """SQLAlchemy reads `desk:p@S3cretPW@127.0.0.1` as the host "S3cretPW@127.0.0.1", and the driver's error names
    it; nothing listens on port 1, so the open fails at once."""
    from deskui.app import make_app

    secret = "S3cretPW"
    url = f"postgresql+psycopg://desk:p@{secret}@127.0.0.1:1/desk"
    app = make_app(load_settings(database_url=url, language="en", environ={}))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(1200):  # the open starts after the first refresh, in a worker: wait for its answer
            await app.workers.wait_for_complete()
            if app.open_error is not None or app.services is not None:
                break
            await pilot.pause(0.05)
        assert app.open_error is not None
        assert secret not in app.open_error
