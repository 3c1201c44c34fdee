"""The tickets deskui opens itself (a shortage found at handover, a patrol's abnormal finding) keep their facts in
the "created" event (`facts`: what kind of ticket, the shift key, the date, the counts, the configured labels in both
languages, and the words people typed), and are described in the reader's language when read (issue 12). Their
stored description is the same sentence in the site's language (office data: what queues search and what the
SQL readers show); a ticket without facts reads as stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deskui.core.config import Choice
from deskui.core.i18n import get_language, t
from deskui.services.common.shifts import SHIFT_LABELS
from deskui.services.tickets._replay import EventRecord


def _label(labels: Mapping[str, str] | None, key: str) -> str:
    """A configured label (both languages kept with the facts) in the reader's language and script."""
    found = dict(labels or {})
    if not found:
        return key
    return Choice(key, found.get("zh") or key, found.get("en") or key).label(get_language())


def render(facts: Mapping[str, Any]) -> str | None:
    """The facts in the reader's language; None for a kind this version does not know (then: as stored)."""
    kind = facts.get("kind")
    if kind == "handover_shortage":
        return t(
            "Handover of the {shift} of {day}: {item} missing ({counted} of {expected}); {explanation}; "
            "held by: {holder}",
            shift=t(SHIFT_LABELS.get(str(facts["shift"]), str(facts["shift"]))),
            day=facts["day"],
            item=_label(facts.get("labels"), str(facts["item"])),
            counted=facts["counted"],
            expected=facts["expected"],
            explanation=facts.get("explanation") or "-",
            holder=facts.get("holder") or "-",
        )
    if kind == "patrol_finding":
        return t(
            "Patrol ({route}, round #{round} at {when}), {point}: {note}",
            route=_label(facts.get("route_labels"), str(facts["route"])),
            round=facts["round"],
            when=facts["when"],
            point=_label(facts.get("point_labels"), str(facts["point"])),
            note=facts.get("note", ""),
        )
    return None


def described(events: Sequence[EventRecord], stored: str) -> str:
    """A ticket's description as the reader reads it: its facts rendered now, else as stored."""
    created = next((e for e in events if e.kind == "created"), None)
    facts = created.data.get("facts") if created is not None else None
    if not isinstance(facts, Mapping):
        return stored
    return render(facts) or stored
