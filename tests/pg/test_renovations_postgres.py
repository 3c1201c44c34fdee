"""The renovation tables on PostgreSQL (migration 0009): UPDATE, DELETE and TRUNCATE refused on every one of them,
the rows as they were written; a finding's ticket and its link written in one transaction there too."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings

pytestmark = pytest.mark.pg

TABLES = {
    "renovation": "work",
    "renovation_decision": "note",
    "renovation_worker_pass": "name",
    "renovation_inspection": "finding",
    "renovation_ticket": "ticket_number",
    "renovation_close": "note",
}


def test_the_renovation_tables_refuse_update_delete_and_truncate(
    settings: Settings, pg_url: str, clock: FrozenClock
) -> None:
    from deskui.services import open_services

    pg = open_services(dataclasses.replace(settings, database_url=pg_url), clock)
    try:
        day = clock.now().astimezone(pg.ctx.tz).date().isoformat()
        r = pg.renovations.open("3-2-1201", "张三", "美家装饰", day, day, "厨房翻新", workers=["王师傅"])
        pg.renovations.approve(r.number)
        pg.renovations.inspect(r.number, "issue", "楼道堆放垃圾")
        assert pg.renovations.open_ticket(r.number).ticket_number.startswith("WX-")
        pg.renovations.close(r.number)
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
