"""The monthly report against a small hand-built October 2026 (Asia/Shanghai) whose answers are worked out here,
by hand, not by the code under test.

Calls (local time):            channel  category            unit        shift
  C1 10-01 00:00 (boundary)     phone    repair              3-2-1201    night
  C2 10-05 09:00                phone    repair              3-2-1201    day
  C3 10-07 11:00                phone    repair              3-2-901     day
  C4 10-10 14:00                walk_in  complaint           5-1-302     day
  C5 10-12 09:00                letter   inquiry             B2车库       day
  C6 10-15 10:00                phone    other → complaint   5-1-302     day   (corrected: only the correction counts)
  C7 10-31 23:30 (15:30 UTC)    phone    repair              3-2-1201    night
  not October: 09-30 23:59 local, and 11-01 00:30 local (= 10-31 16:30 UTC)

Tickets (opened, local):
  T1 repair from C2, 10-05 09:10: dispatched +1 h, done +24 h, callback reached (5) +24 h (due 2 days), closed
  T2 minor complaint from C4, 10-10 14:10: dispatched to cleaning +30 min, nothing since (overdue)
  T3 major complaint from C6, 10-15 10:10: reply +24 h, dispatched +3 d, done +5 d, callback no answer +1 d (due moves to +1 d),
     reached (3) +3 d after done: late
  T4 help request, 10-31 23:40: reply +3 min
  T5 repair 11-01 00:10 local: November's
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import ReportSettings, Settings
from deskui.services.calls import CallInput
from deskui.services.context import DeskContext
from deskui.services.reports import ReportService, month_bounds, normalize_building, quantile, shift_month
from deskui.services.tickets import TicketInput

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 1, tzinfo=UTC))  # the site is set up before the month


@pytest.fixture
def settings(settings: Settings) -> Settings:
    reports = ReportSettings(recurring_unit_calls=3, recurring_riser_calls=3, recurring_building_calls=4)
    return dataclasses.replace(settings, reports=reports)


def call(services, clock, at: datetime, category: str, unit: str, channel: str = "phone"):  # type: ignore[no-untyped-def]
    clock.current = at + timedelta(minutes=1)
    phone = "13812345678" if channel == "phone" else ""
    return services.calls.record(
        CallInput(content=f"{category} {unit}", category=category, channel=channel, unit=unit, phone=phone, time=at)
    )


def at(clock: FrozenClock, moment: datetime) -> None:
    clock.current = moment


@pytest.fixture
def october(services, clock):  # type: ignore[no-untyped-def]
    s = services
    call(s, clock, local(9, 30, 23, 59), "repair", "3-2-1201")
    c1 = call(s, clock, local(10, 1, 0), "repair", "3-2-1201")
    c2 = call(s, clock, local(10, 5, 9), "repair", "3-2-1201")
    call(s, clock, local(10, 7, 11), "repair", "3-2-901")
    c4 = call(s, clock, local(10, 10, 14), "complaint", "5-1-302", channel="walk_in")
    call(s, clock, local(10, 12, 9), "inquiry", "B2车库", channel="letter")
    c6 = call(s, clock, local(10, 15, 10), "other", "5-1-302")
    s.calls.amend(
        c6.id,
        CallInput(content="complaint 5-1-302", category="complaint", unit="5-1-302", phone="13812345678", time=c6.time),
    )
    call(s, clock, local(10, 31, 23, 30), "repair", "3-2-1201")
    call(s, clock, local(11, 1, 0, 30), "repair", "3-2-1201")
    assert c1.time == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)

    tk = s.tickets
    at(clock, local(10, 5, 9, 10))
    t1 = tk.open_from_call(c2.id)
    at(clock, local(10, 5, 10, 10))
    t1 = tk.dispatch(t1.number, t1.version, "maintenance")
    at(clock, local(10, 6, 9, 10))
    t1 = tk.mark_done(t1.number, t1.version)
    at(clock, local(10, 7, 9, 10))
    t1 = tk.callback(t1.number, t1.version, "reached", satisfaction=5)
    t1 = tk.close(t1.number, t1.version)

    at(clock, local(10, 10, 14, 10))
    t2 = tk.open_from_call(c4.id, severity="minor")
    at(clock, local(10, 10, 14, 40))
    tk.dispatch(t2.number, t2.version, "cleaning")

    at(clock, local(10, 15, 10, 10))
    t3 = tk.open_from_call(s.calls.current(c6.id).id, severity="major")
    at(clock, local(10, 16, 10, 10))
    t3 = tk.reply(t3.number, t3.version, "we will fix it")
    at(clock, local(10, 18, 10, 10))
    t3 = tk.dispatch(t3.number, t3.version, "customer_service")
    at(clock, local(10, 20, 10, 10))
    t3 = tk.mark_done(t3.number, t3.version)
    at(clock, local(10, 21, 10, 10))
    t3 = tk.callback(t3.number, t3.version, "no_answer")
    at(clock, local(10, 23, 10, 10))
    tk.callback(t3.number, t3.version, "reached", satisfaction=3)

    at(clock, local(10, 31, 23, 40))
    t4 = tk.create(TicketInput(kind="help", description="elderly resident fell", unit="3-2-1201"))
    at(clock, local(10, 31, 23, 43))
    tk.reply(t4.number, t4.version, "security on the way")

    at(clock, local(11, 1, 0, 10))
    tk.create(TicketInput(kind="repair", description="November", unit="3-2-1201"))
    clock.current = NOW
    return ReportService.of(s)


def counts(rows) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.key: c.n for c in rows}


# --- months and buildings --------------------------------------------------------------------------------------


def test_month_bounds_are_local_midnights(settings: Settings) -> None:
    first, last, start, end = month_bounds(settings, "2026-10")
    assert (first, last) == (date(2026, 10, 1), date(2026, 10, 31))
    assert start == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert end == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert shift_month("2026-12", 1) == "2027-01"
    assert shift_month("2026-01", -1) == "2025-12"


def test_buildings_in_any_spelling() -> None:
    assert normalize_building("3栋") == "3"
    assert normalize_building(" 03号楼 ") == "3"
    assert normalize_building("") is None
    with pytest.raises(Exception, match="Not a building"):
        normalize_building("east gate")


def test_quantile_interpolates_like_percentile_inc() -> None:
    values = {1: 180.0, 2: 1800.0, 3: 3600.0, 4: 86400.0}
    assert quantile(values, 4, 1, 2) == 2700.0  # (1800 + 3600) / 2
    assert quantile(values, 4, 9, 10) == pytest.approx(3600 + 0.7 * (86400 - 3600))
    assert quantile({1: 5.0}, 1, 9, 10) == 5.0
    assert quantile({}, 0, 1, 2) is None


def test_default_month_is_last_month_in_the_site_zone(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 11-01 00:30 in Shanghai
    assert ReportService.of(services).default_month() == "2026-10"
    clock.current = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)  # 10-31 23:30 in Shanghai
    assert ReportService.of(services).default_month() == "2026-09"


# --- calls ------------------------------------------------------------------------------------------------------


def test_calls(october: ReportService) -> None:
    c = october.monthly("2026-10").calls
    assert c.total == 7  # C1-C7; the September and November calls stay out, C6 counts once
    assert counts(c.by_channel) == {"phone": 5, "walk_in": 1, "letter": 1, "fax": 0, "online": 0}
    assert counts(c.by_category) == {
        "repair": 4,
        "complaint": 2,
        "inquiry": 1,
        "help": 0,
        "suggestion": 0,
        "service": 0,
        "permit": 0,
        "other": 0,  # C6 was corrected to a complaint
    }
    assert counts(c.by_shift) == {"day": 5, "night": 2}
    hours = dict.fromkeys(range(24), 0) | {0: 1, 9: 2, 10: 1, 11: 1, 14: 1, 23: 1}
    assert list(c.by_hour) == [hours[h] for h in range(24)]
    days = dict.fromkeys(range(1, 32), 0) | {1: 1, 5: 1, 7: 1, 10: 1, 12: 1, 15: 1, 31: 1}
    assert list(c.by_day) == [days[d] for d in range(1, 32)]


def test_the_last_evening_and_the_first_night(october: ReportService) -> None:
    """10-31 23:30 +08:00 is 15:30 UTC: October's. 11-01 00:30 +08:00 is 10-31 16:30 UTC: November's."""
    november = october.monthly("2026-11").calls
    assert november.total == 1
    assert november.by_day[0] == 1 and november.by_hour[0] == 1
    september = october.monthly("2026-09").calls
    assert september.total == 1 and september.by_day[29] == 1 and september.by_hour[23] == 1


def test_building_filter(october: ReportService) -> None:
    r = october.monthly("2026-10", "3栋")
    assert r.building == "3"
    assert r.calls.total == 4  # C1, C2, C3, C7
    assert r.tickets.total == 2  # T1 (3-2-1201), T4 (3-2-1201)
    assert october.monthly("2026-10", "5").calls.total == 2


# --- tickets and targets -----------------------------------------------------------------------------------------


def test_tickets(october: ReportService) -> None:
    k = october.monthly("2026-10").tickets
    assert k.total == 4
    assert counts(k.by_kind) == {"repair": 1, "complaint": 2, "help": 1, "inquiry": 0, "service": 0}
    assert counts(k.by_severity) == {"major": 1, "important": 0, "minor": 1}
    assert counts(k.by_department) == {
        "maintenance": 1,
        "security": 0,
        "cleaning": 1,
        "greening": 0,
        "customer_service": 1,
        "external": 0,
        "": 1,
    }
    assert [d + 1 for d, n in enumerate(k.by_day) if n] == [5, 10, 15, 31]


def test_targets(october: ReportService) -> None:
    g = october.monthly("2026-10").targets
    rows = {(r.kind, r.severity): r for r in g.rows}
    repair, minor, major, help_ = (
        rows["repair", ""],
        rows["complaint", "minor"],
        rows["complaint", "major"],
        rows["help", ""],
    )
    # T1: follow-up due in 3 days, met by the completion after 24 h; a repair has no resolution target.
    assert (repair.answer.on_time, repair.answer.judged, repair.resolve.judged) == (1, 1, 0)
    assert (repair.response.median, repair.resolution.median) == (3600, 86400)
    # T2: nothing since the dispatch: follow-up (3 days) and resolution (2 days) both overdue now.
    assert (minor.answer.overdue, minor.resolve.overdue, minor.answer.on_time) == (1, 1, 0)
    assert minor.response.median == 1800 and minor.resolution.n == 0
    # T3: answered after 24 h (2 days allowed), resolved after 5 days (10 allowed).
    assert (major.answer.on_time, major.resolve.on_time) == (1, 1)
    assert (major.response.median, major.resolution.median) == (86400, 5 * 86400)
    # T4: replied after 3 minutes (5 allowed).
    assert (help_.answer.on_time, help_.response.median) == (1, 180)
    total = g.total
    assert total.tickets == 4
    assert (total.answer.on_time, total.answer.overdue, total.answer.share) == (3, 1, 0.75)
    assert (total.resolve.on_time, total.resolve.overdue, total.resolve.share) == (1, 1, 0.5)
    # Responses 180, 1800, 3600, 86400 s: median (1800 + 3600) / 2; 90th at rank 1 + 0.9 × 3 = 3.7.
    assert total.response.median == 2700
    assert total.response.p90 == pytest.approx(3600 + 0.7 * (86400 - 3600))
    # Resolutions 1 day and 5 days.
    assert total.resolution.median == 3 * 86400
    assert total.resolution.p90 == pytest.approx(86400 + 0.9 * 4 * 86400)
    # Still open and past a target now: T2 (resolution due 10-12 14:10), and T3, done but awaiting its close, whose
    # "manager told the same day" (by 10-16 00:00) was never recorded.
    assert g.overdue_open == 2
    assert [x.number for x in g.overdue] == ["TS-20261010-0001", "TS-20261015-0001"]
    assert g.overdue[1].due_at == local(10, 16, 0)


def test_callbacks(october: ReportService) -> None:
    cb = october.monthly("2026-10").callbacks
    # Needed: T1 (closed) and T3 (done); both reached; T3 reached a day after its (moved) due time.
    assert (cb.needed, cb.done, cb.on_time, cb.rate, cb.target, cb.met_target) == (2, 2, 1, 1.0, 1.0, True)
    assert counts(cb.attempts) == {"reached": 2, "no_answer": 1, "left_message": 0}
    assert cb.attempts_total == 3
    assert counts(cb.satisfaction) == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert cb.average == 4.0
    assert cb.by_kind == (("repair", 1, 1), ("complaint", 1, 1))


# --- recurring problems -----------------------------------------------------------------------------------------


def test_recurring_problems(october: ReportService) -> None:
    found = {(p.level, p.key, p.category): p for p in october.monthly("2026-10").recurring}
    assert set(found) == {
        ("riser", "3-2-*01", "repair"),  # 1201 ×3 and 901 ×1: four calls, two units
        ("building", "3", "repair"),  # the same four calls (threshold 4 here)
        ("unit", "3-2-1201", "repair"),  # C1, C2, C7
    }
    unit = found["unit", "3-2-1201", "repair"]
    assert (unit.calls, unit.units) == (3, 1)
    assert [x.time for x in unit.listed] == [local(10, 1, 0), local(10, 5, 9), local(10, 31, 23, 30)]
    assert [x.ticket for x in unit.listed] == [None, "WX-20261005-0001", None]
    riser = found["riser", "3-2-*01", "repair"]
    assert (riser.calls, riser.units) == (4, 2)
    assert [x.unit for x in riser.listed] == ["3-2-1201", "3-2-1201", "3-2-901", "3-2-1201"]


def test_recurring_threshold_is_a_setting(october: ReportService) -> None:
    october.settings = dataclasses.replace(
        october.settings, reports=ReportSettings(recurring_unit_calls=4, recurring_riser_calls=5)
    )
    assert october.monthly("2026-10").recurring == ()


# --- handover quality -------------------------------------------------------------------------------------------


def test_handover_quality(october: ReportService, services, clock) -> None:  # type: ignore[no-untyped-def]
    """One handover with a walkie-talkie short and the relief 20 minutes late; reviews signed on two days."""
    import sqlite3

    op = services.operators.add("陈静", "supervisor", "3333")
    con = sqlite3.connect(services.db.path, isolation_level=None)
    con.execute(
        "INSERT INTO handover (site_id, duty_date, shift_key, next_date, next_shift_key, outgoing_id, outgoing_name, "
        "started_at) VALUES (?, '2026-10-09', 'night', '2026-10-10', 'day', ?, '李强', '2026-10-10 00:00:00.000000')",
        (services.site_id, op.id),
    )
    hid = con.execute("SELECT max(id) FROM handover").fetchone()[0]
    # The day shift starts 08:30; the relief is due 15 minutes early (08:15) and came at 08:35 (00:35 UTC).
    for step, item, value, when in (
        ("arrive", "", {"operator_id": op.id, "name": "陈静"}, "2026-10-10 00:35:00.000000"),
        ("count", "walkie_talkie", {"counted": 4}, "2026-10-10 00:36:00.000000"),
        (
            "count",
            "walkie_talkie",
            {"counted": 3, "explanation": "lent", "holder": "保安"},
            "2026-10-10 00:37:00.000000",
        ),
        ("count", "thermos", {"counted": 1}, "2026-10-10 00:38:00.000000"),
    ):
        con.execute(
            "INSERT INTO handover_record (site_id, handover_id, step, item, value, operator_id, operator_name, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, '陈静', ?)",
            (services.site_id, hid, step, item, json.dumps(value), op.id, when),
        )
    con.close()
    for day in (date(2026, 10, 1), date(2026, 10, 2)):
        clock.current = datetime(2026, 10, 3, 2, tzinfo=UTC)
        services.review.sign(day, op, "3333")
    clock.current = NOW
    h = october.monthly("2026-10").handover
    assert (h.handovers, h.signed) == (1, 0)
    [d] = h.discrepancies  # the latest count of the walkie-talkies wins; the thermos is as expected
    assert (d.item, d.expected, d.counted, d.difference, d.holder) == ("walkie_talkie", 4, 3, -1, "保安")
    [late] = h.late_reliefs
    assert late.late_minutes == 20
    assert late.due_at == local(10, 10, 8, 15)
    assert h.days_reviewable == 31
    assert len(h.unsigned_days) == 29 and date(2026, 10, 1) not in h.unsigned_days


# --- empty and other zones --------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2026-08", "2026-12"])
def test_empty_months_give_zeros(services, clock, month: str) -> None:  # type: ignore[no-untyped-def]
    clock.current = NOW
    r = ReportService.of(services).monthly(month)
    assert r.calls.total == 0 and sum(r.calls.by_hour) == 0 and len(r.calls.by_day) == 31
    assert r.tickets.total == 0 and r.targets.total.tickets == 0
    assert r.targets.total.answer.share is None and r.targets.total.response.median is None
    assert r.callbacks.rate is None and r.callbacks.average is None and r.callbacks.met_target is None
    assert r.recurring == () and r.handover.handovers == 0
    assert r.handover.unsigned_days == ()  # before the site was set up, or not over yet


def test_a_zone_with_daylight_saving(services, clock, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """New York leaves daylight saving on 2026-11-01 at 02:00: hours and days follow the local clock."""
    ny = dataclasses.replace(settings, time_zone="America/New_York")
    services.calls.settings = ny
    services.calls.tz = ZoneInfo("America/New_York")
    tz = ZoneInfo("America/New_York")
    for moment in (
        datetime(2026, 11, 1, 0, 30, tzinfo=tz),  # EDT, 04:30 UTC
        datetime(2026, 11, 1, 23, 30, tzinfo=tz),  # EST, 11-02 04:30 UTC
        datetime(2026, 11, 30, 23, 30, tzinfo=tz),  # EST, 12-01 04:30 UTC
    ):
        call(services, clock, moment.astimezone(UTC), "repair", "3-2-1201")
    clock.current = datetime(2026, 12, 5, tzinfo=UTC)
    ctx = DeskContext(services.db, ny, clock, services.site_id)
    report = ReportService(ctx, review=services.review, roster=services.roster).monthly("2026-11")
    assert report.calls.total == 3
    assert [d + 1 for d, n in enumerate(report.calls.by_day) if n] == [1, 30]
    assert report.calls.by_day[0] == 2
    assert [h for h, n in enumerate(report.calls.by_hour) if n] == [0, 23]


def test_json_and_xlsx_hold_the_figures(october: ReportService, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from deskui.services import reports as reports_export

    report = october.monthly("2026-10")
    data = reports_export.to_dict(report)
    assert data["calls"]["total"] == 7 and data["callbacks"]["rate"] == 1.0
    assert data["targets"]["total"]["response"]["median"] == 2700
    path = tmp_path / "r.xlsx"
    reports_export.write_xlsx(report, path, october.settings)
    wb = load_workbook(path)
    assert len(wb.sheetnames) == 8  # with the registers (issue 13)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Calls"] == 7 and summary["Tickets"] == 4 and summary["Answered within target"] == 0.75
    assert wb["Calls"]._charts  # bars per category, hours, a line per day
