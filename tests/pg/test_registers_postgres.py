"""The registers' tables on PostgreSQL (migration 0007): UPDATE, DELETE and TRUNCATE refused on every one of them,
the rows as they were written."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings

pytestmark = pytest.mark.pg

TABLES = {
    "visit": "name",
    "visit_exit": "note",
    "parcel": "carrier",
    "parcel_notice": "via",
    "parcel_pickup": "picked_up_by",
    "gate_pass": "items",
    "gate_pass_use": "note",
    "gate_pass_void": "reason",
}


def test_the_registers_refuse_update_delete_and_truncate(settings: Settings, pg_url: str, clock: FrozenClock) -> None:
    from deskui.services import open_services

    pg = open_services(dataclasses.replace(settings, database_url=pg_url), clock)
    try:
        visit = pg.visitors.sign_in("刘先生", "3-2-1201", "探亲")
        pg.visitors.sign_out(visit.id)
        parcel = pg.parcels.receive("3-2-1201", "顺丰")
        pg.parcels.notify(parcel.id, "sms")
        pg.parcels.pick_up(parcel.id, "张三")
        used = pg.passes.issue("3-2-1201", "张三", "沙发")
        pg.passes.use(used.number)
        pg.passes.void(pg.passes.issue("3-2-1201", "张三", "电视").number, "写错")
        with pg.db.read() as s:
            counts = {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}
        assert all(counts.values()), counts
        for table, column in TABLES.items():
            for sql in (
                f'UPDATE "{table}" SET {column} = {column}',
                f'DELETE FROM "{table}"',
                f'TRUNCATE "{table}" CASCADE',
            ):
                with pytest.raises(DBAPIError, match="append-only"), pg.db.write() as s:
                    s.execute(text(sql))
        with pg.db.read() as s:
            assert {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES} == counts
    finally:
        pg.close()
