"""The key inventory on PostgreSQL (migration 0010): UPDATE, DELETE and TRUNCATE refused on its three tables, the rows
as they were written; lending by the inventory's rules there too (a key not held refused, the authority note kept)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.errors import NotFound

pytestmark = pytest.mark.pg

TABLES = {"key_item": "hook", "key_retirement": "reason", "key_loan_authority": "note"}


def test_the_key_tables_refuse_update_delete_and_truncate(settings: Settings, pg_url: str, clock: FrozenClock) -> None:
    from deskui.services import open_services

    pg = open_services(dataclasses.replace(settings, database_url=pg_url), clock)
    try:
        pg.key_inventory.add("3-2-1201", "3栋2单元1201 入户门", "B-07", authority="业主书面同意", operator=None)
        pg.key_inventory.add("天台", "1号楼天台门", "A-02", operator=None)
        pg.keys.lend("3-2-1201", "维修 小张", operator=None, authority="业主电话同意")
        pg.key_inventory.retire("天台", "丢失", operator=None)
        with pytest.raises(NotFound):
            pg.keys.lend("车库", "保安", operator=None)
        with pg.db.read() as s:
            counts = {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}
        assert counts == {"key_item": 2, "key_retirement": 1, "key_loan_authority": 1}
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
        assert [(k.label, k.state) for k in pg.key_inventory.listing()] == [("3-2-1201", "out")]
    finally:
        pg.close()
