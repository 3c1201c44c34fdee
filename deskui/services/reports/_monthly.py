"""The monthly report (DOMAIN.md "Reports"; 004 1▲D, 002 走回访(5), 002 制度 七): calls, tickets, targets,
callbacks, recurring problems, handover quality and the registers' counts (reports._registers: visitors, parcels,
passes, patrol rounds, renovations, key loans; issue 13) for one month, optionally one building.

Every figure is counted by the database (reports._sql): a month of 100,000 calls and 30,000 tickets
reports in well under two seconds (bench/reports.py), and only aggregates, the rows around each percentile and the
short lists leave it. The month is the site's calendar month: a call at 2026-10-31 23:30 +08:00 (15:30 UTC) is
October's, one at 2026-11-01 00:30 +08:00 (2026-10-31 16:30 UTC) November's. Choices the issue left open:
- a ticket belongs to the month it was opened in; its targets and callback are judged as of now (`generated_at`),
  so a late callback made in the next month still counts for the month the ticket came from;
- a target's share is on time / (on time + late + overdue); targets still running (or paused) are "pending" and
  not judged; a target dropped because the ticket was cancelled or merged before it fell due is not counted;
- first response: the ticket's first event that shows someone acting on it (dispatch, reply, status change, …);
  resolution: its standing completion (a reopened ticket is not resolved until done again);
- callbacks needed: repairs and complaints that are done or closed; done: reached the resident after the last
  completion; the rate's target is settings targets.callback_rate_target;
- a building is the first part of a numbered unit key ("3-2-1201" → 3); public places belong to none; the
  building filter does not apply to handovers, which are the whole desk's;
- days without a supervisor's signature count the days of the month that are over, from the day the site was set
  up (nobody reviews a duty log that did not exist yet).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlmodel import col

from deskui.models import Site
from deskui.services.common.search import pyformat
from deskui.services.context import ContextService, DeskContext
from deskui.services.handover import ReviewService, RosterService, relief_due, slot_of
from deskui.services.reports import _sql as rs
from deskui.services.reports._figures import (
    CallbackFigures,
    CallFigures,
    ComplianceRow,
    Count,
    CountDiscrepancy,
    HandoverFigures,
    LateRelief,
    MonthlyReport,
    OverdueTicket,
    Quantiles,
    RecurringCall,
    RecurringProblem,
    TargetFigures,
    TargetTally,
    TicketFigures,
)
from deskui.services.reports._registers import register_counts
from deskui.services.reports._scope import month_bounds, normalize_building, shift_month
from deskui.services.tickets import CALLBACK_OUTCOMES, KINDS, SEVERITIES

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.registers import PatrolRegister


def _ordered(counts: Mapping[str, int], keys: Iterable[str]) -> tuple[Count, ...]:
    """The configured keys in their order (zeros kept), then any other key found, by count."""
    order = list(dict.fromkeys(keys))
    extra = sorted((k for k in counts if k not in order), key=lambda k: (-counts[k], k))
    return tuple(Count(k, int(counts.get(k, 0))) for k in [*order, *extra])


def _aware(value: Any) -> datetime:
    """A stored time as aware UTC: SQLite gives text, PostgreSQL a datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def quantile(values: Mapping[int, float], n: int, num: int, den: int) -> float | None:
    """The num/den quantile of n sorted values given by 1-based rank, linearly interpolated (PERCENTILE.INC)."""
    if n <= 0:
        return None
    lo, rest = divmod((n - 1) * num, den)
    low = float(values[lo + 1])
    if rest == 0:
        return low
    return low + (float(values[lo + 2]) - low) * rest / den


# --- the service ------------------------------------------------------------------------------------------------


class ReportService(ContextService):
    """Builds a MonthlyReport; read-only, one read transaction per report so every figure sees the same data."""

    def __init__(
        self,
        ctx: DeskContext,
        *,
        review: ReviewService,
        roster: RosterService,
        patrols: PatrolRegister | None = None,
    ) -> None:
        super().__init__(ctx)
        self.review = review
        self.roster = roster
        self.patrols = patrols  # the schedule's missed rounds for the registers' figures (None: not counted)

    @classmethod
    def of(cls, services: Services) -> ReportService:
        """The report service over an open Services (the screen and the CLI build it on demand: reports sit above
        the container, which therefore cannot build it)."""
        return cls(services.ctx, review=services.review, roster=services.roster, patrols=services.patrols)

    def default_month(self) -> str:
        """Last month, in the site's zone: the one a supervisor reviews."""
        today = self.clock.now().astimezone(self.tz).date()
        return shift_month(f"{today.year:04d}-{today.month:02d}", -1)

    def buildings(self) -> list[str]:
        """The directory's building codes, in natural order ("2" before "10")."""
        from deskui.models import Building

        with self.db.read() as s:
            codes = list(s.execute(select(col(Building.code)).where(col(Building.site_id) == self.site_id)).scalars())
        return sorted(codes, key=lambda c: (len(c), c))

    def monthly(self, month: str | None = None, building: str | None = None) -> MonthlyReport:
        """The report of `month` ("YYYY-MM", default last month) for the site or one building."""
        month = month or self.default_month()
        first, last, start, end = month_bounds(self.settings, month)
        code = normalize_building(building)
        now = self.clock.now()
        q = rs.Sql(self.db.backend, self.tz, start, end)
        params = q.params(self.site_id, code, now)
        limits = self.settings.reports
        recurring_params = {
            **params,
            "unit_min": limits.recurring_unit_calls,
            "riser_min": limits.recurring_riser_calls,
            "building_min": limits.recurring_building_calls,
            "listed": limits.recurring_calls_listed,
            "limit": limits.list_limit,
        }
        # The recurring problems are the other heavy half: a second connection works them out on the other core
        # while this one counts the rest (SQLite releases the GIL while it runs a statement). Two read
        # transactions begun a moment apart; a call saved in between may show in one half only.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as pool:
            recurring_rows = pool.submit(self._read, rs.recurring_sql(q, code), recurring_params)
            with self.db.read() as s:

                def run(sql: str, extra: Mapping[str, object] | None = None) -> list[Any]:
                    return list(s.execute(text(sql), {**params, **(extra or {})}).all())

                calls = self._calls(run(rs.calls_sql(q, code)), first, last)
                tickets = self._tickets(run(rs.tickets_sql(q, code)), first, last)
                # 30,000 rows of plain numbers: straight from the driver, without SQLAlchemy's row objects.
                targets_sql = rs.targets_sql(q, self.settings, code)
                compliance = (
                    s.connection().exec_driver_sql(pyformat(targets_sql) if q.pg else targets_sql, params).fetchall()
                )
                overdue_n = int(run(rs.overdue_sql(code, count=True))[0][0])
                overdue = run(rs.overdue_sql(code, count=False), {"limit": limits.list_limit})
                span = (
                    {"first": first, "last": last} if q.pg else {"first": first.isoformat(), "last": last.isoformat()}
                )
                handovers = run(rs.handovers_sql(), span)
                counts = run(rs.counts_sql(), span)
                site_start = s.execute(select(col(Site.created_at)).where(col(Site.id) == self.site_id)).scalar()
                registers = register_counts(s, self.site_id, start, end, now, code, self._missed_rounds(now))
            recurring = recurring_rows.result()
        targets, callbacks = self._targets(compliance, overdue_n, overdue, now)
        return MonthlyReport(
            month=f"{first.year:04d}-{first.month:02d}",
            building=code,
            time_zone=self.settings.time_zone,
            first_day=first,
            last_day=last,
            start=start,
            end=end,
            generated_at=now,
            calls=calls,
            tickets=tickets,
            targets=targets,
            callbacks=callbacks,
            recurring=self._recurring(recurring),
            handover=self._handover(handovers, counts, first, last, site_start, now),
            thresholds={
                "recurring_unit_calls": limits.recurring_unit_calls,
                "recurring_riser_calls": limits.recurring_riser_calls,
                "recurring_building_calls": limits.recurring_building_calls,
            },
            registers=registers,
        )

    def _missed_rounds(self, now: datetime) -> Callable[[datetime, datetime], int] | None:
        patrols = self.patrols
        if patrols is None:
            return None
        return lambda since, until: len(patrols.missed(since, until, now=now))

    def _read(self, sql: str, params: Mapping[str, object]) -> list[Any]:
        """One statement in a read transaction of its own (the recurring problems' thread)."""
        with self.db.read() as s:
            return list(s.execute(text(sql), dict(params)).all())

    # --- shaping the rows -------------------------------------------------------------------------------------

    @staticmethod
    def _dims(rows: Sequence[Any]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for dim, key, n in rows:
            out.setdefault(dim, {})[str(key if key is not None else "")] = int(n)
        return out

    @staticmethod
    def _per_day(counts: Mapping[str, int], first: date, last: date) -> tuple[int, ...]:
        return tuple(counts.get(str(d), 0) for d in range(1, (last - first).days + 2))

    def _calls(self, rows: Sequence[Any], first: date, last: date) -> CallFigures:
        channel: dict[str, int] = {}
        category: dict[str, int] = {}
        shift: dict[str, int] = {}
        hours = [0] * 24
        days = [0] * ((last - first).days + 1)
        for dim, a, b, c, n in rows:
            if dim == "kind":
                channel[a] = channel.get(a, 0) + int(n)
                category[b] = category.get(b, 0) + int(n)
                shift[c] = shift.get(c, 0) + int(n)
            else:  # hour of the month, local: day × 24 + hour
                day, hour = divmod(int(a), 24)
                hours[hour] += int(n)
                if 0 <= day < len(days):
                    days[day] += int(n)
        shifts = [x.key for x in self.settings.shifts.shifts if not x.cover]
        return CallFigures(
            total=sum(channel.values()),
            by_channel=_ordered(channel, [c.key for c in self.settings.channels]),
            by_category=_ordered(category, [c.key for c in self.settings.categories]),
            by_shift=_ordered(shift, shifts),
            by_hour=tuple(hours),
            by_day=tuple(days),
        )

    def _tickets(self, rows: Sequence[Any], first: date, last: date) -> TicketFigures:
        d = self._dims(rows)
        return TicketFigures(
            total=sum(d.get("kind", {}).values()),
            by_kind=_ordered(d.get("kind", {}), KINDS),
            by_department=_ordered(d.get("department", {}), [x.key for x in self.settings.departments]),
            by_severity=_ordered(d.get("severity", {}), SEVERITIES),
            by_day=self._per_day(d.get("day", {}), first, last),
        )

    def _targets(
        self, rows: Sequence[Any], overdue_n: int, overdue: Sequence[Any], now: datetime
    ) -> tuple[TargetFigures, CallbackFigures]:
        names = ("part", "kind", "severity", "response_secs", "resolution_secs", *rs.AGGREGATE_COLUMNS)
        aggs = [dict(zip(names, r, strict=True)) for r in rows if r[0] == "agg"]
        secs: dict[tuple[str, str, str], list[float]] = {}
        for r in rows:
            if r[0] != "secs":
                continue
            for metric, value in (("response", r[3]), ("resolution", r[4])):
                if value is not None:
                    secs.setdefault((metric, r[1], r[2] or ""), []).append(value)
                    secs.setdefault((metric, "*", ""), []).append(value)

        def quantiles(metric: str, kind: str, severity: str) -> Quantiles:
            values = sorted(secs.get((metric, kind, severity), ()))
            if not values:
                return Quantiles()
            ranked = dict(enumerate(values, 1))
            n = len(values)
            return Quantiles(
                n, *(quantile(ranked, n, num, den) for num, den in (rs.QUANTILES["median"], rs.QUANTILES["p90"]))
            )

        def tally(m: Mapping[str, Any], name: str) -> TargetTally:
            return TargetTally(*(int(m[f"{name}_{state}"] or 0) for state in rs.TARGET_STATES))

        order = {k: i for i, k in enumerate(KINDS)}
        sev_order = {k: i for i, k in enumerate(("", *SEVERITIES))}
        out_rows = []
        total_answer, total_resolve, total_n = TargetTally(), TargetTally(), 0
        needed = done = on_time = 0
        attempts = dict.fromkeys(CALLBACK_OUTCOMES, 0)
        satisfaction = {str(n): 0 for n in rs.SATISFACTION}
        by_kind: dict[str, list[int]] = {}
        for m in sorted(aggs, key=lambda m: (order.get(m["kind"], 99), sev_order.get(m["severity"] or "", 9))):
            kind, severity = m["kind"], m["severity"] or ""
            answer, resolve = tally(m, "answer"), tally(m, "resolve")
            out_rows.append(
                ComplianceRow(
                    kind,
                    severity,
                    int(m["tickets"]),
                    answer,
                    resolve,
                    quantiles("response", kind, severity),
                    quantiles("resolution", kind, severity),
                )
            )
            total_answer += answer
            total_resolve += resolve
            total_n += int(m["tickets"])
            needed += int(m["callback_needed"] or 0)
            done += int(m["callback_done"] or 0)
            on_time += int(m["callback_on_time"] or 0)
            if kind in ("repair", "complaint"):
                pair = by_kind.setdefault(kind, [0, 0])
                pair[0] += int(m["callback_needed"] or 0)
                pair[1] += int(m["callback_done"] or 0)
            for o in CALLBACK_OUTCOMES:
                attempts[o] += int(m[f"attempts_{o}"] or 0)
            for n in rs.SATISFACTION:
                satisfaction[str(n)] += int(m[f"sat_{n}"] or 0)
        total = ComplianceRow(
            "*",
            "",
            total_n,
            total_answer,
            total_resolve,
            quantiles("response", "*", ""),
            quantiles("resolution", "*", ""),
        )
        listed = tuple(
            OverdueTicket(
                number=r.number,
                kind=r.kind,
                severity=r.severity or "",
                status=r.status,
                unit=r.unit_text,
                department=r.department or "",
                created_at=_aware(r.created_at),
                due_at=_aware(r.due_at),
                late_seconds=int((now - _aware(r.due_at)).total_seconds()),
            )
            for r in overdue
        )
        targets = TargetFigures(tuple(out_rows), total, overdue_n, listed)
        callbacks = CallbackFigures(
            needed=needed,
            done=done,
            on_time=on_time,
            target=self.settings.target("callback_rate_target"),
            attempts=tuple(Count(o, attempts[o]) for o in CALLBACK_OUTCOMES),
            satisfaction=tuple(Count(k, v) for k, v in satisfaction.items()),
            by_kind=tuple((k, n, d) for k in ("repair", "complaint") for n, d in [by_kind.get(k, [0, 0])]),
        )
        return targets, callbacks

    def _recurring(self, rows: Sequence[Any]) -> tuple[RecurringProblem, ...]:
        problems: dict[tuple[str, str, str], RecurringProblem] = {}
        for r in rows:
            key = (r.level, r.k, r.category)
            problem = problems.get(key) or RecurringProblem(r.level, r.k, r.category, int(r.n), int(r.units), ())
            call = RecurringCall(int(r.id), _aware(r.called_at), r.unit_text, r.caller, r.content, r.ticket)
            problems[key] = replace(problem, listed=(*problem.listed, call))
        return tuple(problems.values())  # the SQL keeps the biggest list_limit of each level

    def _late_relief(self, row: Any) -> str:
        """The late one: who took over the handover, or while nobody has, the ones the roster plans on that shift
        (the outgoing, who stayed on, is not the one who was late)."""
        if row.relief:
            return str(json.loads(row.relief).get("name", ""))
        planned = self.roster.assigned(_day(row.next_date), row.next_shift_key)
        return ", ".join(o.name for o in planned)

    def _handover(
        self,
        rows: Sequence[Any],
        counts: Sequence[Any],
        first: date,
        last: date,
        site_start: Any,
        now: datetime,
    ) -> HandoverFigures:
        by_id = {int(r.id): r for r in rows}
        expected = {c.key: c.count for c in self.settings.equipment}
        discrepancies = []
        for r in counts:
            h = by_id.get(int(r.handover_id))
            value = json.loads(r.value)
            if h is None or r.item not in expected or value.get("counted") is None:
                continue
            counted = int(value["counted"])
            if counted != expected[r.item]:
                discrepancies.append(
                    CountDiscrepancy(
                        int(r.handover_id),
                        _day(h.duty_date),
                        h.shift_key,
                        r.item,
                        expected[r.item],
                        counted,
                        str(value.get("explanation", "")),
                        str(value.get("holder", "")),
                        r.operator_name,
                    )
                )
        late = []
        for r in rows:
            following = slot_of(self.settings, _day(r.next_date), r.next_shift_key)
            due = relief_due(self.settings, following).astimezone(UTC)
            arrived = _aware(r.arrived_at) if r.arrived_at is not None else None
            until = arrived if arrived is not None else (None if r.signed else now)
            if until is not None and until > due:
                late.append(
                    LateRelief(
                        int(r.id),
                        _day(r.duty_date),
                        r.shift_key,
                        _day(r.next_date),
                        r.next_shift_key,
                        r.outgoing_name,
                        due,
                        arrived,
                        math.ceil((until - due).total_seconds() / 60),
                        self._late_relief(r),
                    )
                )
        yesterday = now.astimezone(self.tz).date() - timedelta(days=1)
        since = max(first, _aware(site_start).astimezone(self.tz).date()) if site_start is not None else first
        until_day = min(last, yesterday)
        unsigned = self.review.unsigned_days(since, until_day) if until_day >= since else []
        limit = self.settings.reports.list_limit
        return HandoverFigures(
            handovers=len(rows),
            signed=sum(1 for r in rows if r.signed),
            discrepancies=tuple(discrepancies[:limit]),
            late_reliefs=tuple(late[:limit]),
            days_reviewable=max(0, (until_day - since).days + 1),
            unsigned_days=tuple(unsigned),
        )
