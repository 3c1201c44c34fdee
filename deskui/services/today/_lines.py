"""The lines of the home screen, one small function each, grouped by the role's view (`LINES`).

A line function takes the `Sources` (the services it asks, the moment, the shift) and returns a `TodayLine`, or
None when an optional line has nothing to say. It asks the services' own questions (the queues and their counts,
the registers' lists, the handover's open items, the patrol schedule, the review's unsigned days); the few ticket
questions the queues do not ask are the ticket service's `summaries`. Adding a line is a function here and its name in `LINES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from deskui.core.i18n import N_
from deskui.services.common.shifts import ShiftSlot, shift_at
from deskui.services.handover import HandoverState, OpenItem, crosses_midnight, next_slot
from deskui.services.tickets import PREFIXES, TicketInfo, past_due
from deskui.services.today._types import DAY, NIGHT, SUPERVISOR, Place, TodayItem, TodayLine

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskui.core.config import Settings
    from deskui.services.handover import HandoverService, KeyLogService, ReviewService
    from deskui.services.registers import (
        ParcelRegister,
        PatrolRegister,
        RenovationRegister,
        ScheduledRound,
        VisitorRegister,
    )
    from deskui.services.tickets import TicketService

ITEMS = 3
"""How many matters a line lists (a screen shows as many as it has room for)."""
REPLY_TARGETS = frozenset({"answer", "reply", "written_reply"})
"""The targets that are a reply to the resident (a major complaint's clear answer, 002 投诉处理 二)."""
RUNNING = frozenset({"ok", "due_soon", "overdue"})
NOT_STARTED = frozenset({"new", "dispatched"})


@dataclass(frozen=True)
class Sources:
    """What a line function may ask, and the moment it asks for."""

    settings: Settings
    tz: ZoneInfo
    now: datetime
    tickets: TicketService
    handover: HandoverService
    review: ReviewService
    keys: KeyLogService
    visitors: VisitorRegister
    parcels: ParcelRegister
    patrols: PatrolRegister
    renovations: RenovationRegister

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), tzinfo=self.tz)
        return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)

    def night(self) -> ShiftSlot:
        """The night shift now under way, else the next one (the shift that crosses midnight, 17:30–08:30)."""
        slot = shift_at(self.settings, self.now)
        for _ in range(2 * len(self.settings.shifts.shifts) + 1):
            if crosses_midnight(slot):
                return slot
            slot = next_slot(self.settings, slot)
        return slot


LineSource = Callable[[Sources], "TodayLine | None"]


def _flat(text: str, limit: int = 60) -> str:
    return " ".join(text.split())[:limit]


def _ticket_text(ticket: TicketInfo) -> str:
    return " ".join(part for part in (ticket.number, ticket.unit, _flat(ticket.description, 40)) if part)


def _ticket_items(rows: Iterable[TicketInfo], now: datetime) -> tuple[TodayItem, ...]:
    return tuple(TodayItem(_ticket_text(r), r.due_at, past_due(r.due_at, now)) for r in rows)


def _tickets_place(kind: str) -> Place:
    """The All open queue filtered by the kind's number prefix (QZ-: help requests, TS-: complaints)."""
    return Place("tickets", queue="open", text=f"{PREFIXES[kind]}-")


# --- the day desk (receptionist) ---------------------------------------------------------------------------------


def callbacks(src: Sources) -> TodayLine:
    """Callbacks due today, late ones first (002 四.5: every repair and complaint is called back)."""
    _, end = src.day_bounds(src.today)
    count, rows = src.tickets.summaries.callbacks_due(end, ITEMS)
    late, _ = src.tickets.summaries.callbacks_due(src.now, 0) if count else (0, [])
    items = tuple(TodayItem(_ticket_text(r), r.callback_due_at, past_due(r.callback_due_at, src.now)) for r in rows)
    return TodayLine(
        "callbacks", N_("Callbacks due today"), count, Place("tickets", queue="callback"), late, items=items
    )


def overdue(src: Sources) -> TodayLine:
    """Open tickets past a target: the Overdue queue."""
    count = src.tickets.section_counts().overdue
    rows = src.tickets.queue("overdue", limit=ITEMS).rows if count else ()
    items = _ticket_items(rows, src.now)
    return TodayLine("overdue", N_("Tickets overdue"), count, Place("tickets", queue="overdue"), count, items=items)


def due_soon(src: Sources) -> TodayLine:
    """Open tickets whose next target is near: the Due soon queue."""
    count = src.tickets.section_counts().due_soon
    rows = src.tickets.queue("due_soon", limit=ITEMS).rows if count else ()
    return TodayLine(
        "due_soon",
        N_("Tickets due soon"),
        count,
        Place("tickets", queue="due_soon"),
        items=_ticket_items(rows, src.now),
    )


def urgent_untaken(src: Sources) -> TodayLine | None:
    """Urgent help nobody has taken yet (003 4.1.2: answered in minutes); shown only when there is some."""
    found = src.tickets.urgent_untaken(limit=100)
    if not found:
        return None
    items = tuple(
        TodayItem(" ".join(p for p in (u.number, u.unit, _flat(u.description, 40)) if p), u.created_at, True)
        for u in found[:ITEMS]
    )
    place = Place("tickets", queue="new")
    label = N_("Urgent help not taken")
    return TodayLine("urgent", label, len(found), place, len(found), items=items, when_label=N_("since {when}"))


def visitors_inside(src: Sources) -> TodayLine:
    """Visitors signed in and not out yet, the longest inside first."""
    inside = src.visitors.inside()
    items = tuple(TodayItem(_flat(f"{v.name} → {v.unit} {v.purpose}"), v.entered_at) for v in inside[:ITEMS])
    place = Place("registers", register="visitors")
    return TodayLine(
        "visitors", N_("Visitors still inside"), len(inside), place, items=items, when_label=N_("since {when}")
    )


def parcels_waiting(src: Sources) -> TodayLine:
    """Parcels not picked up, the oldest first; those waiting past settings.registers.parcel_old_hours are old."""
    waiting = src.parcels.waiting()
    old = sum(1 for p in waiting if p.old)
    items = tuple(
        TodayItem(_flat(f"{p.unit} {p.carrier} {p.tracking} {p.shelf}"), p.received_at, p.old) for p in waiting[:ITEMS]
    )
    return TodayLine(
        "parcels",
        N_("Parcels waiting"),
        len(waiting),
        Place("registers", register="parcels"),
        old,
        N_("old"),
        items,
        N_("since {when}"),
    )


def booked_visits(src: Sources) -> TodayLine:
    """Repair visits booked with the resident for today (000 五.1(4)); one whose time passed with the job not
    started is late (its `visit` target overdue, where tickets have it)."""
    start, end = src.day_bounds(src.today)
    count, rows = src.tickets.summaries.booked_between(start, end, max(ITEMS, 50))

    def late(r: TicketInfo) -> bool:
        visit = next((x for x in r.targets if x.name == "visit"), None)
        if visit is not None:
            return visit.state == "overdue"
        return r.appointment_at is not None and r.appointment_at < src.now and r.status in NOT_STARTED

    items = tuple(TodayItem(_ticket_text(r), r.appointment_at, late(r)) for r in rows)
    return TodayLine(
        "visits",
        N_("Visits booked today"),
        count,
        Place("tickets", queue="open"),
        sum(1 for i in items if i.late),
        items=items[:ITEMS],
        when_label=N_("at {when}"),
    )


def _keys_line(src: Sources, *, optional: bool) -> TodayLine | None:
    out = src.keys.out(src.now)
    if optional and not out:
        return None
    items = tuple(TodayItem(f"{k.tag} → {k.borrower}", k.due_at, k.overdue) for k in out[:ITEMS])
    late = sum(1 for k in out if k.overdue)
    return TodayLine("keys", N_("Keys out"), len(out), Place("handover", view="keys"), late, N_("overdue"), items)


def keys_out_day(src: Sources) -> TodayLine | None:
    """Keys lent and not back (003 4.1.3 f); on the day desk only when some are out."""
    return _keys_line(src, optional=True)


def keys_out(src: Sources) -> TodayLine | None:
    """Keys lent and not back, overdue ones counted: the night must know who holds which key."""
    return _keys_line(src, optional=False)


def _patrol_items(src: Sources, rounds: list[ScheduledRound]) -> tuple[TodayItem, ...]:
    return tuple(
        TodayItem(src.patrols.route_label(r.route), r.scheduled_at, r.state == "missed") for r in rounds[:ITEMS]
    )


def next_patrol(src: Sources) -> TodayLine:
    """The patrol rounds still to walk before this shift ends, the next first (000 二.6: morning and afternoon);
    today's missed ones counted."""
    schedule = src.patrols.schedule(src.today, now=src.now)
    end = shift_at(src.settings, src.now).end
    ahead = [r for r in schedule if r.state in ("due", "upcoming") and r.scheduled_at < end]
    missed = [r for r in schedule if r.state == "missed"]
    return TodayLine(
        "patrols",
        N_("Patrol rounds still to walk this shift"),
        len(ahead),
        Place("registers", register="patrols"),
        len(missed),
        N_("missed"),
        _patrol_items(src, ahead),
        N_("at {when}"),
    )


# --- the night shift (maintenance, 17:30–08:30) ------------------------------------------------------------------


def _received(src: Sources, night: ShiftSlot) -> tuple[HandoverState | None, bool]:
    """The handover into `night`: the signed one, else one still being made (signed: False)."""
    for state, signed in ((src.handover.last(), True), (src.handover.open_handover(), False)):
        if state is not None and (state.next_date, state.next_shift_key) == (night.duty_date, night.key):
            return state, signed
    return None, False


TICKET_ITEMS = frozenset(
    {"ticket_overdue", "ticket_due", "callback_due", "escalation", "help_untaken", "checklist_open"}
)
"""The handover item kinds about a ticket (their ref_id is the ticket's id)."""


def handed_over_once(found: Iterable[OpenItem]) -> list[OpenItem]:
    """Each thing once, in the order handed over: a ticket both overdue and its escalation unacknowledged is one
    line (the first, the important come first); any other item is its own."""
    items: list[OpenItem] = []
    shown: set[str] = set()
    for i in found:
        thing = f"ticket:{i.ref_id}" if i.kind in TICKET_ITEMS else i.id
        if thing in shown:
            continue
        shown.add(thing)
        items.append(i)
    return items


def handover_items(src: Sources) -> TodayLine:
    """The open items the day shift handed over (002 交接班制度: open problems and points to watch, in writing), the
    important first, each with the outgoing's note."""
    state, signed = _received(src, src.night())
    found = state.items if state is not None else ()
    items = [
        TodayItem(_flat(f"{i.title} — {i.note}" if i.note else i.title, 80), i.due_at, i.overdue)
        for i in handed_over_once(found)
    ]
    return TodayLine(
        "handover",
        N_("Open items handed over"),
        len(found),
        Place("handover", view="checklist"),
        sum(1 for i in found if i.overdue),
        items=tuple(items[:ITEMS]),
        note="" if signed or state is None else N_("not signed yet"),
    )


def patrols_tonight(src: Sources) -> TodayLine:
    """The rounds the schedule expects during the night shift and not walked yet; missed ones counted."""
    night = src.night()
    rounds: list[ScheduledRound] = []
    day = night.start.astimezone(src.tz).date()
    while day <= night.end.astimezone(src.tz).date():
        rounds += [r for r in src.patrols.schedule(day, now=src.now) if night.start <= r.scheduled_at < night.end]
        day += timedelta(days=1)
    left = [r for r in rounds if r.state != "done"]
    return TodayLine(
        "patrols",
        N_("Patrol rounds due tonight"),
        len(left),
        Place("registers", register="patrols"),
        sum(1 for r in left if r.state == "missed"),
        N_("missed"),
        _patrol_items(src, left),
        N_("at {when}"),
    )


def emergencies(src: Sources) -> TodayLine:
    """Help requests still open (003 4.1: medical, repair, security incident, disaster…); late: past their reply."""
    count, rows = src.tickets.summaries.open_of_kinds(("help",), ITEMS)
    late = sum(1 for r in rows if past_due(r.due_at, src.now))
    if count > len(rows):
        late = src.tickets.summaries.open_of_kinds(("help",), 0, overdue_at=src.now)[0]
    items = _ticket_items(rows, src.now)
    return TodayLine("emergencies", N_("Help requests open"), count, _tickets_place("help"), late, items=items)


# --- the supervisor ------------------------------------------------------------------------------------------------


def unsigned_days(src: Sources) -> TodayLine:
    """Duty dates over and not signed (003 4.3: the supervisor reads and signs the duty log every morning)."""
    days = src.review.unsigned_days()
    items = tuple(TodayItem(d.isoformat()) for d in reversed(days[-ITEMS:]))
    return TodayLine(
        "review",
        N_("Duty log days waiting for your signature"),
        len(days),
        Place("handover", view="review"),
        len(days),
        items=items,
    )


def late_by_department(src: Sources) -> TodayLine:
    """The Overdue queue, counted per department: whose work is late."""
    counts = src.tickets.summaries.overdue_by_department(src.now)
    parts = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    total = sum(counts.values())
    place = Place("tickets", queue="overdue")
    return TodayLine("late_departments", N_("Late tickets by department"), total, place, total, parts=parts)


def complaints_awaiting_reply(src: Sources) -> TodayLine:
    """Open complaints whose reply to the resident is still owed (a major complaint's clear answer within 2 days,
    002 投诉处理 二), the nearest due first."""
    _, rows = src.tickets.summaries.open_of_kinds(("complaint",), 200)
    owed: list[tuple[TicketInfo, datetime]] = []
    for r in rows:
        target = next((x for x in r.targets if x.name in REPLY_TARGETS and x.state in RUNNING), None)
        if target is not None:
            owed.append((r, target.due_at))
    owed.sort(key=lambda pair: pair[1])
    items = tuple(TodayItem(_ticket_text(r), due, past_due(due, src.now)) for r, due in owed[:ITEMS])
    late = sum(1 for _, due in owed if past_due(due, src.now))
    line = N_("Complaints awaiting a reply")
    return TodayLine("complaints", line, len(owed), _tickets_place("complaint"), late, items=items)


def missed_patrols(src: Sources) -> TodayLine:
    """Scheduled rounds since yesterday morning that nobody walked (000 二.6)."""
    since, _ = src.day_bounds(src.today - timedelta(days=1))
    missed = src.patrols.missed(since, src.now, now=src.now)
    missed.sort(key=lambda r: r.scheduled_at, reverse=True)
    return TodayLine(
        "missed_patrols",
        N_("Patrol rounds missed since yesterday"),
        len(missed),
        Place("registers", register="patrols"),
        len(missed),
        N_("missed"),
        _patrol_items(src, missed),
        N_("at {when}"),
    )


def _renovation_text(number: str, unit: str, company: str) -> str:
    return _flat(f"{number} {unit} {company}")


def inspections_overdue(src: Sources) -> TodayLine:
    """Renovations in progress not inspected for settings.renovations.inspection_days."""
    found = src.renovations.overdue_inspections()
    items = tuple(
        TodayItem(_renovation_text(r.number, r.unit, r.company), r.inspection_due, True) for r in found[:ITEMS]
    )
    place = Place("registers", register="renovations")
    return TodayLine("inspections", N_("Renovation inspections overdue"), len(found), place, len(found), items=items)


def permits_expired(src: Sources) -> TodayLine:
    """Renovation permits past their planned end and not closed: works that must stop or be extended."""
    found = src.renovations.expired()
    items = tuple(
        TodayItem(
            _renovation_text(r.number, r.unit, r.company),
            datetime.combine(r.ends_on + timedelta(days=1), time(0), tzinfo=src.tz),
            True,
        )
        for r in found[:ITEMS]
    )
    place = Place("registers", register="renovations")
    label = N_("Renovation permits expired")
    return TodayLine("permits", label, len(found), place, len(found), items=items, when_label=N_("since {when}"))


LINES: dict[str, tuple[LineSource, ...]] = {
    DAY: (
        urgent_untaken,
        callbacks,
        overdue,
        due_soon,
        booked_visits,
        visitors_inside,
        parcels_waiting,
        keys_out_day,
        next_patrol,
    ),
    NIGHT: (handover_items, emergencies, patrols_tonight, keys_out),
    SUPERVISOR: (
        unsigned_days,
        late_by_department,
        complaints_awaiting_reply,
        missed_patrols,
        inspections_overdue,
        permits_expired,
    ),
}
"""Each view's lines, in the order the home screen shows them."""
