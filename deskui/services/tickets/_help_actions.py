"""A help request's own actions (issue 14): tick a step of its emergency checklist (003 4.2.1), and set its kind
(003 4.1.1) when an urgent call's ticket opened without one or it was filed under the wrong kind.

Each is one transaction of TicketActions.act (the version seen, the rule, one event); a step is a `step` event, so
it is kept with its time and operator and never changed. Refused: a ticket that is no help request, a kind without a
checklist, a step the checklist does not have, a step already ticked (its time and who ticked it said).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from deskui.core.errors import Conflict, ValidationError
from deskui.core.i18n import t
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import OperatorInfo
from deskui.services.tickets._actions import TicketActions
from deskui.services.tickets._checks import TicketChecks
from deskui.services.tickets._help import checklist, help_kind_key, help_kind_label
from deskui.services.tickets._replay import EventRecord, TicketState
from deskui.services.tickets._store import display_name
from deskui.services.tickets._types import TicketInfo


class TicketHelp(ContextService):
    def __init__(self, ctx: DeskContext, *, actions: TicketActions, checks: TicketChecks) -> None:
        super().__init__(ctx)
        self.actions = actions
        self.checks = checks

    def step(
        self, ref: str | int, version: int, step: str, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Tick one step of the ticket's checklist, now, by `operator`, with an optional note (which hospital,
        120 called or not)."""
        key = (step or "").strip()
        text = self.checks.note(note)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            steps = checklist(self.settings, state.help_kind, history)
            configured = [x for x in steps if x.step is not None]
            if not configured:
                kind = help_kind_label(state.help_kind) or t("not classified")
                raise ValidationError(
                    t(
                        "{number} ({kind}) has no checklist: only {kinds} have one",
                        number=row.number,
                        kind=kind,
                        kinds=", ".join(help_kind_label(k) for k in self.settings.help.checklists),
                    ),
                    field="step",
                )
            found = next((x for x in configured if x.key == key), None)
            if found is None:
                raise ValidationError(
                    t(
                        "Unknown step {value!r}; use one of: {keys}",
                        value=key,
                        keys=", ".join(x.key for x in configured),
                    ),
                    field="step",
                )
            if found.done_at is not None:
                at = found.done_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
                raise Conflict(
                    t(
                        "{step} was ticked at {time} by {name}",
                        step=found.label,
                        time=at,
                        name=display_name(found.operator),
                    ),
                    field="step",
                )
            data = {"step": key, "checklist": state.help_kind}
            return self.actions.store.append(s, state, history, row.id, "step", operator=operator, note=text, data=data)

        return self.actions.act(ref, version, "step", operator, build)

    def set_kind(
        self, ref: str | int, version: int, help_kind: str, *, operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Set (or correct) a help request's kind; steps already ticked stay in its history."""
        key = help_kind_key(help_kind)
        if not key:
            raise ValidationError(t("Which kind of help request?"), field="help_kind")

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            if state.help_kind == key:
                raise ValidationError(
                    t("{number} is already {kind}", number=row.number, kind=help_kind_label(key)), field="help_kind"
                )
            data = {"help_kind": key, "from": state.help_kind}
            return self.actions.store.append(s, state, history, row.id, "help_kind", operator=operator, data=data)

        return self.actions.act(ref, version, "help_kind", operator, build)
