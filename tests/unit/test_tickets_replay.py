"""Property: after any sequence of actions (allowed or refused, by any role, with the clock moving), every ticket's
stored row equals `replay` of its stored events, each event's recorded status is the one replay computes, and a
refused action wrote nothing."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.core.errors import DeskError
from deskui.models import Ticket
from deskui.services.tickets import TicketInput
from deskui.services.tickets._replay import EventRecord, replay, row_values, status_after
from tests.unit.test_tickets_helpers import dump, make_desk

ROLES = ("rec", "mnt", "sup", "mgr", None)
ACTIONS = st.one_of(
    st.tuples(st.just("dispatch"), st.sampled_from(["maintenance", "security", "cleaning"])),
    st.tuples(st.just("reassign"), st.sampled_from(["maintenance", "security"])),
    st.tuples(st.just("take"), st.none()),
    st.tuples(st.just("start"), st.none()),
    st.tuples(st.just("done"), st.sampled_from([None, "leak", "safety"])),
    st.tuples(st.just("wait"), st.sampled_from(["resident", "third_party"])),
    st.tuples(st.just("resume"), st.none()),
    st.tuples(st.just("note"), st.text(max_size=5)),
    st.tuples(st.just("appointment"), st.sampled_from(["明天 9:30", None])),
    st.tuples(st.just("inform"), st.sampled_from(["supervisor", "manager"])),
    st.tuples(st.just("escalate"), st.sampled_from(["major", "important", None])),
    st.tuples(st.just("reply"), st.just("已答复")),
    st.tuples(st.just("follow_up"), st.just("已跟进")),
    st.tuples(st.just("callback"), st.sampled_from([("reached", 5), ("reached", 1), ("no_answer", None)])),
    st.tuples(st.just("reopen"), st.just("又坏了")),
    st.tuples(st.just("cancel"), st.just("重复")),
    st.tuples(st.just("close"), st.sampled_from(["", "住户不在"])),
    st.tuples(st.just("merge"), st.none()),
    st.tuples(st.just("attach"), st.none()),
    st.tuples(st.just("advance"), st.integers(min_value=1, max_value=60 * 72)),
)
KINDS = st.sampled_from(
    [("repair", None), ("complaint", "major"), ("complaint", "important"), ("complaint", "minor"), ("help", None)]
)


def perform(desk: Any, clock: FrozenClock, number: str, other: str, action: str, arg: Any, who: Any) -> None:
    t = desk.tickets
    if action == "advance":
        clock.advance(minutes=arg)
        return
    if action == "attach":
        call_id = desk.call("又一位邻居来电", unit="3-2-1101")
        x = t.get(number)
        t.attach_call(number, x.version, call_id, operator=who)
        return
    v = t.get(number).version
    calls = {
        "dispatch": lambda: t.dispatch(number, v, arg, operator=who),
        "reassign": lambda: t.reassign(number, v, arg, assignee="李强", operator=who),
        "take": lambda: t.take(number, v, operator=who),
        "start": lambda: t.start(number, v, operator=who),
        "done": lambda: t.mark_done(number, v, repair_type=arg, operator=who),
        "wait": lambda: t.wait(number, v, arg, operator=who),
        "resume": lambda: t.resume(number, v, operator=who),
        "note": lambda: t.note(number, v, arg, operator=who),
        "appointment": lambda: t.set_appointment(number, v, arg, operator=who),
        "inform": lambda: t.inform(number, v, arg, operator=who),
        "escalate": lambda: t.escalate(number, v, severity=arg, informed="manager", note="决定", operator=who),
        "reply": lambda: t.reply(number, v, arg, operator=who),
        "follow_up": lambda: t.follow_up(number, v, arg, operator=who),
        "callback": lambda: t.callback(number, v, arg[0], satisfaction=arg[1], operator=who),
        "reopen": lambda: t.reopen(number, v, arg, operator=who),
        "cancel": lambda: t.cancel(number, v, arg, operator=who),
        "close": lambda: t.close(number, v, reason=arg, operator=who),
        "merge": lambda: t.merge(number, v, other, operator=who),
    }
    calls[action]()


def check_ticket(desk: Any, number: str) -> None:
    """Stored row == replay(stored events); each stored status == the status replay derives."""
    settings_ = desk.svc.settings
    t = desk.tickets
    events = t.events(number)
    records = [
        EventRecord(e.seq, e.kind, e.at, e.status, e.operator_id, e.operator, e.note, e.data, e.id, e.ticket_id)
        for e in events
    ]
    assert [e.seq for e in records] == list(range(1, len(records) + 1))
    state = None
    history: list[EventRecord] = []
    from deskui.services.tickets._replay import apply

    for ev in records:
        assert ev.status == status_after(state, ev.kind, ev.data), (ev.kind, ev.data)
        state = apply(state, ev, history, settings_)
        history.append(ev)
    replayed = replay(records, settings_)
    assert replayed == state
    table = Ticket.__table__  # type: ignore[attr-defined]
    with desk.svc.db.read() as s:
        row = s.execute(select(table).where(table.c.number == number)).one()
    expected = row_values(replayed)
    assert {k: getattr(row, k) for k in expected} == expected


def check_counts(path: Path) -> None:
    """The queue counts kept with every write equal a fresh GROUP BY over the tickets."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        kept = set(con.execute("SELECT status, department, n FROM ticketcount WHERE n != 0"))
        fresh = set(con.execute("SELECT status, department, count(*) FROM ticket GROUP BY status, department"))
    finally:
        con.close()
    assert kept == fresh


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("replay")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    kind=KINDS,
    steps=st.lists(st.tuples(ACTIONS, st.sampled_from(ROLES)), min_size=1, max_size=25),
)
def test_ticket_state_is_the_replay_of_its_events(
    migrated_template: Path, workdir: Path, kind: tuple[str, str | None], steps: list[Any]
) -> None:
    from deskui.core.i18n import set_language
    from deskui.services import open_services

    set_language("en")
    path = workdir / "desk.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy2(migrated_template, path)
    clock = FrozenClock()
    svc = open_services(load_settings(database_url=str(path), language="en", environ={}), clock)
    try:
        desk = make_desk(svc)
        first = desk.tickets.open_from_call(desk.call(), kind=kind[0], severity=kind[1], operator=desk.rec)
        other = desk.tickets.create(
            TicketInput(kind=kind[0], severity=kind[1], unit="5-1-302", description="另一张"), operator=desk.rec
        )
        for (action, arg), role in steps:
            who = getattr(desk, role) if role else None
            before = dump(path)
            try:
                perform(desk, clock, first.number, other.number, action, arg, who)
            except DeskError:
                assert dump(path)[:4] == before[:4], (action, role)  # refused: nothing written
            clock.advance(minutes=1)
        check_ticket(desk, first.number)
        check_ticket(desk, other.number)
        check_counts(path)
        # The current state at the end is also what a fresh read shows.
        assert desk.tickets.get(first.number).version == len(desk.tickets.events(first.number))
        assert clock.now() - first.created_at >= timedelta(minutes=len(steps))
    finally:
        svc.close()
