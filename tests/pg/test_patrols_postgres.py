"""The patrols' tables on PostgreSQL (migration 0008): UPDATE, DELETE and TRUNCATE refused on every one of them,
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
    "patrol_round": "route_key",
    "patrol_check": "note",
    "patrol_end": "operator_name",
    "patrol_ticket": "operator_name",
}


def test_the_patrols_refuse_update_delete_and_truncate(settings: Settings, pg_url: str, clock: FrozenClock) -> None:
    from deskui.services import open_services

    pg = open_services(dataclasses.replace(settings, database_url=pg_url), clock)
    try:
        wang = pg.operators.add("王芳", "receptionist", "1111")
        r = pg.patrols.start("estate", operator=wang)
        r = pg.patrols.check(r.id, "east_gate", ok=False, note="门禁失灵", operator=wang)
        made = pg.patrols.open_ticket(r.checks[0].id, operator=wang)
        assert made.ticket_number
        pg.patrols.end(r.id, operator=wang)
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
