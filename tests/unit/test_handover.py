"""Shift handover: a full night → morning handover, the relief who does not come, sign-off rules, refusals that
change nothing, crash safety, two terminals, and the supervisor's daily review."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, PermissionDenied, PinRejected, ValidationError
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput
from deskui.services.handover import HandoverExists, parse_count, to_plain

SH = ZoneInfo("Asia/Shanghai")
NIGHT = date(2026, 11, 23)
MORNING = date(2026, 11, 24)


def at(day: date, h: int, m: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def people(services, clock: FrozenClock):  # type: ignore[no-untyped-def]
    clock.current = at(NIGHT, 20)
    add = services.operators.add
    p = {
        "wang": add("王芳", "receptionist", "1111"),
        "li": add("李强", "maintenance", "2222"),
        "chen": add("陈静", "supervisor", "3333"),
        "zhao": add("赵敏", "receptionist", "4444"),
    }
    services.roster.set_assignment(NIGHT, "night", p["li"], p["chen"])
    services.roster.set_assignment(MORNING, "day", p["wang"], p["chen"])
    return p


def night_call(services, li, **kw):  # type: ignore[no-untyped-def]
    base = {
        "content": "厨房水管漏水",
        "category": "repair",
        "caller": "张先生",
        "unit": "3-2-1201",
        "phone": "13800138000",
    }
    base.update(kw)
    return services.calls.record(CallInput(**base), operator=li)  # type: ignore[arg-type]


@pytest.fixture
def night(services, people, clock):  # type: ignore[no-untyped-def]
    """A night shift: a log entry, two calls for the morning (a repair, a complaint), an inquiry, a key out."""
    li = people["li"]
    services.dutylog.add("22:00 巡查B2车库，照明正常", operator=li)
    repair = night_call(services, li)
    clock.advance(minutes=40)
    complaint = night_call(services, li, content="楼上装修噪音", category="complaint", unit="3-2-1202", caller="李女士")
    night_call(services, li, content="问物业费", category="inquiry", unit="5-1-302", caller="王")
    services.keys.lend("机房A", "电工 老周", operator=li, due="23:30")
    clock.current = at(MORNING, 8, 10)
    return {"repair": repair, "complaint": complaint}


def count_all(services, handover_id, wang, *, walkies: int = 4, **kw):  # type: ignore[no-untyped-def]
    for eq in services.settings.equipment:
        n = walkies if eq.key == "walkie_talkie" else eq.count
        extra = kw if eq.key == "walkie_talkie" else {}
        services.handover.record_count(handover_id, eq.key, n, operator=wang, **extra)


def complete(services, handover_id, wang):  # type: ignore[no-untyped-def]
    """The incoming person acknowledges everything and ticks the checks (counts and night calls done elsewhere)."""
    st = services.handover.state(handover_id)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(handover_id, item.id, operator=wang)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(handover_id, key, operator=wang, note="东门灯不亮" if key == "area_checked" else "")
    return services.handover.state(handover_id)


def rows(db_path, table: str) -> int:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


# --- the whole morning handover -----------------------------------------------------------------------------------


def test_full_night_to_morning_handover(services, people, night, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    assert (st.duty_date, st.shift_key, st.next_date, st.next_shift_key, st.morning) == (
        NIGHT,
        "night",
        MORNING,
        "day",
        True,
    )
    assert [n.call.id for n in st.night_calls] == [night["repair"].id, night["complaint"].id]  # not the inquiry
    assert [(k.title, k.overdue) for k in st.keys] == [("机房A → 电工 老周", True)]
    assert not st.can_sign and {b.step for b in st.blockers} >= {"equipment", "keys", "night_calls", "checks"}

    # 1. Equipment: one walkie-talkie missing, explained.
    clock.advance(minutes=5)
    services.handover.arrive(st.id, wang)
    with pytest.raises(ValidationError, match="not a number") as err:
        services.handover.record_count(st.id, "walkie_talkie", "三", operator=wang)
    assert err.value.field == "count"
    count_all(services, st.id, wang, walkies=3)
    st = services.handover.state(st.id)
    walkie = next(c for c in st.counts if c.key == "walkie_talkie")
    assert (walkie.difference, walkie.missing, walkie.complete) == (-1, 1, False)
    assert any("explain the difference" in b.message for b in st.blockers)
    services.handover.record_count(
        st.id, "walkie_talkie", "3", operator=wang, explanation="夜里借给保安巡逻", holder="保安 老赵"
    )
    # 2, 3. Keys and open items acknowledged; 5. checks.
    st = complete(services, st.id, wang)
    # 4. Night calls become tickets with one key (a complaint needs its severity).
    with pytest.raises(ValidationError, match="severity"):
        services.handover.dispose(st.id, night["complaint"].id, "ticket", operator=wang)
    services.handover.dispose(st.id, night["repair"].id, "ticket", operator=wang)
    st = services.handover.dispose(st.id, night["complaint"].id, "ticket", operator=wang, severity="minor")
    assert st.blockers == () and st.can_sign
    assert all(n.disposition == "ticket" and n.ticket_id for n in st.night_calls)

    # 6. Both sign.
    st = services.handover.sign(st.id, li, "2222")
    assert [s.role for s in st.signatures] == ["outgoing"] and not st.signed
    st = services.handover.sign(st.id, wang, "1111")
    assert st.signed and st.signed_at == clock.now() and st.relief is None
    assert {s.role for s in st.signatures} == {"outgoing", "incoming"}

    # The shortage became a repair ticket naming the shift; the two night calls are tickets linked to their calls.
    walkie = next(c for c in st.discrepancies)
    assert walkie.key == "walkie_talkie" and walkie.ticket_id is not None
    ticket = services.tickets.get(walkie.ticket_id)
    assert ticket.kind == "repair" and "Night shift" in ticket.description and "2026-11-23" in ticket.description
    for n in st.night_calls:
        assert [t.id for t in services.tickets.tickets_of_call(n.call.id)] == [n.ticket_id]

    # The signature is an entry of the duty-log chain, and the chain verifies.
    entry = services.dutylog.by_seq(st.chain_seq)
    assert entry.kind == "handover" and entry.ref_key == f"handover:{st.id}" and entry.operator == "王芳"
    assert (
        entry.payload["outgoing"]["name"] == "李强"
        and entry.payload["discrepancies"][0]["ticket_id"] == walkie.ticket_id
    )
    assert "李强 to 王芳" in entry.text
    assert verify_log(services.dutylog).intact
    assert services.handover.last().id == st.id and services.handover.open_handover() is None
    assert to_plain(st)["counts"][0]["key"] == "walkie_talkie"


def test_signed_handover_is_locked(services, people, night, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    st = signed_handover(services, people, night)
    before = rows(db_path, "handover_record"), rows(db_path, "call_disposition")
    wang = people["wang"]
    with pytest.raises(Conflict, match="signed at"):
        services.handover.record_count(st.id, "walkie_talkie", 4, operator=wang)
    with pytest.raises(Conflict, match="signed at"):
        services.handover.acknowledge(st.id, st.keys[0].id, operator=wang, acknowledged=False)
    with pytest.raises(Conflict, match="signed at"):
        services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="x")
    with pytest.raises(Conflict, match="signed at"):
        services.handover.sign(st.id, wang, "1111")
    assert (rows(db_path, "handover_record"), rows(db_path, "call_disposition")) == before
    # Not even a raw connection may add to it.
    con = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="signed handover"):
        con.execute(
            "INSERT INTO handover_record (site_id, handover_id, step, item, value, operator_name, recorded_at) "
            "SELECT site_id, handover_id, 'ack', item, value, 'x', recorded_at FROM handover_record "
            "WHERE handover_id = ? LIMIT 1",
            (st.id,),
        )
    con.close()
    # The state reads back as it was signed, even after the key came back.
    services.keys.take_back("机房A", operator=wang)
    again = services.handover.state(st.id)
    assert again.keys == st.keys and again.items == st.items and again.signed_at == st.signed_at


def signed_handover(services, people, night):  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang)
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="夜里已修好")
    services.handover.dispose(st.id, night["complaint"].id, "no_action", operator=wang, reason="住户撤回")
    services.handover.sign(st.id, li, "2222")
    return services.handover.sign(st.id, wang, "1111")


def test_verify_catches_a_handover_changed_after_signing(services, people, night, db_path) -> None:  # type: ignore[no-untyped-def]
    st = signed_handover(services, people, night)
    assert verify_log(services.dutylog).intact
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("DROP TRIGGER handover_record_refuse_update")
    con.execute("UPDATE handover_record SET value = '{\"counted\":2,\"explanation\":\"\",\"holder\":\"\"}' "
                "WHERE step = 'count' AND item = 'walkie_talkie'")  # fmt: skip
    con.close()
    result = verify_log(services.dutylog)
    assert not result.intact
    assert result.first_problem.reason == "handover_changed" and result.first_problem.seq == st.chain_seq  # type: ignore[union-attr]


def test_dispositions_without_a_ticket_service_are_still_recorded(services, people, night) -> None:  # type: ignore[no-untyped-def]
    services.handover.tickets = None  # before tickets existed: the decision is recorded, the ticket is owed
    st = services.handover.start(people["li"])
    wang = people["wang"]
    st = services.handover.dispose(st.id, night["repair"].id, "ticket", operator=wang)
    with pytest.raises(ValidationError, match="needs a reason"):
        services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang)
    st = services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang, reason="已电话解释")
    assert [(n.disposition, n.ticket_id, n.reason) for n in st.night_calls] == [
        ("ticket", None, ""),
        ("handled", None, "已电话解释"),
    ]
    with pytest.raises(ValidationError, match="Unknown decision"):
        services.handover.dispose(st.id, night["repair"].id, "ignore", operator=wang, reason="x")
    with pytest.raises(NotFound):
        services.handover.dispose(st.id, 9999, "handled", operator=wang, reason="x")


# --- the relief who does not come ---------------------------------------------------------------------------------


def test_relief_absent_outgoing_stays_on_duty(services, people, night, clock) -> None:  # type: ignore[no-untyped-def]
    st = services.handover.start(people["li"])
    clock.current = at(MORNING, 8, 10)
    relief = services.handover.relief(st.id)
    assert relief is not None and relief.late_minutes == 0 and relief.expected == ("王芳",)
    assert relief.due_at == datetime(2026, 11, 24, 8, 15, tzinfo=SH) and "08:15" in relief.message
    clock.current = at(MORNING, 8, 40)
    relief = services.handover.relief(st.id)
    assert relief.late_minutes == 25 and relief.outgoing_remains
    assert "25 min late" in relief.message and "李强 remains on duty" in relief.message
    # The outgoing cannot finish alone; the handover stays open and is still the night's.
    with pytest.raises(ValidationError, match="incoming operator has not joined"):
        services.handover.sign(st.id, people["li"], "2222")
    assert services.handover.open_handover().id == st.id
    assert services.handover.slot_to_hand_over().key == "night"
    services.handover.arrive(st.id, people["zhao"])  # someone else relieves him
    relief = services.handover.relief(st.id)
    assert relief.late_minutes == 0 and relief.arrived == "赵敏"


def test_which_shift_a_handover_belongs_to(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(NIGHT, 17, 20)
    slot = services.handover.slot_to_hand_over()
    assert (slot.key, slot.duty_date) == ("day", NIGHT)
    clock.current = at(MORNING, 8, 20)
    assert (services.handover.slot_to_hand_over().key, services.handover.slot_to_hand_over().duty_date) == (
        "night",
        NIGHT,
    )
    clock.current = at(MORNING, 9, 10)  # late relief: nearer the night's end than the day's
    assert services.handover.slot_to_hand_over().key == "night"
    clock.current = at(MORNING, 14, 0)
    assert services.handover.slot_to_hand_over().key == "day"
    clock.current = at(date(2026, 7, 1), 17, 50)  # summer: the day ends at 18:00
    assert services.handover.slot_to_hand_over().key == "day"
    with pytest.raises(ValidationError, match="cover shift"):
        services.handover.start(people["wang"], duty_date=NIGHT, shift_key="midday")


# --- sign-off rules -----------------------------------------------------------------------------------------------


def test_sign_off_refused_while_an_important_item_has_no_note(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.tickets import TicketInput

    wang, zhao = people["wang"], people["zhao"]
    clock.current = at(NIGHT, 10, 0)
    help_ticket = services.tickets.create(
        TicketInput(kind="help", unit="5-1-302", description="老人摔倒求助"), operator=wang
    )
    clock.current = at(NIGHT, 17, 15)
    st = services.handover.start(wang)  # the day shift hands over to the night
    assert st.shift_key == "day" and not st.morning
    important = [i for i in st.items if i.important]
    assert [i.id for i in important] == [f"ticket:{help_ticket.id}"] and important[0].kind == "help_untaken"
    count_all(services, st.id, zhao)
    st = complete(services, st.id, zhao)
    assert [b.step for b in st.blockers] == ["items"]
    with pytest.raises(ValidationError, match=r"Important: .*老人摔倒求助.* needs a note") as err:
        services.handover.sign(st.id, wang, "1111")
    assert err.value.field == "pin"
    with pytest.raises(PermissionDenied, match="outgoing operator"):
        services.handover.note(st.id, important[0].id, "已通知安护部", operator=zhao)
    st = services.handover.note(st.id, important[0].id, "已通知安护部，家属在场", operator=wang)
    assert st.items[0].note == "已通知安护部，家属在场" and st.items[0].noted_by == "王芳"
    # The note came after the incoming's acknowledgement; nothing else blocks.
    assert st.can_sign
    services.handover.sign(st.id, wang, "1111")
    assert services.handover.sign(st.id, zhao, "4444").signed


def test_wrong_pin_changes_nothing(services, people, night, db_path) -> None:  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang)
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="已修好")
    services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang, reason="已解释")
    before = rows(db_path, "handover_record"), rows(db_path, "dutylog")
    with pytest.raises(PinRejected, match="Wrong PIN"):
        services.handover.sign(st.id, li, "9999")
    assert (rows(db_path, "handover_record"), rows(db_path, "dutylog")) == before
    assert services.handover.state(st.id).signatures == ()


def test_signing_twice_is_refused(services, people, night) -> None:  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang)
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="已修好")
    services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang, reason="已解释")
    services.handover.sign(st.id, li, "2222")
    with pytest.raises(Conflict, match="李强 has already signed"):
        services.handover.sign(st.id, li, "2222")
    with pytest.raises(PermissionDenied, match="王芳 is taking over"):
        services.handover.sign(st.id, people["zhao"], "4444")
    services.handover.sign(st.id, wang, "1111")
    with pytest.raises(Conflict, match="signed at"):
        services.handover.sign(st.id, wang, "1111")


def test_signatures_at_the_same_moment_still_lock(services, people, night, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Outgoing and incoming sign on two terminals at once: each saw the other unsigned; the second write locks."""
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang)
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="已修好")
    services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang, reason="已解释")
    stale = services.handover.state(st.id)
    services.handover.sign(st.id, wang, "1111")  # the other terminal
    fresh = services.handover.state
    pending = [stale]
    monkeypatch.setattr(services.handover, "state", lambda hid: pending.pop() if pending else fresh(hid))
    assert services.handover.sign(st.id, li, "2222").signed
    assert verify_log(services.dutylog).intact


def test_a_change_after_a_signature_voids_it(services, people, night) -> None:  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang)
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="已修好")
    services.handover.dispose(st.id, night["complaint"].id, "handled", operator=wang, reason="已解释")
    assert [s.role for s in services.handover.sign(st.id, li, "2222").signatures] == ["outgoing"]
    st = services.handover.record_count(st.id, "flashlight", 2, operator=wang)  # counted again
    assert st.signatures == ()
    st = services.handover.sign(st.id, wang, "1111")
    assert not st.signed  # the outgoing must sign again
    assert services.handover.sign(st.id, li, "2222").signed


def test_who_does_which_step(services, people, night) -> None:  # type: ignore[no-untyped-def]
    li, wang, zhao = people["li"], people["wang"], people["zhao"]
    st = services.handover.start(li)
    with pytest.raises(PermissionDenied, match="incoming operator does this step"):
        services.handover.record_count(st.id, "thermos", 1, operator=li)
    with pytest.raises(PermissionDenied, match="cannot also take over"):
        services.handover.arrive(st.id, li)
    services.handover.record_count(st.id, "thermos", 1, operator=wang)  # the first to act joins as incoming
    with pytest.raises(PermissionDenied, match="王芳 is taking over"):
        services.handover.acknowledge(st.id, st.keys[0].id, operator=zhao)
    st = services.handover.arrive(st.id, zhao)  # the wrong person had joined: replace
    assert st.incoming.name == "赵敏"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("item", "value", "kw", "match"),
    [
        ("walkie_talkie", "three", {}, "not a number"),
        ("walkie_talkie", "-1", {}, "not a number"),
        ("walkie_talkie", "2.5", {}, "not a number"),
        ("walkie_talkie", 10_000, {}, "between 0 and 9999"),
        ("walkie_talkie", True, {}, "not a number"),
        ("umbrella", 1, {}, "Unknown equipment"),
        ("walkie_talkie", 3, {"explanation": "x" * 201}, "too long"),
    ],
)
def test_bad_counts_write_nothing(services, people, night, db_path, item, value, kw, match) -> None:  # type: ignore[no-untyped-def]
    st = services.handover.start(people["li"])
    before = rows(db_path, "handover_record")
    with pytest.raises(ValidationError, match=match):
        services.handover.record_count(st.id, item, value, operator=people["wang"], **kw)
    assert rows(db_path, "handover_record") == before


def test_parse_count_accepts_full_width_digits() -> None:
    assert parse_count("３", "对讲机") == 3 and parse_count(" 4 ", "对讲机") == 4


# --- crash safety and two terminals -------------------------------------------------------------------------------


def test_every_step_survives_a_crash(services, people, night, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    st = services.handover.start(people["li"])
    services.handover.record_count(st.id, "walkie_talkie", 3, operator=people["wang"], explanation="借出")
    services.handover.note(st.id, st.keys[0].id, "电工说九点前还", operator=people["li"])
    services.close()  # the terminal dies; another one opens the same file
    other = open_services(settings, clock)
    try:
        resumed = other.handover.open_handover()
        assert resumed is not None and resumed.id == st.id and resumed.incoming.name == "王芳"  # type: ignore[union-attr]
        walkie = next(c for c in resumed.counts if c.key == "walkie_talkie")
        assert (walkie.counted, walkie.explanation) == (3, "借出")
        assert resumed.keys[0].note == "电工说九点前还"
    finally:
        other.close()


def test_starting_the_same_handover_twice_is_a_conflict(services, people, night, db_path) -> None:  # type: ignore[no-untyped-def]
    st = services.handover.start(people["li"])
    with pytest.raises(HandoverExists, match="already started by 李强") as err:
        services.handover.start(people["wang"], duty_date=NIGHT, shift_key="night")
    assert err.value.handover_id == st.id
    assert rows(db_path, "handover") == 1


def _start(db_url: str, operator_id: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    from deskui.core.config import load_settings
    from deskui.services import open_services
    from deskui.services.handover import HandoverExists

    services = open_services(load_settings(database_url=db_url, language="en", environ={}))
    operator = services.operators.get(operator_id)
    barrier.wait()
    try:
        st = services.handover.start(operator, duty_date=NIGHT, shift_key="night")
        results.put(("started", st.id))
    except HandoverExists as exc:
        results.put(("exists", exc.handover_id))
    except Exception as exc:  # pragma: no cover - reported below
        results.put(("error", repr(exc)))
    finally:
        services.close()


@pytest.mark.slow
def test_two_terminals_start_the_same_handover(services, people, db_path) -> None:  # type: ignore[no-untyped-def]
    ids = [people["li"].id, people["wang"].id]
    services.close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    workers = [ctx.Process(target=_start, args=(str(db_path), i, barrier, results)) for i in ids]
    for w in workers:
        w.start()
    try:
        outcomes = sorted(results.get(timeout=120) for _ in workers)
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():
                w.terminate()
                w.join()
    assert [kind for kind, _ in outcomes] == ["exists", "started"]
    assert outcomes[0][1] == outcomes[1][1]  # the second was told which one to open
    assert rows(db_path, "handover") == 1


# --- open items ---------------------------------------------------------------------------------------------------


def test_open_items_are_gathered_from_tickets_and_calls(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.tickets import TicketInput

    wang, zhao = people["wang"], people["zhao"]
    clock.current = at(NIGHT, 9, 0)
    repair_call = services.calls.record(
        CallInput(content="电梯异响", category="repair", caller="赵", unit="3-2-1201", phone="13800138002"),
        operator=wang,
    )
    complaint = services.tickets.create(
        TicketInput(kind="complaint", severity="important", unit="3-2-1202", description="保安态度差"), operator=wang
    )
    clock.current = at(NIGHT, 17, 0)
    st = services.handover.start(wang)
    by_kind = {i.kind: i for i in st.items}
    assert by_kind["call_ticket_wanted"].ref_id == repair_call.id
    # The important complaint: overdue for the supervisor (60 min), so both an overdue ticket and an escalation.
    assert by_kind["ticket_overdue"].ref_id == complaint.id and by_kind["ticket_overdue"].important
    assert by_kind["escalation"].ref_id == complaint.id
    assert st.items[0].important  # important items first
    services.handover.acknowledge(st.id, by_kind["escalation"].id, operator=zhao)
    assert next(i for i in services.handover.state(st.id).items if i.kind == "escalation").acknowledged_by == "赵敏"
    with pytest.raises(ValidationError, match="Not an item id"):
        services.handover.acknowledge(st.id, "whatever", operator=zhao)


# --- the supervisor's review --------------------------------------------------------------------------------------


def test_supervisor_review_and_unsigned_days(services, people, night, clock) -> None:  # type: ignore[no-untyped-def]
    st = signed_handover(services, people, night)
    clock.current = at(MORNING, 9, 0)
    review = services.review.review()  # yesterday by default
    assert review.day == NIGHT and not review.signed
    assert [e.kind for e in review.entries] == ["entry", "handover"]
    assert [h.id for h in review.handovers] == [st.id] and review.handovers[0].incoming == "王芳"
    assert review.discrepancies == ()
    outcomes = {n.call.id: (n.disposition, n.reason) for n in review.night_calls}
    assert outcomes[night["repair"].id] == ("handled", "夜里已修好")
    assert len(review.night_calls) == 3  # every night call, the inquiry too (no decision needed for it)
    # From the desk's first record (the night's), not from an earlier --since: the days before have nothing to sign.
    assert services.review.unsigned_days(date(2026, 11, 20)) == [NIGHT]

    with pytest.raises(PermissionDenied):
        services.review.sign(NIGHT, people["wang"], "1111")
    with pytest.raises(PinRejected):
        services.review.sign(NIGHT, people["chen"], "0000")
    with pytest.raises(ValidationError, match="not over yet"):
        services.review.sign(MORNING, people["chen"], "3333")
    head = services.dutylog.head()
    sig = services.review.sign(NIGHT, people["chen"], "3333", note="夜班记录完整")
    assert (sig.supervisor, sig.head_seq, sig.head_hash, sig.note) == ("陈静", head[0], head[1], "夜班记录完整")
    assert sig.entry_seq == head[0] + 1
    with pytest.raises(Conflict, match="already signed by 陈静"):
        services.review.sign(NIGHT, people["chen"], "3333")
    assert services.review.review(NIGHT).signature == sig
    assert services.review.unsigned_days(date(2026, 11, 22)) == []  # the morning's day is not over yet
    assert verify_log(services.dutylog).intact


def test_review_shows_count_discrepancies(services, people, night) -> None:  # type: ignore[no-untyped-def]
    services.handover.tickets = None
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang, walkies=3, explanation="借给保安", holder="保安 老赵")
    discrepancies = services.review.review(NIGHT).discrepancies
    assert [(d.handover_id, d.count.key, d.count.counted, d.count.holder) for d in discrepancies] == [
        (st.id, "walkie_talkie", 3, "保安 老赵")
    ]
    assert services.handover.discrepancies(NIGHT)[0].count.explanation == "借给保安"


# --- tickets are named by their number (issue 10 defect 10) -------------------------------------------------------


def ticket_handover(services, people, night):  # type: ignore[no-untyped-def]
    """The morning handover with a walkie-talkie missing and both night calls made tickets, signed by both."""
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang, walkies=3, explanation="夜里借给保安巡逻", holder="保安 老赵")
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "ticket", operator=wang)
    services.handover.dispose(st.id, night["complaint"].id, "ticket", operator=wang, severity="minor")
    services.handover.sign(st.id, li, "2222")
    return services.handover.sign(st.id, wang, "1111")


def test_handover_and_review_name_tickets_by_number(services, people, night) -> None:  # type: ignore[no-untyped-def]
    st = ticket_handover(services, people, night)
    walkie = next(c for c in st.counts if c.key == "walkie_talkie")
    number = services.tickets.get(walkie.ticket_id).number
    assert number.startswith("WX-") and walkie.ticket_number == number
    for n in st.night_calls:
        assert n.ticket_id and n.ticket_number == services.tickets.get(n.ticket_id).number
    # Read back later (the state of a signed handover, the review of the night) the numbers are still there.
    again = services.handover.state(st.id)
    assert next(c for c in again.counts if c.key == "walkie_talkie").ticket_number == number
    review = services.review.review(NIGHT)
    assert [d.count.ticket_number for d in review.discrepancies] == [number]
    made = {n.call.id: n.ticket_number for n in review.night_calls if n.disposition == "ticket"}
    assert made == {n.call.id: n.ticket_number for n in st.night_calls}
    # The duty log's handover entry names them by number too; its payload keeps the id (the fact).
    entry = services.dutylog.by_seq(st.chain_seq)
    assert number in entry.text and all(n.ticket_number in entry.text for n in st.night_calls)
    assert entry.payload["discrepancies"][0]["ticket_id"] == walkie.ticket_id
    assert to_plain(st)["counts"][0]["ticket_number"] == number


# --- after the handover, the shortage ticket, the late relief (issue 10 defect 13) --------------------------------


def signed_with_a_walkie_missing(services, people, night):  # type: ignore[no-untyped-def]
    li, wang = people["li"], people["wang"]
    st = services.handover.start(li)
    count_all(services, st.id, wang, walkies=3, explanation="夜里借给保安巡逻", holder="保安 老赵")
    complete(services, st.id, wang)
    services.handover.dispose(st.id, night["repair"].id, "handled", operator=wang, reason="夜里已修好")
    services.handover.dispose(st.id, night["complaint"].id, "no_action", operator=wang, reason="住户撤回")
    services.handover.sign(st.id, li, "2222")
    return services.handover.sign(st.id, wang, "1111")


def test_once_signed_the_next_handover_is_the_next_shift(services, people, night, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(MORNING, 8, 27)
    assert (services.handover.slot_to_hand_over().key, services.handover.slot_to_hand_over().duty_date) == (
        "night",
        NIGHT,
    )
    signed_with_a_walkie_missing(services, people, night)
    slot = services.handover.slot_to_hand_over()
    assert (slot.key, slot.duty_date) == ("day", MORNING), "the night is handed over: next comes the day shift"
    clock.current = at(MORNING, 8, 40)  # still so once the day shift has begun
    slot = services.handover.slot_to_hand_over()
    assert (slot.key, slot.duty_date) == ("day", MORNING)


def test_the_shortage_ticket_is_placed_at_the_desk(services, people, night) -> None:  # type: ignore[no-untyped-def]
    st = signed_with_a_walkie_missing(services, people, night)
    walkie = next(c for c in st.counts if c.key == "walkie_talkie")
    ticket = services.tickets.get(walkie.ticket_id)
    assert services.settings.desk_place and ticket.unit == services.settings.desk_place
    assert ticket.kind == "repair" and "保安 老赵" in ticket.description


def test_late_relief_report_names_the_late_relief(services, people, night, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.reports import ReportService

    st = services.handover.start(people["li"])
    clock.current = at(MORNING, 8, 40)  # the day shift's relief (王芳 on the roster) was due at 08:15
    [late] = ReportService.of(services).monthly("2026-11").handover.late_reliefs
    assert late.handover_id == st.id and late.late_minutes == 25
    assert late.relief == "王芳" and late.outgoing == "李强", "not come yet: the one the roster expects is late"
    services.handover.arrive(st.id, people["zhao"])  # 赵敏 relieves him instead, 25 minutes late
    clock.current = at(MORNING, 9)
    [late] = ReportService.of(services).monthly("2026-11").handover.late_reliefs
    assert late.relief == "赵敏" and late.late_minutes == 25
