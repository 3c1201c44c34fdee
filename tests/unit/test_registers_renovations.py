"""Renovation permits 装修 (issue 13): the application and its number, the supervisor's approval (a structural change
only with a note) or refusal, worker passes, dated inspections whose issue can open a ticket, acceptance; what is
open, expired or overdue; refusals that write nothing; the append-only tables; the handover and the review."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskui.models import (
    Renovation,
    RenovationClose,
    RenovationDecision,
    RenovationInspection,
    RenovationTicket,
    RenovationWorkerPass,
)
from deskui.services.registers import AlreadyDone

SH = ZoneInfo("Asia/Shanghai")
TABLES = (Renovation, RenovationDecision, RenovationWorkerPass, RenovationInspection, RenovationTicket, RenovationClose)


def at(day: int, h: int = 9, m: int = 0) -> datetime:
    return datetime(2026, 12, day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def people(services, clock):  # type: ignore[no-untyped-def]
    clock.current = at(3)
    services.directory.add_unit("3-2-1201")
    return services.operators.add("王芳", "receptionist", "1111"), services.operators.add("陈静", "supervisor", "3333")


def counts(services) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one() for m in TABLES)


def apply(services, **kw):  # type: ignore[no-untyped-def]
    args = {
        "unit": "3栋2单元1201",
        "applicant": "张三",
        "company": "美家装饰",
        "starts_on": "2026-12-05",
        "ends_on": "2026-12-20",
        "work": "厨房翻新，更换地砖",
        "workers": ["王师傅", "李师傅"],
    }
    args.update(kw)
    return services.renovations.open(
        args.pop("unit"),
        args.pop("applicant"),
        args.pop("company"),
        args.pop("starts_on"),
        args.pop("ends_on"),
        args.pop("work"),
        **args,
    )


def test_an_application_gets_a_permit_number_and_waits(services, people) -> None:  # type: ignore[no-untyped-def]
    wang, _ = people
    r = apply(services, operator=wang)
    assert (r.number, r.unit, r.unit_key, r.applicant, r.applicant_role, r.company) == (
        "ZXXK-20261203-001",
        "3栋2单元1201",
        "3-2-1201",
        "张三",
        "owner",
        "美家装饰",
    )
    assert (r.starts_on, r.ends_on, r.workers, r.state, r.applied_by) == (
        date(2026, 12, 5),
        date(2026, 12, 20),
        ("王师傅", "李师傅"),
        "pending",
        "王芳",
    )
    assert apply(services, workers="赵一、钱二,孙三").workers == ("赵一", "钱二", "孙三")
    assert services.renovations.get("zxxk 20261203 1").number == r.number  # any case, dashes optional
    assert [x.number for x in services.renovations.history()] == ["ZXXK-20261203-002", r.number]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_on": "2026-12-20", "ends_on": "2026-12-05"}, "ends_on"),  # ends before it starts
        ({"starts_on": "12月5日"}, "starts_on"),
        ({"ends_on": ""}, "ends_on"),
        ({"ends_on": "2027-12-31"}, "ends_on"),  # longer than settings.renovations.longest_days
        ({"starts_on": "2026-11-01", "ends_on": "2026-11-30"}, "ends_on"),  # already over
        ({"applicant": " "}, "applicant"),
        ({"company": ""}, "company"),
        ({"work": ""}, "work"),
        ({"unit": "东门"}, "unit"),
        ({"role": "tenant"}, "role"),
    ],
)
def test_bad_applications_are_refused_and_write_nothing(services, people, change, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        apply(services, **change)
    assert exc.value.field == field
    assert counts(services) == (0, 0, 0, 0, 0, 0)


def test_approval_by_a_supervisor_issues_worker_passes(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    wang, chen = people
    r = apply(services)
    with pytest.raises(PermissionDenied):
        services.renovations.approve(r.number, operator=wang)
    assert counts(services) == (1, 0, 0, 0, 0, 0)
    ok = services.renovations.approve(r.number, operator=chen)
    assert (ok.decision, ok.decided_by, ok.state) == ("approved", "陈静", "approved")  # starts on the 5th
    assert [(p.name, p.pass_number) for p in ok.worker_passes] == [
        ("王师傅", "ZXXK-20261203-001-W1"),
        ("李师傅", "ZXXK-20261203-001-W2"),
    ]
    assert services.renovations.add_worker(r.number, "周师傅").pass_number == "ZXXK-20261203-001-W3"
    with pytest.raises(AlreadyDone, match="already approved by 陈静"):
        services.renovations.approve(r.number, operator=chen)
    clock.current = at(6)
    assert services.renovations.get(r.number).state == "active"


def test_a_structural_change_needs_the_approvals_note(services, people) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    r = apply(services, structural=True, work="拆除客厅隔墙")
    with pytest.raises(ValidationError, match="changes the structure") as exc:
        services.renovations.approve(r.number, operator=chen)
    assert exc.value.field == "note"
    assert counts(services) == (1, 0, 0, 0, 0, 0)
    ok = services.renovations.approve(r.number, note="房管局批准书 2026-118 号", operator=chen)
    assert ok.decision_note == "房管局批准书 2026-118 号"


def test_a_refused_application_cannot_be_inspected_or_closed(services, people) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    r = apply(services)
    with pytest.raises(ValidationError):
        services.renovations.refuse(r.number, "", operator=chen)
    refused = services.renovations.refuse(r.number, "方案涉及承重墙", operator=chen)
    assert (refused.state, refused.decision_note) == ("refused", "方案涉及承重墙")
    with pytest.raises(AlreadyDone):
        services.renovations.approve(r.number, operator=chen)
    with pytest.raises(Conflict):
        services.renovations.inspect(r.number, "ok")
    with pytest.raises(Conflict):
        services.renovations.close(r.number)
    assert refused.number not in [x.number for x in services.renovations.active()]


def test_inspections_before_approval_unknown_numbers_and_closing_twice(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    r = apply(services)
    with pytest.raises(Conflict, match="not approved yet"):
        services.renovations.inspect(r.number, "ok")
    with pytest.raises(NotFound, match="ZXXK-20261203-009"):
        services.renovations.inspect("ZXXK-20261203-009", "ok")
    services.renovations.approve(r.number, operator=chen)
    clock.current = at(8)
    with pytest.raises(ValidationError) as exc:
        services.renovations.inspect(r.number, "issue", "  ")
    assert exc.value.field == "finding"
    with pytest.raises(ValidationError):
        services.renovations.inspect(r.number, "maybe")
    assert counts(services)[3] == 0
    look = services.renovations.inspect(r.number, "issue", "楼道堆放建筑垃圾", operator=chen)
    assert (look.result, look.finding, look.inspected_by, look.ticket_id) == ("issue", "楼道堆放建筑垃圾", "陈静", None)
    done = services.renovations.close(r.number, note="验收合格", operator=chen)
    assert (done.state, done.close_note, done.closed_by) == ("closed", "验收合格", "陈静")
    with pytest.raises(AlreadyDone, match="was closed"):
        services.renovations.close(r.number)
    with pytest.raises(AlreadyDone):
        services.renovations.inspect(r.number, "ok")
    assert counts(services) == (1, 1, 2, 1, 0, 1)


def test_a_finding_opens_a_linked_ticket_once(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    wang, chen = people
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)
    clock.current = at(7)
    services.renovations.inspect(r.number, "ok")
    with pytest.raises(ValidationError, match="no issue found"):
        services.renovations.open_ticket(r.number)
    look = services.renovations.inspect(r.number, "issue", "损坏楼道墙面")
    linked = services.renovations.open_ticket(r.number, operator=wang)
    assert linked.id == look.id and linked.ticket_number.startswith("WX-20261207-")
    ticket = services.tickets.get(linked.ticket_id)
    assert (ticket.kind, ticket.unit, ticket.number) == ("repair", "3栋2单元1201", linked.ticket_number)
    assert r.number in ticket.description and "损坏楼道墙面" in ticket.description
    with pytest.raises(AlreadyDone, match=linked.ticket_number):
        services.renovations.open_ticket(r.number, look.id)
    with pytest.raises(ValidationError):
        services.renovations.open_ticket(r.number)  # no other issue waits
    assert [i.ticket_number for i in services.renovations.inspections(r.number)] == ["", linked.ticket_number]


def test_a_refused_ticket_writes_no_link(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)
    services.renovations.inspect(r.number, "issue", "噪音超时施工")
    with pytest.raises(ValidationError):
        services.renovations.open_ticket(r.number, description="x" * 5000)
    assert counts(services)[4] == 0


def test_expired_permits_and_overdue_inspections(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    days = services.settings.renovations.inspection_days
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)
    clock.current = at(5 + days, 0, 1)  # the works started on the 5th; nobody inspected for `days`
    (overdue,) = services.renovations.overdue_inspections()
    assert overdue.number == r.number and overdue.inspection_due == datetime(2026, 12, 5 + days, tzinfo=SH)
    services.renovations.inspect(r.number, "ok")
    assert services.renovations.overdue_inspections() == []
    assert services.renovations.get(r.number).inspection_due == clock.now() + timedelta(days=days)
    clock.current = at(21)
    (expired,) = services.renovations.expired()
    assert (expired.number, expired.state) == (r.number, "expired")
    assert services.renovations.overdue_inspections() == []  # expired is said once, not twice
    services.renovations.close(r.number)
    assert services.renovations.expired() == [] and services.renovations.active() == []


def test_handover_and_review_list_what_renovations_leave_open(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.handover import open_renovation_items

    _, chen = people
    waiting = apply(services)
    running = apply(services, starts_on="2026-12-03")
    late = apply(services, starts_on="2026-12-03", ends_on="2026-12-04")
    done = apply(services, starts_on="2026-12-03")
    for r in (running, late, done):
        services.renovations.approve(r.number, operator=chen)
    services.renovations.close(done.number)
    clock.current = at(4, 20)
    services.renovations.inspect(late.number, "ok")
    clock.current = at(5, 10)
    items = {i.id: i for i in open_renovation_items(services.renovations, clock.now())}
    assert {k: (i.kind, i.overdue) for k, i in items.items()} == {
        f"renovation:{waiting.id}": ("renovation_pending", False),
        f"renovation:{running.id}": ("renovation_active", False),
        f"renovation:{late.id}": ("renovation_expired", True),
    }
    assert items[f"renovation:{late.id}"].important
    assert items[f"renovation:{running.id}"].title.startswith(running.number)
    review = services.review.review(date(2026, 12, 4))
    assert {i.id for i in review.registers} >= set(items)


def test_the_tables_refuse_changes(services, people) -> None:  # type: ignore[no-untyped-def]
    _, chen = people
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)
    if services.db.backend != "sqlite":
        pytest.skip("the PostgreSQL triggers are checked in tests/pg")
    con = sqlite3.connect(services.db.path)
    try:
        for sql in (
            "UPDATE renovation SET ends_on = '2027-01-31'",
            "DELETE FROM renovation_decision",
            "UPDATE renovation_worker_pass SET name = 'x'",
            "INSERT OR REPLACE INTO renovation_decision SELECT * FROM renovation_decision",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()
    assert services.renovations.get(r.number).ends_on == date(2026, 12, 20)


def test_a_backup_counts_the_renovation_logs(services, people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A restore that would lose renovation records says so: their tables are among the logs a backup measures."""
    from deskui.services.admin import backup_database

    _, chen = people
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)
    if services.db.backend != "sqlite":
        pytest.skip("backups are of SQLite files")
    marks = backup_database(services.db, tmp_path / "copy.db").high_water
    assert (marks["renovation"], marks["renovation_decision"], marks["renovation_worker_pass"]) == (1, 1, 2)


def test_a_handover_passes_on_the_renovations(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    wang, chen = people
    running = apply(services, starts_on="2026-12-03")
    services.renovations.approve(running.number, operator=chen)
    refused = apply(services)
    services.renovations.refuse(refused.number, "资料不全", operator=chen)
    clock.current = at(3, 17, 15)  # the day shift hands over to the night
    items = {i.id: i for i in services.handover.start(wang).items}
    item = items[f"renovation:{running.id}"]
    assert (item.kind, item.kind_label, item.overdue) == ("renovation_active", "Renovation in progress", False)
    assert item.title.startswith(f"{running.number} 3栋2单元1201 美家装饰")
    assert f"renovation:{refused.id}" not in items


def test_the_demo_desk_has_renovations_under_way(services) -> None:  # type: ignore[no-untyped-def]
    """`deskui demo`: one renovation in progress, inspected, with its workers' passes, and one awaiting approval."""
    from deskui.services.admin import load_demo, load_demo_activity

    load_demo(services)
    load_demo_activity(services)
    states = sorted(r.state for r in services.renovations.active())
    assert states == ["active", "pending"]
    (running,) = [r for r in services.renovations.active() if r.state == "active"]
    assert running.decided_by == "陈静" and running.worker_passes and running.inspections == 1


def test_an_issue_and_its_ticket_in_one_transaction(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    """`inspect(..., ticket=True)`: the inspection, the ticket and the link together, or none of them."""
    _, chen = people
    r = apply(services)
    services.renovations.approve(r.number, operator=chen)

    def broken(*_: object) -> tuple[int, str]:
        raise ValidationError("the tickets service refused", field="unit")

    opener = services.renovations.ticket_opener
    services.renovations.ticket_opener = broken
    with pytest.raises(ValidationError, match="refused"):
        services.renovations.inspect(r.number, "issue", "私拉电线", ticket=True)
    assert counts(services)[3:5] == (0, 0)
    services.renovations.ticket_opener = opener
    look = services.renovations.inspect(r.number, "issue", "私拉电线", ticket=True, operator=chen)
    assert look.ticket_number.startswith("WX-") and "私拉电线" in services.tickets.get(look.ticket_id).description
    with pytest.raises(ValidationError):
        services.renovations.inspect(r.number, "ok", ticket=True)  # nothing to open a ticket for
    assert counts(services)[3:5] == (1, 1)


def test_find_by_number_applicant_company_or_unit(services, people) -> None:  # type: ignore[no-untyped-def]
    """The palette's search: a permit number as typed (any case, dashes optional), an applicant, a company, a unit."""
    first = apply(services)
    second = apply(services, unit="5-1-302", applicant="李四", company="匠心家装")
    find = services.renovations.find
    assert [r.number for r in find("zxxk20261203002")] == [second.number]
    assert [r.number for r in find("20261203")] == [second.number, first.number]
    assert [r.number for r in find("李四")] == [second.number]
    assert [r.number for r in find("美家")] == [first.number]
    assert [r.number for r in find("3栋2单元")] == [first.number]
    assert find(" ") == [] and find("100%") == []
    assert len(find("ZXXK", limit=1)) == 1


def test_a_second_approval_names_the_administrator_who_approved(services, people) -> None:  # type: ignore[no-untyped-def]
    """Approved from the CLI without --operator (the local administrator): a second approval is refused naming
    "the administrator", not an empty name ("already approved by  at …", found driving the CLI)."""
    r = apply(services)
    services.renovations.approve(r.number)
    with pytest.raises(AlreadyDone, match="already approved by the administrator at "):
        services.renovations.approve(r.number)
