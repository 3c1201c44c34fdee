"""What is done to a ticket after it is opened: dispatch, take, work, wait, inform, escalate, reply, call back, merge,
reopen, cancel, close.

Every action is one write transaction (`act`) that appends one event (rarely two) and rewrites the ticket row from
`_replay.apply`. Every action takes the `version` the operator saw: if someone else changed the ticket since, it
raises TicketChanged ("Changed by X just now") carrying the fresh ticket, and writes nothing. Who may do what in
which status is `_rules.RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from deskui.core.db import serialize_writers
from deskui.core.errors import Conflict, ValidationError
from deskui.core.i18n import t
from deskui.services.calls import CallService
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import OperatorInfo
from deskui.services.tickets._checks import TicketChecks
from deskui.services.tickets._complaints import reply_via, require_minor_complaint, require_result
from deskui.services.tickets._repairs import done_facts, is_repair, signoff_facts
from deskui.services.tickets._replay import EventRecord, TicketState, replay
from deskui.services.tickets._rules import ROLE_DEPARTMENTS, require
from deskui.services.tickets._store import TicketStore, display_name, iso, told
from deskui.services.tickets._targets import CALLBACK_KINDS
from deskui.services.tickets._types import (
    CALLBACK_OUTCOMES,
    CALLBACK_VIA,
    INFORMED,
    WAITING_ON,
    TicketChanged,
    TicketInfo,
)

# One action's change: given the session, the row read, the state replayed and the history (appended to), the new
# state after the event(s) it appended.
Build = Callable[[Session, Row[Any], TicketState, list[EventRecord]], TicketState]


class TicketActions(ContextService):
    def __init__(self, ctx: DeskContext, *, store: TicketStore, checks: TicketChecks, calls: CallService) -> None:
        super().__init__(ctx)
        self.store = store
        self.checks = checks
        self.calls = calls

    # --- the transaction --------------------------------------------------------------------------------------

    def act(self, ref: str | int, version: int, action: str, operator: OperatorInfo | None, build: Build) -> TicketInfo:
        """One action: lock, compare versions, check the rule, append the event(s) `build` makes, save the row."""
        store = self.store
        with self.db.write() as s:
            serialize_writers(s, "tickets", self.site_id)  # PostgreSQL: before reading the version (db.py)
            row = store.row(s, ref)
            events = store.events(s, row.id)
            if row.version != version:
                current = store.info(row, events)
                raise TicketChanged(
                    t("Changed by {name} just now", name=display_name(row.updated_by_name)), current=current
                )
            state = replay(events, self.settings)
            require(action, state, operator)
            history = list(events)
            new = build(s, row, state, history)
            store.save(s, row.id, version, new, (row.status, row.department))
            return store.info(store.row_by_id(s, row.id), history)

    def simple(
        self,
        ref: str | int,
        version: int,
        action: str,
        kind: str,
        operator: OperatorInfo | None,
        *,
        note: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> TicketInfo:
        """An action that appends one event of `kind`, whatever the ticket's state."""

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            return self.store.append(s, state, history, row.id, kind, operator=operator, note=note, data=data)

        return self.act(ref, version, action, operator, build)

    # --- the actions ------------------------------------------------------------------------------------------

    def attach_call(self, ref: str | int, version: int, call_id: int, *, operator: OperatorInfo | None) -> TicketInfo:
        call = self.calls.current(call_id)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            if call.root_id in state.call_ids:
                raise Conflict(t("Call #{id} is already attached to {number}", id=call.root_id, number=row.number))
            data = {"call_id": call.root_id}
            new = self.store.append(s, state, history, row.id, "call_attached", operator=operator, data=data)
            self.store.link(s, row.id, call.root_id, history[-1])
            return new

        return self.act(ref, version, "attach_call", operator, build)

    def send(
        self,
        ref: str | int,
        version: int,
        action: str,
        department: str,
        *,
        assignee: OperatorInfo | str | None,
        note: str,
        operator: OperatorInfo | None,
        worker: str | None = None,
    ) -> TicketInfo:
        """dispatch (a new ticket) or reassign (one already dispatched): to a department, optionally a person (an
        operator) and the department's worker on duty (issue 14)."""
        dept = self.checks.department(department)
        assigned = self.checks.assignee(assignee)
        text = self.checks.note(note)
        data: dict[str, Any] = {"department": dept, "assignee_id": assigned[0], "assignee_name": assigned[1]}
        worker_id, worker_name = self.checks.worker(worker, dept)
        if worker_id is not None:
            data.update(worker_id=worker_id, worker_name=worker_name)
        kind = "dispatched" if action == "dispatch" else "reassigned"
        return self.simple(ref, version, action, kind, operator, note=text, data=data)

    def take(self, ref: str | int, version: int, *, operator: OperatorInfo | None) -> TicketInfo:
        if operator is None:
            raise ValidationError(t("Taking a ticket needs an operator"), field="operator")
        taker = operator
        dept = ROLE_DEPARTMENTS.get(taker.role, "")

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            kind = "dispatched" if state.status == "new" else "reassigned"
            data = {"department": state.department or dept, "assignee_id": taker.id, "assignee_name": taker.name}
            return self.store.append(s, state, history, row.id, kind, operator=taker, data=data)

        return self.act(ref, version, "take", taker, build)

    def note(self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None) -> TicketInfo:
        return self.simple(ref, version, "note", "note", operator, note=self.checks.note(text, required=True))

    def start(self, ref: str | int, version: int, *, note: str, operator: OperatorInfo | None) -> TicketInfo:
        text = self.checks.note(note)
        return self.simple(ref, version, "start", "status", operator, note=text, data={"to": "in_progress"})

    def mark_done(
        self,
        ref: str | int,
        version: int,
        *,
        note: str,
        water_test_at: datetime | str | None,
        repair_type: str | None,
        operator: OperatorInfo | None,
        paid: bool | str | None = None,
        fee: int | str | None = None,
    ) -> TicketInfo:
        data: dict[str, Any] = {"to": "done"}
        if repair_type:
            data["repair_type"] = self.checks.repair_type("repair", repair_type)
        moment = self.checks.moment(water_test_at, "water_test_at", ahead=False)
        if moment is not None:
            data["water_test_at"] = iso(moment)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            if repair_type and not is_repair(state.kind):
                raise ValidationError(t("Only a repair has a repair type"), field="repair_type")
            if moment is not None and (data.get("repair_type") or state.repair_type) != "leak":
                raise ValidationError(t("A water test is for a leak repair"), field="water_test_at")
            data.update(done_facts(state.kind, state.paid, paid, fee))  # paid or free, the fee (issue 14)
            text = self.checks.note(note)
            return self.store.append(s, state, history, row.id, "status", operator=operator, note=text, data=data)

        return self.act(ref, version, "done", operator, build)

    def wait(
        self, ref: str | int, version: int, waiting_on: str, *, note: str, operator: OperatorInfo | None
    ) -> TicketInfo:
        on = (waiting_on or "").strip().lower()
        if on not in WAITING_ON:
            raise ValidationError(t("Waiting on whom? Use resident or third_party"), field="waiting_on")
        data = {"to": "waiting", "waiting_on": on}
        return self.simple(ref, version, "wait", "status", operator, note=self.checks.note(note), data=data)

    def resume(self, ref: str | int, version: int, *, note: str, operator: OperatorInfo | None) -> TicketInfo:
        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            data = {"to": state.resume_status or "dispatched"}
            text = self.checks.note(note)
            return self.store.append(s, state, history, row.id, "status", operator=operator, note=text, data=data)

        return self.act(ref, version, "resume", operator, build)

    def set_status(
        self,
        ref: str | int,
        version: int,
        status: str,
        *,
        note: str,
        waiting_on: str | None,
        operator: OperatorInfo | None,
    ) -> TicketInfo:
        to = (status or "").strip().lower()
        if to == "in_progress":
            return self.start(ref, version, note=note, operator=operator)
        if to == "done":
            return self.mark_done(ref, version, note=note, water_test_at=None, repair_type=None, operator=operator)
        if to == "waiting":
            return self.wait(ref, version, waiting_on or "", note=note, operator=operator)
        if to in ("dispatched", "resume"):
            return self.resume(ref, version, note=note, operator=operator)
        raise ValidationError(
            t("Cannot change the status to {status!r}; use in_progress, done, waiting or resume", status=status),
            field="status",
        )

    def set_appointment(
        self, ref: str | int, version: int, when: datetime | str | None, *, note: str, operator: OperatorInfo | None
    ) -> TicketInfo:
        data = {"appointment_at": iso(self.checks.moment(when, "appointment_at"))}
        text = self.checks.note(note)
        return self.simple(ref, version, "appointment", "appointment", operator, note=text, data=data)

    def inform(
        self, ref: str | int, version: int, whom: str, *, note: str, operator: OperatorInfo | None
    ) -> TicketInfo:
        w = (whom or "").strip().lower()
        if w not in INFORMED:
            raise ValidationError(t("Informed whom? Use supervisor or manager"), field="informed")
        text = self.checks.note(note)
        return self.simple(ref, version, "inform", "informed", operator, note=text, data={"informed": w})

    def escalate(
        self,
        ref: str | int,
        version: int,
        *,
        severity: str | None,
        informed: str | None,
        department: str | None,
        note: str,
        operator: OperatorInfo | None,
    ) -> TicketInfo:
        data: dict[str, Any] = {}
        if informed:
            w = informed.strip().lower()
            if w not in INFORMED:
                raise ValidationError(t("Informed whom? Use supervisor or manager"), field="informed")
            data["informed"] = w
        if department:
            data["department"] = self.checks.department(department)
        text = self.checks.note(note, "reason", required=True)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            if severity:
                data["severity"] = self.checks.severity(state.kind, severity)
            return self.store.append(s, state, history, row.id, "escalated", operator=operator, note=text, data=data)

        return self.act(ref, version, "escalate", operator, build)

    def reply(
        self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None, via: str | None = None
    ) -> TicketInfo:
        note = self.checks.note(text, "answer", required=True)
        how = reply_via(via)  # issue 14: how the resident was told (phone, visit, written)
        return self.simple(ref, version, "reply", "replied", operator, note=note, data={"via": how} if how else None)

    def set_deadline(
        self, ref: str | int, version: int, when: datetime | str | None, *, note: str, operator: OperatorInfo | None
    ) -> TicketInfo:
        """The date a minor complaint's resident agreed (issue 14); None clears it (back to the configured days)."""
        moment = self.checks.moment(when, "resident_deadline")
        text = self.checks.note(note)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            require_minor_complaint(state.kind, state.severity)
            data = {"resident_deadline": iso(moment)}
            return self.store.append(s, state, history, row.id, "deadline", operator=operator, note=text, data=data)

        return self.act(ref, version, "deadline", operator, build)

    def follow_up(self, ref: str | int, version: int, text: str, *, operator: OperatorInfo | None) -> TicketInfo:
        note = self.checks.note(text, required=True)
        return self.simple(ref, version, "follow_up", "followed_up", operator, note=note)

    def callback(
        self,
        ref: str | int,
        version: int,
        outcome: str,
        *,
        satisfaction: int | None,
        comment: str,
        operator: OperatorInfo | None,
        via: str = "phone",
        signed_off: bool | str | None = None,
        signed_by: str = "",
    ) -> TicketInfo:
        out = (outcome or "").strip().lower()
        if out not in CALLBACK_OUTCOMES:
            raise ValidationError(t("Callback outcome: reached, no_answer or left_message"), field="outcome")
        how = (via or "").strip().lower()
        if how not in CALLBACK_VIA:
            raise ValidationError(t("A callback is made by phone or visit"), field="via")
        data: dict[str, Any] = {"outcome": out, "via": how}
        if out == "reached":
            if satisfaction is None or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
                raise ValidationError(t("Satisfaction is 1 to 5"), field="satisfaction")
            data["satisfaction"] = satisfaction
        elif satisfaction is not None:
            raise ValidationError(t("Satisfaction only when the resident was reached"), field="satisfaction")
        else:
            retry = timedelta(hours=self.settings.target("callback_retry_hours"))
            data["next_due"] = iso(self.clock.now() + retry)
        text = self.checks.note(comment, "comment")

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            data.update(signoff_facts(state.kind, out, signed_off, signed_by))  # a repair's sign-off (issue 14)
            return self.store.append(s, state, history, row.id, "callback", operator=operator, note=text, data=data)

        return self.act(ref, version, "callback", operator, build)

    def merge(
        self, ref: str | int, version: int, into: str | int, *, note: str, operator: OperatorInfo | None
    ) -> TicketInfo:
        text = self.checks.note(note)
        store = self.store

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            target = store.row(s, into)
            if target.id == row.id:
                raise ValidationError(t("A ticket cannot be merged into itself"), field="into")
            if not target.is_open:
                raise ValidationError(
                    t("{number} is not open; merge into an open ticket", number=target.number), field="into"
                )
            if target.kind != state.kind:
                raise ValidationError(t("Only tickets of the same kind can be merged"), field="into")
            into_data = {"into_id": target.id, "into_number": target.number}
            new = store.append(s, state, history, row.id, "merged", operator=operator, note=text, data=into_data)
            t_events = store.events(s, target.id)
            t_state = replay(t_events, self.settings)
            moved = [c for c in state.call_ids if c not in t_state.call_ids]
            from_data = {"from_id": row.id, "from_number": row.number, "call_ids": moved}
            t_new = store.append(
                s, t_state, t_events, target.id, "merged_in", operator=operator, note=text, data=from_data
            )
            for cid in moved:
                store.link(s, target.id, cid, t_events[-1])
            store.save(s, target.id, target.version, t_new, (target.status, target.department))
            return new

        return self.act(ref, version, "merge", operator, build)

    def reopen(self, ref: str | int, version: int, reason: str, *, operator: OperatorInfo | None) -> TicketInfo:
        text = self.checks.note(reason, "reason", required=True)

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            data = {"to": "dispatched" if state.department else "new"}
            return self.store.append(s, state, history, row.id, "reopened", operator=operator, note=text, data=data)

        return self.act(ref, version, "reopen", operator, build)

    def cancel(self, ref: str | int, version: int, reason: str, *, operator: OperatorInfo | None) -> TicketInfo:
        text = self.checks.note(reason, "reason", required=True)
        return self.simple(ref, version, "cancel", "cancelled", operator, note=text)

    def close(
        self, ref: str | int, version: int, *, reason: str, operator: OperatorInfo | None, result: str = ""
    ) -> TicketInfo:
        text = self.checks.note(reason, "reason")
        outcome = self.checks.note(result, "result")

        def build(s: Session, row: Row[Any], state: TicketState, history: list[EventRecord]) -> TicketState:
            needs = state.kind in CALLBACK_KINDS and not (state.status == "done" and state.callback_reached)
            if needs and not text:
                raise ValidationError(
                    t("Closing a repair or complaint without a callback needs a reason"), field="reason"
                )
            require_result(state.kind, outcome or told(history)[0])  # issue 14: a complaint closes with its result
            data: dict[str, Any] = {"without_callback": needs}
            if outcome:
                data["result"] = outcome
            return self.store.append(s, state, history, row.id, "closed", operator=operator, note=text, data=data)

        return self.act(ref, version, "close", operator, build)
