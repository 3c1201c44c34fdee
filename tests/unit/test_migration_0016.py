"""Migration 0016 (issue 12): search text stored by the old fold (NFKC + casefold) is folded to one script, with its
character index; residents get their folded names and readings; the call log's UPDATE guard is back as it was.

A desk is written by today's code, then aged: its search text and index set back to what the old fold stored (the
guard lifted for that, as the migration does), the residents' new columns emptied. The migration's data step then
runs on it, and the result must be what today's code writes: the admin audit finds no call "changed after it was
written", and Traditional and Simplified terms find both scripts.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import exc, text

from deskui.core.scriptfold import fold
from deskui.services import Services
from deskui.services.admin._audit import call_findings
from deskui.services.calls import search_fields
from deskui.services.common.places import phone_digits
from deskui.services.common.search import SEPARATOR, index_chars
from tests.unit.test_tickets_helpers import make_desk

MIGRATION = Path(__file__).resolve().parents[2] / "deskui" / "migrations" / "versions" / "0016_script_blind_search.py"


def load_migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_0016", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def old_fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def ticket_fields(row: Any) -> tuple[str, ...]:
    return (row.number, row.unit_text, row.caller, row.phone, phone_digits(row.phone), row.description)


def age(svc: Services, mig: ModuleType) -> None:
    """Set the desk back to what the old fold stored; every other call's index rows wait in the pending table."""
    with svc.db.engine.begin() as conn:
        calls = list(conn.execute(text('SELECT id, site_id, caller, unit_text, phone, content FROM "call"')))
        conn.execute(text("DELETE FROM callchar"))
        conn.execute(text("DELETE FROM callcharpending"))
        with mig._CallGuardLifted(conn):
            for c in calls:
                old = SEPARATOR.join(old_fold(f) for f in search_fields(c.caller, c.unit_text, c.phone, c.content))
                conn.execute(text('UPDATE "call" SET search_text = :t WHERE id = :id'), {"t": old, "id": c.id})
                table = "callcharpending" if c.id % 2 else "callchar"
                for ch in index_chars(old):
                    conn.execute(
                        text(f"INSERT INTO {table} (site_id, call_id, ch) VALUES (:s, :c, :ch)"),
                        {"s": c.site_id, "c": c.id, "ch": ch},
                    )
        conn.execute(text("DELETE FROM ticketchar"))
        for row in list(conn.execute(text("SELECT * FROM ticket"))):
            old = SEPARATOR.join(old_fold(f) for f in ticket_fields(row))
            conn.execute(text("UPDATE ticket SET search_text = :t WHERE id = :id"), {"t": old, "id": row.id})
            for ch in index_chars(old):
                conn.execute(
                    text("INSERT INTO ticketchar (site_id, ticket_id, ch) VALUES (:s, :t, :ch)"),
                    {"s": row.site_id, "t": row.id, "ch": ch},
                )
        conn.execute(text("UPDATE resident SET name_folded = '', name_readings = ''"))


def triggers(svc: Services) -> list[Any]:
    with svc.db.engine.connect() as conn:
        if svc.db.backend == "sqlite":
            return sorted(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        return sorted(
            conn.exec_driver_sql("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = '\"call\"'::regclass")
        )


@pytest.fixture
def desk(services: Services) -> Any:
    d = make_desk(services)
    services.directory.add_unit("3-2-1201")
    services.directory.add_resident("陳大文", "3-2-1201", "13900000001")
    services.directory.add_resident("單小雨", "3-2-1201", "13900000002")
    rows = [("陳大文", "電梯門關不上"), ("陈小明", "电梯门关不上"), ("單小雨", "衞生間漏水"), ("Tom", "Lift DOOR")]
    for i, (caller, content) in enumerate(rows):
        call_id = d.call(content, caller=caller, phone=f"1380013{i:04d}")
        d.tickets.open_from_call(call_id, operator=d.rec)
    return d


def test_old_search_text_is_folded_again(desk: Any) -> None:
    svc = desk.svc
    mig = load_migration()
    guards = triggers(svc)
    age(svc, mig)
    assert svc.calls.search("门关") and len(svc.calls.search("门关")) == 1  # aged: Simplified finds only Simplified
    with svc.db.read() as s:
        assert call_findings(s, svc.site_id)[1]  # and the audit reads the old text as tampered with

    with svc.db.engine.begin() as conn:
        mig.refold_all(conn)

    assert triggers(svc) == guards
    with svc.db.read() as s:
        checked, findings = call_findings(s, svc.site_id)
    assert checked == 4 and findings == []
    with svc.db.engine.connect() as conn:
        for row in conn.execute(text("SELECT * FROM ticket")):
            assert row.search_text == SEPARATOR.join(fold(f) for f in ticket_fields(row))
            chars = {r[0] for r in conn.execute(text("SELECT ch FROM ticketchar WHERE ticket_id = :t"), {"t": row.id})}
            assert chars == index_chars(row.search_text)
    for term in ("门关", "門關", "电梯"):
        assert {c.caller for c in svc.calls.search(term)} == {"陳大文", "陈小明"}
        assert len(svc.tickets.queue("open", text=term).rows) == 2
    assert {c.caller for c in svc.calls.search("卫生间")} == {"單小雨"}
    assert {r.name for r in svc.directory.search_residents("陈大文")} == {"陳大文"}
    assert {r.name for r in svc.directory.search_residents("sxy")} == {"單小雨"}


def test_the_call_log_refuses_updates_again(desk: Any) -> None:
    svc = desk.svc
    mig = load_migration()
    age(svc, mig)
    with svc.db.engine.begin() as conn:
        mig.refold_all(conn)
    with pytest.raises(exc.DatabaseError, match="append-only"), svc.db.engine.begin() as conn:
        conn.execute(text("UPDATE \"call\" SET search_text = 'x'"))


def test_nothing_to_fold_writes_nothing(desk: Any) -> None:
    """A second run finds every row folded already: no call is touched (the guard is never lifted)."""
    svc = desk.svc
    mig = load_migration()
    with svc.db.engine.begin() as conn:
        assert mig.refold_calls(conn) == 0
        assert mig.refold_tickets(conn) == 0
