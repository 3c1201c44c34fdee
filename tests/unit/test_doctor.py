"""services.admin doctor: checks read the live database, warnings do not fail, the doctor never changes anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from deskui.core.config import Settings, load_settings
from deskui.core.db import Database, code_head, sqlite_journal_mode
from deskui.services.admin import diagnose, failed
from deskui.services.admin._doctor import expected_pragma, file_mode_row, pragma_rows, wal_reset_affected


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("3.7.0", True),
        ("3.40.1", True),
        ("3.44.5", True),
        ("3.44.6", False),
        ("3.44.9", False),
        ("3.45.0", True),
        ("3.50.6", True),
        ("3.50.7", False),
        ("3.51.0", True),
        ("3.51.2", True),
        ("3.51.3", False),
        ("3.52.0", False),
        ("3.53.1", False),
    ],
)
def test_wal_reset_race_versions(version: str, affected: bool) -> None:
    assert wal_reset_affected(version) is affected


def test_pragma_values_as_sqlite_reports_them() -> None:
    assert expected_pragma("journal_mode", "WAL") == "wal"
    assert expected_pragma("foreign_keys", "ON") == "1"
    assert expected_pragma("synchronous", "FULL") == "2"
    assert expected_pragma("busy_timeout", "10000") == "10000"


@pytest.mark.sqlite_only
def test_a_fresh_database_passes(services, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    rows = diagnose(settings)
    assert failed(rows) == []
    by_check = {r.check: r for r in rows}
    assert by_check["Schema version"].value == code_head()
    assert by_check["PRAGMA journal_mode"].value == sqlite_journal_mode().lower()
    assert by_check["PRAGMA synchronous"].value == "2"
    race = by_check["WAL-reset race"]
    assert race.ok is (None if race.value == "affected" else True)  # a warning never fails the doctor


def test_pragmas_are_read_back_not_assumed(db_path: Path, services) -> None:  # type: ignore[no-untyped-def]
    bare = Database(f"sqlite:///{db_path}", create_engine(f"sqlite:///{db_path}"))  # no deskui connect hook
    try:
        rows = {r.check: r for r in pragma_rows(bare)}
    finally:
        bare.dispose()
    assert rows["PRAGMA foreign_keys"].ok is False
    assert rows["PRAGMA busy_timeout"].ok is False
    # The file's mode: WAL is persistent in the file, DELETE is what a bare connection has anyway.
    assert rows["PRAGMA journal_mode"].ok is True


@pytest.mark.parametrize(("mode", "ok"), [(0o600, True), (0o660, True), (0o640, True), (0o644, False), (0o604, False)])
def test_file_modes(tmp_path: Path, mode: int, ok: bool) -> None:
    path = tmp_path / "desk.db"
    path.write_bytes(b"")
    path.chmod(mode)
    row = file_mode_row(path)
    assert row.ok is ok
    assert row.value == f"{mode:04o}"


def unopened(db_path: Path) -> Settings:
    """Settings naming a database file nobody has opened (the `settings` fixture's is a migrated copy)."""
    return load_settings(database_url=str(db_path), language="en", environ={})


def test_a_missing_database_is_a_warning_and_is_not_created(db_path: Path) -> None:
    rows = diagnose(unopened(db_path))
    assert failed(rows) == []
    assert [r.ok for r in rows if r.check == "Database"] == [None]
    assert not db_path.exists()


def test_config_files_are_listed(settings: Settings) -> None:
    rows = diagnose(settings)
    assert rows[0].check == "Config files"
    assert rows[0].value.endswith("defaults.toml")


def test_a_missing_database_in_a_folder_it_cannot_write_fails(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import deskui.services.admin._doctor as doctor

    monkeypatch.setattr(doctor.os, "access", lambda *_args: False)
    assert [r.check for r in failed(diagnose(unopened(db_path)))] == ["Database"]
    assert not db_path.exists()
