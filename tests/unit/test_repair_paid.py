"""Repairs paid or free (issue 14): a paid repair keeps every repair target and the 100 % callback (seed 002 四.2–四.5,
003 4.1.3); the booked visit is a target; the callback records the resident's sign-off on a repair (002 入住⑤)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import ValidationError
from deskui.services.tickets import row_values, ticket_record
from tests.unit.test_tickets_helpers import Desk, dump, make_desk

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


def _done(desk: Desk, number: str, **kwargs):  # type: ignore[no-untyped-def]
    t = desk.tickets
    x = t.get(number)
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    return t.mark_done(x.number, x.version, note="换了水龙头", operator=desk.mnt, **kwargs)


def test_paid_service_keeps_repair_targets_and_callback_002_4_5(desk: Desk) -> None:
    """FW- tickets showed targets=[]: a paid service is a repair that is paid, with the follow-up and the callback."""
    x = desk.ticket("service", content="有偿疏通下水道")
    assert x.number.startswith("FW-")
    assert (x.kind, x.paid, x.repair_type) == ("service", True, "other")
    assert [g.name for g in x.targets] == ["follow_up"]
    x = _done(desk, x.number, fee="120")
    assert [g.name for g in x.targets] == ["follow_up", "callback"]
    assert (x.paid, x.fee_cents) == (True, 12000)
    assert x.callback_due_at is not None


def test_repair_paid_or_free_attribute_and_fee_when_done_002_4_2(desk: Desk) -> None:
    free = desk.ticket()
    assert (free.kind, free.paid, free.fee_cents) == ("repair", False, None)
    paid = desk.ticket(paid="paid")
    assert (paid.kind, paid.paid) == ("repair", True)
    assert [g.name for g in paid.targets] == ["follow_up"]
    done = _done(desk, paid.number, fee="85.50")
    assert (done.paid, done.fee_cents) == (True, 8550)
    # Found out of warranty when done: a free repair becomes paid with its fee, in the completion's event.
    found = _done(desk, free.number, paid="paid", fee=60)
    assert (found.paid, found.fee_cents) == (True, 60)
    events = desk.tickets.events(found.number)
    assert events[-1].data["paid"] is True and events[-1].data["fee_cents"] == 60


def test_fee_refusals_write_nothing(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    free = desk.ticket()
    x = t.dispatch(free.number, free.version, "maintenance", operator=desk.rec)
    for kwargs, field in (
        ({"fee": "120"}, "fee"),  # a free repair has no fee
        ({"paid": "paid", "fee": "一百二"}, "fee"),  # a sentence is not an amount
        ({"paid": "paid", "fee": "-5"}, "fee"),
        ({"paid": "paid", "fee": "1.234"}, "fee"),
        ({"paid": "maybe"}, "paid"),
    ):
        before = dump(db_path)
        with pytest.raises(ValidationError) as exc:
            t.mark_done(x.number, x.version, operator=desk.mnt, **kwargs)
        assert exc.value.field == field
        assert dump(db_path) == before
    with pytest.raises(ValidationError, match="paid service"):
        desk.ticket("service", paid="free")
    with pytest.raises(ValidationError, match="Only a repair"):
        desk.ticket("complaint", severity="minor", paid="paid")


def test_show_json_carries_paid_and_fee(desk: Desk) -> None:
    x = _done(desk, desk.ticket("service").number, fee="120")
    detail = desk.tickets.detail(x.number)
    rec = ticket_record(detail.ticket, [], TZ, detail.events)
    assert (rec["paid"], rec["fee"], rec["fee_cents"]) == (True, "120.00", 12000)
    assert [g["kind"] for g in rec["targets"]] == ["follow_up", "callback"]
    free = ticket_record(desk.ticket(), [], TZ)
    assert (free["paid"], free["fee"]) == (False, None)


def test_booked_visit_is_a_target_due_soon_then_overdue(desk: Desk, clock: FrozenClock) -> None:
    t = desk.tickets
    x = desk.ticket(appointment="14:00")  # 02:00 UTC is 10:00 in Shanghai: 14:00 today
    booked = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert x.appointment_at == booked
    visit = next(g for g in x.targets if g.name == "visit")
    assert (visit.due_at, visit.state) == (booked, "ok")
    assert x.due_at == min(g.due_at for g in x.targets)
    clock.current = booked - timedelta(minutes=30)
    assert next(g for g in t.get(x.number).targets if g.name == "visit").state == "due_soon"
    clock.current = booked + timedelta(minutes=45)
    x = t.get(x.number)
    assert next(g for g in x.targets if g.name == "visit").state == "overdue"
    assert x.number in [r.number for r in t.queue("overdue").rows]
    # The job starts: the visit is met, late by 45 minutes.
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    x = t.start(x.number, x.version, operator=desk.mnt)
    visit = next(g for g in x.targets if g.name == "visit")
    assert (visit.state, visit.seconds_left) == ("late", -45 * 60)
    rec = ticket_record(x, [], TZ)
    assert {"kind": "visit", "state": "late", "late_minutes": 45}.items() <= next(
        g for g in rec["targets"] if g["kind"] == "visit"
    ).items()


def test_visit_met_when_started_in_time_and_rebooked(desk: Desk, clock: FrozenClock) -> None:
    t = desk.tickets
    x = desk.ticket()
    assert "visit" not in [g.name for g in x.targets]
    x = t.set_appointment(x.number, x.version, "15:00", operator=desk.rec)
    assert [g.name for g in x.targets][-1] == "visit"
    x = t.set_appointment(x.number, x.version, "16:00", operator=desk.rec)  # rebooked: due at the new time
    visit = next(g for g in x.targets if g.name == "visit")
    assert visit.due_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    x = t.start(x.number, x.version, operator=desk.mnt)
    assert next(g for g in x.targets if g.name == "visit").state == "met"
    assert row_values(t.state(x.number))["due_at"] == t.state(x.number).due_at


def test_callback_signoff_on_a_repair_002_ruzhu_5(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = _done(desk, desk.ticket().number)
    x = t.callback(
        x.number, x.version, "reached", satisfaction=5, comment="修好了", via="visit", signed_off="yes",
        signed_by="张三", operator=desk.rec,
    )  # fmt: skip
    assert (x.callback_via, x.signed_off, x.signed_by) == ("visit", True, "张三")
    ev = t.events(x.number)[-1]
    assert (ev.data["via"], ev.data["signed_off"], ev.data["signed_by"]) == ("visit", True, "张三")
    rec = ticket_record(x, [], TZ)
    assert rec["signoff"] == {"signed_off": True, "signed_by": "张三"}
    assert rec["callback_via"] == "visit"


def test_signoff_refusals(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = _done(desk, desk.ticket().number)
    for kwargs, field in (
        ({"outcome": "no_answer", "signed_off": True}, "signed_off"),  # not reached: nobody to sign
        ({"outcome": "reached", "satisfaction": 4, "signed_by": "张三"}, "signed_off"),  # a name without yes/no
        ({"outcome": "reached", "satisfaction": 4, "signed_off": "perhaps"}, "signed_off"),
    ):
        before = dump(db_path)
        outcome = kwargs.pop("outcome")
        with pytest.raises(ValidationError) as exc:
            t.callback(x.number, x.version, outcome, operator=desk.rec, **kwargs)
        assert exc.value.field == field
        assert dump(db_path) == before
    complaint = desk.ticket("complaint", severity="minor")
    complaint = _done(desk, complaint.number)
    with pytest.raises(ValidationError, match="Only a repair"):
        t.callback(complaint.number, complaint.version, "reached", satisfaction=4, signed_off=True, operator=desk.rec)


def test_legacy_service_ticket_reads_as_paid(desk: Desk) -> None:
    """A `service` ticket written before issue 14 says nothing of paid in its "created" event: read as paid."""
    from deskui.services.tickets import EventRecord, replay

    created = EventRecord(
        1, "created", datetime(2026, 11, 1, 2, 0, tzinfo=UTC), "new", data={"number": "FW-1", "kind": "service"}
    )
    state = replay([created], desk.svc.settings)
    assert state.paid is True
    assert state.due_at < datetime(2027, 1, 1, tzinfo=UTC)  # the follow-up runs
