"""What the renovation register hands out (frozen plain data, no database), its labels and its input checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, t
from deskui.services.operators import OperatorInfo
from deskui.services.registers._common import NAME_CHARS, text

RENOVATION_STATES = {
    "pending": N_("Awaiting approval"),
    "refused": N_("Application refused"),
    "approved": N_("Approved, not started"),
    "active": N_("Works in progress"),
    "expired": N_("Permit expired"),
    "closed": N_("Accepted and closed"),
}
OPEN_STATES = frozenset({"pending", "approved", "active", "expired"})
APPLICANT_ROLES = {"owner": N_("Owner"), "authorised": N_("Authorised by the owner")}
INSPECTION_RESULTS = {"ok": N_("No problem found"), "issue": N_("Issue found")}
COMPANY_CHARS = 200
TEXT_CHARS = 2000
MOST_WORKERS = 50

# (the caller's write transaction, the unit as typed, the ticket's description, who opens it)
#   -> (the new ticket's id, its number)
TicketOpener = Callable[[Session, str, str, OperatorInfo | None], tuple[int, str]]


@dataclass(frozen=True)
class WorkerPassInfo:
    """A worker's temporary pass."""

    name: str
    pass_number: str
    issued_at: datetime


@dataclass(frozen=True)
class InspectionInfo:
    """One inspection of the works and, for an issue, the ticket it opened if any."""

    id: int
    number: str  # the permit's
    unit: str
    inspected_at: datetime
    result: str  # ok | issue
    finding: str
    inspected_by: str
    ticket_id: int | None
    ticket_number: str


@dataclass(frozen=True)
class RenovationInfo:
    """One renovation as read at a moment: `state` and `inspection_overdue` as of then."""

    id: int
    number: str
    unit: str  # as typed
    unit_key: str  # canonical: what a unit's timeline reads
    applicant: str
    applicant_role: str  # owner | authorised
    company: str
    workers: tuple[str, ...]
    starts_on: date
    ends_on: date
    work: str
    structural: bool
    applied_at: datetime
    applied_by: str
    decision: str  # "" (awaiting) | approved | refused
    decided_at: datetime | None
    decided_by: str
    decision_note: str
    worker_passes: tuple[WorkerPassInfo, ...]
    inspections: int
    last_inspected_at: datetime | None
    last_result: str
    last_finding: str
    inspection_due: datetime | None  # while approved and not closed: inspect before this
    inspection_overdue: bool
    closed_at: datetime | None
    closed_by: str
    close_note: str
    state: str  # pending | refused | approved | active | expired | closed

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


def parse_day(value: date | str | None, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    typed = (value or "").strip()
    if not typed:
        raise ValidationError(t("{what}: give a date, e.g. 2026-12-05", what=label), field=field)
    try:
        return date.fromisoformat(typed.replace("/", "-"))
    except ValueError:
        raise ValidationError(t("{what}: not a date: {value}", what=label, value=typed), field=field) from None


def line(value: str | None, field: str, label: str, *, max_chars: int, required: str = "") -> str:
    """`text` of the registers, its refusal naming the form field."""
    try:
        return text(value, label, max_chars=max_chars, required=required)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field) from None


def names(workers: Iterable[str] | str | None) -> tuple[str, ...]:
    """Worker names from a list or one text (one a line, or separated by commas 、，,), each as typed."""
    raw = [workers] if isinstance(workers, str) else list(workers or ())
    names: list[str] = []
    for item in raw:
        for part in item.replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
            name = line(part, "workers", t("Renovation workers"), max_chars=NAME_CHARS)
            if name and name not in names:
                names.append(name)
    if len(names) > MOST_WORKERS:
        raise ValidationError(t("At most {n} workers on one permit", n=MOST_WORKERS), field="workers")
    return tuple(names)
