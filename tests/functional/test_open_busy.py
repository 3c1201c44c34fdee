"""Start-up when the database stays busy just after it opened: the sign-in screen says so, the app keeps running."""

from __future__ import annotations

import pytest

from deskui.app import make_app
from deskui.core.config import Settings
from deskui.core.retry import DatabaseBusy
from tests.functional.workers import workers_done


async def test_a_busy_database_at_start_up_is_told_not_raised(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise DatabaseBusy("the database stayed busy (another terminal is writing); nothing was saved")

    monkeypatch.setattr("deskui.services.open_services", busy)
    app = make_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert app.is_running
        assert app.open_error is not None and "busy" in app.open_error


# --- issue 16 item 3: "damaged" when it is only busy -------------------------------------------------------------


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The busy timeout and the open's bounded retry shortened, so a lock that stays is reported in a second."""
    from deskui.core import retry
    from deskui.core.retry import RetryPolicy

    monkeypatch.setattr("deskui.core.db.BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(retry, "DEFAULT_POLICY", RetryPolicy(attempts=3, first_delay=0.01, max_delay=0.05, deadline=1))
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("mid_write", [False, True], ids=["exclusive", "exclusive-with-journal"])
@pytest.mark.parametrize(
    "command", [("calls", "list"), ("doctor",), ("verify",), ("operators", "list"), ("backup", "{tmp}/copy.db")]
)
def test_every_command_says_busy_never_damaged_while_another_process_holds_the_lock(  # type: ignore[no-untyped-def]
    settings: Settings,
    services,
    short_waits: None,
    tmp_path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    mid_write: bool,
) -> None:
    """A raw sqlite3 connection holds BEGIN EXCLUSIVE (a COMMIT in progress keeps every reader out); with
    `mid_write` it has also written, so a live -journal lies beside the file (what a killed writer's hot journal
    looks like). Every command waits the bounded retry, then says busy on one line, exit 1; never "damaged"."""
    import sqlite3

    from deskui.cli import run
    from deskui.core.db import sqlite_path

    services.close()
    path = sqlite_path(services.db.url)
    assert path is not None
    before = path.read_bytes()
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        if mid_write:
            other.execute("CREATE TABLE scratch_lock (x)")
            assert path.with_name(path.name + "-journal").stat().st_size > 0
        args = [part.replace("{tmp}", str(tmp_path)) for part in command]
        with pytest.raises(SystemExit) as exc:
            run(["--lang", "en", "--db", str(path), *args])
        captured = capsys.readouterr()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert exc.value.code == 1, captured.out + captured.err
    said = captured.err + captured.out
    assert "damaged" not in said and "Traceback" not in said, said
    assert "busy" in said, said
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), captured.err
    assert path.read_bytes() == before
    assert not (tmp_path / "copy.db").exists()
