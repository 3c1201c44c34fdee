"""How a ticket reads on screen: time left or how late, the target-state colour, one line per event.

Shared by the queues, the ticket detail, the new-ticket form and the call screen's side panel, so a ticket says the
same thing everywhere. Colours come from the theme (`$text-success`, `$text-warning`, `$text-error`), never from
literals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text

from deskui.core.i18n import N_, get_language, t
from deskui.services.common.shifts import local_time
from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, describe, due_soon_seconds, running_state
from deskui.widgets.colours import text_style
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from textual.app import App

    from deskui.core.config import Settings
    from deskui.services.tickets import EventInfo, TargetState, TicketInfo

RUNNING = ("ok", "due_soon", "overdue")
# Target state → theme variable.
STATE_VARIABLES = {
    "ok": "success",
    "due_soon": "warning",
    "overdue": "error",
    "met": "success",
    "late": "error",  # met, but after the due time: late is late (services.tickets._targets)
    "paused": "secondary",
}
STATE_MARKS = {"ok": "●", "due_soon": "●", "overdue": "●", "met": "✓", "late": "✗", "paused": "‖"}
OUTCOME_LABELS = CALLBACK_OUTCOME_LABELS  # defined once, in deskui.services.tickets
WAITING_LABELS = {"resident": N_("the resident"), "third_party": N_("a third party")}
INFORMED_LABELS = {"supervisor": N_("Supervisor"), "manager": N_("Manager")}


def live(target: TargetState, now: datetime, soon_seconds: float, *, running: bool = True) -> TargetState:
    """The target as of `now`: a running target's time left moves with the clock between reads of the ticket.

    `running` is False for a closed ticket, whose late targets stay frozen at the moment it ended."""
    if not running or target.state not in RUNNING:
        return target
    left = int((target.due_at - now).total_seconds())
    return replace(target, seconds_left=left, state=running_state(left, soon_seconds))


def phrase(target: TargetState) -> str:
    """ "2h 10m left", "late 1d 3h", "paused, 2h left", "met", "late by 10h 5m": services.tickets._targets.describe, the
    words `deskui tickets show` uses too."""
    return describe(target)


def nearest(ticket: TicketInfo, now: datetime, settings: Settings) -> TargetState | None:
    """The target behind the ticket's due time (the one the queues sort by), as of `now`."""
    soon = due_soon_seconds(settings)
    targets = [live(g, now, soon, running=ticket.is_open) for g in ticket.targets]
    if ticket.due_at is not None:
        due = [g for g in targets if g.due_at == ticket.due_at and g.state in RUNNING]
        if due:
            return due[0]
    late = [g for g in targets if g.state == "overdue"]
    if late:
        return min(late, key=lambda g: g.seconds_left)
    paused = [g for g in targets if g.state == "paused"]
    return paused[0] if paused else None


def state_style(app: App[Any], state: str, *, bold: bool = False) -> Style:
    """The theme's text colour for a target state ($text-success / $text-warning / $text-error), as a Rich style for
    table cells."""
    return text_style(app, STATE_VARIABLES.get(state, "foreground"), bold=bold)


def when(settings: Settings, moment: datetime | None, now: datetime | None = None) -> str:
    """A time in the site's zone: "14:05" today, "11-23 14:05" this year, else the full date."""
    if moment is None:
        return "-"
    local = local_time(settings, moment)
    if now is not None:
        today = local_time(settings, now)
        if local.date() == today.date():
            return local.strftime("%H:%M")
        if local.year == today.year:
            return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def department_label(settings: Settings, key: str) -> str:
    if not key:
        return t("Not dispatched")
    language = get_language()
    return next((d.label(language) for d in settings.departments if d.key == key), key)


def kind_text(ticket: TicketInfo) -> str:
    return ticket.kind_label + (f"·{ticket.severity_label}" if ticket.severity else "")


def event_detail(event: EventInfo, settings: Settings) -> str:
    """What an event changed, in words (the note is shown beside it, as typed)."""
    from deskui.services.tickets import SEVERITY_LABELS, STATUS_LABELS, help_kind_label, step_label

    data = event.data
    parts: list[str] = []
    if event.kind in ("dispatched", "reassigned"):
        parts.append(department_label(settings, str(data.get("department") or "")))
        if data.get("assignee_name"):
            parts.append(str(data["assignee_name"]))
        if data.get("worker_name"):  # issue 14: the department's worker named
            parts.append(str(data["worker_name"]))
    elif event.kind == "status" and data.get("to") in STATUS_LABELS:
        parts.append("→ " + t(STATUS_LABELS[str(data["to"])]))
        if data.get("waiting_on") in WAITING_LABELS:
            parts.append(t(WAITING_LABELS[str(data["waiting_on"])]))
    elif event.kind == "appointment":
        moment = data.get("appointment_at")
        parts.append(when(settings, datetime.fromisoformat(moment)) if moment else t("cleared"))
    elif event.kind in ("informed", "escalated"):
        if data.get("informed") in INFORMED_LABELS:
            parts.append(t("told: {whom}", whom=t(INFORMED_LABELS[str(data["informed"])])))
        if data.get("severity") in SEVERITY_LABELS:
            parts.append(t(SEVERITY_LABELS[str(data["severity"])]))
        if data.get("department"):
            parts.append(department_label(settings, str(data["department"])))
    elif event.kind == "callback":
        parts.append(t(OUTCOME_LABELS.get(str(data.get("outcome")), str(data.get("outcome")))))
        if data.get("satisfaction"):
            parts.append(t("satisfaction {n}/5", n=data["satisfaction"]))
    elif event.kind == "merged":
        parts.append("→ " + str(data.get("into_number") or ""))
    elif event.kind == "merged_in":
        parts.append("← " + str(data.get("from_number") or ""))
    elif event.kind == "call_attached":
        parts.append(f"#{data.get('call_id')}")
    elif event.kind == "step":  # which step of a help request's checklist (issue 14)
        parts.append(step_label(settings, str(data.get("checklist") or ""), str(data.get("step") or "")))
    elif event.kind == "help_kind":
        parts.append(help_kind_label(str(data.get("help_kind") or "")))
    elif event.kind == "reopened" and data.get("to") in STATUS_LABELS:
        parts.append("→ " + t(STATUS_LABELS[str(data["to"])]))
    return " ".join(p for p in parts if p)


def event_line(event: EventInfo, settings: Settings, now: datetime, *, number: str = "") -> Text:
    """One event on one line: when, what, details, who, and the note (user text, shown literally)."""
    line = Text()
    line.append(when(settings, event.at, now), "dim")
    line.append("  ")
    if number and event.ticket_number != number:
        line.append(f"[{event.ticket_number}] ", "italic")
    line.append(event.label, "bold")
    detail = event_detail(event, settings)
    if detail:
        line.append(" ")
        line.append_text(plain(detail, one_line=True))
    line.append("  ")
    line.append_text(plain(event.operator or t("the administrator"), one_line=True, style="dim"))
    if event.note:
        line.append("  ")
        line.append_text(plain(event.note, one_line=True))
    return line
