"""Monthly report benchmark: one month of --calls calls and --tickets tickets, reported by ReportService.monthly.

Targets (the issue), from ONE run on the same database:
  (a) the whole report (every section, the site and one building) ≤ 2 s absolute, median of --runs runs;
  (b) the service ≤ 1.5 × the same statements (services.reports._sql) run raw on sqlite3 with the same parameters,
      both sides timed interleaved and compared by median: what the service adds (SQLAlchemy, shaping the rows
      into dataclasses, the handover and review look-ups) stays small next to the SQL itself.

The data is bulk-generated with executemany straight into the tables (like bench/tickets.py), for October 2026 in
Asia/Shanghai: calls spread over the month, 3% of them corrected (a second row, so "latest version" is exercised),
on 30 buildings × 4 entrances × 33 floors × 4 rooms; tickets with 3–7 events each (created, dispatched, started,
done, callbacks that miss and reach, closed; complaints of every severity, some escalated, some waiting); the
month's 62 handovers with equipment counts. Nothing is ANALYZEd: the plans are the ones a new installation gets.

Usage: .venv/bin/python bench/reports.py [--calls N] [--tickets N] [--runs N] [--keep DIR]
The default is the issue's size (--calls 100000 --tickets 30000): about a minute to generate on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _ratio import timed  # bench/_ratio.py, beside this file

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.services import open_services
from deskui.services import reports as rs
from deskui.services.common.shifts import shift_at
from deskui.services.reports import ReportService, month_bounds

MONTH = "2026-10"
NOW = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
ABSOLUTE_TARGET_S = 2.0
RATIO_TARGET = 1.5
CHANNELS = ["phone"] * 6 + ["walk_in"] * 2 + ["online", "letter"]
CATEGORIES = ["repair"] * 4 + ["complaint", "complaint", "inquiry", "help", "suggestion", "service", "permit", "other"]
KINDS = [("repair", "WX")] * 5 + [("complaint", "TS")] * 2 + [("help", "QZ"), ("inquiry", "ZX"), ("service", "FW")]
DEPARTMENTS = ["maintenance", "maintenance", "security", "cleaning", "greening", "customer_service", "external"]
SEVERITIES = ["major", "important", "minor", "minor", "minor"]
PROBLEMS = [
    "厨房水管漏水",
    "卫生间下水道堵塞",
    "楼道灯不亮",
    "门锁坏了",
    "墙面渗水",
    "楼上噪音太大",
    "电梯故障",
    "停水",
]


def stamp(moment: datetime) -> str:
    return rs.sqlite_time(moment)


def unit(rng: random.Random) -> str:
    return f"{rng.randint(1, 30)}-{rng.randint(1, 4)}-{rng.randint(1, 33)}{rng.randint(1, 4):02d}"


def call_rows(rng: random.Random, n: int, site: int, settings: Any, start: datetime, end: datetime) -> list[tuple]:  # type: ignore[type-arg]
    span = int((end - start).total_seconds())
    rows = []
    slots: dict[int, Any] = {}
    # Ids follow the time, as they do at a desk that logs calls as they come (id order is the table's order).
    moments = sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(n))
    for i, at in enumerate(moments, 1):
        hour_key = int(at.timestamp()) // 1800
        slot = slots.get(hour_key) or slots.setdefault(hour_key, shift_at(settings, at))
        key = unit(rng)
        content = rng.choice(PROBLEMS)
        rows.append(
            (
                i, site, stamp(at), rng.choice(CHANNELS), "王先生", key, key, None, "13812345678", "13812345678",
                rng.choice(CATEGORIES), content, "", 0, 0, None, "王芳", slot.key, slot.duty_date.isoformat(),
                None, None, None, content, stamp(at),
            )
        )  # fmt: skip
    # 3 % corrected: a second row pointing at the first (the report counts the correction only).
    next_id = n + 1
    for i in rng.sample(range(1, n + 1), n * 3 // 100):
        old = rows[i - 1]
        rows.append((next_id, *old[1:10], "complaint", *old[11:19], i, i, None, *old[22:]))
        next_id += 1
    return rows


def ticket_rows(
    rng: random.Random, n: int, site: int, start: datetime, end: datetime
) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    span = int((end - start).total_seconds())
    tickets: list[tuple] = []  # type: ignore[type-arg]
    events: list[tuple] = []  # type: ignore[type-arg]
    per_day: dict[tuple[str, date], int] = {}
    event_id = 0
    opened = sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(n))
    for tid, created in enumerate(opened, 1):
        kind, prefix = rng.choice(KINDS)
        day = (created + timedelta(hours=8)).date()
        per_day[(prefix, day)] = per_day.get((prefix, day), 0) + 1
        number = f"{prefix}-{day:%Y%m%d}-{per_day[(prefix, day)]:04d}"
        severity = rng.choice(SEVERITIES) if kind == "complaint" else ""
        repair_type = rng.choice(["leak", "safety", "other", "other"]) if kind == "repair" else ""
        dept = rng.choice(DEPARTMENTS)
        evs: list[tuple[str, datetime, str, dict[str, Any]]] = [
            ("created", created, "new", {"kind": kind, "severity": severity, "number": number})
        ]
        at = created + timedelta(minutes=rng.randint(2, 240))
        evs.append(("dispatched", at, "dispatched", {"department": dept}))
        if kind == "complaint" and rng.random() < 0.1:
            at += timedelta(minutes=rng.randint(5, 90))
            evs.append(("escalated", at, "dispatched", {"severity": "major", "informed": "manager"}))
            severity = "major"
        fate = rng.random()
        status, done_at, closed_at, cb_result, satisfaction, cb_due = "dispatched", None, None, "", None, None
        if fate < 0.85:
            at += timedelta(minutes=rng.randint(10, 600))
            evs.append(("status", at, "in_progress", {"to": "in_progress"}))
            at += timedelta(minutes=rng.randint(30, 6 * 24 * 60))
            evs.append(("status", at, "done", {"to": "done"}))
            status, done_at = "done", at
            cb_due = at + timedelta(days=2)
            if kind in ("repair", "complaint"):
                if rng.random() < 0.2:
                    at += timedelta(hours=rng.randint(2, 30))
                    evs.append(("callback", at, "done", {"outcome": "no_answer"}))
                if rng.random() < 0.9:
                    at += timedelta(hours=rng.randint(1, 50))
                    satisfaction = rng.choice([3, 4, 4, 5, 5, 5])
                    evs.append(("callback", at, "done", {"outcome": "reached", "satisfaction": satisfaction}))
                    cb_result = "reached"
            if rng.random() < 0.8:
                at += timedelta(hours=rng.randint(1, 10))
                evs.append(("closed", at, "closed", {}))
                status, closed_at = "closed", at
        elif fate < 0.92:
            at += timedelta(minutes=rng.randint(10, 600))
            evs.append(("status", at, "waiting", {"to": "waiting", "waiting_on": "resident"}))
            status = "waiting"
        is_open = status not in ("closed", "cancelled", "merged")
        due = created + timedelta(days=3) if is_open else datetime(9999, 12, 31, tzinfo=UTC)
        first_event = event_id + 1
        for seq, (ekind, eat, estatus, data) in enumerate(evs, 1):
            event_id += 1
            events.append((event_id, site, tid, seq, ekind, stamp(eat), None, "王芳", estatus, "", json.dumps(data)))
        tickets.append(
            (
                tid, site, number, kind, repair_type, severity, "phone", 0, status, int(is_open), "3-2-1201",
                unit(rng), None, None, "王先生", "13812345678", rng.choice(PROBLEMS), dept, None, "", None, None,
                stamp(due), stamp(done_at) if done_at else None, stamp(closed_at) if closed_at else None,
                stamp(evs[-1][1]) if status == "waiting" else None, "resident" if status == "waiting" else "", 0,
                cb_result, satisfaction, "", stamp(cb_due) if cb_due else None, None, stamp(created), None, "王芳",
                stamp(evs[-1][1]), "王芳", len(evs), first_event + len(evs) - 1, number,
            )
        )  # fmt: skip
    return tickets, events


TICKET_COLUMNS = (
    "id, site_id, number, kind, repair_type, severity, channel, written, status, is_open, unit_text, unit_key, "
    "unit_id, resident_id, caller, phone, description, department, assignee_id, assignee_name, appointment_at, "
    "resident_deadline, due_at, done_at, closed_at, paused_since, waiting_on, paused_seconds, callback_result, "
    "satisfaction, callback_comment, callback_due_at, merged_into_id, created_at, created_by_id, created_by_name, "
    "updated_at, updated_by_name, version, last_event_id, search_text"
)
CALL_COLUMNS = (
    "id, site_id, called_at, channel, caller, unit_text, unit_key, unit_id, phone, phone_digits, category, content, "
    "visit_time, urgent, ticket_wanted, operator_id, operator_name, shift_key, duty_date, amends_id, original_id, "
    "client_token, search_text, recorded_at"
)


def build(path: Path, site: int, settings: Any, calls: int, tickets: int) -> None:
    rng = random.Random(20261031)
    first, last, start, end = month_bounds(settings, MONTH)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    crows = call_rows(rng, calls, site, settings, start, end)
    con.executemany(f'INSERT INTO "call" ({CALL_COLUMNS}) VALUES ({", ".join("?" * 24)})', crows)
    trows, erows = ticket_rows(rng, tickets, site, start, end)
    con.executemany(f"INSERT INTO ticket ({TICKET_COLUMNS}) VALUES ({', '.join('?' * 41)})", trows)
    con.executemany(
        "INSERT INTO ticketevent (id, site_id, ticket_id, seq, kind, at, operator_id, operator_name, status, note, "
        "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        erows,
    )
    op = con.execute("SELECT id FROM operator LIMIT 1").fetchone()[0]
    hid = 0
    day = first
    while day <= last:
        for shift, nxt_day, nxt in (("day", day, "night"), ("night", day + timedelta(days=1), "day")):
            hid += 1
            started = datetime(day.year, day.month, day.day, 9 if shift == "day" else 0, tzinfo=UTC)
            con.execute(
                "INSERT INTO handover (id, site_id, duty_date, shift_key, next_date, next_shift_key, outgoing_id, "
                "outgoing_name, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (hid, site, day.isoformat(), shift, nxt_day.isoformat(), nxt, op, "王芳", stamp(started)),
            )
            late = timedelta(minutes=rng.choice([0, 0, 0, 5, 40]))
            con.execute(
                "INSERT INTO handover_record (site_id, handover_id, step, item, value, operator_id, operator_name, "
                "recorded_at) VALUES (?, ?, 'arrive', '', ?, ?, '李强', ?)",
                (site, hid, json.dumps({"operator_id": op, "name": "李强"}), op, stamp(started + late)),
            )
            for item in settings.equipment:
                counted = item.count - (1 if rng.random() < 0.05 else 0)
                con.execute(
                    "INSERT INTO handover_record (site_id, handover_id, step, item, value, operator_id, "
                    "operator_name, recorded_at) VALUES (?, ?, 'count', ?, ?, ?, '李强', ?)",
                    (site, hid, item.key, json.dumps({"counted": counted}), op, stamp(started + late)),
                )
        day += timedelta(days=1)
    con.execute("COMMIT")
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build the database in this directory and keep it")
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work on the machine slows both sides)"
    )
    with tempfile.TemporaryDirectory(prefix="deskui-bench-reports-") as tmpdir:
        where = args.keep or Path(tmpdir)
        where.mkdir(parents=True, exist_ok=True)
        path = where / "reports.db"
        path.unlink(missing_ok=True)
        settings = load_settings(database_url=str(path), language="en", environ={})
        clock = FrozenClock(datetime(2026, 9, 1, tzinfo=UTC))  # the site set up before the month
        services = open_services(settings, clock)
        services.operators.add("王芳", "receptionist", "1111")
        t0 = time.perf_counter()
        build(path, services.site_id, settings, args.calls, args.tickets)
        print(f"built {args.calls:,} calls and {args.tickets:,} tickets in {time.perf_counter() - t0:.1f} s")
        clock.current = NOW
        reports = ReportService.of(services)
        first, last, start, end = month_bounds(settings, MONTH)
        limits = settings.reports
        extra = {
            "limit": limits.list_limit,
            "unit_min": limits.recurring_unit_calls,
            "riser_min": limits.recurring_riser_calls,
            "building_min": limits.recurring_building_calls,
            "listed": limits.recurring_calls_listed,
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
        raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        raw2 = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        results = []
        for building in (None, "3"):
            q = rs.Sql("sqlite", reports.tz, start, end)
            params = {**q.params(services.site_id, building, NOW), **extra}
            statements = rs.all_statements(q, settings, building)

            def plain(statements: Any = statements, params: dict[str, Any] = params) -> None:
                # The same split as the service: the recurring problems on a second connection, in a thread.
                def recurring() -> None:
                    raw2.execute("BEGIN")
                    raw2.execute(dict(statements)["recurring"], params).fetchall()
                    raw2.execute("COMMIT")

                with ThreadPoolExecutor(max_workers=1) as pool:
                    other = pool.submit(recurring)
                    raw.execute("BEGIN")
                    for name, sql in statements:
                        if name != "recurring":
                            raw.execute(sql, params).fetchall()
                    raw.execute("COMMIT")
                    other.result()

            report = reports.monthly(MONTH, building)
            a: list[float] = []
            b: list[float] = []
            cpu: list[float] = []
            for _ in range(args.runs):
                c0 = time.process_time()
                a.append(timed(lambda building=building: reports.monthly(MONTH, building)))
                cpu.append(time.process_time() - c0)
                b.append(timed(plain))
            ours, base = statistics.median(a), statistics.median(b)
            name = "whole site" if building is None else f"building {building}"
            print(
                f"{name}: {report.calls.total:,} calls, {report.tickets.total:,} tickets, "
                f"{len(report.recurring)} recurring problems; service {ours * 1000:.0f} ms "
                f"(CPU {statistics.median(cpu) * 1000:.0f} ms over both cores), raw SQL {base * 1000:.0f} ms"
            )
            for label, value, target, unit in (
                (f"{name} absolute", ours, ABSOLUTE_TARGET_S, "s"),
                (f"{name} service/raw", ours / base, RATIO_TARGET, "x"),
            ):
                ok = value <= target
                results.append(ok)
                print(f"  {label}: {value:.3f}{unit} (target <= {target}{unit}) {'PASS' if ok else 'FAIL'}")
        raw.close()
        raw2.close()
        services.close()
    print(f"reports: {sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
