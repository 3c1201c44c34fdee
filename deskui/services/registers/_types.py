"""What the registers hand out (frozen plain data, no database) and the refusals peculiar to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.core.errors import Conflict, ValidationError
from deskui.core.i18n import N_, t

VISIT_STATES = {"inside": N_("Still inside"), "left": N_("Left")}
PARCEL_STATES = {
    "waiting": N_("Waiting, not told"),
    "notified": N_("Waiting, resident told"),
    "picked_up": N_("Picked up"),
}
PASS_STATES = {
    "valid": N_("Valid"),
    "used": N_("Already used"),
    "expired": N_("Expired"),
    "void": N_("Voided"),
    "unknown": N_("Unknown pass"),
}
PARCEL_KINDS = {"parcel": N_("Parcel"), "letter": N_("Letter"), "newspaper": N_("Newspaper")}
NOTICE_VIA = {"sms": N_("Text message"), "phone": N_("Phone call"), "note": N_("Note left at the door")}
PASS_KINDS = {"goods": N_("Goods out"), "move_out": N_("Move-out")}
BEARER_ROLES = {"owner": N_("Owner"), "tenant": N_("Not the owner: with the owner's consent")}


def label(table: dict[str, str], key: str) -> str:
    """A stored key (a state, a kind) in the reader's language."""
    return t(table[key]) if key in table else key


@dataclass(frozen=True)
class VisitInfo:
    """One visit: `state` is inside until the visitor is signed out."""

    id: int
    name: str
    unit: str  # as typed
    unit_key: str  # canonical: what a unit's timeline reads
    purpose: str
    plate: str
    id_tail: str
    entered_at: datetime
    entered_by: str
    left_at: datetime | None
    left_by: str
    state: str  # inside | left


@dataclass(frozen=True)
class ParcelInfo:
    """One parcel or letter: waiting (told or not) until picked up. `old` as of the moment it was read."""

    id: int
    kind: str  # parcel | letter | newspaper
    unit: str
    unit_key: str
    carrier: str
    tracking: str
    shelf: str
    note: str
    received_at: datetime
    received_by: str
    notices: int
    notified_at: datetime | None  # the latest notice
    notified_via: str
    picked_up_at: datetime | None
    picked_up_by: str
    handed_over_by: str
    state: str  # waiting | notified | picked_up
    old: bool

    @property
    def waiting(self) -> bool:
        return self.picked_up_at is None


@dataclass(frozen=True)
class PassInfo:
    """One goods-release pass; `state` as of the moment it was read."""

    id: int
    number: str
    kind: str  # goods | move_out
    unit: str
    unit_key: str
    bearer: str
    bearer_role: str  # owner | tenant
    consent: str
    items: str
    vehicle: str
    warning: str
    issued_at: datetime
    valid_until: datetime
    issued_by: str
    used_at: datetime | None
    used_by: str
    voided_at: datetime | None
    void_reason: str
    state: str  # valid | used | expired | void


@dataclass(frozen=True)
class PassCheck:
    """What the gate learns from a pass number: its state, one line saying why, and the pass if there is one."""

    number: str
    state: str  # valid | used | expired | void | unknown
    message: str
    found: PassInfo | None

    @property
    def valid(self) -> bool:
        return self.state == "valid"


class ConsentNeeded(ValidationError):
    """A pass for someone who is not the unit's owner on record, with no word on how the owner consented."""


class UnpaidMattersFlagged(Conflict):
    """A move-out pass for a unit whose residents' notes flag unpaid matters; `notes` are those notes."""

    def __init__(self, message: str, *, notes: tuple[str, ...]) -> None:
        super().__init__(message, field="unit")
        self.notes = notes


class PassNotUsable(Conflict):
    """A pass the gate cannot honour (used, expired, voided, unknown); `check` says which."""

    def __init__(self, check: PassCheck) -> None:
        super().__init__(check.message, field="number")
        self.check = check


class AlreadyDone(Conflict):
    """A visitor already signed out, a parcel already picked up, a pass already used or voided."""
