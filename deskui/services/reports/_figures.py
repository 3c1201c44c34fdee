"""The monthly report as data: frozen dataclasses filled by ReportService, read by the screen, the CLI and the
exports. Nothing here touches the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from deskui.core.i18n import N_


@dataclass(frozen=True)
class Count:
    """How many of one key (a channel, a category, a kind …); every configured key is listed, zeros included."""

    key: str
    n: int


@dataclass(frozen=True)
class Quantiles:
    """Median and 90th percentile of a duration in seconds over `n` tickets (None when n is 0)."""

    n: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class TargetTally:
    """One target's states over some tickets, as of the report's time."""

    on_time: int = 0
    late: int = 0  # met, but after the due time
    overdue: int = 0  # not met and past due (or was when the ticket was cancelled or merged)
    pending: int = 0  # still running or paused: not judged yet

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def share(self) -> float | None:
        """On time as a share of the judged ones; None when none is judged yet."""
        return self.on_time / self.judged if self.judged else None

    def __add__(self, other: TargetTally) -> TargetTally:
        return TargetTally(
            self.on_time + other.on_time,
            self.late + other.late,
            self.overdue + other.overdue,
            self.pending + other.pending,
        )


@dataclass(frozen=True)
class ComplianceRow:
    """Targets of one kind and severity ("*" and "" for every ticket of the month)."""

    kind: str
    severity: str
    tickets: int
    answer: TargetTally
    resolve: TargetTally
    response: Quantiles  # seconds from opening to the first response
    resolution: Quantiles  # seconds from opening to the standing completion


@dataclass(frozen=True)
class OverdueTicket:
    number: str
    kind: str
    severity: str
    status: str
    unit: str
    department: str
    created_at: datetime
    due_at: datetime
    late_seconds: int


@dataclass(frozen=True)
class CallFigures:
    total: int
    by_channel: tuple[Count, ...]
    by_category: tuple[Count, ...]
    by_shift: tuple[Count, ...]
    by_hour: tuple[int, ...]  # 24 local hours
    by_day: tuple[int, ...]  # one per day of the month


@dataclass(frozen=True)
class TicketFigures:
    total: int
    by_kind: tuple[Count, ...]
    by_department: tuple[Count, ...]  # "" = not dispatched
    by_severity: tuple[Count, ...]  # complaints only
    by_day: tuple[int, ...]


@dataclass(frozen=True)
class TargetFigures:
    rows: tuple[ComplianceRow, ...]  # per (kind, severity) that had tickets
    total: ComplianceRow
    overdue_open: int  # tickets of the month still open and past a target now
    overdue: tuple[OverdueTicket, ...]  # the first settings.reports.list_limit of them by due time


@dataclass(frozen=True)
class CallbackFigures:
    needed: int  # repairs and complaints done or closed
    done: int  # … whose callback reached the resident
    on_time: int  # … within the callback target
    target: float  # settings targets.callback_rate_target
    attempts: tuple[Count, ...]  # every callback attempt by outcome
    satisfaction: tuple[Count, ...]  # "1" … "5": the resident's satisfaction at the callback that reached them
    by_kind: tuple[tuple[str, int, int], ...] = ()  # (kind, needed, done)

    @property
    def late(self) -> int:
        """Reached after the callback's due time: the same rule as services.tickets._targets (a "late" callback target)."""
        return self.done - self.on_time

    @property
    def rate(self) -> float | None:
        return self.done / self.needed if self.needed else None

    @property
    def attempts_total(self) -> int:
        return sum(c.n for c in self.attempts)

    @property
    def rated(self) -> int:
        return sum(c.n for c in self.satisfaction)

    @property
    def average(self) -> float | None:
        return sum(int(c.key) * c.n for c in self.satisfaction) / self.rated if self.rated else None

    @property
    def met_target(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= self.target - 1e-9


@dataclass(frozen=True)
class RecurringCall:
    id: int
    time: datetime
    unit: str
    caller: str
    content: str
    ticket: str | None  # the number of the ticket the call is on


@dataclass(frozen=True)
class RecurringProblem:
    """Calls of one category from one unit, riser ("3-2-*01") or building, at or over the threshold."""

    level: str  # unit | riser | building
    key: str
    category: str
    calls: int
    units: int
    listed: tuple[RecurringCall, ...]


@dataclass(frozen=True)
class CountDiscrepancy:
    handover_id: int
    duty_date: date
    shift: str
    item: str
    expected: int
    counted: int
    explanation: str
    holder: str
    counted_by: str

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True)
class LateRelief:
    handover_id: int
    duty_date: date
    shift: str
    next_date: date
    next_shift: str
    outgoing: str  # who stayed on until relieved
    due_at: datetime  # when the relief should have been at the desk
    arrived_at: datetime | None  # None: no relief recorded (yet)
    late_minutes: int
    relief: str = ""  # who was late: the one who took over, or (nobody yet) the ones the roster planned


@dataclass(frozen=True)
class HandoverFigures:
    handovers: int
    signed: int
    discrepancies: tuple[CountDiscrepancy, ...]
    late_reliefs: tuple[LateRelief, ...]
    days_reviewable: int  # days of the month that are over, since the site was set up
    unsigned_days: tuple[date, ...]

    @property
    def summary(self) -> tuple[tuple[str, int], ...]:
        """The handover-quality figures the screen and the CLI list: (message id, translate it with t(); value)."""
        return (
            (N_("Handovers"), self.handovers),
            (N_("Signed"), self.signed),
            (N_("Count discrepancies"), len(self.discrepancies)),
            (N_("Late reliefs"), len(self.late_reliefs)),
            (N_("Days without a supervisor's signature"), len(self.unsigned_days)),
        )


@dataclass(frozen=True)
class MonthlyReport:
    month: str  # "2026-10"
    building: str | None
    time_zone: str
    first_day: date
    last_day: date
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive
    generated_at: datetime
    calls: CallFigures
    tickets: TicketFigures
    targets: TargetFigures
    callbacks: CallbackFigures
    recurring: tuple[RecurringProblem, ...]
    handover: HandoverFigures
    thresholds: Mapping[str, int] = field(default_factory=dict)
    # the registers' figures of the month (reports._registers.FIGURES' keys; issue 13), those this report counts
    registers: tuple[Count, ...] = ()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1
