"""What the today service hands out: plain frozen data, no database. Labels are message ids (translated where shown,
so the screen follows a language switch); the records' own words (numbers, units, names) are kept as typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.core.i18n import N_
from deskui.services.operators import Role

DAY, NIGHT, SUPERVISOR = "day", "night", "supervisor"
VIEWS = (DAY, NIGHT, SUPERVISOR)
VIEW_LABELS = {DAY: N_("Today at the desk"), NIGHT: N_("Tonight"), SUPERVISOR: N_("Today for the supervisor")}
ROLE_VIEWS = {
    Role.RECEPTIONIST: DAY,  # the day desk (002 值班制度)
    Role.MAINTENANCE: NIGHT,  # the night shift 17:30–08:30 is the maintenance staff's (DOMAIN "Who sits at the desk")
    Role.SUPERVISOR: SUPERVISOR,
    Role.MANAGER: SUPERVISOR,
}


def view_for(role: Role | str) -> str:
    """The day a role sees on the home screen: day, night or supervisor."""
    try:
        return ROLE_VIEWS[Role(role)]
    except ValueError:
        return DAY


@dataclass(frozen=True)
class Place:
    """Where a line's matters are handled: a section of the app (its mode) and what to show there."""

    section: str
    """The app's mode: tickets | registers | handover."""
    queue: str = ""
    """Tickets: the queue to show (deskui.services.tickets.QUEUES)."""
    text: str = ""
    """Tickets: the filter, as a person would type it ("TS-": the complaints, by their numbers' prefix)."""
    register: str = ""
    """Registers: visitors | parcels | patrols | renovations | keys."""
    view: str = ""
    """Handover: checklist | dutylog | keys | review."""


@dataclass(frozen=True)
class TodayItem:
    """One matter of a line as a person reads it: the record's own words (number, unit, name, as typed), and the
    time it is due, booked or began (`when`, aware UTC); `late` when it is past its time."""

    text: str
    when: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class TodayLine:
    """One line of the home screen: a count of what, the first few of them, and where they are handled."""

    key: str
    """Its name in code ("callbacks"); a screen's tests and the line's key binding refer to it."""
    label: str
    """Message id: what is counted ("Callbacks due today")."""
    count: int
    place: Place
    late: int = 0
    """Of `count`, how many are past their time (said with `late_label`)."""
    late_label: str = N_("late")
    """Message id of the word for `late` ("late", "old", "overdue")."""
    items: tuple[TodayItem, ...] = ()
    """The first few, the most pressing first."""
    when_label: str = N_("due {when}")
    """Message id saying an item's `when` ("due {when}", "since {when}")."""
    parts: tuple[tuple[str, int], ...] = ()
    """A breakdown of `count` by department key ("" = not dispatched yet), largest first."""
    note: str = ""
    """Message id of a remark on the whole line ("not signed yet"), or empty."""


@dataclass(frozen=True)
class Today:
    """What the signed-in role has to do today, as of `as_of`: one line per kind of matter, in the order shown."""

    view: str
    """day | night | supervisor (`view_for`)."""
    as_of: datetime
    lines: tuple[TodayLine, ...]

    @property
    def title(self) -> str:
        """Message id of the view's heading."""
        return VIEW_LABELS[self.view]

    def line(self, key: str) -> TodayLine | None:
        return next((line for line in self.lines if line.key == key), None)
