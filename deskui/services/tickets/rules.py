"""Who may do what to a ticket in which status: one table, read by the actions (to refuse) and by
`allowed_actions` (so a screen hides what would be refused).

Roles (the issue's "Roles"): the desk (receptionist) creates, dispatches, notes, calls back and closes after a
callback; maintenance takes, starts, marks done and notes; supervisors and managers may do everything, including
escalation decisions, reopening closed tickets and closing without a callback (with a reason). Choices the issue
left open, decided here: anyone may put a ticket on hold (waiting) and resume it, since the desk learns the resident
is away and maintenance waits on parts; the desk may reopen a ticket that is done but not closed (a callback found
the fix failed: 002 制度 五, back to the department); cancelling and merging are supervisors' decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskui.core.i18n import N_
from deskui.services.operators import Role

RECEPTIONIST, MAINTENANCE, SUPERVISOR, MANAGER = Role.RECEPTIONIST, Role.MAINTENANCE, Role.SUPERVISOR, Role.MANAGER
SUPERVISORS = frozenset({SUPERVISOR, MANAGER})
DESK = frozenset({RECEPTIONIST}) | SUPERVISORS
FIELD = frozenset({MAINTENANCE}) | SUPERVISORS
EVERYONE = frozenset(Role)

OPEN = frozenset({"new", "dispatched", "in_progress", "waiting", "done"})
ACTIVE = frozenset({"new", "dispatched", "in_progress"})
ANY = OPEN | {"closed", "cancelled", "merged"}
# Kinds whose closing needs a callback that reached the resident (callback rate 100 %).
CALLBACK_KINDS = frozenset({"repair", "complaint"})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    statuses: frozenset[str]
    label: str


RULES: dict[str, Rule] = {
    "attach_call": Rule(DESK, OPEN, N_("Attach a call")),
    "dispatch": Rule(DESK, frozenset({"new"}), N_("Dispatch to a department")),
    "reassign": Rule(DESK, frozenset({"dispatched", "in_progress", "waiting"}), N_("Reassign the ticket")),
    "take": Rule(FIELD, frozenset({"new", "dispatched"}), N_("Take the ticket")),
    "start": Rule(FIELD, frozenset({"dispatched"}), N_("Start work")),
    "done": Rule(FIELD, frozenset({"dispatched", "in_progress"}), N_("Mark done")),
    "wait": Rule(EVERYONE, ACTIVE, N_("Wait for resident / third party")),
    "resume": Rule(EVERYONE, frozenset({"waiting"}), N_("Resume work")),
    "note": Rule(EVERYONE, ANY, N_("Add a note")),
    "appointment": Rule(DESK | FIELD, ACTIVE | {"waiting"}, N_("Set appointment")),
    "inform": Rule(DESK, OPEN, N_("Record supervisor / manager informed")),
    "escalate": Rule(SUPERVISORS, OPEN, N_("Escalate the ticket")),
    "reply": Rule(DESK, OPEN, N_("Record reply to the resident")),
    "follow_up": Rule(DESK, OPEN, N_("Record follow-up")),
    "callback": Rule(DESK, frozenset({"done"}), N_("Record a callback")),
    "merge": Rule(SUPERVISORS, OPEN, N_("Merge into another ticket")),
    "reopen": Rule(DESK, frozenset({"done", "closed"}), N_("Reopen the ticket")),
    "cancel": Rule(SUPERVISORS, OPEN, N_("Cancel the ticket")),
    "close": Rule(DESK, OPEN, N_("Close the ticket")),
}
