"""The append-only triggers as the migrations made them: is every one still there, unchanged?

The triggers (migrations 0002-0005) are what makes the database itself refuse UPDATE, DELETE and REPLACE on the
logs. Someone with the file and a sqlite3 shell can `DROP TRIGGER` them (or make one again with a condition that
never holds) and then edit freely, so `doctor`, `verify` and `restore` compare the triggers a database has with the
ones the migrations create:

- SQLite: the expected set is read from a scratch database migrated to the same revision (cached per process), so
  it is exactly what the migrations create, compared statement by statement (whitespace aside);
- PostgreSQL: the triggers each table must have, by name and the function they run, and that none is disabled
  (`ALTER TABLE … DISABLE TRIGGER`).

A trigger on an append-only table that the migrations do not make is reported too: one could rewrite what is
inserted.
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from deskui.core.i18n import t

# PostgreSQL: table -> {trigger name: function} as 0002-0004 create them (0005 adds nothing there).
_PG_REFUSE = "deskui_refuse_change"
POSTGRES_TRIGGERS: dict[str, dict[str, str]] = {
    "call": {"call_refuse_update_delete": "call_refuse_change", "call_refuse_truncate": "call_refuse_change"},
    **{
        table: {
            f"{table}_refuse_update_delete": "ticket_history_refuse_change",
            f"{table}_refuse_truncate": "ticket_history_refuse_change",
        }
        for table in ("ticketevent", "ticketcall")
    },
    **{
        table: {f"{table}_refuse_update_delete": _PG_REFUSE, f"{table}_refuse_truncate": _PG_REFUSE}
        for table in (
            "dutylog",
            "handover",
            "handover_record",
            "call_disposition",
            "key_loan",
            "key_return",
            "roster_change",
        )
    },
}
POSTGRES_TRIGGERS["dutylog"]["dutylog_follow_head"] = "dutylog_follow_head"
POSTGRES_TRIGGERS["handover_record"]["handover_record_refuse_signed"] = "handover_refuse_signed"
POSTGRES_TRIGGERS["call_disposition"]["call_disposition_refuse_signed"] = "handover_refuse_signed"


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


@functools.cache
def expected_sqlite_triggers(revision: str) -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE TRIGGER statement) in a SQLite database migrated to `revision`."""
    from alembic import command
    from alembic.config import Config

    from deskui.core.db import MIGRATIONS_DIR

    with tempfile.TemporaryDirectory(prefix="deskui-guards-") as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            cfg.attributes["engine"] = engine
            command.upgrade(cfg, revision)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
                return {r[0]: (r[1], _normal(r[2])) for r in rows}
        finally:
            engine.dispose()


def sqlite_problems(conn: Any, revision: str | None) -> list[TriggerProblem]:
    """`conn`: a DB-API sqlite3 connection or a SQLAlchemy connection of the database checked."""
    from deskui.core.db import known_revisions

    if revision is None or revision not in known_revisions():
        return []
    expected = expected_sqlite_triggers(revision)
    sql = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    rows = conn.exec_driver_sql(sql).all() if hasattr(conn, "exec_driver_sql") else conn.execute(sql).fetchall()
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


def postgres_problems(conn: Any) -> list[TriggerProblem]:
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
    for table, triggers in POSTGRES_TRIGGERS.items():
        for name, function in sorted(triggers.items()):
            have = found.get((table, name))
            if have is None:
                problems.append(TriggerProblem(name, table, "missing"))
            elif have[0] != function:
                problems.append(TriggerProblem(name, table, "changed"))
            elif have[1] in ("D", "R"):  # disabled, or fired only in replica mode
                problems.append(TriggerProblem(name, table, "disabled"))
    for table, name in sorted(found):
        if table in POSTGRES_TRIGGERS and name not in POSTGRES_TRIGGERS[table]:
            problems.append(TriggerProblem(name, table, "unexpected"))
    return problems


def trigger_problems(conn: Any, revision: str | None) -> list[TriggerProblem]:
    """Every append-only trigger missing, changed, disabled or added, for a SQLAlchemy connection/session."""
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        return postgres_problems(conn)
    if hasattr(conn, "get_bind"):  # a Session: its connection
        conn = conn.connection()
    return sqlite_problems(conn, revision)


__all__ = ["POSTGRES_TRIGGERS", "TriggerProblem", "expected_sqlite_triggers", "trigger_problems"]
