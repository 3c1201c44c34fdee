"""Issue 14 "Complaints": the complaint record and its result, the same-day callback, the resident's deadline and the
major complaint's reply, in the ticket service (seed 002 投诉接待(1)(5), 投诉处理制度 二, 四.4(6)②)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import PermissionDenied, ValidationError
from deskui.services.tickets import TicketInput, ticket_record, write_tickets_csv
from tests.unit.test_tickets_helpers import Desk, dump, make_desk

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECORD = {
    "place": "3栋大堂",
    "about": "保安 张师傅",
    "happened": "夜里11点放外卖员进楼没有登记",
    "wants": "书面道歉，加强登记",
}


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


def refused(db_path: Path, error: type[Exception], match: str, action, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(error, match=match) as caught:
        action(*args, **kwargs)
    assert dump(db_path) == before
    return caught.value  # type: ignore[return-value]


def complaint(desk: Desk, severity: str = "minor", **more):  # type: ignore[no-untyped-def]
    call_id = desk.call("投诉保安夜里放人进楼", "complaint")
    return desk.tickets.create(TicketInput(call_ids=(call_id,), severity=severity, **more), operator=desk.rec)


def done(desk: Desk, x, result: str = ""):  # type: ignore[no-untyped-def]
    x = desk.tickets.dispatch(x.number, x.version, "security", operator=desk.rec)
    return desk.tickets.mark_done(x.number, x.version, note=result, operator=desk.sup)


def reached(desk: Desk, x):  # type: ignore[no-untyped-def]
    return desk.tickets.callback(x.number, x.version, "reached", satisfaction=4, operator=desk.rec)


# --- the record -------------------------------------------------------------------------------------------------


def test_complaint_record_kept_as_typed_002_complaint_reception_1(desk: Desk) -> None:
    """002 投诉接待(1): 投诉人、地点、被投诉人或部门、事情经过、投诉人要求 — recorded with the complaint, shown and
    exported with its result and the notes."""
    x = complaint(desk, **RECORD)
    assert dict(x.complaint) == RECORD
    assert desk.tickets.events(x.number)[0].data["complaint"] == RECORD
    x = desk.tickets.note(x.number, x.version, "已联系安护部主管", operator=desk.rec)
    x = done(desk, x, "已对张师傅批评教育，补登记制度")
    rec = ticket_record(x, [], SHANGHAI)
    assert (rec["complaint_place"], rec["complaint_about"]) == ("3栋大堂", "保安 张师傅")
    assert (rec["complaint_happened"], rec["complaint_wants"]) == (RECORD["happened"], RECORD["wants"])
    assert rec["result"] == "已对张师傅批评教育，补登记制度" and rec["notes"] == ["已联系安护部主管"]
    fh = io.StringIO()
    write_tickets_csv([(x, [])], fh, desk.svc.settings)
    row = next(csv.DictReader(io.StringIO(fh.getvalue())))
    assert row["complaint_about"] == "保安 张师傅" and row["result"] == "已对张师傅批评教育，补登记制度"
    assert row["notes"] == "已联系安护部主管"


def test_complaint_record_is_searchable_by_whom_it_is_about(desk: Desk) -> None:
    x = complaint(desk, **RECORD)
    assert [t.number for t in desk.tickets.queue("open", text="张师傅").rows] == [x.number]


def test_complaint_record_on_a_repair_is_refused_naming_the_field(desk: Desk, db_path: Path) -> None:
    data = TicketInput(call_ids=(desk.call(),), about="维修工")
    exc = refused(db_path, ValidationError, "Only a complaint", desk.tickets.create, data, operator=desk.rec)
    assert exc.field == "about"  # type: ignore[attr-defined]


# --- the result -------------------------------------------------------------------------------------------------


def test_complaint_closes_only_with_its_result_002_complaint_rules_2(desk: Desk, db_path: Path) -> None:
    """002 投诉处理制度 二: the complaint record holds the result; a complaint done without one is not closed."""
    x = reached(desk, done(desk, complaint(desk)))
    exc = refused(
        db_path, ValidationError, "with its result", desk.tickets.close, x.number, x.version, operator=desk.rec
    )
    assert exc.field == "result"  # type: ignore[attr-defined]
    x = desk.tickets.close(x.number, x.version, result="已道歉", operator=desk.rec)
    assert (x.status, x.result) == ("closed", "已道歉")


def test_complaint_result_from_done_lets_it_close(desk: Desk) -> None:
    x = reached(desk, done(desk, complaint(desk), "安护部已整改"))
    x = desk.tickets.close(x.number, x.version, operator=desk.rec)
    assert (x.status, x.result) == ("closed", "安护部已整改")


def test_a_repair_still_closes_without_a_result(desk: Desk) -> None:
    x = desk.ticket()
    x = desk.tickets.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    x = desk.tickets.mark_done(x.number, x.version, operator=desk.mnt)
    x = reached(desk, x)
    assert desk.tickets.close(x.number, x.version, operator=desk.rec).status == "closed"


# --- the callback the same day ----------------------------------------------------------------------------------


def test_complaint_result_told_same_day_002_4_4_6(desk: Desk, clock: FrozenClock) -> None:
    """002 四.4(6)②: the desk tells the resident the result the same day the department reports it done: the
    callback is due at the next local midnight (the default callback_complaint_days = 0)."""
    assert desk.svc.settings.target("callback_complaint_days") == 0
    x = complaint(desk)
    clock.current = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
    x = done(desk, x, "已整改")
    callback = next(g for g in x.targets if g.name == "callback")
    assert callback.due_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert x.callback_due_at == callback.due_at


# --- the resident's deadline ------------------------------------------------------------------------------------


def test_minor_complaint_runs_to_the_residents_deadline(desk: Desk, db_path: Path) -> None:
    """DOMAIN "Tickets": a minor complaint is resolved within 2 days or by the resident's own deadline."""
    deadline = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    x = complaint(desk, resident_deadline=deadline)
    assert x.resident_deadline == deadline
    assert next(g for g in x.targets if g.name == "resolve").due_at == deadline
    data = TicketInput(call_ids=(desk.call("又投诉", "complaint"),), severity="major", resident_deadline=deadline)
    refused(db_path, ValidationError, "minor complaint", desk.tickets.create, data, operator=desk.rec)


def test_residents_deadline_agreed_later_moves_the_resolve_target(desk: Desk, db_path: Path) -> None:
    x = complaint(desk)
    assert next(g for g in x.targets if g.name == "resolve").due_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    x = desk.tickets.set_deadline(x.number, x.version, "2026-11-28 18:00", note="住户同意周六前", operator=desk.rec)
    agreed = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert x.resident_deadline == agreed
    assert next(g for g in x.targets if g.name == "resolve").due_at == agreed
    assert desk.tickets.events(x.number)[-1].kind == "deadline"
    assert desk.tickets.state(x.number).resident_deadline == agreed  # the row is the replay
    x = desk.tickets.set_deadline(x.number, x.version, None, operator=desk.rec)
    assert x.resident_deadline is None
    major = complaint(desk, "major")
    refused(
        db_path, ValidationError, "minor complaint", desk.tickets.set_deadline, major.number, major.version,
        "2026-11-28 18:00", operator=desk.rec,
    )  # fmt: skip
    refused(
        db_path, PermissionDenied, "may not", desk.tickets.set_deadline, x.number, x.version, "2026-11-28 18:00",
        operator=desk.mnt,
    )  # fmt: skip


# --- the major complaint's reply --------------------------------------------------------------------------------


def test_major_complaint_answer_is_the_reply_not_the_work_002_complaint_reception_5(
    desk: Desk, clock: FrozenClock, db_path: Path
) -> None:
    """002 投诉接待(5): a major complaint gets a clear answer within 2 days — a reply to the resident, recorded and
    timed as its own event; the work marked done does not meet it."""
    x = complaint(desk, "major")
    x = done(desk, x, "已整改")
    answer = next(g for g in x.targets if g.name == "answer")
    assert answer.met_at is None and answer.state in ("ok", "due_soon")
    refused(
        db_path, ValidationError, "phone, visit or written", desk.tickets.reply, x.number, x.version, "已答复",
        via="email", operator=desk.rec,
    )  # fmt: skip
    clock.current = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    x = desk.tickets.reply(x.number, x.version, "经理上门致歉并说明整改", via="visit", operator=desk.rec)
    answer = next(g for g in x.targets if g.name == "answer")
    assert (answer.state, answer.met_at) == ("met", clock.current)
    assert (x.reply, x.reply_via) == ("经理上门致歉并说明整改", "visit")
    assert desk.tickets.events(x.number)[-1].data == {"via": "visit"}
    rec = ticket_record(x, [], SHANGHAI)
    assert (rec["reply"], rec["reply_via"]) == ("经理上门致歉并说明整改", "visit")
    assert next(g for g in rec["targets"] if g["kind"] == "answer")["state"] == "met"


def test_major_complaint_answer_late_when_replied_after_two_days(desk: Desk, clock: FrozenClock) -> None:
    x = complaint(desk, "major")
    clock.current = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # three days after
    x = desk.tickets.reply(x.number, x.version, "电话答复", via="phone", operator=desk.rec)
    answer = next(g for g in x.targets if g.name == "answer")
    assert answer.state == "late" and answer.seconds_left == -86400
