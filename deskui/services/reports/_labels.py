"""The words for a report's keys (channels, categories, kinds, shifts …) in the current language; the keys stay
English in JSON."""

from __future__ import annotations

from collections.abc import Mapping

from deskui.core.config import Settings
from deskui.core.i18n import N_, get_language, t
from deskui.services.common.shifts import SHIFT_LABELS
from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, KIND_LABELS, SEVERITY_LABELS

SECTIONS = ("calls", "tickets", "targets", "callbacks", "recurring", "handover")
SECTION_LABELS = {
    "calls": N_("Calls"),
    "tickets": N_("Tickets"),
    "targets": N_("Targets"),
    "callbacks": N_("Callbacks"),
    "recurring": N_("Recurring problems"),
    "handover": N_("Handover quality"),
}
# The registers' figures (reports._registers.FIGURES), shown in the handover section (the desk's own work).
REGISTER_LABELS = {
    "visitors": N_("Visitors signed in"),
    "parcels_received": N_("Parcels received"),
    "parcels_picked_up": N_("Parcels picked up"),
    "parcels_waiting": N_("Parcels still waiting at the month's end"),
    "passes_issued": N_("Goods-release passes issued"),
    "passes_used": N_("Goods-release passes used"),
    "passes_voided": N_("Goods-release passes voided"),
    "patrol_rounds_done": N_("Patrol rounds done"),
    "patrol_rounds_missed": N_("Patrol rounds missed"),
    "renovations_opened": N_("Renovations applied for"),
    "renovations_closed": N_("Renovations closed"),
    "key_loans": N_("Keys lent"),
}
LEVEL_LABELS = {"unit": N_("Unit"), "riser": N_("Riser"), "building": N_("Building")}


def label(settings: Settings, dimension: str, key: str) -> str:
    """A key as a person reads it, in the current language (keys stay English in JSON)."""
    lang = get_language()
    choices = {"channel": settings.channels, "category": settings.categories, "department": settings.departments}
    if dimension in choices:
        if dimension == "department" and not key:
            return t("Not dispatched")
        found = next((c for c in choices[dimension] if c.key == key), None)
        return found.label(lang) if found else key
    tables: dict[str, Mapping[str, str]] = {
        "shift": SHIFT_LABELS,
        "kind": KIND_LABELS,
        "severity": SEVERITY_LABELS,
        "level": LEVEL_LABELS,
        "outcome": CALLBACK_OUTCOME_LABELS,
        "section": SECTION_LABELS,
        "register": REGISTER_LABELS,
    }
    if dimension == "kind" and key == "*":
        return t("All tickets")
    if dimension == "building":
        return t("Building {code}", code=key) if key else t("Public places")
    if dimension == "equipment":
        found = next((c for c in settings.equipment if c.key == key), None)
        return found.label(lang) if found else key
    table = tables.get(dimension, {})
    return t(table[key]) if key in table else key
