"""Alembic migrations: from empty to head, in step with the models, idempotent, and refusing unknown schemas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import deskui.models  # noqa: F401  (registers every table on SQLModel.metadata)
from deskui.core.db import (
    Database,
    DatabaseUnavailable,
    code_head,
    known_revisions,
    open_database,
    schema_version,
    upgrade,
)


def migrated(path: Path) -> Database:
    return open_database(str(path))


def test_upgrade_from_empty_reaches_head(db_path: Path) -> None:
    db = migrated(db_path)
    try:
        assert schema_version(db) == code_head()
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        model_tables = set(SQLModel.metadata.tables)
        assert model_tables <= tables, f"tables without a migration: {sorted(model_tables - tables)}"
    finally:
        db.dispose()


def test_models_and_migrations_agree(db_path: Path) -> None:
    """Autogenerate against a fully migrated database finds nothing to do: every model change has a migration."""
    db = migrated(db_path)
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    finally:
        db.dispose()
    assert diff == [], "models and migrations differ; write a migration:\n" + "\n".join(map(repr, diff))


def test_upgrade_is_idempotent(db_path: Path) -> None:
    db = migrated(db_path)
    try:
        with db.engine.connect() as conn:
            before = sorted(r for r in conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master"))
        assert upgrade(db) == code_head()
        assert upgrade(db) == code_head()
    finally:
        db.dispose()
    again = migrated(db_path)  # and once more through open_database
    try:
        with again.engine.connect() as conn:
            after = sorted(r for r in conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master"))
            versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        assert after == before
        assert versions == [code_head()]
    finally:
        again.dispose()


def test_upgrade_from_the_first_revision_keeps_data(db_path: Path) -> None:
    from alembic import command

    from deskui.core.db import _alembic_config

    first = min(known_revisions())
    db = open_database(str(db_path), migrate=False)
    try:
        command.upgrade(_alembic_config(db), first)
        assert schema_version(db) == first
        with db.write() as s:
            s.connection().exec_driver_sql(
                "INSERT INTO site (code, name, created_at) VALUES ('JX', '锦绣花园', '2026-11-23 02:00:00.000000')"
            )
    finally:
        db.dispose()
    db = migrated(db_path)
    try:
        assert schema_version(db) == code_head()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT code FROM site").scalars().all() == ["JX"]
    finally:
        db.dispose()


def set_version(path: Path, version: str, journal_mode: str) -> bytes:
    con = sqlite3.connect(path)
    try:
        con.execute("UPDATE alembic_version SET version_num = ?", (version,))
        con.commit()
        assert con.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()[0] == journal_mode.lower()
    finally:
        con.close()
    return path.read_bytes()


# A database copied from a newer deskui, or restored from a backup made with `sqlite3 .backup` (rollback journal).
@pytest.mark.parametrize("journal_mode", ["WAL", "DELETE"])
def test_unknown_revision_refused_and_untouched(db_path: Path, journal_mode: str) -> None:
    migrated(db_path).dispose()
    before = set_version(db_path, "9999_from_the_future", journal_mode)
    with pytest.raises(DatabaseUnavailable, match="9999_from_the_future") as err:
        open_database(str(db_path))
    assert "upgrade deskui" in str(err.value)
    assert db_path.read_bytes() == before


def test_unknown_revision_can_still_be_opened_without_migrating(db_path: Path) -> None:
    migrated(db_path).dispose()
    set_version(db_path, "9999_from_the_future", "WAL")
    db = open_database(str(db_path), migrate=False)
    try:
        assert schema_version(db) == "9999_from_the_future"
        with pytest.raises(DatabaseUnavailable):
            upgrade(db)
    finally:
        db.dispose()


def test_revisions_are_numbered_and_linear() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from deskui.core.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [code_head()]  # one head: no forgotten merge
    for rev in script.walk_revisions():
        assert Path(rev.path).name.startswith(f"{rev.revision}_"), rev.path
        assert rev.revision.isdigit() and len(rev.revision) == 4, rev.revision
