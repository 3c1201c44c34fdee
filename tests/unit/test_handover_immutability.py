"""The database refuses changing what was written (003 4.1.8): raw SQL against every append-only table of the duty
log, handovers, dispositions, key loans and returns and roster changes. On SQLite UPDATE and DELETE are refused by
triggers, and INSERT OR REPLACE / UPSERT too (recursive_triggers=ON turns the replace into a refused delete).

On PostgreSQL (TRUNCATE too) the same matrix runs when DESKUI_TEST_PG_URL names an empty database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import argon2
import pytest

from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput

SH = ZoneInfo("Asia/Shanghai")
TABLES = {
    # table: a column to change
    "dutylog": "text",
    "handover": "outgoing_name",
    "handover_record": "value",
    "call_disposition": "reason",
    "key_loan": "borrower",
    "key_return": "note",
    "roster_change": "reason",
}
REFUSED = r"append-only|chain head|signed handover"
STATEMENTS = (
    "UPDATE {t} SET {c} = 'changed' WHERE id = :id",
    "UPDATE {t} SET {c} = {c}",
    "DELETE FROM {t} WHERE id = :id",
    "DELETE FROM {t}",
    "INSERT OR REPLACE INTO {t} SELECT * FROM {t} WHERE id = :id",
    "REPLACE INTO {t} SELECT * FROM {t} WHERE id = :id",
    "INSERT INTO {t} SELECT * FROM {t} WHERE id = :id ON CONFLICT(id) DO UPDATE SET {c} = 'upsert'",
    "INSERT INTO {t} SELECT * FROM {t} WHERE true ON CONFLICT DO UPDATE SET {c} = excluded.{c} || '!'",
)


def fill(services, clock) -> None:  # type: ignore[no-untyped-def]
    """At least one row in every append-only table: a night, its signed morning handover, a key, a roster change."""
    services.handover.tickets = None
    clock.current = datetime(2026, 11, 23, 22, 0, tzinfo=SH).astimezone(UTC)
    add = services.operators.add
    wang, li, chen = (
        add("王芳", "receptionist", "1111"),
        add("李强", "maintenance", "2222"),
        add("陈静", "supervisor", "3333"),
    )
    services.roster.set_assignment(date(2026, 11, 24), "day", wang, chen)
    services.dutylog.add("巡查正常", operator=li)
    call = services.calls.record(
        CallInput(content="漏水", category="repair", caller="张", unit="3-2-1201", phone="13800138000"), operator=li
    )
    services.keys.lend("机房A", "电工", operator=li, due="23:00")
    clock.current = datetime(2026, 11, 24, 8, 20, tzinfo=SH).astimezone(UTC)
    services.keys.take_back("机房A", operator=li)
    st = services.handover.start(li)
    for eq in services.settings.equipment:
        services.handover.record_count(st.id, eq.key, eq.count, operator=wang)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(st.id, key, operator=wang)
    services.handover.dispose(st.id, call.id, "handled", operator=wang, reason="夜里已修好")
    services.handover.sign(st.id, li, "2222")
    assert services.handover.sign(st.id, wang, "1111").signed


def snapshot(con: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Filled once per module (the refusals change nothing, but each test still gets its own copy)."""
    from deskui.core.clock import FrozenClock
    from deskui.core.config import load_settings
    from deskui.services import open_services

    path = tmp_path_factory.mktemp("filled") / "desk.db"
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("deskui.services.operators.PasswordHasher", lambda: cheap)
        services = open_services(load_settings(database_url=str(path), language="en", environ={}), FrozenClock())
        try:
            fill(services, services.clock)
        finally:
            services.close()
    return path


@pytest.fixture
def filled(filled_template: Path, db_path: Path) -> Path:
    shutil.copy2(filled_template, db_path)
    return db_path


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("sql", STATEMENTS)
def test_sqlite_refuses_changing_written_rows(filled: Path, table: str, sql: str) -> None:
    con = sqlite3.connect(filled, isolation_level=None)
    con.execute("PRAGMA recursive_triggers=ON")
    try:
        before = snapshot(con)
        assert before[table], f"no row in {table} to try"
        row_id = before[table][0][1]  # (site_id, id, …)
        with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
            con.execute(sql.format(t=table, c=TABLES[table]), {"id": row_id})
        assert snapshot(con) == before
    finally:
        con.close()


def test_roster_assignments_stay_a_plan(filled: Path) -> None:
    """The plan itself may change (the service logs each change); only roster_change is append-only."""
    con = sqlite3.connect(filled, isolation_level=None)
    try:
        con.execute("UPDATE roster_assignment SET assigned_at = assigned_at")
    finally:
        con.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------------

PG_URL = os.environ.get("DESKUI_TEST_PG_URL", "")


@pytest.mark.skipif(not PG_URL, reason="set DESKUI_TEST_PG_URL to an empty PostgreSQL database")
def test_postgresql_refuses_changes_and_truncate(settings, clock) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from deskui.services import open_services

    services = open_services(dataclasses.replace(settings, database_url=PG_URL), clock)
    try:
        fill(services, clock)
        assert verify_log(services.dutylog).intact
        for table, column in TABLES.items():
            for sql in (
                f"UPDATE {table} SET {column} = 'changed'",
                f"DELETE FROM {table}",
                f"TRUNCATE {table} CASCADE",
            ):
                with pytest.raises(DBAPIError, match=REFUSED), services.db.write() as s:
                    s.execute(text(sql))
        with services.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM dutylog")).scalar() == 2
    finally:
        services.close()
