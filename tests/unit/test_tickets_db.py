"""What the database itself guarantees for tickets: append-only history (raw sqlite3), numbers never issued twice
and no event lost with three processes at once, one winner when terminals act on the same ticket together."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskui.services.tickets import TicketInput
from tests.unit.test_tickets_helpers import Desk, make_desk

CLOCK_AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    d = make_desk(services)
    x = d.ticket()
    d.tickets.attach_call(x.number, x.version, d.call("楼上漏水", unit="3-2-1101"), operator=d.rec)
    return d


def raw(path: Path) -> sqlite3.Connection:
    """Another program on the file: plain sqlite3, autocommit, default PRAGMAs (recursive_triggers off)."""
    con = sqlite3.connect(path, isolation_level=None)
    assert con.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    return con


EVENT_ATTACKS = [
    "UPDATE ticketevent SET note = 'rewritten' WHERE seq = 1",
    "UPDATE ticketevent SET operator_name = '' ",
    "DELETE FROM ticketevent WHERE seq = 2",
    "DELETE FROM ticketevent",
    "INSERT OR REPLACE INTO ticketevent (id, site_id, ticket_id, seq, kind, at, operator_id, operator_name, status, "
    "note, data) VALUES (1, 1, 1, 1, 'created', '2026-11-23 02:00:00.000000', NULL, '', 'new', 'forged', '{}')",
    "REPLACE INTO ticketevent (site_id, ticket_id, seq, kind, at, operator_name, status, note, data) "
    "VALUES (1, 1, 2, 'note', '2026-11-23 02:00:00.000000', '', 'new', 'forged', '{}')",
    "INSERT INTO ticketevent (id, site_id, ticket_id, seq, kind, at, operator_name, status, note, data) "
    "VALUES (1, 1, 1, 1, 'created', '2026-11-23', '', 'new', 'forged', '{}') "
    "ON CONFLICT (id) DO UPDATE SET note = excluded.note",
    "INSERT INTO ticketevent (site_id, ticket_id, seq, kind, at, operator_name, status, note, data) "
    "VALUES (1, 1, 1, 'note', '2026-11-23', '', 'new', 'forged', '{}') "
    "ON CONFLICT (ticket_id, seq) DO UPDATE SET note = excluded.note",
    "INSERT OR IGNORE INTO ticketevent (site_id, ticket_id, seq, kind, at, operator_name, status, note, data) "
    "VALUES (1, 1, 1, 'note', '2026-11-23', '', 'new', 'forged', '{}')",
]
LINK_ATTACKS = [
    "UPDATE ticketcall SET call_id = 2 WHERE call_id = 1",
    "DELETE FROM ticketcall",
    "INSERT OR REPLACE INTO ticketcall (site_id, ticket_id, call_id, event_id, linked_at) "
    "VALUES (1, 1, 1, 2, '2026-11-23 02:00:00.000000')",
    "INSERT INTO ticketcall (site_id, ticket_id, call_id, event_id, linked_at) "
    "VALUES (1, 1, 1, 1, '2026-11-23') ON CONFLICT (ticket_id, call_id) DO UPDATE SET event_id = 2",
]


@pytest.mark.parametrize("statement", EVENT_ATTACKS + LINK_ATTACKS)
@pytest.mark.parametrize("recursive_triggers", [False, True])
def test_the_database_refuses_to_change_ticket_history(
    desk: Desk, db_path: Path, statement: str, recursive_triggers: bool
) -> None:
    desk.svc.db.dispose()  # let the raw connection see a checkpointed file
    con = raw(db_path)
    try:
        if recursive_triggers:
            con.execute("PRAGMA recursive_triggers = ON")
        before = (
            con.execute("SELECT * FROM ticketevent ORDER BY id").fetchall(),
            con.execute("SELECT * FROM ticketcall ORDER BY 1, 2").fetchall(),
        )
        with pytest.raises(sqlite3.IntegrityError, match="ticket history is append-only"):
            con.execute(statement)
        after = (
            con.execute("SELECT * FROM ticketevent ORDER BY id").fetchall(),
            con.execute("SELECT * FROM ticketcall ORDER BY 1, 2").fetchall(),
        )
        assert after == before
    finally:
        con.close()


def test_appending_still_works_and_the_current_state_may_change(desk: Desk, db_path: Path) -> None:
    desk.svc.db.dispose()
    con = raw(db_path)
    try:
        con.execute(
            "INSERT INTO ticketevent (site_id, ticket_id, seq, kind, at, operator_name, status, note, data) "
            "VALUES (1, 1, 3, 'note', '2026-11-23 02:00:00.000000', '', 'new', 'appended', '{}')"
        )
        con.execute("UPDATE ticket SET version = 3 WHERE id = 1")  # the state row is not history
        assert con.execute("SELECT count(*) FROM ticketevent").fetchone()[0] == 3
    finally:
        con.close()


# --- three processes at once -------------------------------------------------------------------------------------


def _open(db: str) -> Any:
    from deskui.core.clock import FrozenClock
    from deskui.core.config import load_settings
    from deskui.services import open_services

    return open_services(load_settings(database_url=db, language="en", environ={}), FrozenClock(CLOCK_AT))


def _create_many(db: str, n: int, barrier: Any, results: Any) -> None:
    svc = _open(db)
    try:
        barrier.wait()
        numbers = []
        for i in range(n):
            info = svc.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description=f"漏水 {i}"))
            numbers.append(info.number)
        results.put(numbers)
    finally:
        svc.close()


def test_three_processes_creating_tickets_get_unique_numbers_and_lose_no_event(
    services,
    db_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    services.close()
    processes, per_process = 3, 15
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_create_many, args=(str(db_path), per_process, barrier, results)) for _ in range(processes)
    ]
    for w in workers:
        w.start()
    got = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    numbers = [n for batch in got for n in batch]
    total = processes * per_process
    assert len(set(numbers)) == total
    assert sorted(numbers) == [f"WX-20261123-{i:04d}" for i in range(1, total + 1)]  # no gap, no repeat
    svc = _open(str(db_path))
    try:
        with svc.db.read() as s:
            events = s.connection().exec_driver_sql("SELECT count(*), count(DISTINCT ticket_id) FROM ticketevent")
            assert tuple(events.one()) == (total, total)
        for number in numbers:
            state = svc.tickets.state(number)
            assert (state.version, state.number) == (1, number)
    finally:
        svc.close()


def _note_at_once(db: str, number: str, version: int, who: int, barrier: Any, results: Any) -> None:
    from deskui.services.tickets import TicketChanged

    svc = _open(db)
    try:
        barrier.wait()
        try:
            info = svc.tickets.note(number, version, f"terminal {who}")
            results.put(("ok", info.version))
        except TicketChanged as exc:
            results.put(("conflict", exc.current.version))
    finally:
        svc.close()


def test_three_terminals_acting_on_one_ticket_one_wins_the_others_are_told(services, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    x = services.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="漏水"))
    services.close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_note_at_once, args=(str(db_path), x.number, x.version, i, barrier, results))
        for i in range(3)
    ]
    for w in workers:
        w.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert outcomes == [("conflict", 2), ("conflict", 2), ("ok", 2)]
    svc = _open(str(db_path))
    try:
        events = svc.tickets.events(x.number)
        assert [e.seq for e in events] == [1, 2]  # the winner's note, nothing half-written
        assert svc.tickets.get(x.number).version == 2
    finally:
        svc.close()


def test_two_services_on_one_file_conflict_in_process(services, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same race without processes: terminal B acts on what it saw after A already changed it."""
    from deskui.services.tickets import TicketChanged

    a = services
    b = _open(str(db_path))
    try:
        x = a.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="漏水"))
        seen_by_b = b.tickets.get(x.number)
        a.tickets.dispatch(x.number, x.version, "maintenance")
        with pytest.raises(TicketChanged) as err:
            b.tickets.dispatch(seen_by_b.number, seen_by_b.version, "security")
        assert err.value.current.department == "maintenance"
        assert b.tickets.get(x.number).department == "maintenance"
    finally:
        b.close()
