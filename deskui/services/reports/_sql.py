"""The monthly report's SQL: every figure is a GROUP BY in the database, on SQLite and PostgreSQL.

Kept apart from the service (reports._monthly) so bench/reports.py can run exactly these statements through plain
sqlite3 and compare. Statements are plain text with named `:param` placeholders (psycopg: `search.pyformat`). What
differs between the two databases is in `Sql`:
- times: SQLite stores UTC text ("2026-10-31 15:30:00.000000"); seconds since the epoch and the local "milliseconds
  into the month" (whose day and hour are the local day of month and hour of day) come from julianday(), several
  times faster than strftime(), with the offset change of each daylight-saving stretch of the month added
  (`offsets`), so the hour and the day are the site's even where the zone changes its clock. PostgreSQL uses
  EXTRACT(EPOCH …) and AT TIME ZONE;
- JSON fields of ticket events: json_extract / ->>;
- the building and riser of a unit key ("3-2-1201": building 3, riser "3-2-*01", the same room position on every
  floor of one entrance, the pipes that leak into each other): rtrim/substr on SQLite, regexp on PostgreSQL.

Targets follow services.tickets._targets (the single definition of what each target is), restated in SQL so 30,000
tickets need no replay in Python; tests/unit/test_reports.py checks the two agree ticket by ticket. Day targets
add whole days of 86,400 s: in a zone with daylight saving (not Asia/Shanghai) a target that spans the change is
an hour off, where services.tickets._targets keeps the wall-clock time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.services.tickets import CALLBACK_OUTCOMES, PREFIXES

TICKET_PREFIXES = tuple(dict.fromkeys(PREFIXES.values()))

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
SATISFACTION = (1, 2, 3, 4, 5)
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
        """Whole seconds since 1970 of a stored time (NULL stays NULL). julianday() parses the text several times
        faster than strftime('%s'); rounding to the second absorbs its floating-point error."""
        if self.pg:
            return f"CAST(FLOOR(EXTRACT(EPOCH FROM {col})) AS BIGINT)"
        return f"CAST(round((julianday({col}) - 2440587.5) * 86400) AS INTEGER)"

    def month_ms(self, col: str) -> str:
        """Milliseconds from the local start of the month to a stored time, in local wall-clock terms
        (each daylight-saving stretch adds its offset change), from one julianday() per row on SQLite."""
        if self.pg:
            return (
                f"CAST(FLOOR(EXTRACT(EPOCH FROM (({col}) AT TIME ZONE :tz) - CAST(:local_start AS timestamp)) * 1000) "
                "AS BIGINT)"
            )
        start_jd = self.start.timestamp() / 86_400 + 2_440_587.5
        spans = offsets(self.tz, self.start, self.end)
        shift = ""
        if len(spans) > 1:
            base = spans[0][1]
            parts = [
                f"WHEN {col} < {_quote(sqlite_time(spans[i + 1][0]))} THEN {(spans[i][1] - base) * 60_000}"
                for i in range(len(spans) - 1)
            ]
            shift = f" + CASE {' '.join(parts)} ELSE {(spans[-1][1] - base) * 60_000} END"
        return f"(CAST(round((julianday({col}) - {start_jd!r}) * 86400000) AS INTEGER){shift})"

    @staticmethod
    def day_of(ms: str) -> str:
        """The local day of month (1-31) of a `month_ms` value."""
        return f"({ms} / 86400000 + 1)"

    def no_index(self, col: str) -> str:
        """`col` in a comparison SQLite must not drive from an index (unary +): it has no statistics and would
        otherwise pick the time index over the unit one. PostgreSQL plans from its own statistics."""
        return col if self.pg else f"+{col}"

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
        # A room of 3, 4 or 5 digits after the last dash (GLOB is far cheaper than cutting the key apart).
        whens = " ".join(
            f"WHEN {key} GLOB '*-{'[0-9]' * n}' THEN substr({key}, 1, length({key}) - {n}) || '*' || substr({key}, -2)"
            for n in (3, 4, 5)
        )
        return f"CASE WHEN {key} LIKE 'public:%' THEN NULL {whens} END"

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
            out["local_start"] = self.start.astimezone(self.tz).replace(tzinfo=None).isoformat(" ")
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
    """(dimension, key, key2, key3, n): per (channel, category, shift) in one sorted pass over the month's calls,
    and per local hour of the month (day × 24 + hour) from the time index alone; the service adds up the channel,
    category, shift, hour-of-day and day-of-month counts from these few hundred rows."""
    kinds = _current_calls(q, building, "c.channel AS channel, c.category AS category, c.shift_key AS shift_key")
    hours = _current_calls(q, building, f"{q.month_ms('c.called_at')} / 3600000 AS hm")
    return (
        f"SELECT 'kind' AS dim, channel, category, shift_key, count(*) AS n FROM ({kinds}) AS m "
        "GROUP BY channel, category, shift_key "
        f"UNION ALL SELECT 'hour', CAST(hm AS TEXT), '', '', count(*) FROM ({hours}) AS h GROUP BY hm"
    )


def _month_tickets(building: str | None) -> str:
    return "t.site_id = :site AND t.created_at >= :start AND t.created_at < :end" + _building_filter(
        "t.unit_key", building
    )


def _month_ticket_rows(q: Sql, columns: str, building: str | None) -> str:
    """SELECT `columns` of the tickets opened in the month. A ticket's number carries its local opening date
    (WX-20261005-0007) and (site_id, number) is indexed, so each kind's month is one index range, a day wider on
    each side (the created_at test is the exact one): no scan of every ticket the site ever had."""
    local_first = q.start.astimezone(q.tz).date() - timedelta(days=1)
    local_after = q.end.astimezone(q.tz).date() + timedelta(days=1)
    parts = [
        f"SELECT {columns} FROM ticket AS t WHERE t.site_id = :site "
        f"AND t.number >= {_quote(f'{prefix}-{local_first:%Y%m%d}')} "
        f"AND t.number < {_quote(f'{prefix}-{local_after:%Y%m%d}')} AND {_month_tickets(building)}"
        for prefix in TICKET_PREFIXES
    ]
    return " UNION ALL ".join(parts)


def tickets_sql(q: Sql, building: str | None) -> str:
    """(dimension, key, n) for tickets opened in the month: kind, department, complaint severity, local day."""
    cols = (
        "t.kind AS kind, t.department AS department, t.severity AS severity, "
        f"{q.day_of(q.month_ms('t.created_at'))} AS day"
    )
    parts = [
        "SELECT 'kind' AS dim, kind AS k, count(*) AS n FROM m GROUP BY kind",
        "SELECT 'department', department, count(*) FROM m GROUP BY department",
        "SELECT 'severity', severity, count(*) FROM m WHERE kind = 'complaint' GROUP BY severity",
        "SELECT 'day', CAST(day AS TEXT), count(*) FROM m GROUP BY day",
    ]
    return f"WITH m AS MATERIALIZED ({_month_ticket_rows(q, cols, building)}) " + " UNION ALL ".join(parts)


def _state(due: str, met: str, ended: str, paused: str | None) -> str:
    """services.tickets._targets.verdict of one target, as SQL on epoch seconds (NULL: no such target): met at or before
    the due time is on_time, met after it late (targets.LATE), never met and past due overdue. The callbacks'
    on-time count below makes the same comparison; tests/unit/test_targets_callback_late.py holds them together."""
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
    """The CTE chain ending in `g`: one row per ticket opened in the month with the state of its answer and
    resolution targets, the seconds to first response and to resolution, and its callbacks.

    `mt` the month's tickets → `ev` their events folded per ticket (walked in ticket order through the
    (ticket_id, seq) index, so grouping needs no sort) → `f` both, with when the severity was set → `d` the due
    times → `g` the states. Each is MATERIALIZED so an expression is computed once per ticket, not once per use.

    Which targets (services.tickets._targets): the answer target is the reply for a help request or a written inquiry, the
    clear answer for a major complaint, the supervisor told for an important one, the follow-up for minor complaints
    and repairs; the resolution target is a complaint's. Paid services and spoken inquiries have neither."""
    tg = settings.target
    day = 86_400
    sev = f"COALESCE({q.json_text('e.data', 'severity')}, '')"
    informed = q.json_text("e.data", "informed")
    outcome = q.json_text("e.data", "outcome")
    responses = ", ".join(_quote(k) for k in RESPONSE_EVENTS)
    mt = _month_ticket_rows(q, "t.id AS id", building)
    firsts = (
        ("response_s", f"e.kind IN ({responses})"),
        ("replied_s", "e.kind = 'replied'"),
        ("first_done_s", "e.status IN ('done', 'closed') AND e.kind <> 'created'"),
        ("followed_s", "e.kind = 'followed_up'"),
        ("supervisor_s", f"e.kind IN ('informed', 'escalated') AND {informed} IN ('supervisor', 'manager')"),
    )
    ev = (
        "SELECT e.ticket_id AS ticket_id, "
        + ", ".join(f"{_first(q, cond)} AS {name}" for name, cond in firsts)
        + f", MAX(CASE WHEN e.kind = 'escalated' AND {sev} <> '' THEN 1 ELSE 0 END) AS reclassified, "
        + ", ".join(
            f"SUM(CASE WHEN e.kind = 'callback' AND {outcome} = '{o}' THEN 1 ELSE 0 END) AS cb_{o}"
            for o in CALLBACK_OUTCOMES
        )
        + " FROM ticketevent AS e WHERE e.ticket_id IN (SELECT id FROM mt) GROUP BY e.ticket_id"
    )

    def sev_of(alias: str) -> str:
        return f"COALESCE({q.json_text(alias + '.data', 'severity')}, '')"

    # A complaint's severity targets run from when its current severity was set: created with it and never changed
    # (an escalation to the severity it already has changes nothing), or the first escalation to it after the last
    # event that gave it another one.
    since = (
        "CASE WHEN ev.reclassified = 0 THEN NULL ELSE ("
        f"SELECT {q.epoch('MIN(e2.at)')} FROM ticketevent AS e2 WHERE e2.ticket_id = t.id "
        f"AND e2.kind IN ('created', 'escalated') AND {sev_of('e2')} = t.severity AND e2.seq > COALESCE(("
        "SELECT MAX(e3.seq) FROM ticketevent AS e3 WHERE e3.ticket_id = t.id "
        f"AND e3.kind IN ('created', 'escalated') AND {sev_of('e3')} <> '' AND {sev_of('e3')} <> t.severity), 0)"
        ") END"
    )
    # The callback target is met by the first callback that reached the resident after the standing completion.
    callback = (
        "CASE WHEN ev.cb_reached = 0 OR t.done_at IS NULL THEN NULL ELSE ("
        f"SELECT {q.epoch('MIN(e4.at)')} FROM ticketevent AS e4 WHERE e4.ticket_id = t.id AND e4.kind = 'callback' "
        f"AND {q.json_text('e4.data', 'outcome')} = 'reached' AND e4.at >= t.done_at) END"
    )
    created = q.epoch("t.created_at")
    # ev drives (one row per ticket, in ticket order); each ticket is then one primary-key look-up.
    f = (
        "SELECT t.id AS id, t.kind AS kind, t.severity AS severity, "
        "CASE WHEN t.written = TRUE THEN 1 ELSE 0 END AS written, t.status AS status, t.satisfaction AS satisfaction, "
        f"t.callback_result AS callback_result, {created} AS created_s, "
        f"CASE WHEN t.status IN ('cancelled', 'merged') THEN NULL ELSE {q.epoch('t.done_at')} END AS done_s, "
        f"CASE WHEN t.status IN ('closed', 'cancelled', 'merged') THEN {q.epoch('t.closed_at')} END AS ended_s, "
        "t.paused_seconds AS paused_s, CASE WHEN t.paused_since IS NOT NULL THEN 1 ELSE 0 END AS paused_now, "
        f"{q.epoch('t.resident_deadline')} AS deadline_s, {q.epoch('t.callback_due_at')} AS callback_due_s, "
        + ", ".join(f"ev.{name} AS {name}" for name, _ in firsts)
        + ", "
        + ", ".join(f"ev.cb_{o} AS cb_{o}" for o in CALLBACK_OUTCOMES)
        + f", COALESCE({since}, {created}) AS since_s, {callback} AS callback_s "
        "FROM ev CROSS JOIN ticket AS t WHERE t.id = ev.ticket_id"
    )
    answer_due = (
        "CASE "
        f"WHEN f.kind = 'help' THEN f.created_s + {int(tg('help_request_reply_minutes') * 60)} "
        f"WHEN f.kind = 'inquiry' AND f.written = 1 THEN f.created_s + {int(tg('written_inquiry_reply_days') * day)} "
        "WHEN f.kind = 'complaint' AND f.severity = 'major' "
        f"THEN f.since_s + {int(tg('major_complaint_answer_days') * day)} "
        "WHEN f.kind = 'complaint' AND f.severity = 'important' "
        f"THEN f.since_s + {int(tg('important_complaint_supervisor_minutes') * 60)} "
        f"WHEN f.kind IN ('complaint', 'repair', 'service') THEN f.created_s + {int(tg('follow_up_days') * day)} "
        "END"
    )
    # services.tickets._targets: a reply is met by the reply, or failing that the first completion; so is the follow-up.
    # A major complaint's clear answer only by the reply (issue 14).
    answer_met = (
        "CASE WHEN f.kind = 'complaint' AND f.severity = 'important' THEN f.supervisor_s "
        "WHEN f.kind = 'complaint' AND f.severity = 'major' THEN f.replied_s "
        "WHEN f.kind IN ('help', 'inquiry') "
        "THEN COALESCE(f.replied_s, f.first_done_s) ELSE COALESCE(f.followed_s, f.first_done_s) END"
    )
    resolve_due = (
        "CASE WHEN f.kind <> 'complaint' THEN NULL "
        f"WHEN f.severity = 'major' THEN f.since_s + {int(tg('major_complaint_resolve_days') * day)} + f.paused_s "
        "WHEN f.severity = 'important' "
        f"THEN f.since_s + {int(tg('important_complaint_resolve_days') * day)} + f.paused_s "
        "WHEN f.deadline_s IS NOT NULL THEN f.deadline_s + f.paused_s "
        f"ELSE f.since_s + {int(tg('minor_complaint_resolve_days') * day)} + f.paused_s END"
    )
    d = f"SELECT f.*, {answer_due} AS answer_due_s, {answer_met} AS answer_met_s, {resolve_due} AS resolve_due_s FROM f"
    g = (
        f"SELECT d.*, {_state('d.answer_due_s', 'd.answer_met_s', 'd.ended_s', None)} AS answer_state, "
        f"{_state('d.resolve_due_s', 'd.done_s', 'd.ended_s', 'd.paused_now')} AS resolve_state, "
        "d.response_s - d.created_s AS response_secs, "
        "CASE WHEN d.status IN ('done', 'closed') THEN d.done_s - d.created_s END AS resolution_secs FROM d"
    )
    ctes = (("mt", mt), ("ev", ev), ("f", f), ("d", d), ("g", g))
    return "WITH " + ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in ctes)


def _aggregates() -> list[tuple[str, str]]:
    """(column, expression over g) of the per-(kind, severity) figures."""
    out = [("tickets", "count(*)")]
    for name in ("answer", "resolve"):
        for state in TARGET_STATES:
            out.append((f"{name}_{state}", f"SUM(CASE WHEN g.{name}_state = '{state}' THEN 1 ELSE 0 END)"))
    # A paid service is a repair that is paid (issue 14, services.tickets._repairs): the same callback rule.
    needs = "g.kind IN ('repair', 'complaint', 'service') AND g.done_s IS NOT NULL"
    out += [
        ("callback_needed", f"SUM(CASE WHEN {needs} THEN 1 ELSE 0 END)"),
        ("callback_done", f"SUM(CASE WHEN {needs} AND g.callback_s IS NOT NULL THEN 1 ELSE 0 END)"),
        (
            "callback_on_time",
            f"SUM(CASE WHEN {needs} AND g.callback_s IS NOT NULL AND g.callback_s <= g.callback_due_s "
            "THEN 1 ELSE 0 END)",
        ),
        *((f"attempts_{o}", f"SUM(g.cb_{o})") for o in CALLBACK_OUTCOMES),
        *(
            (f"sat_{n}", f"SUM(CASE WHEN g.callback_result = 'reached' AND g.satisfaction = {n} THEN 1 ELSE 0 END)")
            for n in SATISFACTION
        ),
    ]
    return out


AGGREGATE_COLUMNS = tuple(name for name, _ in _aggregates())


def targets_sql(q: Sql, settings: Settings, building: str | None) -> str:
    """Targets and callbacks in one pass over the month's tickets. Rows of two parts, one column layout:
    - part 'agg', per (kind, severity): tickets, each state of the answer and resolution targets, callbacks needed,
      reached and on time, attempts by outcome, satisfaction 1-5 (AGGREGATE_COLUMNS; the two seconds NULL);
    - part 'secs', per ticket with a first response or a resolution: its kind, severity, seconds to first response
      and to resolution (the aggregates NULL). The service sorts these two numbers per group for the median and
      the 90th percentile: a window-function pass over them cost SQLite five times what fetching them does.
    """
    aggs = _aggregates()
    agg = (
        "SELECT 'agg' AS part, g.kind AS kind, g.severity AS severity, NULL AS response_secs, "
        "NULL AS resolution_secs, "
        + ", ".join(f"{expr} AS {name}" for name, expr in aggs)
        + " FROM g GROUP BY g.kind, g.severity"
    )
    secs = (
        "SELECT 'secs', g.kind, g.severity, g.response_secs, g.resolution_secs, "
        + ", ".join("NULL" for _ in aggs)
        + " FROM g WHERE g.response_secs IS NOT NULL OR g.resolution_secs IS NOT NULL"
    )
    return f"{ticket_facts_sql(q, settings, building)} {agg} UNION ALL {secs}"


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
    """Recurring problems: a unit with ≥ :unit_min calls of one category in the month, a riser or a building with
    ≥ :riser_min / :building_min from at least two units; the :limit biggest of each level, each with its first
    :listed calls (oldest first) and the ticket each call is on, if any.

    `u` counts the month's calls per (unit, category) in one sorted pass; `keys` works out each distinct unit's
    riser and building once; risers and buildings are sums over `u`. The listed calls are then looked up per
    member unit that has calls of the category (from `u`) through the (site_id, unit_key, id) index, the id kept between the month's first and last call
    id (`span`: exact, since those bound every call of the month), and joined back to `call` by primary key."""
    month = "c.site_id = :site AND c.called_at >= :start AND c.called_at < :end"
    span = f'SELECT MIN(c.id) AS lo, MAX(c.id) AS hi FROM "call" AS c WHERE {month}'
    u = (
        "SELECT unit_key, category, count(*) AS n, MIN(called_at) AS first_at FROM ("
        + _current_calls(
            q, building, "c.unit_key AS unit_key, c.category AS category, c.called_at AS called_at", placed=True
        )
        + ") AS c0 GROUP BY unit_key, category"
    )
    keys = (
        f"SELECT unit_key, {q.riser('unit_key')} AS riser, {q.building('unit_key')} AS building "
        "FROM (SELECT DISTINCT unit_key FROM u) AS k0"
    )
    u3 = (
        "SELECT u.unit_key, u.category, u.n, u.first_at, keys.riser, keys.building FROM u "
        "JOIN keys ON keys.unit_key = u.unit_key"
    )
    groups = (
        "SELECT 'unit' AS level, unit_key AS k, category, n, 1 AS units FROM u3 WHERE n >= :unit_min "
        "UNION ALL SELECT 'riser', riser, category, SUM(n), count(*) FROM u3 WHERE riser IS NOT NULL "
        "GROUP BY riser, category HAVING SUM(n) >= :riser_min AND count(*) >= 2 "
        "UNION ALL SELECT 'building', building, category, SUM(n), count(*) FROM u3 WHERE building IS NOT NULL "
        "GROUP BY building, category HAVING SUM(n) >= :building_min AND count(*) >= 2"
    )
    top = (
        "SELECT level, k, category, n, units FROM (SELECT g.*, ROW_NUMBER() OVER (PARTITION BY level "
        "ORDER BY n DESC, k, category) AS pos FROM g) AS ranked WHERE pos <= :limit"
    )
    # The first :listed calls of a riser or a building come from the :listed units whose first call of that
    # category came earliest (each of those units has a call at least as early), ties included: only they are
    # looked up, however many units the building has.
    members = "SELECT level, k, category, n, units, k AS unit_key FROM top WHERE level = 'unit' " + "".join(
        f"UNION ALL SELECT level, k, category, n, units, unit_key FROM (SELECT top.level, top.k, top.category, "
        "top.n, top.units, u3.unit_key, RANK() OVER (PARTITION BY top.k, top.category ORDER BY u3.first_at) AS pos "
        f"FROM u3 CROSS JOIN top WHERE top.k = u3.{level} AND top.category = u3.category AND top.level = '{level}') "
        "AS p "
        "WHERE pos <= :listed "
        for level in ("riser", "building")
    )
    calls = (
        "SELECT mb.level, mb.k, mb.category, mb.n, mb.units, c.id AS id, "
        "ROW_NUMBER() OVER (PARTITION BY mb.level, mb.k, mb.category ORDER BY c.called_at, c.id) AS rn "
        'FROM mb CROSS JOIN span CROSS JOIN "call" AS c WHERE c.site_id = :site AND c.unit_key = mb.unit_key '
        f"AND c.id >= span.lo AND c.id <= span.hi AND c.category = mb.category "
        f"AND {q.no_index('c.called_at')} >= :start AND {q.no_index('c.called_at')} < :end "
        'AND NOT EXISTS (SELECT 1 FROM "call" AS n WHERE n.amends_id = c.id)'
    )
    ticket = (
        "(SELECT MIN(t.number) FROM ticketcall AS tc JOIN ticket AS t ON t.id = tc.ticket_id "
        "WHERE tc.site_id = :site AND tc.call_id = COALESCE(c.original_id, c.id))"
    )
    ctes = (
        ("span", span),
        ("u", u),
        ("keys", keys),
        ("u3", u3),
        ("g", groups),
        ("top", top),
        ("mb", members),
        ("r", calls),
    )
    return (
        "WITH "
        + ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in ctes)
        + " SELECT r.level, r.k, r.category, r.n, r.units, c.id, c.called_at, c.unit_text, c.caller, c.content, "
        f'{ticket} AS ticket FROM r CROSS JOIN "call" AS c WHERE c.id = r.id AND r.rn <= :listed '
        "ORDER BY CASE r.level WHEN 'riser' THEN 0 WHEN 'building' THEN 1 ELSE 2 END, r.n DESC, r.k, r.category, r.rn"
    )


def handovers_sql() -> str:
    """The month's handovers (by duty date): shift, the shift taking over, when the relief first joined, whether
    signed."""
    signed = (
        "EXISTS (SELECT 1 FROM dutylog AS d WHERE d.site_id = h.site_id "
        "AND d.ref_key = 'handover:' || CAST(h.id AS TEXT))"
    )
    arrived = "(SELECT MIN(r.recorded_at) FROM handover_record AS r WHERE r.handover_id = h.id AND r.step = 'arrive')"
    # Who took over (the latest "arrive" record: a wrong person recorded first is replaced), as its JSON value.
    relief = (
        "(SELECT r.value FROM handover_record AS r WHERE r.handover_id = h.id AND r.step = 'arrive' "
        "ORDER BY r.id DESC LIMIT 1)"
    )
    return (
        f"SELECT h.id, h.duty_date, h.shift_key, h.next_date, h.next_shift_key, h.outgoing_name, {arrived} AS arrived_at, "
        f"{relief} AS relief, "
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
        ("targets", targets_sql(q, settings, building)),
        ("overdue_count", overdue_sql(building, count=True)),
        ("overdue", overdue_sql(building, count=False)),
        ("recurring", recurring_sql(q, building)),
        ("handovers", handovers_sql()),
        ("counts", counts_sql()),
    )
