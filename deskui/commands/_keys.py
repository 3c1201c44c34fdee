"""Keys on the command line, both ways: read in any of the desk's languages, printed in the reader's.

Reading: `key_option(labels, what)` is the Typer callback of an option that takes a key (`--kind`, `--queue`,
`--shift`, `--via` …): `--kind 维修`, `--kind 報修`, `--kind Repair` and `--kind repair` all give `repair`
(services.common.choices.pick: key, English label, Chinese label in either script, the desk's words); an unknown
word is one line listing the choices in the reader's language, exit 1. The label tables are looked up when the
option is used, so a command line that does not use it imports nothing.

Printing: the human output says a key in words (`shift_name`, `department_name`, `target_state_name`,
`role_name`, `duration`); JSON keeps the keys (the contract).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.core.config import Settings

LabelTable = Callable[[], Mapping[str, str]]


def key_option(labels: LabelTable, what: str) -> Callable[[str | None], str | None]:
    """A Typer callback turning the typed word into its key (None stays None); `what` is an N_() msgid naming the
    option in the refusal ("ticket kind")."""

    def convert(value: str | None) -> str | None:
        if value is None or not value.strip():  # not given: the command's default (an empty --help-kind is none)
            return value
        return pick_key(value, labels(), what)

    return convert


def keys_option(labels: LabelTable, what: str) -> Callable[[list[str] | None], list[str] | None]:
    """`key_option` for an option given more than once (`units timeline --kind 来电 --kind 工单`)."""
    one = key_option(labels, what)

    def convert(values: list[str] | None) -> list[str] | None:
        return None if values is None else [one(v) or v for v in values]

    return convert


def pick_key(value: str, labels: Mapping[str, str], what: str) -> str:
    """The key of `labels` (key → N_ msgid) that `value` names, for a command that knows its table only once it
    runs (the configured shifts); ValidationError (one line, exit 1) listing the choices otherwise."""
    from deskui.services.common.choices import pick

    return pick(value, labels, t(what))


# --- the label tables, imported when an option is used -----------------------------------------------------------


def ticket_kinds() -> Mapping[str, str]:
    from deskui.services.tickets import KIND_LABELS

    return KIND_LABELS


def severities() -> Mapping[str, str]:
    from deskui.services.tickets import SEVERITY_LABELS

    return SEVERITY_LABELS


def repair_types() -> Mapping[str, str]:
    from deskui.services.tickets import REPAIR_TYPE_LABELS

    return REPAIR_TYPE_LABELS


def help_kinds() -> Mapping[str, str]:
    from deskui.services.tickets import HELP_KIND_LABELS

    return HELP_KIND_LABELS


def callback_outcomes() -> Mapping[str, str]:
    from deskui.services.tickets import CALLBACK_OUTCOME_LABELS

    return CALLBACK_OUTCOME_LABELS


def callback_ways() -> Mapping[str, str]:
    from deskui.services.tickets import CALLBACK_VIA_LABELS

    return CALLBACK_VIA_LABELS


def reply_ways() -> Mapping[str, str]:
    from deskui.services.tickets import REPLY_VIA_LABELS

    return REPLY_VIA_LABELS


def shifts(settings: Settings) -> Mapping[str, str]:
    """The configured shifts (a site may name its own: its key is then its only name)."""
    from deskui.services.common.shifts import SHIFT_LABELS

    return {s.key: SHIFT_LABELS.get(s.key, s.key) for s in settings.shifts.shifts}


def queues() -> Mapping[str, str]:
    """`tickets list --queue`'s queues, by their CLI spelling (due-soon): CLI_QUEUES of deskui.commands.tickets."""
    from deskui.services.tickets import QUEUE_LABELS

    return {"due-soon" if key == "due_soon" else key: QUEUE_LABELS[key] for key in CLI_QUEUE_KEYS}


CLI_QUEUE_KEYS = ("new", "overdue", "due_soon", "callback", "waiting", "open", "closed")


def roles() -> Mapping[str, str]:
    from deskui.services.operators import ROLE_LABELS

    return {str(role.value): label for role, label in ROLE_LABELS.items()}


def parcel_kinds() -> Mapping[str, str]:
    from deskui.services.registers import PARCEL_KINDS

    return PARCEL_KINDS


def timeline_kinds() -> Mapping[str, str]:
    """A unit's timeline: its kinds and the groups of kinds (calls, tickets, log, registers)."""
    from deskui.services.timeline import GROUP_LABELS, KIND_LABELS

    return {**GROUP_LABELS, **KIND_LABELS}


def notice_ways() -> Mapping[str, str]:
    from deskui.services.registers import NOTICE_VIA

    return NOTICE_VIA


# --- keys in words ------------------------------------------------------------------------------------------------


def shift_name(key: str) -> str:
    """A shift in words (夜班, Night shift); a shift a site configured without a label shows its key."""
    from deskui.services.common.shifts import SHIFT_LABELS

    return t(SHIFT_LABELS[key]) if key in SHIFT_LABELS else key


def department_name(settings: Settings, key: str | None) -> str:
    """A department in words (维修部, Maintenance); "-" when there is none."""
    if not key:
        return "-"
    from deskui.core.i18n import get_language

    found = next((d for d in settings.departments if d.key == key), None)
    return found.label(get_language()) if found else key


def target_state_name(state: str) -> str:
    from deskui.services.tickets import TARGET_STATE_LABELS

    return t(TARGET_STATE_LABELS[state]) if state in TARGET_STATE_LABELS else state


def role_name(role: object) -> str:
    from deskui.services.operators import ROLE_LABELS

    key = str(getattr(role, "value", role))
    found = next((label for r, label in ROLE_LABELS.items() if r.value == key), None)
    return t(found) if found else key


def duration(seconds: int) -> str:
    """A duration the way the ticket screen says it ("2天3小时", "2d 3h"): services.tickets.span."""
    from deskui.services.tickets import span

    return span(seconds)
