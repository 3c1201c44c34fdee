"""The registers' tables are append-only in the database itself (migration 0007): raw SQL against each of them —
UPDATE, DELETE, INSERT OR REPLACE, REPLACE, UPSERT — is refused, and the row is as it was written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

# table: (a column to change, an insert of one row whose foreign keys the fixture made)
ROWS = {
    "visit": (
        "name",
        "INSERT INTO visit (site_id, id, name, unit_text, unit_key, purpose, plate, id_tail, entered_at, "
        "operator_name) VALUES (1, 1, '访客', '3-2-1201', '3-2-1201', '探亲', '', '', '2026-12-03 02:00:00', '')",
    ),
    "visit_exit": (
        "note",
        "INSERT INTO visit_exit (site_id, id, visit_id, left_at, note, operator_name) "
        "VALUES (1, 1, 1, '2026-12-03 03:00:00', '', '')",
    ),
    "parcel": (
        "carrier",
        "INSERT INTO parcel (site_id, id, kind, unit_text, unit_key, carrier, tracking, shelf, note, received_at, "
        "operator_name) VALUES (1, 1, 'parcel', '3-2-1201', '3-2-1201', '顺丰', '', '', '', "
        "'2026-12-03 02:00:00', '')",
    ),
    "parcel_notice": (
        "via",
        "INSERT INTO parcel_notice (site_id, id, parcel_id, notified_at, via, note, operator_name) "
        "VALUES (1, 1, 1, '2026-12-03 02:10:00', 'sms', '', '')",
    ),
    "parcel_pickup": (
        "picked_up_by",
        "INSERT INTO parcel_pickup (site_id, id, parcel_id, picked_up_at, picked_up_by, note, operator_name) "
        "VALUES (1, 1, 1, '2026-12-03 03:00:00', '张三', '', '')",
    ),
    "gate_pass": (
        "items",
        "INSERT INTO gate_pass (site_id, id, number, kind, unit_text, unit_key, bearer, bearer_role, consent, "
        "items, vehicle, warning, issued_at, valid_until, operator_name) VALUES (1, 1, 'FX-20261203-001', 'goods', "
        "'3-2-1201', '3-2-1201', '张三', 'owner', '', '沙发', '', '', '2026-12-03 02:00:00', "
        "'2026-12-04 02:00:00', '')",
    ),
    "gate_pass_use": (
        "note",
        "INSERT INTO gate_pass_use (site_id, id, pass_id, used_at, note, operator_name) "
        "VALUES (1, 1, 1, '2026-12-03 03:00:00', '', '')",
    ),
    "gate_pass_void": (
        "reason",
        "INSERT INTO gate_pass_void (site_id, id, pass_id, voided_at, reason, operator_name) "
        "VALUES (1, 1, 1, '2026-12-03 03:00:00', '写错', '')",
    ),
}
STATEMENTS = (
    "UPDATE {t} SET {c} = 'changed' WHERE id = 1",
    "DELETE FROM {t} WHERE id = 1",
    "INSERT OR REPLACE INTO {t} SELECT * FROM {t} WHERE id = 1",
    "REPLACE INTO {t} SELECT * FROM {t} WHERE id = 1",
    "INSERT INTO {t} SELECT * FROM {t} WHERE id = 1 ON CONFLICT(id) DO UPDATE SET {c} = 'upsert'",
)


@pytest.fixture
def filled(db_path: Path) -> Path:
    from deskui.core.clock import FrozenClock
    from deskui.core.config import load_settings
    from deskui.services import open_services

    open_services(load_settings(database_url=str(db_path), environ={}), FrozenClock()).close()
    con = sqlite3.connect(db_path)
    with con:
        for _, insert in ROWS.values():
            con.execute(insert)
    con.close()
    return db_path


@pytest.mark.parametrize("statement", STATEMENTS)
@pytest.mark.parametrize("table", list(ROWS))
def test_registers_refuse_change(filled: Path, table: str, statement: str) -> None:
    column = ROWS[table][0]
    con = sqlite3.connect(filled)
    before = con.execute(f"SELECT * FROM {table}").fetchall()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(statement.format(t=table, c=column))
    con.rollback()
    assert con.execute(f"SELECT * FROM {table}").fetchall() == before
    con.close()


def test_one_exit_one_pickup_one_use_per_record(filled: Path) -> None:
    """The unique keys: a visitor leaves once, a parcel is picked up once, a pass is used or voided once."""
    con = sqlite3.connect(filled)
    for table in ("visit_exit", "parcel_pickup", "gate_pass_use", "gate_pass_void"):
        again = ROWS[table][1].replace("VALUES (1, 1,", "VALUES (1, 2,")
        with pytest.raises(sqlite3.DatabaseError):
            con.execute(again)
        con.rollback()
    con.close()
