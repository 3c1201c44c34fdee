"""What a unit's timeline hands out: its kinds and their filter groups with labels, one entry, the whole story.

No database here: the screen and the CLI import these without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, t

# The kinds of entry, in the order a filter lists them; a new source adds its kind here (and to a group below).
KIND_LABELS = {
    "call": N_("Call"),
    "ticket": N_("Ticket"),
    "ticket_event": N_("Ticket history"),
    "callback": N_("Callback"),
    "log": N_("Duty log"),
    "visit": N_("Visitor"),
    "parcel": N_("Parcel"),
    "pass": N_("Goods pass"),
    "patrol": N_("Patrol (finding)"),
    "renovation": N_("Renovation (permit)"),
    "key": N_("Key (inventory)"),
}
KINDS = tuple(KIND_LABELS)

# Filter groups: what the screen's number keys and `--kind GROUP` choose. "all" is every kind.
GROUPS: dict[str, tuple[str, ...]] = {
    "all": KINDS,
    "calls": ("call",),
    "tickets": ("ticket", "ticket_event", "callback"),
    "log": ("log",),
    "registers": ("visit", "parcel", "pass", "patrol", "renovation", "key"),
}
GROUP_LABELS = {
    "all": N_("Everything"),
    "calls": N_("Calls"),
    "tickets": N_("Tickets and callbacks"),
    "log": N_("Duty log"),
    "registers": N_("Registers"),
}


def kind_label(kind: str) -> str:
    return t(KIND_LABELS.get(kind, kind))


def expand_kinds(values: Iterable[str]) -> frozenset[str]:
    """Kinds and group names (any case) as the set of kinds they name; none given: every kind. An unknown name is
    refused with the names there are."""
    out: set[str] = set()
    for value in values:
        name = value.strip().lower().replace("-", "_")
        if name in GROUPS:
            out.update(GROUPS[name])
        elif name in KIND_LABELS:
            out.add(name)
        else:
            raise ValidationError(
                t("Unknown kind {kind}: use one of {kinds}", kind=value, kinds=", ".join((*GROUPS, *KINDS))),
                field="kind",
            )
    return frozenset(out) if out else frozenset(KINDS)


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened about a unit. `at` is aware UTC; `number` is what people see ("#12",
    "WX-20261203-0007", "FX-20261203-007"); `state` a stored key (a ticket's status, a parcel's waiting…);
    `summary` one line (free text exactly as typed, or facts rendered in the reader's language).
    `call_id` / `ticket_id`: what opening the entry shows, when it is a call or belongs to a ticket."""

    kind: str
    id: int
    number: str
    unit: str
    unit_key: str
    at: datetime
    summary: str
    state: str
    call_id: int | None = None
    ticket_id: int | None = None

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class TimelineQuery:
    """What a source is asked: the unit as typed (any spelling), its canonical key (and the directory's id, if it knows the unit), the kinds
    wanted, a time range (`since` inclusive, `until` exclusive, aware) and the most entries to return."""

    asked: str
    key: str
    unit_id: int | None
    kinds: frozenset[str]
    since: datetime | None
    until: datetime | None
    limit: int

    def wants(self, *kinds: str) -> bool:
        return any(k in self.kinds for k in kinds)

    def within(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)


@dataclass(frozen=True)
class Timeline:
    """A unit's story: the unit as asked and its key, the directory's label when it knows the unit, and the
    entries newest first. `more`: some source had more than the limit."""

    asked: str
    key: str
    label: str
    known: bool
    entries: tuple[TimelineEntry, ...]
    more: bool = False
