"""What goes in and out of the call log: the form as typed, a checked call, a saved version, open matters, drafts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from deskui.services.operators import OperatorInfo

if TYPE_CHECKING:
    from deskui.services.directory import ResidentInfo


@dataclass(frozen=True)
class CallInput:
    """The form as typed. `time`: text as typed ("14:05", "-10m", "昨天 23:40", ISO) or a datetime; None = now."""

    content: str
    category: str
    channel: str = "phone"
    time: str | datetime | None = None
    caller: str = ""
    unit: str = ""
    phone: str = ""
    visit_time: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class CheckedCall:
    """A call that passed every rule, with what is derived from it; ready to insert."""

    called_at: datetime
    channel: str
    caller: str
    unit_text: str
    unit_key: str
    phone: str
    phone_digits: str
    category: str
    content: str
    visit_time: str
    urgent: bool
    ticket_wanted: bool
    shift_key: str
    duty_date: date
    search_text: str


@dataclass(frozen=True)
class CallInfo:
    """One saved version of a call. `time` is aware UTC; show it with services.common.shifts.local_time."""

    id: int
    time: datetime
    channel: str
    caller: str
    unit: str
    unit_key: str
    unit_id: int | None
    phone: str
    category: str
    content: str
    visit_time: str
    urgent: bool
    ticket_wanted: bool
    operator_id: int | None
    operator: str
    shift: str
    duty_date: date
    amends_id: int | None
    original_id: int | None
    recorded_at: datetime
    superseded_by: int | None = None

    @property
    def is_current(self) -> bool:
        return self.superseded_by is None

    @property
    def root_id(self) -> int:
        """The id of the first version: the call's stable number across corrections."""
        return self.original_id or self.id


@dataclass(frozen=True)
class OpenMatter:
    """Something still open for a unit and category: a recent call, or an open ticket (from the ticket service)."""

    kind: str  # "call" or "ticket"
    id: int
    time: datetime
    category: str
    summary: str
    name: str
    """How a person names it: a call '#N' (its own number), a ticket its number (WX-…), never its internal id."""
    calls: tuple[int, ...] = ()
    """The calls (first-version ids) this matter is: the call itself, or the calls linked to the ticket. A call behind
    a listed ticket is that ticket, not a second matter."""


@dataclass(frozen=True)
class DuplicateWarning:
    unit: str
    category: str
    matters: tuple[OpenMatter, ...]
    message: str


@dataclass(frozen=True)
class CallerLookup:
    """What a phone number tells the desk: residents with that number and the last calls from it."""

    phone: str
    residents: tuple[ResidentInfo, ...]
    recent: tuple[CallInfo, ...]

    @property
    def caller(self) -> str:
        if self.residents:
            return str(self.residents[0].name)
        return self.recent[0].caller if self.recent else ""

    @property
    def unit(self) -> str:
        if self.residents:
            return str(self.residents[0].unit_label)
        return self.recent[0].unit if self.recent else ""


@dataclass(frozen=True)
class DraftInfo:
    token: str
    form: str
    operator_id: int | None
    payload: dict[str, Any]
    updated_at: datetime


# A source of open matters: (session, site_id, unit_key, category, now, exclude_ids) → matters. Tickets register one.
OpenMatterSource = Callable[[Session, int, str, str, datetime, frozenset[int]], list[OpenMatter]]
# Called inside the transaction that saves a call (new or corrected), with the saved version and the operator: what
# must happen with the call or not at all (an urgent call's ticket, from the ticket service).
SavedHook = Callable[[Session, CallInfo, OperatorInfo | None], None]
