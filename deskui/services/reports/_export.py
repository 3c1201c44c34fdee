"""The monthly report as JSON (every figure, stable English keys) and as an XLSX workbook (one sheet per section,
with openpyxl charts). Text cells go through services.common.exportfiles.sheet_cell, like every other export; the
files are 0600 (exportfiles.private_file); JSON escapes what a terminal would act on (deskui.core.safetext.dumps).

JSON keys (schema "deskui.report.monthly/1"; times ISO 8601 with the site's offset, durations in seconds, shares
0-1 or null when nothing was judged):
  schema, month, building (null: whole site), time_zone, first_day, last_day, generated_at, thresholds{…}
  calls: total, by_channel{key: n}, by_category{…}, by_shift{…}, by_hour[24], by_day[days]
  tickets: total, by_kind{…}, by_department{key or "": n}, by_severity{…}, by_day[days]
  targets: rows[{kind, severity, tickets, answer{on_time, late, overdue, pending, judged, share},
           resolve{…}, response{n, median, p90}, resolution{n, median, p90}}], total{same, kind "*"},
           overdue_open, overdue[{number, kind, severity, status, unit, department, created_at, due_at,
           late_seconds}]
  callbacks: needed, done, on_time, rate, target, met_target, attempts{reached, no_answer, left_message},
             attempts_total, satisfaction{"1".."5": n}, rated, average, by_kind{repair{needed, done}, complaint{…}}
  recurring: [{level (unit|riser|building), key, category, calls, units, listed[{id, time, unit, caller,
             content, ticket}]}]
  handover: handovers, signed, discrepancies[{handover_id, duty_date, shift, item, expected, counted,
            difference, explanation, holder, counted_by}], late_reliefs[{handover_id, duty_date, shift, next_date,
            next_shift, relief, outgoing, due_at, arrived_at, late_minutes}], days_reviewable, unsigned_days[dates]
  registers: {visitors, parcels_received, parcels_picked_up, parcels_waiting, passes_issued, passes_used,
             passes_voided, patrol_rounds_done, patrol_rounds_missed, renovations_opened, renovations_closed,
             key_loans: n} (those the report counts: patrols and key loans not in a building's report)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.core.safetext import dumps
from deskui.services.common.exportfiles import neutralise, private_file, sheet_cell
from deskui.services.reports._figures import ComplianceRow, Count, MonthlyReport, Quantiles, TargetTally
from deskui.services.reports._labels import label

SCHEMA = "deskui.report.monthly/1"
FORMATS = ("table", "json", "xlsx")


def _time(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment else None


def _counts(counts: Sequence[Count]) -> dict[str, int]:
    return {c.key: c.n for c in counts}


def _tally(x: TargetTally) -> dict[str, Any]:
    return {
        "on_time": x.on_time,
        "late": x.late,
        "overdue": x.overdue,
        "pending": x.pending,
        "judged": x.judged,
        "share": x.share,
    }


def _quantiles(x: Quantiles) -> dict[str, Any]:
    return {"n": x.n, "median": x.median, "p90": x.p90}


def _row(r: ComplianceRow) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "severity": r.severity or None,
        "tickets": r.tickets,
        "answer": _tally(r.answer),
        "resolve": _tally(r.resolve),
        "response": _quantiles(r.response),
        "resolution": _quantiles(r.resolution),
    }


def to_dict(report: MonthlyReport) -> dict[str, Any]:
    """Every figure of the report as plain data (the keys above)."""
    tz = ZoneInfo(report.time_zone)
    c, k, g, cb, h = report.calls, report.tickets, report.targets, report.callbacks, report.handover
    return {
        "schema": SCHEMA,
        "month": report.month,
        "building": report.building,
        "time_zone": report.time_zone,
        "first_day": report.first_day.isoformat(),
        "last_day": report.last_day.isoformat(),
        "generated_at": _time(report.generated_at, tz),
        "thresholds": dict(report.thresholds),
        "calls": {
            "total": c.total,
            "by_channel": _counts(c.by_channel),
            "by_category": _counts(c.by_category),
            "by_shift": _counts(c.by_shift),
            "by_hour": list(c.by_hour),
            "by_day": list(c.by_day),
        },
        "tickets": {
            "total": k.total,
            "by_kind": _counts(k.by_kind),
            "by_department": _counts(k.by_department),
            "by_severity": _counts(k.by_severity),
            "by_day": list(k.by_day),
        },
        "targets": {
            "rows": [_row(r) for r in g.rows],
            "total": _row(g.total),
            "overdue_open": g.overdue_open,
            "overdue": [
                {
                    "number": x.number,
                    "kind": x.kind,
                    "severity": x.severity or None,
                    "status": x.status,
                    "unit": x.unit,
                    "department": x.department or None,
                    "created_at": _time(x.created_at, tz),
                    "due_at": _time(x.due_at, tz),
                    "late_seconds": x.late_seconds,
                }
                for x in g.overdue
            ],
        },
        "callbacks": {
            "needed": cb.needed,
            "done": cb.done,
            "on_time": cb.on_time,
            "rate": cb.rate,
            "target": cb.target,
            "met_target": cb.met_target,
            "attempts": _counts(cb.attempts),
            "attempts_total": cb.attempts_total,
            "satisfaction": _counts(cb.satisfaction),
            "rated": cb.rated,
            "average": cb.average,
            "by_kind": {kind: {"needed": needed, "done": done} for kind, needed, done in cb.by_kind},
        },
        "recurring": [
            {
                "level": p.level,
                "key": p.key,
                "category": p.category,
                "calls": p.calls,
                "units": p.units,
                "listed": [
                    {
                        "id": x.id,
                        "time": _time(x.time, tz),
                        "unit": x.unit,
                        "caller": x.caller,
                        "content": x.content,
                        "ticket": x.ticket,
                    }
                    for x in p.listed
                ],
            }
            for p in report.recurring
        ],
        "handover": {
            "handovers": h.handovers,
            "signed": h.signed,
            "discrepancies": [
                {
                    "handover_id": d.handover_id,
                    "duty_date": d.duty_date.isoformat(),
                    "shift": d.shift,
                    "item": d.item,
                    "expected": d.expected,
                    "counted": d.counted,
                    "difference": d.difference,
                    "explanation": d.explanation,
                    "holder": d.holder,
                    "counted_by": d.counted_by,
                }
                for d in h.discrepancies
            ],
            "late_reliefs": [
                {
                    "handover_id": r.handover_id,
                    "duty_date": r.duty_date.isoformat(),
                    "shift": r.shift,
                    "next_date": r.next_date.isoformat(),
                    "next_shift": r.next_shift,
                    "relief": r.relief,
                    "outgoing": r.outgoing,
                    "due_at": _time(r.due_at, tz),
                    "arrived_at": _time(r.arrived_at, tz),
                    "late_minutes": r.late_minutes,
                }
                for r in h.late_reliefs
            ],
            "days_reviewable": h.days_reviewable,
            "unsigned_days": [d.isoformat() for d in h.unsigned_days],
        },
        "registers": _counts(report.registers),
    }


def write_json(report: MonthlyReport, fh: IO[str]) -> None:
    fh.write(dumps(to_dict(report), indent=2) + "\n")


# --- XLSX --------------------------------------------------------------------------------------------------------


def share_text(value: float | None) -> str:
    """A share as a person reads it: "87.5%", or "—" when nothing was judged."""
    return "—" if value is None else f"{value * 100:.1f}%"


def duration_text(seconds: float | None) -> str:
    """Seconds as the unit a person reads: 45 min, 5.2 h, 3.1 d; "—" when there is none."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return t("{n} min", n=f"{seconds / 60:.0f}")
    if seconds < 86_400:
        return t("{n} h", n=f"{seconds / 3600:.1f}")
    return t("{n} d", n=f"{seconds / 86_400:.1f}")


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def write_xlsx(report: MonthlyReport, path: Path, settings: Settings) -> None:
    """One sheet per section, headers in the current language, numbers as numbers, charts where a picture helps
    (calls per category, per day and per hour; tickets per kind; satisfaction)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    tz = ZoneInfo(report.time_zone)
    wb = Workbook()
    first_sheet = wb.active
    assert first_sheet is not None

    def sheet(title: str) -> Any:
        ws = wb.create_sheet(neutralise(title)[:31])
        return ws

    def put(ws: Any, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            ws.append([sheet_cell(v) for v in row])

    def bar(ws: Any, title: str, col: int, first_row: int, last_row: int, anchor: str, *, line: bool = False) -> None:
        if last_row < first_row:
            return
        chart = LineChart() if line else BarChart()
        chart.title = title
        chart.legend = None
        data = Reference(ws, min_col=col + 1, min_row=first_row - 1, max_row=last_row)
        cats = Reference(ws, min_col=col, min_row=first_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 7, 16
        ws.add_chart(chart, anchor)

    # Summary
    ws = first_sheet
    ws.title = t("Summary")
    where = label(settings, "building", report.building) if report.building else t("Whole site")
    cb = report.callbacks
    total = report.targets.total
    put(
        ws,
        [
            [t("Monthly report"), report.month],
            [t("Scope"), where],
            [t("Time zone"), report.time_zone],
            [t("Generated"), report.generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")],
            [],
            [t("Calls"), report.calls.total],
            [t("Tickets"), report.tickets.total],
            [t("Answered within target"), total.answer.share],
            [t("Resolved within target"), total.resolve.share],
            [t("Overdue tickets still open"), report.targets.overdue_open],
            [t("Callback rate"), cb.rate],
            [t("Callback rate target"), cb.target],
            [t("Average satisfaction"), cb.average],
            [t("Recurring problems"), len(report.recurring)],
            [t("Count discrepancies"), len(report.handover.discrepancies)],
            [t("Late reliefs"), len(report.handover.late_reliefs)],
            [t("Days without a supervisor's signature"), len(report.handover.unsigned_days)],
        ],
    )
    for row in (8, 9, 11, 12):
        ws.cell(row=row, column=2).number_format = "0.0%"
    ws.column_dimensions["A"].width = 36

    # Calls
    ws = sheet(t("Calls"))
    c = report.calls
    put(ws, [[t("Category"), t("Calls")]])
    put(ws, [[label(settings, "category", x.key), x.n] for x in c.by_category])
    n_cat = len(c.by_category)
    bar(ws, t("Calls by category"), 1, 2, 1 + n_cat, "E2")
    put(ws, [[], [t("Channel"), t("Calls")]])
    put(ws, [[label(settings, "channel", x.key), x.n] for x in c.by_channel])
    put(ws, [[], [t("Shift"), t("Calls")]])
    put(ws, [[label(settings, "shift", x.key), x.n] for x in c.by_shift])
    put(ws, [[], [t("Hour"), t("Calls")]])
    hour_row = ws.max_row + 1
    put(ws, [[f"{h:02d}", n] for h, n in enumerate(c.by_hour)])
    bar(ws, t("Calls by hour of day"), 1, hour_row, hour_row + 23, "E20")
    put(ws, [[], [t("Day"), t("Calls")]])
    day_row = ws.max_row + 1
    put(ws, [[i + 1, n] for i, n in enumerate(c.by_day)])
    bar(ws, t("Calls per day"), 1, day_row, day_row + len(c.by_day) - 1, "E38", line=True)

    # Tickets
    ws = sheet(t("Tickets"))
    k = report.tickets
    put(ws, [[t("Kind"), t("Tickets")]])
    put(ws, [[label(settings, "kind", x.key), x.n] for x in k.by_kind])
    bar(ws, t("Tickets by kind"), 1, 2, 1 + len(k.by_kind), "E2")
    put(ws, [[], [t("Department"), t("Tickets")]])
    put(ws, [[label(settings, "department", x.key), x.n] for x in k.by_department])
    put(ws, [[], [t("Severity"), t("Tickets")]])
    put(ws, [[label(settings, "severity", x.key), x.n] for x in k.by_severity])
    put(ws, [[], [t("Day"), t("Tickets")]])
    day_row = ws.max_row + 1
    put(ws, [[i + 1, n] for i, n in enumerate(k.by_day)])
    bar(ws, t("Tickets per day"), 1, day_row, day_row + len(k.by_day) - 1, "E20", line=True)

    # Targets
    ws = sheet(t("Targets"))
    header = [
        t("Kind"),
        t("Severity"),
        t("Tickets"),
        t("Answered on time"),
        t("Answered late"),
        t("Answer overdue"),
        t("Answer pending"),
        t("Answered within target"),
        t("Resolved on time"),
        t("Resolved late"),
        t("Resolution overdue"),
        t("Resolution pending"),
        t("Resolved within target"),
        t("First response, median (h)"),
        t("First response, 90th percentile (h)"),
        t("Resolution, median (h)"),
        t("Resolution, 90th percentile (h)"),
    ]
    put(ws, [header])
    for r in (*report.targets.rows, total):
        put(
            ws,
            [
                [
                    label(settings, "kind", r.kind),
                    label(settings, "severity", r.severity) if r.severity else "",
                    r.tickets,
                    r.answer.on_time,
                    r.answer.late,
                    r.answer.overdue,
                    r.answer.pending,
                    r.answer.share,
                    r.resolve.on_time,
                    r.resolve.late,
                    r.resolve.overdue,
                    r.resolve.pending,
                    r.resolve.share,
                    _hours(r.response.median),
                    _hours(r.response.p90),
                    _hours(r.resolution.median),
                    _hours(r.resolution.p90),
                ]
            ],
        )
        for col in (8, 13):
            ws.cell(row=ws.max_row, column=col).number_format = "0.0%"
    put(ws, [[], [t("Overdue tickets still open"), report.targets.overdue_open]])
    put(ws, [[t("Number"), t("Kind"), t("Status"), t("Unit"), t("Department"), t("Due"), t("Days late")]])
    for x in report.targets.overdue:
        put(
            ws,
            [
                [
                    x.number,
                    label(settings, "kind", x.kind),
                    x.status,
                    x.unit,
                    label(settings, "department", x.department),
                    x.due_at.astimezone(tz).replace(tzinfo=None),
                    round(x.late_seconds / 86_400, 1),
                ]
            ],
        )
        ws.cell(row=ws.max_row, column=6).number_format = "yyyy-mm-dd hh:mm"

    # Callbacks
    ws = sheet(t("Callbacks"))
    put(
        ws,
        [
            [t("Callbacks needed"), cb.needed],
            [t("Callbacks done"), cb.done],
            [t("Callbacks on time"), cb.on_time],
            [t("Callback rate"), cb.rate],
            [t("Callback rate target"), cb.target],
            [t("Average satisfaction"), cb.average],
            [],
            [t("Outcome"), t("Attempts")],
        ],
    )
    for row in (4, 5):
        ws.cell(row=row, column=2).number_format = "0.0%"
    put(ws, [[label(settings, "outcome", x.key), x.n] for x in cb.attempts])
    put(ws, [[], [t("Satisfaction"), t("Callbacks")]])
    sat_row = ws.max_row + 1
    put(ws, [[int(x.key), x.n] for x in cb.satisfaction])
    bar(ws, t("Satisfaction"), 1, sat_row, sat_row + 4, "E2")

    # Recurring problems
    ws = sheet(t("Recurring problems"))
    header = [t("Level"), t("Place"), t("Category"), t("Calls"), t("Units"), t("Time"), t("Unit"), t("Caller")]
    put(ws, [[*header, t("Content"), t("Ticket")]])
    for p in report.recurring:
        put(
            ws,
            [
                [
                    label(settings, "level", p.level),
                    p.key,
                    label(settings, "category", p.category),
                    p.calls,
                    p.units,
                ]
            ],
        )
        for listed in p.listed:
            put(
                ws,
                [
                    [
                        "",
                        "",
                        "",
                        None,
                        None,
                        listed.time.astimezone(tz).replace(tzinfo=None),
                        listed.unit,
                        listed.caller,
                        listed.content,
                        listed.ticket or "",
                    ]
                ],
            )
            ws.cell(row=ws.max_row, column=6).number_format = "yyyy-mm-dd hh:mm"

    # Handover quality
    ws = sheet(t("Handover quality"))
    h = report.handover
    put(
        ws,
        [
            [t("Handovers"), h.handovers],
            [t("Signed"), h.signed],
            [t("Days reviewable"), h.days_reviewable],
            [t("Days without a supervisor's signature"), len(h.unsigned_days)],
            [],
            [t("Count discrepancies")],
            [t("Date"), t("Shift"), t("Item"), t("Expected"), t("Counted"), t("Explanation"), t("Holder")],
        ],
    )
    put(
        ws,
        [
            [
                d.duty_date.isoformat(),
                label(settings, "shift", d.shift),
                label(settings, "equipment", d.item),
                d.expected,
                d.counted,
                d.explanation,
                d.holder,
            ]
            for d in h.discrepancies
        ],
    )
    put(
        ws,
        [
            [],
            [t("Late reliefs")],
            [t("Date"), t("Shift"), t("Late relief"), t("Outgoing"), t("Due"), t("Arrived"), t("Minutes late")],
        ],
    )
    for late in h.late_reliefs:
        put(
            ws,
            [
                [
                    late.duty_date.isoformat(),
                    label(settings, "shift", late.shift),
                    late.relief,
                    late.outgoing,
                    late.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                    late.arrived_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if late.arrived_at else "",
                    late.late_minutes,
                ]
            ],
        )
    put(ws, [[], [t("Days without a supervisor's signature")]])
    put(ws, [[d.isoformat()] for d in h.unsigned_days])

    # Registers (issue 13)
    ws = sheet(t("Registers"))
    put(ws, [[label(settings, "register", c.key), c.n] for c in report.registers])
    with private_file(path, binary=True) as fh:
        wb.save(fh)


def export(report: MonthlyReport, fmt: str, settings: Settings, *, output: Path | None, stdout: IO[str]) -> None:
    """JSON to `output` or stdout, XLSX to `output` (required)."""
    if fmt == "json":
        if output is None:
            write_json(report, stdout)
        else:
            with private_file(output) as fh:
                write_json(report, fh)
        return
    if fmt == "xlsx":
        if output is None:
            raise ValidationError(t("An xlsx export needs --output FILE.xlsx"), field="output")
        write_xlsx(report, output, settings)
        return
    raise ValidationError(t("Unknown report format {fmt!r}; use table, json or xlsx", fmt=fmt), field="format")
