"""Patrols 巡查 (issue 13): rounds of the configured routes checked point by point, each rule's refusal writing
nothing, the schedule's missed rounds, an abnormal finding made into a ticket linked in the same transaction, the
handover's and the review's open items, and the tables append-only in the database itself."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deskui.core.config import ConfigError, load_settings
from deskui.core.errors import NotFound, PermissionDenied, ValidationError
from deskui.models import PatrolCheck, PatrolEnd, PatrolRound, PatrolTicket, Ticket
from deskui.services.registers import AlreadyDone

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 3)


def at(h: int, m: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture(autouse=True)
def morning(clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(9, 5)


def counts(services) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return tuple(
            s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (PatrolRound, PatrolCheck, PatrolEnd, PatrolTicket, Ticket)
        )


# --- configuration -------------------------------------------------------------------------------------------------


def test_the_default_routes_are_the_desks_two_daily_rounds_and_the_supervisors() -> None:
    patrols = load_settings(environ={}).patrols
    routes = {r.key: r for r in patrols.routes}
    assert routes["estate"].times == (time(9, 0), time(15, 0))  # 000 二.6: morning and afternoon
    assert "supervisor" in routes and routes["supervisor"].checkpoints
    assert patrols.grace_minutes == 60


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[patrols]\ngrace_minute = 5\n", "patrols.grace_minute"),
        ("[[patrols.route]]\nkey = 'a'\ntimes = []\nstops = []\n", r"patrols\.route\[0\]\.stops"),
        (
            "[[patrols.route]]\nkey = 'a'\ncheckpoints = [{ key = 'x', colour = 'red' }]\n",
            r"patrols\.route\[0\]\.checkpoints\[0\]\.colour",
        ),
        ("[[patrols.route]]\nkey = 'a'\ncheckpoints = []\n", "at least one checkpoint"),
        ("[[patrols.route]]\nkey = 'a'\ntimes = ['9am']\ncheckpoints = [{ key = 'x' }]\n", "HH:MM"),
        ("[patrols]\ngrace_minutes = 0\n", "at least 1"),
    ],
)
def test_a_bad_patrol_setting_is_refused_by_name(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_settings(path, environ={})


def test_a_sites_own_routes_replace_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "desk.toml"
    path.write_text(
        "[[patrols.route]]\nkey = 'night'\nzh = '夜巡'\nen = 'Night round'\ntimes = ['22:00']\n"
        "checkpoints = [{ key = 'gate', zh = '大门', en = 'Gate' }]\n",
        encoding="utf-8",
    )
    routes = load_settings(path, environ={}).patrols.routes
    assert [(r.key, r.times, [p.key for p in r.checkpoints]) for r in routes] == [("night", (time(22, 0),), ["gate"])]


# --- a round -------------------------------------------------------------------------------------------------------


def test_a_round_is_started_checked_point_by_point_and_ended(services, clock) -> None:  # type: ignore[no-untyped-def]
    wang = services.operators.add("王芳", "receptionist", "1111")
    route = services.patrols.route("estate")
    r = services.patrols.start("园区巡查", operator=wang)  # a route by its label too
    assert (r.route, r.operator, r.state, r.started_at, r.next_point) == (
        "estate",
        "王芳",
        "in_progress",
        clock.now(),
        route.checkpoints[0].key,
    )
    clock.advance(minutes=3)
    r = services.patrols.check(r.id, "EAST GATE", ok=True, operator=wang)  # a point by its English label
    r = services.patrols.check(r.id, "B1车库", ok=False, note="  车库灯坏了两盏 ", operator=wang)
    assert [(c.point, c.state, c.note) for c in r.checks] == [
        ("east_gate", "ok", ""),
        ("garage_b1", "abnormal", "车库灯坏了两盏"),
    ]
    assert r.next_point == route.checkpoints[2].key
    for point in r.remaining:
        r = services.patrols.check(r.id, point, ok=True)
    clock.advance(minutes=30)
    r = services.patrols.end(r.id, operator=wang)
    assert (r.state, r.ended_at, r.ended_by, r.remaining) == ("complete", clock.now(), "王芳", ())
    assert counts(services)[:3] == (1, len(route.checkpoints), 1)


def test_a_round_ended_early_says_so(services) -> None:  # type: ignore[no-untyped-def]
    r = services.patrols.start("estate")
    services.patrols.check(r.id, "east_gate", ok=True)
    r = services.patrols.end(r.id)
    assert r.state == "incomplete" and r.remaining[0] == "garage_b1"


def test_bad_input_is_refused_and_nothing_written(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Unknown route nowhere; the routes are: estate, supervisor"):
        services.patrols.start("nowhere")
    r = services.patrols.start("estate")
    services.patrols.check(r.id, "east_gate", ok=True)
    before = counts(services)
    with pytest.raises(ValidationError, match="estate has no checkpoint moon"):
        services.patrols.check(r.id, "moon", ok=True)
    with pytest.raises(ValidationError, match="What is abnormal"):
        services.patrols.check(r.id, "garden", ok=False, note="  ")
    with pytest.raises(AlreadyDone, match="East gate was already checked in round"):
        services.patrols.check(r.id, "east_gate", ok=False, note="门禁坏了")
    with pytest.raises(NotFound, match="No patrol round #999"):
        services.patrols.check(999, "east_gate", ok=True)
    with pytest.raises(NotFound):
        services.patrols.end(999)
    services.patrols.end(r.id)
    after_end = counts(services)
    with pytest.raises(AlreadyDone, match="already ended"):
        services.patrols.end(r.id)
    with pytest.raises(AlreadyDone, match="already ended"):
        services.patrols.check(r.id, "garden", ok=True)
    assert counts(services) == after_end == (before[0], before[1], before[2] + 1, before[3], before[4])


def test_rounds_of_a_day_in_the_order_they_started(services, clock) -> None:  # type: ignore[no-untyped-def]
    first = services.patrols.start("estate")
    clock.current = at(10, 30)
    second = services.patrols.start("supervisor")
    clock.current = at(9, 0, date(2026, 12, 4))
    services.patrols.start("estate")
    assert [r.id for r in services.patrols.rounds(DAY)] == [first.id, second.id]
    assert len(services.patrols.rounds()) == 1  # today


# --- the schedule --------------------------------------------------------------------------------------------------


def test_a_scheduled_round_not_started_within_the_grace_minutes_is_missed(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(8, 20)
    early = services.patrols.start("estate")  # 40 minutes before 09:00: within the 60 minutes' grace
    clock.current = at(16, 1)  # 15:00 + 60 minutes gone, no afternoon round
    plan = {(p.route, p.scheduled_at.astimezone(SH).strftime("%H:%M")): p for p in services.patrols.schedule(DAY)}
    assert plan["estate", "09:00"].state == "done" and plan["estate", "09:00"].round_id == early.id
    assert plan["estate", "15:00"].state == "missed"
    assert plan["supervisor", "10:30"].state == "missed"
    assert [(m.route, m.scheduled_at) for m in services.patrols.missed(at(0), at(23, 59))] == [
        ("supervisor", at(10, 30)),
        ("estate", at(15, 0)),
    ]
    clock.current = at(15, 59)
    assert {p.state for p in services.patrols.schedule(DAY) if p.route == "estate"} == {"done", "due"}
    clock.current = at(13, 0)
    assert {p.state for p in services.patrols.schedule(DAY) if p.route == "estate"} == {"done", "upcoming"}


def test_one_round_counts_for_one_scheduled_time_only(services, clock) -> None:  # type: ignore[no-untyped-def]
    settings = replace(
        services.settings, patrols=replace(services.settings.patrols, grace_minutes=300)
    )  # 12:00 is near both 09:00 and 15:00
    services.patrols.settings = settings
    clock.current = at(12, 0)
    services.patrols.start("estate")
    clock.current = at(23, 0)
    states = [p.state for p in services.patrols.schedule(DAY) if p.route == "estate"]
    assert states == ["done", "missed"]


# --- findings and tickets ------------------------------------------------------------------------------------------


def abnormal(services, note: str = "东门门禁失灵"):  # type: ignore[no-untyped-def]
    r = services.patrols.start("estate")
    r = services.patrols.check(r.id, "east_gate", ok=False, note=note)
    return r.checks[0]


def test_an_abnormal_finding_becomes_a_ticket_linked_once(services) -> None:  # type: ignore[no-untyped-def]
    wang = services.operators.add("王芳", "receptionist", "1111")
    finding = abnormal(services)
    made = services.patrols.open_ticket(finding.id, operator=wang)
    ticket = services.tickets.get(made.ticket_id)
    assert (ticket.kind, ticket.unit, made.ticket_number) == ("repair", "East gate", ticket.number)
    assert "东门门禁失灵" in ticket.description and f"round #{made.round_id}" in ticket.description
    assert services.patrols.get(made.round_id).checks[0].ticket_number == ticket.number
    before = counts(services)
    with pytest.raises(AlreadyDone, match=f"already has the ticket {ticket.number}"):
        services.patrols.open_ticket(finding.id, operator=wang)
    assert counts(services) == before


def test_an_ok_check_or_an_unknown_one_makes_no_ticket(services) -> None:  # type: ignore[no-untyped-def]
    r = services.patrols.start("estate")
    r = services.patrols.check(r.id, "east_gate", ok=True)
    before = counts(services)
    with pytest.raises(NotFound):
        services.patrols.open_ticket(r.checks[0].id)
    with pytest.raises(NotFound):
        services.patrols.open_ticket(999)
    assert counts(services) == before


def test_a_refused_ticket_writes_neither_ticket_nor_link(services) -> None:  # type: ignore[no-untyped-def]
    li = services.operators.add("李强", "maintenance", "2222")
    finding = abnormal(services)
    before = counts(services)
    with pytest.raises(PermissionDenied):
        services.patrols.open_ticket(finding.id, operator=li)
    assert counts(services) == before


def test_a_failing_link_takes_the_ticket_back_with_it(services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The ticket and its link are one transaction: a link that cannot be written leaves no ticket behind."""
    finding = abnormal(services)
    before = counts(services)
    opener = services.patrols.ticket_opener

    def then_fail(s, request, operator):  # type: ignore[no-untyped-def]
        opener(s, request, operator)
        raise RuntimeError("disk gone")

    monkeypatch.setattr(services.patrols, "ticket_opener", then_fail)
    with pytest.raises(RuntimeError):
        services.patrols.open_ticket(finding.id)
    assert counts(services) == before


# --- handover and review -------------------------------------------------------------------------------------------


def test_missed_rounds_and_findings_without_ticket_are_open_items_at_handover(services, clock) -> None:  # type: ignore[no-untyped-def]
    wang = services.operators.add("王芳", "receptionist", "1111")
    clock.current = at(9, 10)
    done = services.patrols.start("estate")
    services.patrols.check(done.id, "east_gate", ok=False, note="东门门禁失灵")
    services.patrols.check(done.id, "garage_b1", ok=False, note="车库积水")
    services.patrols.end(done.id)
    ticketed = services.patrols.get(done.id).checks[1]
    services.patrols.open_ticket(ticketed.id, operator=wang)
    clock.current = at(17, 15)
    st = services.handover.start(wang)  # the day shift hands over
    items = {i.id: i for i in st.items}
    missed = items["patrol_missed.estate:202612031500"]
    assert (missed.kind, missed.kind_label, missed.title, missed.important, missed.overdue) == (
        "patrol_missed",
        "Patrol round missed",
        "Estate patrol 12-03 15:00",
        True,
        True,
    )
    assert "patrol_missed.supervisor:202612031030" in items
    assert "patrol_missed.estate:202612030900" not in items
    finding = done.checks[0] if done.checks else services.patrols.get(done.id).checks[0]
    assert items[f"patrol_finding:{finding.id}"].title == "East gate: 东门门禁失灵"
    assert f"patrol_finding:{ticketed.id}" not in items


def test_the_morning_review_lists_the_days_missed_rounds(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(15, 5)
    r = services.patrols.start("estate")
    services.patrols.check(r.id, "garden", ok=False, note="路灯不亮")
    clock.current = at(9, 0, date(2026, 12, 4))
    review = services.review.review(DAY)
    kinds = sorted((i.kind, i.title) for i in review.registers if i.kind.startswith("patrol"))
    assert kinds == [
        ("patrol_finding", "Central garden: 路灯不亮"),
        ("patrol_missed", "Estate patrol 12-03 09:00"),
        ("patrol_missed", "Supervisor's round 12-03 10:30"),
        ("patrol_open", f"#{r.id} Estate patrol"),
    ]


# --- the database itself -------------------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_the_patrol_tables_are_append_only(services) -> None:  # type: ignore[no-untyped-def]
    wang = services.operators.add("王芳", "receptionist", "1111")
    r = services.patrols.start("estate")
    r = services.patrols.check(r.id, "east_gate", ok=False, note="门禁失灵")
    services.patrols.open_ticket(r.checks[0].id, operator=wang)
    services.patrols.end(r.id)
    path = services.db.path
    services.close()
    db = sqlite3.connect(path)
    try:
        for table, column in (
            ("patrol_round", "route_key"),
            ("patrol_check", "note"),
            ("patrol_end", "operator_name"),
            ("patrol_ticket", "operator_name"),
        ):
            for statement in (
                f"UPDATE {table} SET {column} = 'changed'",
                f"DELETE FROM {table}",
                f"INSERT OR REPLACE INTO {table} SELECT * FROM {table}",
            ):
                with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                    db.execute(statement)
        # A second result for the same checkpoint of the same round is refused by the database too.
        with pytest.raises(sqlite3.DatabaseError):
            db.execute(
                "INSERT INTO patrol_check (site_id, round_id, point_key, ok, note, checked_at, operator_name) "
                "SELECT site_id, round_id, point_key, 1, '', checked_at, '' FROM patrol_check"
            )
        assert db.execute("SELECT note FROM patrol_check").fetchall() == [("门禁失灵",)]
    finally:
        db.close()


def test_no_round_is_missed_before_the_desks_first_round_in_deskui(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(20, 0)
    assert services.patrols.schedule(DAY) == [] and services.patrols.missed(at(0), at(23, 59)) == []
    clock.current = at(9, 0, date(2026, 12, 4))
    services.patrols.start("estate")
    clock.current = at(23, 0, date(2026, 12, 4))
    assert services.patrols.schedule(DAY) == []
    assert [p.state for p in services.patrols.schedule(date(2026, 12, 4))] == ["done", "missed", "missed"]


@pytest.mark.sqlite_only
def test_a_restore_that_would_lose_patrol_rounds_says_so(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.admin import BackupRefused, backup_database, restore_database

    old = backup_database(services.db, tmp_path / "old.db")
    services.patrols.start("estate")  # the desk goes on after the backup: a round only
    with pytest.raises(BackupRefused, match="patrol_round"):
        restore_database(services.settings, old.path)


def test_the_demo_desk_has_routes_and_yesterdays_round(services) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from deskui.services.admin import load_demo, load_demo_activity

    load_demo(services)
    load_demo_activity(services)
    assert services.patrols.routes()  # from the defaults
    yesterday = (services.clock.now() - timedelta(hours=26)).astimezone(SH).date()
    (walked,) = services.patrols.rounds(yesterday)
    assert walked.state == "complete" and len(walked.abnormal) == 1
    recent = services.patrols.findings(services.clock.now() - timedelta(days=2), without_ticket=True)
    assert [f.note for f in recent] == ["3号排风机异响"]
