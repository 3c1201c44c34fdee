"""Response and resolution targets of a ticket (DOMAIN.md "Tickets"): pure functions, no database, no clock.

`compute(ticket, events, settings, now)` lists every target that applies to the ticket with its due time, when it
was met, and its state at `now`. Every number comes from settings [targets]. Rules:
- day targets count calendar days in the site's time zone (same wall-clock time N days later, so a daylight-saving
  change does not shift them an hour); minute and hour targets are absolute;
- "same day" (a major complaint to the manager) is the next local midnight after the complaint was made; a day
  setting of 0 (callback_complaint_days) means the same day too;
- a major complaint's clear answer is met by a reply to the resident (a "replied" event), not by the work done;
- severity targets run from when the current severity was set (creation, or a supervisor's escalation);
- "waiting on resident / third party" pauses the resolution clock: the resolution due time moves by every finished
  pause, and while waiting the target is "paused" (its time left frozen);
- the callback runs from the (last) completion, for a leak from the water test, and a "no answer" attempt moves it
  to the rescheduled time; a reopen starts it again at the next completion;
- a target still open when the ticket is closed, cancelled or merged stops running: it is dropped, unless it was
  already late then, when it stays overdue (frozen at that moment);
- a target met at or before its due time is "met"; met after it, it is "late" (never "met"), with `seconds_left`
  the negative lateness. `verdict` maps a state onto the report's on_time / late / overdue / pending, and
  `describe` says it in words ("late by 10h 5m"): the ticket screen, `deskui tickets show` (text and JSON) and the
  monthly report (services.reports._sql._state and its callback count, the same comparison in SQL) give one answer.
The nearest due time of the running targets (`nearest_due`) does not depend on `now`; it is stored on the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.i18n import N_, t
from deskui.services.tickets._repairs import visit_plan

OK, DUE_SOON, OVERDUE, MET, LATE, PAUSED = "ok", "due_soon", "overdue", "met", "late", "paused"
RUNNING = frozenset({OK, DUE_SOON, OVERDUE})
TERMINAL = frozenset({"closed", "cancelled", "merged"})
RESOLVED = frozenset({"done", "closed"})
# Callback rate 100 % of repairs and complaints; a paid service is a repair that is paid (issue 14, _repairs).
CALLBACK_KINDS = frozenset({"repair", "complaint", "service"})

TARGET_LABELS = {
    "reply": N_("Reply to the resident"),
    "written_reply": N_("Written reply"),
    "manager_informed": N_("Manager informed"),
    "supervisor_informed": N_("Supervisor informed"),
    "answer": N_("Clear answer to the resident"),
    "resolve": N_("Resolved"),
    "follow_up": N_("Follow-up"),
    "callback": N_("Callback"),
    "visit": N_("Visit at the booked time"),  # the job started by the time booked with the resident (_repairs)
}
PAUSABLE = frozenset({"resolve"})


@dataclass(frozen=True)
class TargetState:
    """One target at one moment. `seconds_left` is negative when late; for a met (or late) target, how early (or
    late) it was met; for a paused one, what was left when the pause began."""

    name: str
    due_at: datetime
    met_at: datetime | None
    state: str  # ok | due_soon | overdue | met (on time) | late (met after the due time) | paused
    seconds_left: int

    @property
    def label(self) -> str:
        return t(TARGET_LABELS[self.name])


class TicketSnapshot(Protocol):
    """What the targets read from a ticket (TicketState and TicketInfo both have it, read-only)."""

    @property
    def kind(self) -> str: ...
    @property
    def written(self) -> bool: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def resident_deadline(self) -> datetime | None: ...


class EventLike(Protocol):
    """What the targets read from an event (EventRecord has it, read-only)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def status(self) -> str: ...  # the ticket's status after the event
    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass
class _Facts:
    """What the events say, gathered in one pass."""

    severity: str = ""
    repair_type: str = ""
    severity_since: datetime | None = None
    status: str = "new"
    replied_at: datetime | None = None
    manager_at: datetime | None = None
    supervisor_at: datetime | None = None
    followed_at: datetime | None = None
    first_done_at: datetime | None = None
    done_at: datetime | None = None  # the last completion, while it stands (cleared by a reopen)
    water_test_at: datetime | None = None
    callback_due_override: datetime | None = None
    callback_met_at: datetime | None = None
    ended_at: datetime | None = None  # closed, cancelled, merged
    paused_before: float = 0.0  # seconds of finished pauses
    paused_since: datetime | None = None


def _gather(events: Iterable[EventLike]) -> _Facts:
    f = _Facts()
    for ev in events:
        data = ev.data
        before = f.status
        if ev.kind == "created":
            f.severity = str(data.get("severity") or "")
            f.repair_type = str(data.get("repair_type") or "")
            f.severity_since = ev.at
        elif ev.kind in ("informed", "escalated"):
            whom = data.get("informed") or ""
            if whom == "manager" and f.manager_at is None:
                f.manager_at = ev.at
            if whom in ("supervisor", "manager") and f.supervisor_at is None:
                f.supervisor_at = ev.at
            if ev.kind == "escalated" and data.get("severity") and data["severity"] != f.severity:
                f.severity = str(data["severity"])
                f.severity_since = ev.at
        elif ev.kind == "replied" and f.replied_at is None:
            f.replied_at = ev.at
        elif ev.kind == "followed_up" and f.followed_at is None:
            f.followed_at = ev.at
        elif ev.kind == "callback" and f.done_at is not None and f.callback_met_at is None:
            if data.get("outcome") == "reached":
                f.callback_met_at = ev.at
            elif data.get("next_due"):
                f.callback_due_override = _dt(data["next_due"])
        if ev.kind != "created" and data.get("repair_type"):  # corrected when the repair is marked done
            f.repair_type = str(data["repair_type"])
        f.status = ev.status
        if f.status == "done" and before != "done":
            f.done_at = ev.at
            f.first_done_at = f.first_done_at or ev.at
            f.water_test_at = _dt(data["water_test_at"]) if data.get("water_test_at") else None
            f.callback_due_override = None
            f.callback_met_at = None
        elif f.status not in RESOLVED:
            f.done_at = None
        if f.status == "closed" and before not in RESOLVED:  # closed straight from an open status: resolved then
            f.done_at = f.done_at or ev.at
            f.first_done_at = f.first_done_at or ev.at
        if f.status == "waiting" and before != "waiting":
            f.paused_since = ev.at
        elif before == "waiting" and f.status != "waiting" and f.paused_since is not None:
            f.paused_before += (ev.at - f.paused_since).total_seconds()
            f.paused_since = None
        if f.status in TERMINAL and before not in TERMINAL:
            f.ended_at = ev.at
        elif f.status not in TERMINAL:
            f.ended_at = None
    return f


def _dt(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def days_after(moment: datetime, days: float, tz: ZoneInfo) -> datetime:
    """`days` calendar days later in the site's zone: the same wall-clock time, whatever daylight saving does."""
    local = moment.astimezone(tz)
    return (local + timedelta(days=days)).astimezone(UTC)


def days_or_same_day(moment: datetime, days: float, tz: ZoneInfo) -> datetime:
    """`days` calendar days later; 0 days is "the same day": the next local midnight (002 四.4(6)②, the complaint's
    result told to the resident the day the department reports it done)."""
    return end_of_local_day(moment, tz) if days <= 0 else days_after(moment, days, tz)


def end_of_local_day(moment: datetime, tz: ZoneInfo) -> datetime:
    """The next midnight in the site's zone: "the same day"."""
    local = moment.astimezone(tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    return midnight.astimezone(UTC)


def _plan(ticket: TicketSnapshot, f: _Facts, settings: Settings) -> list[tuple[str, datetime, datetime | None]]:
    """(name, base due, met at) of every target that applies, before pauses and states."""
    tz = ZoneInfo(settings.time_zone)
    target = settings.target
    created = _dt(ticket.created_at)
    out: list[tuple[str, datetime, datetime | None]] = []
    reply_met = f.replied_at or f.first_done_at
    # A major complaint's clear answer is its own event, a reply to the resident (issue 14): the work done is not it.
    answer_met = f.replied_at
    if ticket.kind == "help":
        out.append(("reply", created + timedelta(minutes=target("help_request_reply_minutes")), reply_met))
    elif ticket.kind == "inquiry" and ticket.written:
        out.append(("written_reply", days_after(created, target("written_inquiry_reply_days"), tz), reply_met))
    elif ticket.kind == "complaint":
        since = f.severity_since or created
        if f.severity == "major":
            out.append(("manager_informed", end_of_local_day(since, tz), f.manager_at))
            out.append(("answer", days_after(since, target("major_complaint_answer_days"), tz), answer_met))
            out.append(("resolve", days_after(since, target("major_complaint_resolve_days"), tz), f.done_at))
        elif f.severity == "important":
            due = since + timedelta(minutes=target("important_complaint_supervisor_minutes"))
            out.append(("supervisor_informed", due, f.supervisor_at))
            out.append(("resolve", days_after(since, target("important_complaint_resolve_days"), tz), f.done_at))
        else:
            deadline = ticket.resident_deadline
            due = _dt(deadline) if deadline else days_after(since, target("minor_complaint_resolve_days"), tz)
            out.append(("resolve", due, f.done_at))
    if ticket.kind in CALLBACK_KINDS:
        out.append(("follow_up", days_after(created, target("follow_up_days"), tz), f.followed_at or f.first_done_at))
        if f.done_at is not None:
            if f.callback_due_override is not None:
                due = f.callback_due_override
            elif ticket.kind == "complaint":
                due = days_or_same_day(f.done_at, target("callback_complaint_days"), tz)
            elif f.repair_type == "leak":
                due = days_after(f.water_test_at or f.done_at, target("callback_leak_days"), tz)
            elif f.repair_type == "safety":
                due = days_after(f.done_at, target("callback_safety_days"), tz)
            else:
                due = days_after(f.done_at, target("callback_repair_days"), tz)
            out.append(("callback", due, f.callback_met_at))
    return out


def compute(
    ticket: TicketSnapshot, events: Sequence[EventLike], settings: Settings, now: datetime
) -> list[TargetState]:
    """Every target of the ticket at `now`, in the order a screen lists them."""
    f = _gather(events)
    soon = due_soon_seconds(settings)
    out: list[TargetState] = []
    for name, base_due, met_at in [*_plan(ticket, f, settings), *visit_plan(events)]:
        due = base_due
        if name in PAUSABLE:
            due = base_due + timedelta(seconds=f.paused_before)
        if met_at is not None:
            out.append(
                TargetState(name, due, met_at, MET if met_at <= due else LATE, int((due - met_at).total_seconds()))
            )
            continue
        if f.ended_at is not None:
            left = (due - f.ended_at).total_seconds()
            if left < 0:
                out.append(TargetState(name, due, None, OVERDUE, int(left)))
            continue
        if name in PAUSABLE and f.paused_since is not None:
            out.append(TargetState(name, due, None, PAUSED, int((due - f.paused_since).total_seconds())))
            continue
        left = (due - now).total_seconds()
        out.append(TargetState(name, due, None, running_state(left, soon), int(left)))
    return out


# --- the overdue rule: the one place that says when a running target is overdue or due soon ---------------------


def due_soon_seconds(settings: Settings) -> float:
    """How near its due time a running target counts as due soon (settings [targets] due_soon_hours)."""
    return settings.target("due_soon_hours") * 3600


def running_state(seconds_left: float, soon_seconds: float) -> str:
    """A running target with no time left is overdue; with less than `soon_seconds` left, due soon; else ok."""
    return OVERDUE if seconds_left < 0 else DUE_SOON if seconds_left < soon_seconds else OK


def past_due(due_at: datetime | None, now: datetime) -> bool:
    """One due time against the clock: past due once `now` is after it (due exactly now is not overdue yet, as
    `running_state` has it: no time left below zero); no due time is never past. In SQL: _queues.overdue_condition."""
    return due_at is not None and due_at < now


def due_window(now: datetime, settings: Settings) -> tuple[datetime, datetime]:
    """The same rule as due-time ranges, for queries: a running target due before the first time is overdue, due
    from the first until the second is due soon."""
    return now, now + timedelta(hours=settings.target("due_soon_hours"))


def nearest_due(states: Iterable[TargetState], *, ended: bool = False) -> datetime | None:
    """The earliest due time of a target still running (not met, not paused); None when none runs."""
    if ended:
        return None
    running = [s.due_at for s in states if s.state in RUNNING]
    return min(running) if running else None


# The monthly report's words for a target's outcome (services.reports._sql.TARGET_STATES).
VERDICTS = {MET: "on_time", LATE: "late", OVERDUE: "overdue"}


def verdict(target: TargetState) -> str:
    """How the report counts the target: on_time (met by its due time), late (met after it), overdue (not met and
    past due), pending (still running or paused, not yet due)."""
    return VERDICTS.get(target.state, "pending")


def span(seconds: int) -> str:
    """A duration the way a person says it: the two largest units ("1d 3h", "2h 10m", "5m")."""
    s = abs(int(seconds))
    days, hours, minutes = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if days:
        return t("{d}d {h}h", d=days, h=hours) if hours else t("{d}d", d=days)
    if hours:
        return t("{h}h {m}m", h=hours, m=minutes) if minutes else t("{h}h", h=hours)
    return t("{m}m", m=max(1, minutes))


def describe(target: TargetState) -> str:
    """The target's state in words, the same on screen and in the CLI: "2h 10m left", "late 1d 3h" (overdue, not
    met yet), "paused, 2h left", "met" (on time), "late by 10h 5m" (met after its due time)."""
    if target.state == MET:
        return t("met")
    if target.state == LATE:
        return t("late by {time}", time=span(target.seconds_left))
    if target.state == PAUSED:
        return t("paused, {time} left", time=span(target.seconds_left))
    if target.seconds_left < 0:
        return t("late {time}", time=span(target.seconds_left))
    return t("{time} left", time=span(target.seconds_left))
