"""A timeline entry's state in the reader's language: the labels of the domain it comes from."""

from __future__ import annotations

from deskui.core.i18n import N_, t
from deskui.services.registers import (
    INSPECTION_RESULTS,
    PARCEL_STATES,
    PASS_STATES,
    RENOVATION_STATES,
    VISIT_STATES,
)
from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, EVENT_LABELS, STATUS_LABELS
from deskui.services.timeline._types import TimelineEntry

# States the timeline names itself: a call as logged, corrected or urgent; a duty-log line or its amendment.
STATE_LABELS = {
    "logged": N_("Logged"),
    "corrected": N_("Corrected"),
    "urgent": N_("Urgent"),
    "entry": N_("Entry"),
    "amendment": N_("Amendment"),
    "held": N_("Held at the desk"),
    "retired": N_("No longer held"),
    "out": N_("Lent out"),
    "returned": N_("Back at the desk"),
    "abnormal": N_("Abnormal"),
    "ticket": N_("Ticket opened"),
}
_BY_KIND: dict[str, dict[str, str]] = {
    "ticket": STATUS_LABELS,
    "ticket_event": STATUS_LABELS,
    "callback": {**STATUS_LABELS, **CALLBACK_OUTCOME_LABELS},
    "visit": VISIT_STATES,
    "parcel": PARCEL_STATES,
    "pass": PASS_STATES,
    "renovation": {**RENOVATION_STATES, **INSPECTION_RESULTS},
}


def state_label(entry: TimelineEntry) -> str:
    """The entry's state key in the reader's language (a key no table knows is shown as it is)."""
    table = _BY_KIND.get(entry.kind, {})
    for labels in (table, STATE_LABELS, EVENT_LABELS):
        if entry.state in labels:
            return t(labels[entry.state])
    return entry.state
