"""The home screen's today (issue 14, "a desk that shows today"): per role, each line a count of what, the first few,
and where it is handled — asked of the services as of one moment, nothing written.

Day desk (receptionist, 002 值班制度): callbacks due today and late (002 四.5), tickets overdue and due soon, visits
booked today (000 五.1(4)), visitors still inside and parcels waiting (issue 13), the next patrol (000 二.6).
Night shift (maintenance 17:30–08:30): the open items the day handed over (002 交接班制度), help requests open (003
4.1), patrols due tonight, keys out (003 4.1.3 f). Supervisor: duty-log days waiting for the signature (003 4.3),
late tickets by department, complaints awaiting a reply (002 投诉处理 二), missed patrols, renovation inspections
overdue and permits expired."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import PatrolPoint, PatrolRoute, Settings, load_settings
from deskui.services.calls import CallInput
from deskui.services.operators import Role
from deskui.services.today import DAY, NIGHT, SUPERVISOR, Place, Today, view_for

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The defaults, with a night round of the gates at 22:00 (the night staff's own walk)."""
    base = load_settings(database_url=database_url, language="en", environ={})
    gates = PatrolRoute(
        "night_gates",
        "夜间门岗巡查",
        "Night gates round",
        (time(22, 0),),
        (PatrolPoint("east_gate", "东门", "East gate"), PatrolPoint("west_gate", "西门", "West gate")),
    )
    return replace(base, patrols=replace(base.patrols, routes=(*base.patrols.routes, gates)))


@pytest.fixture
def people(services: Any, clock: FrozenClock) -> dict[str, Any]:
    clock.current = at(19, 9)
    add = services.operators.add
    for unit in ("3-2-1201", "3-2-1202", "5-1-302"):
        services.directory.add_unit(unit)
    return {
        "wang": add("王芳", "receptionist", "1111"),
        "li": add("李强", "maintenance", "2222"),
        "chen": add("陈静", "supervisor", "3333"),
    }


def ticket(services: Any, wang: Any, content: str, category: str = "repair", unit: str = "3-2-1201", **kw: Any) -> Any:
    call = services.calls.record(
        CallInput(content=content, category=category, caller="张三", unit=unit, phone="13812345678"), operator=wang
    )
    return services.tickets.open_from_call(call.id, operator=wang, **kw)


def done(services: Any, x: Any, wang: Any, li: Any) -> Any:
    t = services.tickets
    x = t.dispatch(x.number, x.version, "maintenance", operator=wang)
    return t.mark_done(x.number, x.version, operator=li)


def numbers(today: Today, key: str) -> list[str]:
    line = today.line(key)
    assert line is not None
    return [i.text.split()[0] for i in line.items]


def test_each_role_has_its_view() -> None:
    assert [view_for(r) for r in Role] == [DAY, NIGHT, SUPERVISOR, SUPERVISOR]
    assert view_for("nobody") == DAY


# --- the day desk ----------------------------------------------------------------------------------------------


@pytest.fixture
def day_desk(services: Any, people: dict[str, Any], clock: FrozenClock) -> dict[str, Any]:
    """Monday 2026-11-23 at 14:00, the day desk's picture, built the way the desk built it."""
    wang, li = people["wang"], people["li"]
    t = services.tickets
    clock.current = at(21, 10)
    late_cb = done(services, ticket(services, wang, "厨房水管漏水"), wang, li)  # callback due 11-23 10:00: late
    clock.current = at(21, 18)
    today_cb = done(services, ticket(services, wang, "卫生间灯不亮", unit="3-2-1202"), wang, li)  # due 11-23 18:00
    clock.current = at(23, 9)
    later_cb = done(services, ticket(services, wang, "门锁坏了", unit="5-1-302"), wang, li)  # due 11-25: not today
    clock.current = at(23, 9, 30)
    booked = ticket(services, wang, "热水器不出热水")
    booked = t.set_appointment(booked.number, booked.version, "2026-11-23 11:00", operator=wang)  # not started: late
    later = ticket(services, wang, "阳台晾衣架松动", unit="3-2-1202")
    later = t.set_appointment(later.number, later.version, "2026-11-23 16:00", operator=wang)
    tomorrow = ticket(services, wang, "换门锁")
    t.set_appointment(tomorrow.number, tomorrow.version, "明天 9:30", operator=wang)
    # Patrols: the morning round walked at 09:05; the supervisor's 10:30 missed; the afternoon's 15:00 ahead.
    clock.current = at(23, 9, 5)
    services.patrols.end(services.patrols.start("estate", operator=wang).id, operator=wang)
    # Registers: two visitors inside (one left), a parcel from Friday (old) and one of today.
    clock.current = at(20, 10)
    services.parcels.receive("3-2-1201", "顺丰", tracking="SF1234567890", shelf="A3", operator=wang)
    clock.current = at(23, 11)
    services.visitors.sign_in("刘先生", "3-2-1201", "看房", operator=wang)
    gone = services.visitors.sign_in("快递员", "5-1-302", "送货", operator=wang)
    services.visitors.sign_out(gone.id, operator=wang)
    clock.current = at(23, 12)
    services.visitors.sign_in("周女士", "3-2-1202", "探亲", operator=wang)
    services.parcels.receive("5-1-302", "京东", tracking="JD0001", operator=wang)
    clock.current = at(23, 14)
    return {"late_cb": late_cb, "today_cb": today_cb, "later_cb": later_cb, "booked": booked, "later": later}


def test_day_desk_callbacks_due_today_late_first_002_4_5(services: Any, day_desk: dict[str, Any]) -> None:
    today = services.today.today_for("receptionist")
    assert today.view == DAY and today.as_of == at(23, 14)
    line = today.line("callbacks")
    assert (line.count, line.late) == (2, 1)  # not the one due on Wednesday
    assert numbers(today, "callbacks") == [day_desk["late_cb"].number, day_desk["today_cb"].number]
    assert [i.late for i in line.items] == [True, False]
    assert line.items[0].when == at(23, 10)
    assert line.place == Place("tickets", queue="callback")


def test_day_desk_overdue_and_due_soon_are_the_queues(services: Any, day_desk: dict[str, Any]) -> None:
    """The count a line says is the count of the queue its key opens, and its first tickets are the queue's."""
    today = services.today.today_for("receptionist")
    counts = services.tickets.section_counts()
    for key, queue in (("overdue", "overdue"), ("due_soon", "due_soon")):
        line = today.line(key)
        assert line.count == getattr(counts, queue) and line.place == Place("tickets", queue=queue)
        assert numbers(today, key) == [r.number for r in services.tickets.queue(queue, limit=3).rows]
    assert today.line("overdue").count >= 1  # the late callback is past its target
    assert day_desk["late_cb"].number in numbers(today, "overdue")


def test_day_desk_visits_booked_today_000_5_1_4(services: Any, day_desk: dict[str, Any]) -> None:
    line = services.today.today_for("receptionist").line("visits")
    assert (line.count, line.late) == (2, 1)  # tomorrow's is not today's
    assert [i.text.split()[0] for i in line.items] == [day_desk["booked"].number, day_desk["later"].number]
    assert [(i.when, i.late) for i in line.items] == [(at(23, 11), True), (at(23, 16), False)]


def test_day_desk_registers_and_patrol_000_2_6(services: Any, day_desk: dict[str, Any]) -> None:
    today = services.today.today_for("receptionist")
    visitors = today.line("visitors")
    assert visitors.count == 2 and [i.text for i in visitors.items] == [
        "刘先生 → 3-2-1201 看房",
        "周女士 → 3-2-1202 探亲",
    ]
    assert visitors.place == Place("registers", register="visitors")
    parcels = today.line("parcels")
    assert (parcels.count, parcels.late) == (2, 1) and [i.late for i in parcels.items] == [True, False]
    assert parcels.items[0].text == "3-2-1201 顺丰 SF1234567890 A3" and parcels.place.register == "parcels"
    patrols = today.line("patrols")
    assert (patrols.count, patrols.late) == (1, 1)  # the 15:00 round ahead; the supervisor's 10:30 missed
    assert [(i.text, i.when) for i in patrols.items] == [("Estate patrol", at(23, 15))]
    assert today.line("keys") is None and today.line("urgent") is None  # optional lines with nothing to say


def test_day_desk_with_nothing_to_do_still_lists_its_lines(services: Any, people: dict[str, Any]) -> None:
    today = services.today.today_for("receptionist")
    assert [line.key for line in today.lines] == [
        "callbacks",
        "overdue",
        "due_soon",
        "visits",
        "visitors",
        "parcels",
        "patrols",
    ]
    assert all(line.count == 0 and not line.items for line in today.lines)


def test_reading_today_writes_nothing(services: Any, day_desk: dict[str, Any]) -> None:
    marker = services.tickets.last_change_marker()
    for role in Role:
        services.today.today_for(role)
    assert services.tickets.last_change_marker() == marker


# --- the night shift -----------------------------------------------------------------------------------------------


def hand_over_the_day(services: Any, wang: Any, li: Any) -> Any:
    """The day shift of 11-23 handed to the night: every item acknowledged, one with the outgoing's note."""
    h = services.handover
    st = h.start(wang)
    h.arrive(st.id, li)
    for eq in services.settings.equipment:
        h.record_count(st.id, eq.key, eq.count, operator=li)
    st = h.state(st.id)
    h.note(st.id, st.items[0].id, "住户下午不在家，明早再联系", operator=wang)
    for item in (*st.keys, *st.items):
        h.acknowledge(st.id, item.id, operator=li)
    for key in ("desk_tidy", "log_read", "area_checked"):
        h.check(st.id, key, operator=li)
    h.sign(st.id, wang, "1111")
    return h.sign(st.id, li, "2222")


def test_night_shift_sees_what_the_day_handed_over_002_handover(
    services: Any, people: dict[str, Any], clock: FrozenClock
) -> None:
    wang, li = people["wang"], people["li"]
    clock.current = at(23, 16)
    help_ticket = ticket(services, wang, "老人摔倒需要帮助", category="help")
    repair = ticket(services, wang, "电梯异响")
    services.keys.lend("机房A", "电工 老周", operator=wang, due="2026-11-23 17:00")
    clock.current = at(23, 17, 20)
    before = services.today.today_for("maintenance").line("handover")
    assert (before.count, before.note) == (0, "")  # nothing handed over yet
    st = hand_over_the_day(services, wang, li)
    assert st.signed
    clock.current = at(23, 18)
    today = services.today.today_for("maintenance")
    assert today.view == NIGHT
    assert [line.key for line in today.lines] == ["handover", "emergencies", "patrols", "keys"]
    handed = today.line("handover")
    assert handed.count == len(st.items) and handed.place == Place("handover", view="checklist")
    assert handed.note == "" and handed.items[0].text.endswith("— 住户下午不在家，明早再联系")
    assert help_ticket.number in {i.title.split()[0] for i in st.items}
    assert repair.number not in {i.title.split()[0] for i in st.items}  # its follow-up is days away
    help_line = today.line("emergencies")
    assert (help_line.count, help_line.late) == (1, 1) and numbers(today, "emergencies") == [help_ticket.number]
    assert help_line.place == Place("tickets", queue="open", text="QZ-")
    keys = today.line("keys")
    assert (keys.count, keys.late) == (1, 1) and keys.items[0].text == "机房A → 电工 老周"
    assert keys.place == Place("handover", view="keys")


def test_a_handover_still_being_made_is_said_so(services: Any, people: dict[str, Any], clock: FrozenClock) -> None:
    wang = people["wang"]
    clock.current = at(23, 16)
    ticket(services, wang, "老人摔倒需要帮助", category="help")
    clock.current = at(23, 17, 20)
    st = services.handover.start(wang)
    line = services.today.today_for("maintenance").line("handover")
    assert (line.count, line.note) == (len(st.items), "not signed yet") and line.count >= 1


def test_night_shift_patrols_due_tonight(services: Any, people: dict[str, Any], clock: FrozenClock) -> None:
    wang, li = people["wang"], people["li"]
    clock.current = at(23, 9, 5)
    services.patrols.start("estate", operator=wang)  # the desk keeps its patrols here from today on
    clock.current = at(23, 18)
    line = services.today.today_for("maintenance").line("patrols")
    assert (line.count, line.late) == (1, 0)
    assert [(i.text, i.when) for i in line.items] == [("Night gates round", at(23, 22))]
    clock.current = at(24, 0, 30)  # after midnight, the same night: the 22:00 round was missed
    line = services.today.today_for("maintenance").line("patrols")
    assert (line.count, line.late) == (1, 1)
    services.patrols.start("night_gates", operator=li)
    clock.current = at(24, 1)
    assert services.today.today_for("maintenance").line("patrols").count == 1  # walked late: still missed


def test_night_view_before_the_night_starts_looks_at_tonight(
    services: Any, people: dict[str, Any], clock: FrozenClock
) -> None:
    """The night staff signing in at 17:00 see tonight's rounds, not last night's."""
    clock.current = at(23, 9, 5)
    services.patrols.start("estate", operator=people["wang"])
    clock.current = at(23, 17)
    line = services.today.today_for("maintenance").line("patrols")
    assert [i.when for i in line.items] == [at(23, 22)]


# --- the supervisor ------------------------------------------------------------------------------------------------


def test_supervisor_unsigned_days_and_late_tickets_by_department_003_4_3(
    services: Any, people: dict[str, Any], clock: FrozenClock
) -> None:
    wang, li = people["wang"], people["li"]
    clock.current = at(21, 10)
    slow = ticket(services, wang, "楼道灯坏")  # 11-21: the desk's first record
    services.tickets.dispatch(slow.number, slow.version, "maintenance", operator=wang)  # follow-up due 11-24
    done(services, ticket(services, wang, "水龙头滴水"), wang, li)  # callback due 11-23 10:00
    clock.current = at(23, 13)
    ticket(services, wang, "有人被困电梯", category="help")  # reply within 5 minutes, nobody took it
    clock.current = at(23, 14)
    today = services.today.today_for("supervisor")
    assert today.view == SUPERVISOR
    assert [line.key for line in today.lines] == [
        "review",
        "late_departments",
        "complaints",
        "missed_patrols",
        "inspections",
        "permits",
    ]
    review = today.line("review")
    assert review.count == 2 and [i.text for i in review.items] == ["2026-11-22", "2026-11-21"]
    assert review.place == Place("handover", view="review")
    late = today.line("late_departments")
    assert late.count == services.tickets.section_counts().overdue == 2
    assert late.parts == (("", 1), ("maintenance", 1)) and late.place == Place("tickets", queue="overdue")


def test_supervisor_complaints_awaiting_a_reply_002_complaints_2(
    services: Any, people: dict[str, Any], clock: FrozenClock
) -> None:
    wang = people["wang"]
    clock.current = at(20, 9)
    old = ticket(services, wang, "物业费收费不合理", category="complaint", severity="major")  # answer due 11-22
    ticket(services, wang, "邻居噪音", category="complaint", unit="3-2-1202", severity="minor")  # no reply target
    clock.current = at(23, 9)
    new = ticket(services, wang, "保安态度差", category="complaint", unit="5-1-302", severity="major")
    clock.current = at(23, 14)
    line = services.today.today_for("manager").line("complaints")
    assert (line.count, line.late) == (2, 1)
    assert [i.text.split()[0] for i in line.items] == [old.number, new.number]
    assert line.place == Place("tickets", queue="open", text="TS-")


def test_supervisor_missed_patrols_and_renovations(services: Any, people: dict[str, Any], clock: FrozenClock) -> None:
    wang, chen = people["wang"], people["chen"]
    clock.current = at(10, 9)
    ren = services.renovations
    ended = ren.open("3-2-1201", "张三", "美家装饰", "2026-11-11", "2026-11-20", "厨房翻新", operator=wang)
    ren.approve(ended.number, operator=chen)
    running = ren.open("3-2-1202", "李四", "安居装修", "2026-11-12", "2026-12-20", "铺地板", operator=wang)
    ren.approve(running.number, operator=chen)
    clock.current = at(22, 9, 10)
    services.patrols.start("estate", operator=wang)  # 11-22: the morning round walked, the rest missed
    clock.current = at(23, 14)
    today = services.today.today_for("supervisor")
    missed = today.line("missed_patrols")
    expected = services.patrols.missed(at(22, 0), at(23, 14), now=at(23, 14))
    assert missed.count == missed.late == len(expected) == 5  # 11-22 10:30, 15:00, 22:00; 11-23 09:00, 10:30
    assert missed.items[0].when == at(23, 10, 30)  # the latest first
    inspections, permits = today.line("inspections"), today.line("permits")
    assert [i.text.split()[0] for i in inspections.items] == [r.number for r in ren.overdue_inspections()]
    assert inspections.count == len(ren.overdue_inspections()) >= 1
    assert (permits.count, permits.items[0].text) == (1, f"{ended.number} 3-2-1201 美家装饰")
    assert permits.items[0].when == datetime(2026, 11, 21, tzinfo=SH)
    assert permits.place == Place("registers", register="renovations")


def test_each_line_can_be_added_to(services: Any, people: dict[str, Any]) -> None:
    """Another part of deskui adds a line to a view: one function appended."""
    from deskui.services.today import TodayLine

    services.today.lines[DAY].append(lambda src: TodayLine("extra", "Extra", 7, Place("calls")))
    assert services.today.today_for("receptionist").lines[-1].count == 7
