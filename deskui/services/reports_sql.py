"""The monthly report's SQL: every figure is a GROUP BY in the database, on SQLite and PostgreSQL.

Kept apart from services.reports so bench/reports.py can run exactly these statements through plain sqlite3 and
compare. Statements are plain text with named `:param` placeholders (psycopg: `search.pyformat`). What differs
between the two databases is in `Sql`:
- times: SQLite stores UTC text ("2026-10-31 15:30:00.000000"); seconds since the epoch come from strftime('%s'),
  and local wall-clock time from datetime(col, '+480 minutes'), with one offset per stretch of the month between
  daylight-saving changes (`offsets`), so the hour of day and the day of month are the site's even where the zone
  changes its clock. PostgreSQL uses EXTRACT(EPOCH …) and AT TIME ZONE;
- JSON fields of ticket events: json_extract / ->>;
- the building and riser of a unit key ("3-2-1201": building 3, riser "3-2-*01", the same room position on every
  floor of one entrance, the pipes that leak into each other): rtrim/substr on SQLite, regexp on PostgreSQL.

Targets follow services.targets (the single definition of what each target is), restated in SQL so 30,000
tickets need no replay in Python; tests/unit/test_reports.py checks the two agree ticket by ticket. Day targets
add whole days of 86,400 s: in a zone with daylight saving (not Asia/Shanghai) a target that spans the change is
an hour off, where services.targets keeps the wall-clock time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.config import Settings

# Events that show the desk or a department acting on a ticket: the first one is its "first response".
RESPONSE_EVENTS = (
    "dispatched",
    "reassigned",
    "status",
    "appointment",
    "informed",
    "escalated",
    "replied",
    "followed_up",
    "closed",
)
CALLBACK_OUTCOMES = ("reached", "no_answer", "left_message")
SATISFACTION = (1, 2, 3, 4, 5)
CALL_DIMENSIONS = ("channel", "category", "shift", "hour", "day", "building")
TICKET_DIMENSIONS = ("kind", "department", "severity", "day")
# (quantile as a fraction num/den): the median and the 90th percentile.
QUANTILES = {"median": (1, 2), "p90": (9, 10)}
TARGET_STATES = ("on_time", "late", "overdue", "pending")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def offsets(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(UTC moment from which it applies, offset in minutes)] over [start, end): one entry unless the zone changes
    its clock inside the month. Found by a 15-minute walk, then narrowed to the second."""

    def off(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds() // 60) if delta else 0

    out = [(start, off(start))]
    step = timedelta(minutes=15)
    moment = start
    while moment < end:
        nxt = min(moment + step, end)
        if off(nxt) != out[-1][1] and nxt < end:
            lo, hi = moment, nxt  # off(lo) is the old offset, off(hi) the new one
            while (hi - lo) > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if off(mid) == out[-1][1] else (lo, mid)
            out.append((hi.replace(microsecond=0), off(hi)))
        moment = nxt
    return out


def sqlite_time(moment: datetime) -> str:
    """An aware time as SQLAlchemy stores it on SQLite, for comparisons in plain SQL."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(frozen=True)
class Sql:
    """The dialect pieces for one month in one zone."""

    dialect: str  # sqlite | postgresql
    tz: ZoneInfo
    start: datetime
    end: datetime

    @property
    def pg(self) -> bool:
        return self.dialect == "postgresql"

    def time_param(self, moment: datetime | None) -> object:
        if moment is None:
            return None
        return moment.astimezone(UTC) if self.pg else sqlite_time(moment)

    def epoch(self, col: str) -> str:
        """Whole seconds since 1970 of a stored time (NULL stays NULL)."""
        if self.pg:
            return f"CAST(FLOOR(EXTRACT(EPOCH FROM {col})) AS BIGINT)"
        return f"CAST(strftime('%s', {col}) AS INTEGER)"

    def _modifier(self, col: str) -> str:
        spans = offsets(self.tz, self.start, self.end)
        if len(spans) == 1:
            return _quote(f"{spans[0][1]:+d} minutes")
        parts = [
            f"WHEN {col} < {_quote(sqlite_time(spans[i + 1][0]))} THEN {_quote(f'{spans[i][1]:+d} minutes')}"
            for i in range(len(spans) - 1)
        ]
        return f"CASE {' '.join(parts)} ELSE {_quote(f'{spans[-1][1]:+d} minutes')} END"

    def local_hour(self, col: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(HOUR FROM {col} AT TIME ZONE :tz) AS INTEGER)"
        return f"CAST(strftime('%H', {col}, {self._modifier(col)}) AS INTEGER)"

    def local_day(self, col: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(DAY FROM {col} AT TIME ZONE :tz) AS INTEGER)"
        return f"CAST(strftime('%d', {col}, {self._modifier(col)}) AS INTEGER)"

    def json_text(self, col: str, key: str) -> str:
        if self.pg:
            return f"(CAST({col} AS jsonb) ->> {_quote(key)})"
        return f"json_extract({col}, {_quote('$.' + key)})"

    def building(self, key: str) -> str:
        """The building of a numbered unit key ("3-2-1201" → "3"); NULL for public places and bare names."""
        if self.pg:
            return f"CASE WHEN {key} NOT LIKE 'public:%' AND strpos({key}, '-') > 0 THEN split_part({key}, '-', 1) END"
        return f"CASE WHEN {key} NOT LIKE 'public:%' AND instr({key}, '-') > 0 THEN substr({key}, 1, instr({key}, '-') - 1) END"

    def riser(self, key: str) -> str:
        """The riser of a numbered unit key: "3-2-1201" → "3-2-*01" (room position 01 on every floor of 3-2);
        NULL when the room is not floor + two digits."""
        if self.pg:
            room = f"substring({key} from '[^-]*$')"
            prefix = f"regexp_replace({key}, '[^-]*$', '')"
            return (
                f"CASE WHEN {key} NOT LIKE 'public:%' AND strpos({key}, '-') > 0 AND {room} ~ '^[0-9]{{3,}}$' "
                f"THEN {prefix} || '*' || right({room}, 2) END"
            )
        prefix = f"rtrim({key}, replace({key}, '-', ''))"
        room = f"substr({key}, length({prefix}) + 1)"
        return (
            f"CASE WHEN {key} NOT LIKE 'public:%' AND instr({key}, '-') > 0 AND length({room}) >= 3 "
            f"AND {room} NOT GLOB '*[^0-9]*' THEN {prefix} || '*' || substr({room}, -2) END"
        )

    def params(self, site_id: int, building: str | None, now: datetime) -> dict[str, object]:
        """The parameters every statement here takes."""
        out: dict[str, object] = {
            "site": site_id,
            "start": self.time_param(self.start),
            "end": self.time_param(self.end),
            "now": self.time_param(now),
            "now_s": int(now.timestamp()),
            "bfrom": f"{building}-" if building else "",
            "bto": f"{building}." if building else "",
        }
        if self.pg:
            out["tz"] = self.tz.key
        return out


def _building_filter(col: str, building: str | None) -> str:
    # A range, not LIKE: it stays an index range and needs no escaping ("3-" ≤ key < "3."; "30-…" sorts after).
    return f" AND {col} >= :bfrom AND {col} < :bto" if building else ""


def _current_calls(q: Sql, building: str | None, columns: str, *, placed: bool = False) -> str:
    """The month's calls, latest version of each (a correction replaces what it corrects)."""
    where = "c.site_id = :site AND c.called_at >= :start AND c.called_at < :end"
    where += _building_filter("c.unit_key", building)
    if placed:
        where += " AND c.unit_key <> ''"
    return (
        f'SELECT {columns} FROM "call" AS c WHERE {where} '
        'AND NOT EXISTS (SELECT 1 FROM "call" AS n WHERE n.amends_id = c.id)'
    )


def calls_sql(q: Sql, building: str | None) -> str:
    """(dimension, key, n) for every call dimension: channel, category, shift, local hour, local day, building."""
    cols = (
        f"c.channel AS channel, c.category AS category, c.shift_key AS shift_key, "
        f"{q.local_hour('c.called_at')} AS hour, {q.local_day('c.called_at')} AS day, "
        f"{q.building('c.unit_key')} AS building"
    )
    parts = [
        "SELECT 'channel' AS dim, channel AS k, count(*) AS n FROM m GROUP BY channel",
        "SELECT 'category', category, count(*) FROM m GROUP BY category",
        "SELECT 'shift', shift_key, count(*) FROM m GROUP BY shift_key",
        "SELECT 'hour', CAST(hour AS TEXT), count(*) FROM m GROUP BY hour",
        "SELECT 'day', CAST(day AS TEXT), count(*) FROM m GROUP BY day",
        "SELECT 'building', COALESCE(building, ''), count(*) FROM m GROUP BY building",
    ]
    return f"WITH m AS MATERIALIZED ({_current_calls(q, building, cols)}) " + " UNION ALL ".join(parts)


def _month_tickets(building: str | None) -> str:
    return "t.site_id = :site AND t.created_at >= :start AND t.created_at < :end" + _building_filter(
        "t.unit_key", building
    )


def tickets_sql(q: Sql, building: str | None) -> str:
    """(dimension, key, n) for tickets opened in the month: kind, department, complaint severity, local day."""
    cols = f"t.kind AS kind, t.department AS department, t.severity AS severity, {q.local_day('t.created_at')} AS day"
    parts = [
        "SELECT 'kind' AS dim, kind AS k, count(*) AS n FROM m GROUP BY kind",
        "SELECT 'department', department, count(*) FROM m GROUP BY department",
        "SELECT 'severity', severity, count(*) FROM m WHERE kind = 'complaint' GROUP BY severity",
        "SELECT 'day', CAST(day AS TEXT), count(*) FROM m GROUP BY day",
    ]
    inner = f"SELECT {cols} FROM ticket AS t WHERE {_month_tickets(building)}"
    return f"WITH m AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts)


def _coalesce_least(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} WHEN {a} < {b} THEN {a} ELSE {b} END"


def _state(due: str, met: str, ended: str, paused: str | None) -> str:
    """services.targets.compute's state of one target, as SQL on epoch seconds (NULL: no such target)."""
    running = f"WHEN {paused} = 1 THEN 'pending' " if paused else ""
    return (
        f"CASE WHEN {due} IS NULL THEN NULL "
        f"WHEN {met} IS NOT NULL THEN CASE WHEN {met} <= {due} THEN 'on_time' ELSE 'late' END "
        f"WHEN {ended} IS NOT NULL THEN CASE WHEN {ended} > {due} THEN 'overdue' ELSE NULL END "
        f"{running}WHEN :now_s > {due} THEN 'overdue' ELSE 'pending' END"
    )


def _first(q: Sql, condition: str) -> str:
    """Epoch seconds of the ticket's first event meeting `condition` (NULL when none does)."""
    return q.epoch(f"MIN(CASE WHEN {condition} THEN e.at END)")


def ticket_facts_sql(q: Sql, settings: Settings, building: str | None) -> str:
    """The CTEs `f` (one row per ticket opened in the month, its events folded) and `g` (f plus the state of its
    answer and resolution targets and the seconds to first response and to resolution), shared by
    `compliance_sql` and `percentile_sql`.

    Which targets (services.targets): the answer target is the reply for a help request or a written inquiry, the
    clear answer for a major complaint, the supervisor told for an important one, the follow-up for minor complaints
    and repairs; the resolution target is a complaint's. Paid services and spoken inquiries have neither."""
    tg = settings.target
    day = 86_400
    sev = f"COALESCE({q.json_text('e.data', 'severity')}, '')"
    informed = q.json_text("e.data", "informed")
    outcome = q.json_text("e.data", "outcome")
    responses = ", ".join(_quote(k) for k in RESPONSE_EVENTS)
    group = "t.id"
    if q.pg:  # PostgreSQL wants every selected ticket column grouped (t.id alone is enough on SQLite)
        group += (
            ", t.kind, t.severity, t.written, t.status, t.satisfaction, t.callback_result, t.created_at, t.done_at, "
            "t.closed_at, t.paused_seconds, t.paused_since, t.resident_deadline, t.callback_due_at"
        )
    firsts = (
        ("response_s", f"e.kind IN ({responses})"),
        ("replied_s", "e.kind = 'replied'"),
        ("first_done_s", "e.status IN ('done', 'closed') AND e.kind <> 'created'"),
        ("followed_s", "e.kind = 'followed_up'"),
        ("supervisor_s", f"e.kind IN ('informed', 'escalated') AND {informed} IN ('supervisor', 'manager')"),
        ("callback_s", f"e.kind = 'callback' AND {outcome} = 'reached' AND e.at >= t.done_at"),
    )
    f = (
        "SELECT t.id AS id, t.kind AS kind, t.severity AS severity, "
        "CASE WHEN t.written = TRUE THEN 1 ELSE 0 END AS written, t.status AS status, "
        "t.satisfaction AS satisfaction, t.callback_result AS callback_result, "
        f"{q.epoch('t.created_at')} AS created_s, "
        f"CASE WHEN t.status IN ('cancelled', 'merged') THEN NULL ELSE {q.epoch('t.done_at')} END AS done_s, "
        f"CASE WHEN t.status IN ('closed', 'cancelled', 'merged') THEN {q.epoch('t.closed_at')} END AS ended_s, "
        "t.paused_seconds AS paused_s, CASE WHEN t.paused_since IS NOT NULL THEN 1 ELSE 0 END AS paused_now, "
        f"{q.epoch('t.resident_deadline')} AS deadline_s, {q.epoch('t.callback_due_at')} AS callback_due_s, "
        + ", ".join(f"{_first(q, cond)} AS {name}" for name, cond in firsts)
        + f", MAX(CASE WHEN e.kind = 'escalated' AND {sev} <> '' THEN 1 ELSE 0 END) AS reclassified, "
        + ", ".join(
            f"SUM(CASE WHEN e.kind = 'callback' AND {outcome} = '{o}' THEN 1 ELSE 0 END) AS cb_{o}"
            for o in CALLBACK_OUTCOMES
        )
        + " "
        f"FROM ticket AS t JOIN ticketevent AS e ON e.ticket_id = t.id WHERE {_month_tickets(building)} "
        f"GROUP BY {group}"
    )

    def sev_of(alias: str) -> str:
        return f"COALESCE({q.json_text(alias + '.data', 'severity')}, '')"

    # A complaint's severity targets run from when its current severity was set: created with it and never changed
    # (an escalation to the severity it already has changes nothing), or the first escalation to it after the last
    # event that gave it another one.
    since = (
        "CASE WHEN f0.reclassified = 0 THEN f0.created_s ELSE COALESCE(("
        f"SELECT {q.epoch('MIN(e2.at)')} FROM ticketevent AS e2 WHERE e2.ticket_id = f0.id "
        f"AND e2.kind IN ('created', 'escalated') AND {sev_of('e2')} = f0.severity AND e2.seq > COALESCE(("
        "SELECT MAX(e3.seq) FROM ticketevent AS e3 WHERE e3.ticket_id = f0.id "
        f"AND e3.kind IN ('created', 'escalated') AND {sev_of('e3')} <> '' AND {sev_of('e3')} <> f0.severity), 0)"
        "), f0.created_s) END"
    )
    answer_due = (
        "CASE "
        f"WHEN f1.kind = 'help' THEN f1.created_s + {int(tg('help_request_reply_minutes') * 60)} "
        f"WHEN f1.kind = 'inquiry' AND f1.written = 1 THEN f1.created_s + {int(tg('written_inquiry_reply_days') * day)} "
        "WHEN f1.kind = 'complaint' AND f1.severity = 'major' "
        f"THEN f1.since_s + {int(tg('major_complaint_answer_days') * day)} "
        "WHEN f1.kind = 'complaint' AND f1.severity = 'important' "
        f"THEN f1.since_s + {int(tg('important_complaint_supervisor_minutes') * 60)} "
        f"WHEN f1.kind IN ('complaint', 'repair') THEN f1.created_s + {int(tg('follow_up_days') * day)} "
        "END"
    )
    # services.targets: a reply is met by the reply, or failing that the first completion; so is the follow-up.
    answer_met = (
        "CASE WHEN f1.kind = 'complaint' AND f1.severity = 'important' THEN f1.supervisor_s "
        "WHEN f1.kind IN ('help', 'inquiry') OR f1.kind = 'complaint' AND f1.severity = 'major' "
        "THEN COALESCE(f1.replied_s, f1.first_done_s) ELSE COALESCE(f1.followed_s, f1.first_done_s) END"
    )
    resolve_due = (
        "CASE WHEN f1.kind <> 'complaint' THEN NULL "
        f"WHEN f1.severity = 'major' THEN f1.since_s + {int(tg('major_complaint_resolve_days') * day)} + f1.paused_s "
        "WHEN f1.severity = 'important' "
        f"THEN f1.since_s + {int(tg('important_complaint_resolve_days') * day)} + f1.paused_s "
        "WHEN f1.deadline_s IS NOT NULL THEN f1.deadline_s + f1.paused_s "
        f"ELSE f1.since_s + {int(tg('minor_complaint_resolve_days') * day)} + f1.paused_s END"
    )
    due = (
        f"SELECT f1.*, {answer_due} AS answer_due_s, {answer_met} AS answer_met_s, {resolve_due} AS resolve_due_s "
        f"FROM (SELECT f0.*, {since} AS since_s FROM f AS f0) AS f1"
    )
    g = (
        f"SELECT f2.*, {_state('f2.answer_due_s', 'f2.answer_met_s', 'f2.ended_s', None)} AS answer_state, "
        f"{_state('f2.resolve_due_s', 'f2.done_s', 'f2.ended_s', 'f2.paused_now')} AS resolve_state, "
        "f2.response_s - f2.created_s AS response_secs, "
        "CASE WHEN f2.status IN ('done', 'closed') THEN f2.done_s - f2.created_s END AS resolution_secs "
        f"FROM ({due}) AS f2"
    )
    return f"WITH f AS MATERIALIZED ({f}), g AS MATERIALIZED ({g})"


def compliance_sql(q: Sql, settings: Settings, building: str | None) -> str:
    """Per (kind, severity): tickets, each target state of the answer and resolution targets, callbacks needed,
    reached and on time, attempts by outcome, satisfaction 1-5."""
    cols = ["g.kind AS kind", "g.severity AS severity", "count(*) AS tickets"]
    for name in ("answer", "resolve"):
        for state in TARGET_STATES:
            cols.append(f"SUM(CASE WHEN g.{name}_state = '{state}' THEN 1 ELSE 0 END) AS {name}_{state}")
    needs = "g.kind IN ('repair', 'complaint') AND g.done_s IS NOT NULL"
    cols += [
        f"SUM(CASE WHEN {needs} THEN 1 ELSE 0 END) AS callback_needed",
        f"SUM(CASE WHEN {needs} AND g.callback_s IS NOT NULL THEN 1 ELSE 0 END) AS callback_done",
        f"SUM(CASE WHEN {needs} AND g.callback_s IS NOT NULL AND g.callback_s <= g.callback_due_s "
        "THEN 1 ELSE 0 END) AS callback_on_time",
        *(f"SUM(g.cb_{o}) AS attempts_{o}" for o in CALLBACK_OUTCOMES),
        *(
            f"SUM(CASE WHEN g.callback_result = 'reached' AND g.satisfaction = {n} THEN 1 ELSE 0 END) AS sat_{n}"
            for n in SATISFACTION
        ),
    ]
    return (
        f"{ticket_facts_sql(q, settings, building)} SELECT {', '.join(cols)} FROM g "
        "GROUP BY g.kind, g.severity ORDER BY g.kind, g.severity"
    )


def percentile_sql(q: Sql, settings: Settings, building: str | None) -> str:
    """(metric, kind, severity, rank, n, seconds) around the median and the 90th percentile of the time to first
    response and to resolution, per (kind, severity) and for all tickets (kind '*'): the one or two sorted values
    each quantile lies between (linear interpolation, as PERCENTILE.INC in a spreadsheet). Only these rows leave
    the database."""
    source = (
        "SELECT 'response' AS metric, g.kind AS kind, g.severity AS severity, g.response_secs AS v FROM g "
        "WHERE g.response_secs IS NOT NULL "
        "UNION ALL SELECT 'response', '*', '', g.response_secs FROM g WHERE g.response_secs IS NOT NULL "
        "UNION ALL SELECT 'resolution', g.kind, g.severity, g.resolution_secs FROM g WHERE g.resolution_secs IS NOT NULL "
        "UNION ALL SELECT 'resolution', '*', '', g.resolution_secs FROM g WHERE g.resolution_secs IS NOT NULL"
    )
    ranked = (
        "SELECT metric, kind, severity, v, ROW_NUMBER() OVER (PARTITION BY metric, kind, severity ORDER BY v) AS rn, "
        f"COUNT(*) OVER (PARTITION BY metric, kind, severity) AS n FROM ({source}) AS s"
    )
    wanted = " OR ".join(
        f"r.rn = (r.n - 1) * {num} / {den} + 1 OR r.rn = (r.n - 1) * {num} / {den} + 2"
        for num, den in QUANTILES.values()
    )
    return (
        f"{ticket_facts_sql(q, settings, building)} SELECT r.metric, r.kind, r.severity, r.rn, r.n, r.v "
        f"FROM ({ranked}) AS r WHERE {wanted} ORDER BY r.metric, r.kind, r.severity, r.rn"
    )


def overdue_sql(building: str | None, *, count: bool) -> str:
    """Tickets opened in the month, still open and past a target now: how many, or the first :limit by due time."""
    where = f"{_month_tickets(building)} AND t.is_open = TRUE AND t.due_at < :now"
    if count:
        return f"SELECT count(*) FROM ticket AS t WHERE {where}"
    return (
        "SELECT t.number, t.kind, t.severity, t.status, t.unit_text, t.department, t.created_at, t.due_at "
        f"FROM ticket AS t WHERE {where} ORDER BY t.due_at, t.id LIMIT :limit"
    )


def recurring_sql(q: Sql, building: str | None) -> str:
    """Recurring problems: units (≥ :unit_min calls of one category), risers and buildings (≥ :riser_min /
    :building_min calls from at least two units), each with its first :listed calls (oldest first) and the ticket
    each call is on, if any."""
    cols = (
        "c.id AS id, COALESCE(c.original_id, c.id) AS root_id, c.called_at AS called_at, c.category AS category, "
        "c.unit_key AS unit_key, c.unit_text AS unit_text, c.caller AS caller, c.content AS content, "
        f"{q.riser('c.unit_key')} AS riser, {q.building('c.unit_key')} AS building"
    )
    groups = (
        "SELECT 'unit' AS level, unit_key AS k, category, count(*) AS n, 1 AS units FROM m "
        "GROUP BY unit_key, category HAVING count(*) >= :unit_min "
        "UNION ALL SELECT 'riser', riser, category, count(*), count(DISTINCT unit_key) FROM m WHERE riser IS NOT NULL "
        "GROUP BY riser, category HAVING count(*) >= :riser_min AND count(DISTINCT unit_key) >= 2 "
        "UNION ALL SELECT 'building', building, category, count(*), count(DISTINCT unit_key) FROM m "
        "WHERE building IS NOT NULL GROUP BY building, category "
        "HAVING count(*) >= :building_min AND count(DISTINCT unit_key) >= 2"
    )
    joined = " UNION ALL ".join(
        f"SELECT g.level, g.k, g.category, g.n, g.units, m.id, m.root_id, m.called_at, m.unit_text, m.caller, "
        f"m.content FROM g JOIN m ON m.{col} = g.k AND m.category = g.category WHERE g.level = '{level}'"
        for level, col in (("unit", "unit_key"), ("riser", "riser"), ("building", "building"))
    )
    ranked = (
        "SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.level, x.k, x.category ORDER BY x.called_at, x.id) AS rn "
        f"FROM ({joined}) AS x"
    )
    ticket = (
        "(SELECT MIN(t.number) FROM ticketcall AS tc JOIN ticket AS t ON t.id = tc.ticket_id "
        "WHERE tc.site_id = :site AND tc.call_id = r.root_id)"
    )
    return (
        f"WITH m AS MATERIALIZED ({_current_calls(q, building, cols, placed=True)}), g AS MATERIALIZED ({groups}) "
        f"SELECT r.level, r.k, r.category, r.n, r.units, r.id, r.called_at, r.unit_text, r.caller, r.content, "
        f"{ticket} AS ticket FROM ({ranked}) AS r WHERE r.rn <= :listed "
        "ORDER BY CASE r.level WHEN 'unit' THEN 0 WHEN 'riser' THEN 1 ELSE 2 END, r.n DESC, r.k, r.category, r.rn"
    )


def handovers_sql() -> str:
    """The month's handovers (by duty date): shift, the shift taking over, when the relief first joined, whether
    signed."""
    signed = (
        "EXISTS (SELECT 1 FROM dutylog AS d WHERE d.site_id = h.site_id "
        "AND d.ref_key = 'handover:' || CAST(h.id AS TEXT))"
    )
    arrived = "(SELECT MIN(r.recorded_at) FROM handover_record AS r WHERE r.handover_id = h.id AND r.step = 'arrive')"
    return (
        f"SELECT h.id, h.duty_date, h.shift_key, h.next_date, h.next_shift_key, h.outgoing_name, {arrived} AS arrived_at, "
        f"{signed} AS signed FROM handover AS h WHERE h.site_id = :site AND h.duty_date >= :first AND h.duty_date <= :last "
        "ORDER BY h.duty_date, h.started_at, h.id"
    )


def counts_sql() -> str:
    """The latest equipment count of each item in each of the month's handovers (the latest record wins)."""
    latest = (
        "SELECT MAX(r.id) FROM handover_record AS r JOIN handover AS h ON h.id = r.handover_id "
        "WHERE h.site_id = :site AND h.duty_date >= :first AND h.duty_date <= :last AND r.step = 'count' "
        "GROUP BY r.handover_id, r.item"
    )
    return (
        "SELECT r.handover_id, r.item, r.value, r.operator_name FROM handover_record AS r "
        f"WHERE r.id IN ({latest}) ORDER BY r.handover_id, r.item"
    )


def all_statements(q: Sql, settings: Settings, building: str | None) -> Sequence[tuple[str, str]]:
    """(name, SQL) of every statement a report runs, for the benchmark's raw side."""
    return (
        ("calls", calls_sql(q, building)),
        ("tickets", tickets_sql(q, building)),
        ("compliance", compliance_sql(q, settings, building)),
        ("percentiles", percentile_sql(q, settings, building)),
        ("overdue_count", overdue_sql(building, count=True)),
        ("overdue", overdue_sql(building, count=False)),
        ("recurring", recurring_sql(q, building)),
        ("handovers", handovers_sql()),
        ("counts", counts_sql()),
    )
