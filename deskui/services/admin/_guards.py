"""The append-only triggers as the migrations made them: is every one still there, unchanged?

The triggers (migrations 0002-0005) are what makes the database itself refuse UPDATE, DELETE and REPLACE on the
logs. Someone with the file and a sqlite3 shell can `DROP TRIGGER` them (or make one again with a condition that
never holds) and then edit freely, so `doctor`, `verify` and `restore` compare the triggers a database has with the
ones the migrations create:

- SQLite: the expected set is read from a scratch database migrated to the same revision (cached per process), so
  it is exactly what the migrations create, compared statement by statement (whitespace aside);
- PostgreSQL: the triggers each table must have, by name and the function they run, and that none is disabled
  (`ALTER TABLE … DISABLE TRIGGER`). The expected set is what the migrations render for PostgreSQL in alembic's
  offline (as_sql) mode, no server needed (cached per process): the migrations stay the one place that names the
  append-only tables and their triggers, frozen history that nothing here repeats.

A trigger on an append-only table that the migrations do not make is reported too: one could rewrite what is
inserted.
"""

from __future__ import annotations

import functools
import io
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session

from deskui.core.i18n import t

if TYPE_CHECKING:
    from alembic.config import Config

# CREATE TRIGGER and DROP TRIGGER as the migrations write them for PostgreSQL (0002-0004 create, none drops yet).
_PG_CREATE = re.compile(
    r'CREATE TRIGGER (?P<name>\w+) BEFORE [\w ]+? ON "?(?P<table>\w+)"?\s+'
    r"FOR EACH (?:ROW|STATEMENT) EXECUTE FUNCTION (?P<function>\w+)\(\)"
)
_PG_DROP = re.compile(r'DROP TRIGGER IF EXISTS (?P<name>\w+) ON "?(?P<table>\w+)"?')


@dataclass(frozen=True)
class TriggerProblem:
    name: str
    table: str
    reason: str  # missing | changed | disabled | unexpected

    @property
    def message(self) -> str:
        if self.reason == "missing":
            return t("The append-only trigger {name} on {table} is missing", name=self.name, table=self.table)
        if self.reason == "disabled":
            return t("The append-only trigger {name} on {table} is disabled", name=self.name, table=self.table)
        if self.reason == "unexpected":
            return t(
                "The trigger {name} on {table} was not made by deskui's migrations", name=self.name, table=self.table
            )
        return t(
            "The append-only trigger {name} on {table} is not as the migrations made it",
            name=self.name,
            table=self.table,
        )


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _alembic_config() -> Config:
    from alembic.config import Config

    from deskui.core.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@functools.cache
def expected_sqlite_triggers(revision: str) -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE TRIGGER statement) in a SQLite database migrated to `revision`."""
    from alembic import command

    with tempfile.TemporaryDirectory(prefix="deskui-guards-") as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            cfg = _alembic_config()
            cfg.attributes["engine"] = engine
            command.upgrade(cfg, revision)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
                return {r[0]: (r[1], _normal(r[2])) for r in rows}
        finally:
            engine.dispose()


@functools.cache
def expected_postgres_triggers() -> dict[str, dict[str, str]]:
    """table -> {trigger name: function} as the migrations up to the code's head create them on PostgreSQL,
    rendered offline (alembic's as_sql mode writes the statements instead of running them)."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    out = io.StringIO()
    context = MigrationContext.configure(dialect_name="postgresql", opts={"as_sql": True, "output_buffer": out})
    for script in reversed(list(ScriptDirectory.from_config(_alembic_config()).walk_revisions())):
        with Operations.context(context):
            script.module.upgrade()
    sql = out.getvalue()
    found = sorted([*_PG_CREATE.finditer(sql), *_PG_DROP.finditer(sql)], key=lambda m: m.start())
    triggers: dict[str, dict[str, str]] = {}
    for m in found:  # in the migrations' order: a later DROP TRIGGER takes back an earlier CREATE
        if m.re is _PG_CREATE:
            triggers.setdefault(m["table"], {})[m["name"]] = m["function"]
        else:
            triggers.get(m["table"], {}).pop(m["name"], None)
    return triggers


def sqlite_problems(conn: Connection | sqlite3.Connection, revision: str | None) -> list[TriggerProblem]:
    """`conn`: a DB-API sqlite3 connection or a SQLAlchemy connection of the database checked."""
    from deskui.core.db import known_revisions

    if revision is None or revision not in known_revisions():
        return []
    expected = expected_sqlite_triggers(revision)
    sql = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    rows = conn.execute(sql).fetchall() if isinstance(conn, sqlite3.Connection) else conn.exec_driver_sql(sql).all()
    found = {r[0]: (r[1], _normal(r[2])) for r in rows}
    tables = {table for table, _ in expected.values()}
    problems = []
    for name, (table, statement) in sorted(expected.items()):
        have = found.get(name)
        if have is None:
            problems.append(TriggerProblem(name, table, "missing"))
        elif have != (table, statement):
            problems.append(TriggerProblem(name, table, "changed"))
    for name, (table, _) in sorted(found.items()):
        if name not in expected and table in tables:
            problems.append(TriggerProblem(name, table, "unexpected"))
    return problems


def postgres_problems(conn: Connection | Session) -> list[TriggerProblem]:
    expected = expected_postgres_triggers()
    rows = conn.execute(
        text(
            "SELECT c.relname, tg.tgname, p.proname, tg.tgenabled FROM pg_trigger tg "
            "JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT tg.tgisinternal AND n.nspname = current_schema()"
        )
    ).all()
    found = {(r[0], r[1]): (r[2], str(r[3])) for r in rows}
    problems = []
    for table, triggers in expected.items():
        for name, function in sorted(triggers.items()):
            have = found.get((table, name))
            if have is None:
                problems.append(TriggerProblem(name, table, "missing"))
            elif have[0] != function:
                problems.append(TriggerProblem(name, table, "changed"))
            elif have[1] in ("D", "R"):  # disabled, or fired only in replica mode
                problems.append(TriggerProblem(name, table, "disabled"))
    for table, name in sorted(found):
        if table in expected and name not in expected[table]:
            problems.append(TriggerProblem(name, table, "unexpected"))
    return problems


def trigger_problems(conn: Connection | Session, revision: str | None) -> list[TriggerProblem]:
    """Every append-only trigger missing, changed, disabled or added, for a SQLAlchemy connection/session."""
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if bind.dialect.name == "postgresql":
        return postgres_problems(conn)
    return sqlite_problems(conn.connection() if isinstance(conn, Session) else conn, revision)


__all__ = ["TriggerProblem", "expected_postgres_triggers", "expected_sqlite_triggers", "trigger_problems"]
