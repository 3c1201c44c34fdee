"""Ticket service: every action and transition, roles, bad input (nothing written), conflicts, merge, detail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskui.services.tickets import TicketChanged, TicketInput, row_values
from tests.unit.test_tickets_helpers import Desk, dump, make_desk


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


def refused(desk: Desk, db_path: Path, error: type[Exception], match: str, action, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """`action` raises `error` and the database is byte for byte what it was."""
    before = dump(db_path)
    with pytest.raises(error, match=match):
        action(*args, **kwargs)
    assert dump(db_path) == before


# --- creating -----------------------------------------------------------------------------------------------------


def test_open_from_call_prefills_everything(desk: Desk) -> None:
    call_id = desk.call("厨房水管漏水，楼下也在滴", "repair", unit="3栋2单元1201", caller="张三", phone="138 1234 5678")
    x = desk.tickets.open_from_call(call_id, operator=desk.rec)
    assert x.number == "WX-20261123-0001"  # 02:00 UTC is 10:00 in Shanghai
    assert (x.kind, x.repair_type, x.severity, x.status) == ("repair", "other", "", "new")
    assert (x.unit, x.unit_key, x.caller, x.phone) == ("3栋2单元1201", "3-2-1201", "张三", "138 1234 5678")
    assert x.description == "厨房水管漏水，楼下也在滴"
    assert (x.created_by, x.version, x.channel) == ("王芳", 1, "phone")
    assert [g.name for g in x.targets] == ["follow_up"]
    assert desk.tickets.call_ids(x.number) == [call_id]


def test_numbers_per_kind_and_local_day(desk: Desk, clock: FrozenClock) -> None:
    assert desk.ticket().number == "WX-20261123-0001"
    assert desk.ticket().number == "WX-20261123-0002"
    assert desk.ticket("complaint", severity="minor").number == "TS-20261123-0001"
    assert desk.ticket("help").number == "QZ-20261123-0001"
    assert desk.ticket("inquiry").number == "ZX-20261123-0001"
    assert desk.ticket("service").number == "FW-20261123-0001"
    clock.current = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    assert desk.ticket().number == "WX-20261123-0003"
    clock.current = datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC)  # midnight in Shanghai: a new day, a new sequence
    assert desk.ticket().number == "WX-20261124-0001"


def test_create_from_several_calls_and_attach_more(desk: Desk) -> None:
    first, second, third = (desk.call(f"{n}楼水管爆了", unit=f"3-2-{n}01") for n in (12, 11, 10))
    x = desk.tickets.create(TicketInput(call_ids=(first, second)), operator=desk.rec)
    x = desk.tickets.attach_call(x.number, x.version, third, operator=desk.rec)
    assert desk.tickets.call_ids(x.number) == [first, second, third]
    assert [e.kind for e in desk.tickets.events(x.number)] == ["created", "call_attached"]
    with pytest.raises(Conflict, match="already attached"):
        desk.tickets.attach_call(x.number, x.version, third, operator=desk.rec)


def test_a_call_with_an_open_ticket_is_attached_not_opened_twice(desk: Desk, db_path: Path) -> None:
    call_id = desk.call()
    x = desk.tickets.open_from_call(call_id, operator=desk.rec)
    refused(desk, db_path, Conflict, x.number, desk.tickets.open_from_call, call_id, operator=desk.rec)


def test_create_with_department_dispatches_in_the_same_transaction(desk: Desk) -> None:
    x = desk.tickets.create(
        TicketInput(call_ids=(desk.call(),), department="维修部", assignee="李强"), operator=desk.rec
    )
    assert (x.status, x.department, x.assignee, x.assignee_id, x.version) == (
        "dispatched",
        "maintenance",
        "李强",
        desk.mnt.id,
        2,
    )


def test_a_ticket_without_a_call(desk: Desk) -> None:
    x = desk.tickets.create(
        TicketInput(kind="service", unit="5-1-302", caller="王五", description="预约疏通下水道"), operator=desk.rec
    )
    assert (x.number[:2], x.unit_key, desk.tickets.call_ids(x.number)) == ("FW", "5-1-302", [])


def test_written_inquiry_from_a_letter(desk: Desk) -> None:
    x = desk.tickets.open_from_call(desk.call("来信询问物业费", "inquiry", channel="letter"), operator=desk.rec)
    assert x.written and [g.name for g in x.targets] == ["written_reply"]
    phone = desk.tickets.open_from_call(desk.call("询问物业费", "inquiry", unit="5-1-302"), operator=desk.rec)
    assert not phone.written and phone.targets == ()


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        (TicketInput(kind="complaint"), "severity", "needs a severity"),
        (TicketInput(kind="complaint", severity="huge"), "severity", "Unknown severity"),
        (TicketInput(kind="repair", severity="major"), "severity", "Only a complaint has a severity"),
        (TicketInput(kind="help", repair_type="leak"), "repair_type", "Only a repair"),
        (TicketInput(kind="repair", repair_type="roof"), "repair_type", "Unknown repair type"),
        (TicketInput(kind="repair", department="plumbing"), "department", "Unknown department 'plumbing'"),
        (TicketInput(kind="repair", assignee="李强"), "department", "department before the person"),
        (TicketInput(kind="teleport"), "kind", "Unknown ticket kind"),
        (TicketInput(kind="repair", description="   "), "description", "needs a description"),
        (TicketInput(kind="repair", written=True), "written", "Only an inquiry"),
        (TicketInput(kind="repair", description="x\x1b[2J"), "content", "escape"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(
    desk: Desk, db_path: Path, data: TicketInput, field: str, match: str
) -> None:
    call_id = desk.call()
    before = dump(db_path)
    with pytest.raises(ValidationError, match=match) as err:
        desk.tickets.create(TicketInput(**{**data.__dict__, "call_ids": (call_id,)}), operator=desk.rec)
    assert err.value.field == field
    assert dump(db_path) == before


def test_kind_of_a_suggestion_must_be_chosen(desk: Desk, db_path: Path) -> None:
    call_id = desk.call("建议增加路灯", "suggestion")
    refused(desk, db_path, ValidationError, "Which kind", desk.tickets.open_from_call, call_id, operator=desk.rec)
    assert desk.tickets.open_from_call(call_id, kind="service", operator=desk.rec).kind == "service"


def test_unknown_call_and_unknown_ticket(desk: Desk) -> None:
    with pytest.raises(NotFound):
        desk.tickets.open_from_call(999)
    with pytest.raises(NotFound, match="WX-20990101-0001"):
        desk.tickets.get("WX-20990101-0001")


# --- the repair flow, step by step ---------------------------------------------------------------------------------


def test_repair_from_new_to_closed(desk: Desk, clock: FrozenClock) -> None:
    t = desk.tickets
    x = desk.ticket()
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    assert (x.status, x.department, x.assignee) == ("dispatched", "maintenance", "")
    x = t.take(x.number, x.version, operator=desk.mnt)
    assert (x.status, x.assignee, x.assignee_id) == ("dispatched", "李强", desk.mnt.id)
    x = t.set_appointment(x.number, x.version, "明天 9:30", operator=desk.rec)
    assert x.appointment_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    x = t.start(x.number, x.version, operator=desk.mnt)
    assert x.status == "in_progress"
    x = t.note(x.number, x.version, "换了阀门", operator=desk.mnt)
    clock.advance(hours=2)
    x = t.mark_done(x.number, x.version, operator=desk.mnt)
    assert (x.status, x.done_at) == ("done", clock.now())
    assert x.callback_due_at == clock.now() + timedelta(days=2)
    x = t.callback(x.number, x.version, "reached", satisfaction=5, comment="很满意", operator=desk.rec)
    assert (x.callback_result, x.satisfaction, x.callback_comment) == ("reached", 5, "很满意")
    x = t.close(x.number, x.version, operator=desk.rec)
    assert (x.status, x.closed_at, x.due_at, x.is_open) == ("closed", clock.now(), None, False)
    kinds = [(e.kind, e.status, e.operator) for e in t.events(x.number)]
    assert kinds == [
        ("created", "new", "王芳"),
        ("dispatched", "dispatched", "王芳"),
        ("reassigned", "dispatched", "李强"),
        ("appointment", "dispatched", "王芳"),
        ("status", "in_progress", "李强"),
        ("note", "in_progress", "李强"),
        ("status", "done", "李强"),
        ("callback", "done", "王芳"),
        ("closed", "closed", "王芳"),
    ]
    assert x.version == 9


def test_maintenance_takes_a_new_ticket_for_its_department(desk: Desk) -> None:
    x = desk.ticket()
    x = desk.tickets.take(x.number, x.version, operator=desk.mnt)
    assert (x.status, x.department, x.assignee) == ("dispatched", "maintenance", "李强")


def test_maintenance_cannot_work_another_departments_ticket(desk: Desk, db_path: Path) -> None:
    x = desk.ticket("complaint", severity="minor")
    x = desk.tickets.dispatch(x.number, x.version, "security", operator=desk.rec)
    refused(desk, db_path, PermissionDenied, "李强", desk.tickets.take, x.number, x.version, operator=desk.mnt)


def test_waiting_pauses_and_resume_returns_to_the_status_before(desk: Desk, clock: FrozenClock) -> None:
    t = desk.tickets
    x = desk.ticket("complaint", severity="important")
    x = t.dispatch(x.number, x.version, "security", operator=desk.rec)
    x = t.start(x.number, x.version, operator=desk.sup)
    resolve = next(g for g in x.targets if g.name == "resolve")
    x = t.wait(x.number, x.version, "third_party", note="等业委会答复", operator=desk.rec)
    assert (x.status, x.waiting_on, x.paused_since) == ("waiting", "third_party", clock.now())
    assert next(g for g in x.targets if g.name == "resolve").state == "paused"
    clock.advance(hours=5)
    x = t.resume(x.number, x.version, operator=desk.rec)
    assert (x.status, x.waiting_on, x.paused_since) == ("in_progress", "", None)
    after = next(g for g in x.targets if g.name == "resolve")
    assert after.due_at == resolve.due_at + timedelta(hours=5)


def test_set_status_dispatches_to_the_named_actions(desk: Desk) -> None:
    t = desk.tickets
    x = desk.ticket()
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    x = t.set_status(x.number, x.version, "in_progress", operator=desk.mnt)
    x = t.set_status(x.number, x.version, "waiting", waiting_on="resident", operator=desk.mnt)
    x = t.set_status(x.number, x.version, "resume", operator=desk.mnt)
    x = t.set_status(x.number, x.version, "done", operator=desk.mnt)
    assert x.status == "done"
    with pytest.raises(ValidationError, match="Cannot change the status"):
        t.set_status(x.number, x.version, "closed", operator=desk.sup)


@pytest.mark.parametrize(
    ("setup", "action", "match"),
    [
        ([], lambda t, x, d: t.start(x.number, x.version, operator=d.mnt), "Start work"),
        ([], lambda t, x, d: t.callback(x.number, x.version, "reached", satisfaction=5, operator=d.rec), "callback"),
        ([], lambda t, x, d: t.reopen(x.number, x.version, "又漏了", operator=d.rec), "Reopen"),
        ([], lambda t, x, d: t.resume(x.number, x.version, operator=d.rec), "Resume"),
        (["dispatch"], lambda t, x, d: t.dispatch(x.number, x.version, "security", operator=d.rec), "Dispatch"),
        (["dispatch", "cancel"], lambda t, x, d: t.start(x.number, x.version, operator=d.sup), "Cancelled"),
        (["dispatch", "cancel"], lambda t, x, d: t.reopen(x.number, x.version, "x", operator=d.sup), "Cancelled"),
    ],
)
def test_invalid_transitions_are_refused_with_nothing_written(desk: Desk, db_path: Path, setup, action, match) -> None:  # type: ignore[no-untyped-def]
    t = desk.tickets
    x = desk.ticket()
    if "dispatch" in setup:
        x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    if "cancel" in setup:
        x = t.cancel(x.number, x.version, "重复登记", operator=desk.sup)
    before = dump(db_path)
    with pytest.raises(ValidationError, match=match):
        action(t, x, desk)
    assert dump(db_path) == before


# --- roles --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("mnt", lambda t, x, op: t.dispatch(x.number, x.version, "maintenance", operator=op)),
        ("mnt", lambda t, x, op: t.callback(x.number, x.version, "no_answer", operator=op)),
        ("mnt", lambda t, x, op: t.inform(x.number, x.version, "supervisor", operator=op)),
        ("rec", lambda t, x, op: t.start(x.number, x.version, operator=op)),
        ("rec", lambda t, x, op: t.mark_done(x.number, x.version, operator=op)),
        ("rec", lambda t, x, op: t.escalate(x.number, x.version, severity="major", note="安全隐患", operator=op)),
        ("rec", lambda t, x, op: t.cancel(x.number, x.version, "重复", operator=op)),
        ("rec", lambda t, x, op: t.merge(x.number, x.version, "WX-20261123-0001", operator=op)),
    ],
)
def test_role_refusals_write_nothing(desk: Desk, db_path: Path, who: str, action) -> None:  # type: ignore[no-untyped-def]
    desk.ticket()
    x = desk.ticket("complaint", severity="minor", unit="5-1-302")
    x = desk.tickets.dispatch(x.number, x.version, "maintenance", operator=desk.sup)
    operator = getattr(desk, who)
    before = dump(db_path)
    with pytest.raises(PermissionDenied, match=operator.name):
        action(desk.tickets, x, operator)
    assert dump(db_path) == before


def test_maintenance_cannot_open_a_ticket(desk: Desk, db_path: Path) -> None:
    call_id = desk.call()
    refused(desk, db_path, PermissionDenied, "李强", desk.tickets.open_from_call, call_id, operator=desk.mnt)


def done_repair(desk: Desk):  # type: ignore[no-untyped-def]
    t = desk.tickets
    x = desk.ticket()
    x = t.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    return t.mark_done(x.number, x.version, operator=desk.mnt)


def test_closing_a_repair_needs_a_callback_that_reached_the_resident(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = done_repair(desk)
    refused(desk, db_path, PermissionDenied, "callback", t.close, x.number, x.version, operator=desk.rec)
    x = t.callback(x.number, x.version, "left_message", operator=desk.rec)
    refused(desk, db_path, PermissionDenied, "callback", t.close, x.number, x.version, operator=desk.rec)
    x = t.callback(x.number, x.version, "reached", satisfaction=4, operator=desk.rec)
    assert t.close(x.number, x.version, operator=desk.rec).status == "closed"


def test_supervisor_closes_without_a_callback_only_with_a_reason(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = done_repair(desk)
    refused(desk, db_path, ValidationError, "needs a reason", t.close, x.number, x.version, operator=desk.sup)
    x = t.close(x.number, x.version, reason="住户出国，电话停机", operator=desk.sup)
    last = t.events(x.number)[-1]
    assert (last.kind, last.note, last.data["without_callback"], last.operator) == (
        "closed",
        "住户出国，电话停机",
        True,
        "陈静",
    )


def test_a_help_request_is_closed_by_the_desk_without_callback(desk: Desk) -> None:
    x = desk.ticket("help", content="老人摔倒求助")
    x = desk.tickets.reply(x.number, x.version, "已通知安护部上门", operator=desk.rec)
    assert next(g for g in x.targets if g.name == "reply").state == "met"
    x = desk.tickets.close(x.number, x.version, operator=desk.rec)
    assert (x.status, x.done_at) == ("closed", x.closed_at)


def test_reopen_from_done_by_the_desk_and_from_closed_by_a_supervisor(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = done_repair(desk)
    x = t.callback(x.number, x.version, "reached", satisfaction=1, comment="还在漏", operator=desk.rec)
    x = t.reopen(x.number, x.version, "回访时说还在漏", operator=desk.rec)
    assert (x.status, x.done_at, x.department) == ("dispatched", None, "maintenance")
    x = t.mark_done(x.number, x.version, operator=desk.mnt)
    assert (x.callback_result, x.satisfaction) == ("", None)  # a new completion, a new callback
    assert "close" not in t.allowed_actions(x, desk.rec)
    x = t.callback(x.number, x.version, "reached", satisfaction=5, operator=desk.rec)
    x = t.close(x.number, x.version, operator=desk.rec)
    refused(desk, db_path, PermissionDenied, "supervisor", t.reopen, x.number, x.version, "again", operator=desk.rec)
    refused(desk, db_path, ValidationError, "reason", t.reopen, x.number, x.version, " ", operator=desk.sup)
    x = t.reopen(x.number, x.version, "住户投诉又漏", operator=desk.sup)
    assert (x.status, x.closed_at, x.is_open) == ("dispatched", None, True)


def test_callback_no_answer_reschedules_and_satisfaction_is_checked(desk: Desk, db_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    t = desk.tickets
    x = done_repair(desk)
    clock.advance(hours=30)
    x = t.callback(x.number, x.version, "no_answer", operator=desk.rec)
    retry = desk.svc.settings.target("callback_retry_hours")
    assert x.callback_due_at == clock.now() + timedelta(hours=retry)
    assert x.callback_result == "no_answer"
    for bad in (0, 6, None):
        refused(desk, db_path, ValidationError, "1 to 5", t.callback, x.number, x.version, "reached", satisfaction=bad)
    refused(desk, db_path, ValidationError, "only when", t.callback, x.number, x.version, "no_answer", satisfaction=3)
    refused(desk, db_path, ValidationError, "outcome", t.callback, x.number, x.version, "maybe")


def test_escalate_and_inform(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = desk.ticket("complaint", severity="important", content="保安打人")
    x = t.inform(x.number, x.version, "supervisor", note="已电话报告陈主管", operator=desk.rec)
    assert next(g for g in x.targets if g.name == "supervisor_informed").state == "met"
    refused(
        desk, db_path, ValidationError, "reason", t.escalate, x.number, x.version, severity="major", operator=desk.sup
    )
    x = t.escalate(x.number, x.version, severity="major", informed="manager", note="涉及人身安全", operator=desk.sup)
    assert x.severity == "major"
    assert {g.name for g in x.targets} >= {"manager_informed", "answer", "resolve"}
    assert next(g for g in x.targets if g.name == "manager_informed").state == "met"
    refused(desk, db_path, ValidationError, "Informed whom", t.inform, x.number, x.version, "mayor")
    repair = desk.ticket(unit="5-1-302")
    refused(
        desk, db_path, ValidationError, "Only a complaint", t.escalate, repair.number, repair.version,
        severity="major", note="x",
    )  # fmt: skip


def test_appointment_bad_time_and_clearing(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    x = desk.ticket()
    refused(desk, db_path, ValidationError, "某天", t.set_appointment, x.number, x.version, "某天")
    x = t.set_appointment(x.number, x.version, datetime(2026, 11, 25, 14, 0), operator=desk.rec)  # naive = site time
    assert x.appointment_at == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    x = t.set_appointment(x.number, x.version, None, operator=desk.rec)
    assert x.appointment_at is None


def test_notes_must_say_something(desk: Desk, db_path: Path) -> None:
    x = desk.ticket()
    refused(desk, db_path, ValidationError, "note", desk.tickets.note, x.number, x.version, "  \n ")


# --- optimistic concurrency -----------------------------------------------------------------------------------------


def test_a_stale_version_is_told_who_changed_it_and_nothing_is_written(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    seen = desk.ticket()
    fresh = t.dispatch(seen.number, seen.version, "maintenance", operator=desk.sup)
    before = dump(db_path)
    with pytest.raises(TicketChanged, match="Changed by 陈静 just now") as err:
        t.note(seen.number, seen.version, "我也要写", operator=desk.rec)
    assert dump(db_path) == before
    assert err.value.current.version == fresh.version
    assert err.value.current.status == "dispatched"
    assert isinstance(err.value, Conflict)


def test_the_administrator_is_named_too(desk: Desk) -> None:
    seen = desk.ticket()
    desk.tickets.note(seen.number, seen.version, "from the CLI")
    with pytest.raises(TicketChanged, match="Changed by the administrator just now"):
        desk.tickets.note(seen.number, seen.version, "again", operator=desk.rec)


def test_conflict_message_in_chinese(desk: Desk) -> None:
    from deskui.core.i18n import set_language

    seen = desk.ticket()
    desk.tickets.note(seen.number, seen.version, "先写", operator=desk.sup)
    set_language("zh-CN")
    with pytest.raises(TicketChanged, match="陈静 刚刚修改了此工单"):
        desk.tickets.note(seen.number, seen.version, "后写", operator=desk.rec)


# --- merge ----------------------------------------------------------------------------------------------------------


def test_merge_moves_calls_and_keeps_history_visible_from_the_survivor(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    survivor = desk.ticket(content="12楼水管爆了")
    dup_call = desk.call("楼上漏水到我家", unit="3-2-1101", caller="李四", phone="13912340000")
    dup = t.open_from_call(dup_call, operator=desk.rec)
    dup = t.note(dup.number, dup.version, "住户很着急", operator=desk.rec)
    refused(desk, db_path, ValidationError, "itself", t.merge, dup.number, dup.version, dup.number, operator=desk.sup)
    merged = t.merge(dup.number, dup.version, survivor.number, note="同一爆管", operator=desk.sup)
    assert (merged.status, merged.merged_into_id, merged.is_open, merged.due_at) == (
        "merged",
        survivor.id,
        False,
        None,
    )
    d = t.detail(survivor.number)
    assert d.merged_from == (dup.number,)
    assert sorted(c.root_id for c in d.calls) == sorted([t.call_ids(survivor.number)[0], dup_call])
    numbers = [(e.ticket_number, e.kind) for e in d.events]
    assert (dup.number, "note") in numbers and (survivor.number, "merged_in") in numbers
    assert t.detail(dup.number).merged_into == survivor.number
    assert t.get(survivor.number).version == 2


def test_merge_refuses_closed_targets_and_other_kinds(desk: Desk, db_path: Path) -> None:
    t = desk.tickets
    a = desk.ticket()
    b = desk.ticket(unit="5-1-302")
    c = t.cancel(b.number, b.version, "登记错误", operator=desk.sup)
    refused(desk, db_path, ValidationError, "not open", t.merge, a.number, a.version, c.number, operator=desk.sup)
    complaint = desk.ticket("complaint", severity="minor", unit="5-1-303")
    refused(
        desk, db_path, ValidationError, "same kind", t.merge, a.number, a.version, complaint.number, operator=desk.sup
    )
    refused(
        desk, db_path, NotFound, "WX-20000101-0001", t.merge, a.number, a.version, "WX-20000101-0001", operator=desk.sup
    )


# --- reading --------------------------------------------------------------------------------------------------------


def test_detail_has_facts_targets_calls_timeline_and_allowed_actions(desk: Desk) -> None:
    x = desk.ticket("complaint", severity="major", content="电梯困人无人处理")
    d = desk.tickets.detail(x.number, operator=desk.rec)
    assert d.ticket.number == x.number
    assert [g.name for g in d.targets] == ["manager_informed", "answer", "resolve", "follow_up"]
    assert d.calls[0].content == "电梯困人无人处理"
    assert [e.kind for e in d.events] == ["created"]
    assert {"dispatch", "note", "inform", "reply", "follow_up", "attach_call", "wait"} <= d.allowed
    assert not {"escalate", "cancel", "merge", "start", "done", "callback", "close"} & d.allowed


def test_allowed_actions_follow_status_and_role(desk: Desk) -> None:
    t = desk.tickets
    x = done_repair(desk)
    assert "close" not in t.allowed_actions(x, desk.rec)  # no callback yet
    assert {"close", "reopen", "callback", "cancel"} <= t.allowed_actions(x, desk.sup)
    assert t.allowed_actions(x, desk.mnt) == {"note"}
    x = t.callback(x.number, x.version, "reached", satisfaction=3, operator=desk.rec)
    assert "close" in t.allowed_actions(x, desk.rec)
    x = t.close(x.number, x.version, operator=desk.rec)
    assert t.allowed_actions(x, desk.rec) == {"note"}
    assert t.allowed_actions(x, desk.sup) == {"note", "reopen"}
    assert t.allowed_actions(x, None) == {"note", "reopen"}


def test_latest_events_newest_first(desk: Desk) -> None:
    x = desk.ticket()
    for n in range(4):
        x = desk.tickets.note(x.number, x.version, f"第{n}次", operator=desk.rec)
    latest = desk.tickets.latest_events(x.id, 3)
    assert [e.note for e in latest] == ["第3次", "第2次", "第1次"]
    with pytest.raises(NotFound):
        desk.tickets.latest_events(9999)


def test_change_marker_and_changes_since(desk: Desk) -> None:
    t = desk.tickets
    assert t.last_change_marker() == 0
    a = desk.ticket()
    b = desk.ticket(unit="5-1-302")
    marker = t.last_change_marker()
    assert t.changes_since(marker) == (marker, frozenset())
    t.note(a.number, a.version, "x", operator=desk.rec)
    new_marker, changed = t.changes_since(marker)
    assert changed == {a.id} and new_marker == t.last_change_marker() > marker
    assert t.changes_since(0)[1] == {a.id, b.id}


def test_open_tickets_join_the_call_forms_duplicate_warning(desk: Desk) -> None:
    x = desk.ticket(content="卫生间漏水")
    matters = desk.svc.calls.open_matters("3栋2单元1201", "repair")
    tickets = [m for m in matters if m.kind == "ticket"]
    assert [m.id for m in tickets] == [x.id] and tickets[0].name == x.number and "卫生间漏水" in tickets[0].summary
    assert desk.svc.calls.duplicate_warning("3-2-1201", "repair") is not None
    desk.tickets.cancel(x.number, x.version, "误报", operator=desk.sup)
    assert not [m for m in desk.svc.calls.open_matters("3-2-1201", "repair") if m.kind == "ticket"]


def test_tickets_of_call(desk: Desk) -> None:
    call_id = desk.call()
    x = desk.tickets.open_from_call(call_id, operator=desk.rec)
    assert [y.number for y in desk.tickets.tickets_of_call(call_id)] == [x.number]


def test_iter_all_and_calls_of(desk: Desk) -> None:
    made = [desk.ticket(unit=f"3-2-{n}") for n in (1201, 1202, 1203)]
    got = list(desk.tickets.iter_all(batch=2))
    assert [x.number for x, _ in got] == [m.number for m in made]
    assert all(len(calls) == 1 for _, calls in got)
    assert desk.tickets.calls_of([made[0].id]) == {made[0].id: got[0][1]}


def test_every_stored_row_is_the_replay_of_its_events(desk: Desk) -> None:
    t = desk.tickets
    x = done_repair(desk)
    x = t.callback(x.number, x.version, "no_answer", operator=desk.rec)
    y = desk.ticket("complaint", severity="important", unit="5-1-302")
    y = t.wait(y.number, y.version, "resident", operator=desk.rec)
    from sqlalchemy import select

    from deskui.models import Ticket

    for number in (x.number, y.number):
        with desk.svc.db.read() as s:
            row = s.execute(select(Ticket.__table__).where(Ticket.__table__.c.number == number)).one()  # type: ignore[attr-defined]
        state = t.state(number)
        assert {k: getattr(row, k) for k in row_values(state)} == row_values(state)


# --- issue 10 defect 5: the visit time typed on a repair call becomes the ticket's appointment ----------------------


def visit_call(desk: Desk, visit_time: str, *, time: str | None = None) -> int:
    from deskui.services.calls import CallInput

    data = CallInput(
        content="卫生间漏水", category="repair", unit="3-2-1201", phone="13812345678", caller="张三", time=time
    )
    return int(desk.svc.calls.record(replace(data, visit_time=visit_time), operator=desk.rec).id)


@pytest.mark.parametrize(
    ("visit_time", "expected"),
    [
        ("明天 9:30", datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),  # the call is at 10:00 in Shanghai
        ("15:00", datetime(2026, 11, 23, 7, 0, tzinfo=UTC)),  # later today
        ("9:00", datetime(2026, 11, 24, 1, 0, tzinfo=UTC)),  # a time of day already past is the next one
        ("2026-11-25 14:00", datetime(2026, 11, 25, 6, 0, tzinfo=UTC)),
    ],
)
def test_visit_time_becomes_the_appointment(desk: Desk, visit_time: str, expected: datetime) -> None:
    x = desk.tickets.open_from_call(visit_call(desk, visit_time), operator=desk.rec)
    assert x.appointment_at == expected
    assert desk.tickets.get(x.number).appointment_at == expected
    assert [e.kind for e in desk.tickets.events(x.number)] == ["created"], "part of opening, not a first response"
    assert desk.tickets.state(x.number).appointment_at == expected, "the replay of the events agrees"


def test_visit_time_is_read_from_the_call_time_not_when_the_ticket_is_opened(desk: Desk, clock: FrozenClock) -> None:
    """A night call at 23:00 asks for "明天9点"; the ticket opened at the 08:40 handover is booked 09:00 that day."""
    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    call_id = visit_call(desk, "明天9点")
    clock.current = datetime(2026, 11, 24, 0, 40, tzinfo=UTC)  # 08:40 the next morning
    x = desk.tickets.open_from_call(call_id, operator=desk.rec)
    assert x.appointment_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def test_visit_time_that_names_no_moment_leaves_the_appointment_open(desk: Desk) -> None:
    x = desk.tickets.open_from_call(visit_call(desk, "周末都行"), operator=desk.rec)
    assert x.appointment_at is None and x.status == "new"
