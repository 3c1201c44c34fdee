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

from deskui.core.errors import DeskError, PermissionDenied, ValidationError
from deskui.core.i18n import N_, t
from deskui.services.operators import OperatorInfo, Role
from deskui.services.tickets._replay import OPEN_STATUSES, TERMINAL_STATUSES, TicketState
from deskui.services.tickets._targets import CALLBACK_KINDS
from deskui.services.tickets._types import STATUS_LABELS, TicketInfo

RECEPTIONIST, MAINTENANCE, SUPERVISOR, MANAGER = Role.RECEPTIONIST, Role.MAINTENANCE, Role.SUPERVISOR, Role.MANAGER
SUPERVISORS = frozenset({SUPERVISOR, MANAGER})
DESK = frozenset({RECEPTIONIST}) | SUPERVISORS
FIELD = frozenset({MAINTENANCE}) | SUPERVISORS
EVERYONE = frozenset(Role)

OPEN = frozenset(OPEN_STATUSES)
ACTIVE = frozenset({"new", "dispatched", "in_progress"})
ANY = OPEN | frozenset(TERMINAL_STATUSES)
# The department whose tickets are in a maintenance operator's "My queue" (and the only ones they take).
ROLE_DEPARTMENTS = {Role.MAINTENANCE: "maintenance"}


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
    "deadline": Rule(DESK, ACTIVE | {"waiting"}, N_("Set the resident's deadline")),
    "follow_up": Rule(DESK, OPEN, N_("Record follow-up")),
    "callback": Rule(DESK, frozenset({"done"}), N_("Record a callback")),
    "merge": Rule(SUPERVISORS, OPEN, N_("Merge into another ticket")),
    "reopen": Rule(DESK, frozenset({"done", "closed"}), N_("Reopen the ticket")),
    "cancel": Rule(SUPERVISORS, OPEN, N_("Cancel the ticket")),
    "close": Rule(DESK, OPEN, N_("Close the ticket")),
    # Help requests (issue 14, services.tickets._help_actions): the desk ticks an emergency's checklist, sets the kind.
    "step": Rule(DESK, OPEN, N_("Tick a checklist step")),
    "help_kind": Rule(DESK, OPEN, N_("Set the help kind")),
}


def own_department(operator: OperatorInfo | None) -> str | None:
    """The department an operator's role works for (maintenance), or None."""
    return ROLE_DEPARTMENTS.get(operator.role) if operator is not None else None


def refusal(
    action: str, state: TicketState | TicketInfo, operator: OperatorInfo | None
) -> tuple[type[DeskError], str] | None:
    """Why `operator` may not do `action` to the ticket now (error class, translated message), or None."""
    rule = RULES[action]
    role = operator.role if operator is not None else None
    supervisor = role is None or role in SUPERVISORS

    def denied() -> tuple[type[DeskError], str]:
        assert operator is not None
        name, role_label = operator.name, operator.role_label
        return PermissionDenied, t(
            "{name} ({role}) may not do this: {action}", name=name, role=role_label, action=t(rule.label)
        )

    if role is not None and role not in rule.roles:
        return denied()
    if state.status not in rule.statuses:
        status = t(STATUS_LABELS[state.status])
        return ValidationError, t(
            "{action}: not possible while the ticket is {status}", action=t(rule.label), status=status
        )
    if action in ("step", "help_kind") and state.kind != "help":
        return ValidationError, t("{action}: only a help request", action=t(rule.label))
    if action == "deadline" and (state.kind != "complaint" or state.severity != "minor"):  # issue 14
        return ValidationError, t("Only a minor complaint has a resident's deadline")
    if action == "reopen" and state.status == "closed" and not supervisor:
        return PermissionDenied, t("Only a supervisor or manager may reopen a closed ticket")
    if action == "close" and state.kind in CALLBACK_KINDS and not supervisor:
        reached = state.callback_reached if isinstance(state, TicketState) else state.callback_result == "reached"
        if state.status != "done" or not reached:
            return PermissionDenied, t(
                "A repair or complaint is closed after a callback that reached the resident; "
                "a supervisor may close it without one, giving a reason"
            )
    own = ROLE_DEPARTMENTS.get(role) if role is not None else None
    if own and action in ("take", "start", "done") and state.department not in ("", own):
        return denied()
    return None


def require(action: str, state: TicketState, operator: OperatorInfo | None) -> None:
    """Raise what `refusal` says, if anything."""
    found = refusal(action, state, operator)
    if found is not None:
        cls, message = found
        raise cls(message, field=None if cls is PermissionDenied else "status")


def allowed_actions(ticket: TicketInfo, operator: OperatorInfo | None) -> frozenset[str]:
    """The actions a screen should offer `operator` for `ticket` as it is now (status and role)."""
    return frozenset(a for a in RULES if refusal(a, ticket, operator) is None)


def may_open(operator: OperatorInfo | None) -> None:
    """Opening a ticket is the desk's (the roles that may attach a call)."""
    if operator is not None and operator.role not in RULES["attach_call"].roles:
        raise PermissionDenied(
            t(
                "{name} ({role}) may not do this: {action}",
                name=operator.name,
                role=operator.role_label,
                action=t(N_("Open a ticket")),
            )
        )
