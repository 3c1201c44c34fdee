"""One thread, one connection at a time.

With SQLite's rollback journal (the default where the library has the WAL-reset race) a read nested inside another
read of the same thread, on a second connection, deadlocks against any writer that reaches COMMIT in between: the
writer holds PENDING and waits for the outer read's SHARED lock to go; the nested read waits for PENDING to go. Both
wait the busy timeout, then the nested read fails with "database is locked". That is how the handover screen's
refresh crashed the app in the real-terminal day (the escalation items read each ticket inside the gather's read).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from deskui.core.clock import FrozenClock
from deskui.services.tickets import TicketInput


@pytest.fixture
def held(services):  # type: ignore[no-untyped-def]
    """The most connections one thread held checked out at once, while the test ran."""
    now: Counter[int] = Counter()
    most: Counter[int] = Counter()
    engine = services.db.engine

    def checkout(*_args: object) -> None:
        me = threading.get_ident()
        now[me] += 1
        most[me] = max(most[me], now[me])

    def checkin(*_args: object) -> None:
        now[threading.get_ident()] -= 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    yield most
    event.remove(engine, "checkout", checkout)
    event.remove(engine, "checkin", checkin)


def test_a_read_inside_a_read_uses_the_same_connection(services, held) -> None:  # type: ignore[no-untyped-def]
    db = services.db
    with db.read() as outer, db.read() as inner:
        assert inner.execute(text("SELECT 1")).scalar() == 1
        assert outer.execute(text("SELECT 1")).scalar() == 1
    assert max(held.values()) == 1


def test_a_read_inside_a_write_sees_the_write(services, held) -> None:  # type: ignore[no-untyped-def]
    db = services.db
    with db.write() as w:
        w.execute(text("CREATE TEMP TABLE scratch (x INTEGER)"))
        w.execute(text("INSERT INTO scratch VALUES (7)"))
        with db.read() as r:
            assert r.execute(text("SELECT x FROM scratch")).scalar() == 7
    assert max(held.values()) == 1


def test_handover_state_holds_one_connection(services, clock: FrozenClock, held) -> None:  # type: ignore[no-untyped-def]
    """The escalation of an important complaint is read per ticket while the open items are gathered."""
    people = services.operators
    wang = people.add("王芳", "receptionist", "1111")
    clock.current = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    services.tickets.create(
        TicketInput(kind="complaint", severity="important", unit="3-2-1202", description="保安态度差"), operator=wang
    )
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    st = services.handover.start(wang)
    assert any(item.kind == "escalation" for item in st.items)
    held.clear()
    services.handover.state(st.id)
    assert max(held.values()) == 1
