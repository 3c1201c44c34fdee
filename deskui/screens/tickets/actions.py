"""The forms behind a ticket's actions (dispatch, wait, appointment, done, callback, merge, close…): which fields each
asks for and which service call saves it. The ticket screen (deskui.screens.tickets.detail) opens them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text

from deskui.core.i18n import N_, get_language, t
from deskui.screens.tickets import complaint_fields, repair_fields
from deskui.screens.tickets.forms import FormField, choice, options_from
from deskui.services.tickets import REPAIR_TYPE_LABELS, SEVERITY_LABELS
from deskui.widgets.plain import plain
from deskui.widgets.ticket_text import (
    INFORMED_LABELS,
    OUTCOME_LABELS,
    WAITING_LABELS,
    when,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from deskui.core.config import Settings
    from deskui.services.directory import WorkerInfo
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketInfo, TicketService


SATISFACTION = (
    ("1", N_("Very dissatisfied")),
    ("2", N_("Dissatisfied")),
    ("3", N_("Neutral")),
    ("4", N_("Satisfied")),
    ("5", N_("Very satisfied")),
)

ActionForm = tuple[list[FormField], Callable[[dict[str, str]], Awaitable["TicketInfo"]], Text | None]
"""The fields, the call that saves them, and the text shown above them."""


def action_form(
    action: str,
    x: TicketInfo,
    *,
    tickets: TicketService,
    operator: OperatorInfo | None,
    settings: Settings,
    people: Sequence[OperatorInfo],
    ticket_id: int,
    workers: Sequence[WorkerInfo] = (),
) -> ActionForm | None:
    """The fields of an action's form and the service call that saves it (over the version shown now)."""
    svc, op, version, ref = tickets, operator, x.version, ticket_id
    language = get_language()

    def run(call: Callable[[], TicketInfo]) -> Awaitable[TicketInfo]:
        return asyncio.to_thread(call)

    note = FormField("note", N_("Note"), placeholder=t("optional"))
    if action in ("dispatch", "reassign"):
        departments = options_from([(d.key, d.label(language), d.en, "") for d in settings.departments])
        current = x.department or ("maintenance" if x.kind == "repair" else "")
        assignees = options_from([(o.name, o.name, "", "") for o in people])
        fields = [
            choice("department", N_("Department"), departments, current, required=True),
            choice("assignee", N_("Assignee"), assignees, x.assignee if action == "reassign" else ""),
            note,
        ]
        # The department's workers on duty (issue 14), when the directory has any: the service refuses one of
        # another department, with the reason.
        labels = {d.key: d.label(language) for d in settings.departments}
        crew = options_from(
            [(w.name, f"{w.name} {labels.get(w.department, '')}", "", "") for w in workers if w.on_duty]
        )
        if crew:
            fields.insert(2, choice("worker", N_("Worker"), crew, x.worker if action == "reassign" else ""))
        method = svc.dispatch if action == "dispatch" else svc.reassign

        def assign(v: dict[str, str]) -> Awaitable[TicketInfo]:
            who, worker = v["assignee"] or None, v.get("worker") or None
            return run(
                lambda: method(ref, version, v["department"], assignee=who, note=v["note"], operator=op, worker=worker)
            )

        return fields, assign, None
    if action == "note":
        return (
            [FormField("note", N_("Note"))],
            lambda v: run(lambda: svc.note(ref, version, v["note"], operator=op)),
            None,
        )
    if action == "done":
        fields = [note]
        if repair_fields.is_repair(x):  # a paid service is a repair too (issue 14)
            kinds = options_from([(k, t(label), label, "") for k, label in REPAIR_TYPE_LABELS.items()])
            fields = [
                choice("repair_type", N_("Repair type"), kinds, x.repair_type),
                FormField(
                    "water_test_at",
                    N_("Water test"),
                    placeholder=t("when the water test was, e.g. 14:30"),
                    active_when=("repair_type", ("leak",)),
                ),
                note,
            ]
        fields += repair_fields.done_fields(x)  # paid or free, the fee (issue 14)

        def done(v: dict[str, str]) -> Awaitable[TicketInfo]:
            repair_type = v.get("repair_type") or None
            if repair_type == x.repair_type:
                repair_type = None
            water = v.get("water_test_at") or None
            paid, fee = repair_fields.done_values(x, v)
            return run(
                lambda: svc.mark_done(
                    ref,
                    version,
                    note=v["note"],
                    water_test_at=water,
                    repair_type=repair_type,
                    operator=op,
                    paid=paid,
                    fee=fee,
                )
            )

        return fields, done, None
    if action == "wait":
        whom = options_from([(k, t(label), label, k[0]) for k, label in WAITING_LABELS.items()])
        return (
            [choice("waiting_on", N_("Waiting on"), whom, required=True), note],
            lambda v: run(lambda: svc.wait(ref, version, v["waiting_on"], note=v["note"], operator=op)),
            None,
        )
    if action == "appointment":
        current = when(settings, x.appointment_at) if x.appointment_at else ""
        fields = [
            FormField(
                "when",
                N_("Visit"),
                value=current,
                placeholder=t("e.g. tomorrow 9:00, 14:30; empty clears it"),
                also=("appointment_at",),
            ),
            note,
        ]
        return (
            fields,
            lambda v: run(lambda: svc.set_appointment(ref, version, v["when"] or None, note=v["note"], operator=op)),
            None,
        )
    if action == "inform":
        whom = options_from([(k, t(label), label, "") for k, label in INFORMED_LABELS.items()])
        return (
            [choice("informed", N_("Told"), whom, required=True), note],
            lambda v: run(lambda: svc.inform(ref, version, v["informed"], note=v["note"], operator=op)),
            None,
        )
    if action == "escalate":
        whom = options_from([(k, t(label), label, "") for k, label in INFORMED_LABELS.items()])
        departments = options_from([(d.key, d.label(language), d.en, "") for d in settings.departments])
        fields = []
        if x.kind == "complaint":
            levels = options_from([(k, t(label), label, "") for k, label in SEVERITY_LABELS.items()])
            fields.append(choice("severity", N_("Severity"), levels, x.severity))
        fields += [
            choice("informed", N_("Told"), whom),
            choice("department", N_("Department"), departments, x.department),
            FormField("reason", N_("Reason")),
        ]

        def escalate(v: dict[str, str]) -> Awaitable[TicketInfo]:
            severity = v.get("severity") or None
            if severity == x.severity:
                severity = None
            department = v["department"] if v["department"] != x.department else None
            return run(
                lambda: svc.escalate(
                    ref,
                    version,
                    severity=severity,
                    informed=v["informed"] or None,
                    department=department,
                    note=v["reason"],
                    operator=op,
                )
            )

        return fields, escalate, None
    if action == "reply":  # the answer and how it was given (issue 14)
        return complaint_fields.reply_form(x, svc, op, ref)
    if action == "deadline":  # a minor complaint's agreed deadline (issue 14)
        return complaint_fields.deadline_form(x, svc, op, ref, settings)
    if action == "follow_up":
        return (
            [FormField("note", N_("Note"))],
            lambda v: run(lambda: svc.follow_up(ref, version, v["note"], operator=op)),
            None,
        )
    if action == "callback":
        outcomes = options_from([(k, t(label), label, "") for k, label in OUTCOME_LABELS.items()])
        scores = options_from([(k, t(label), "", k) for k, label in SATISFACTION])
        fields = [
            choice("outcome", N_("Outcome"), outcomes, required=True),
            choice("satisfaction", N_("Satisfaction"), scores, required=True, active_when=("outcome", ("reached",))),
            FormField("comment", N_("Comment"), placeholder=t("what the resident said")),
            *repair_fields.callback_fields(x),  # phone or visit, a repair's sign-off (issue 14)
        ]

        def callback(v: dict[str, str]) -> Awaitable[TicketInfo]:
            score = int(v["satisfaction"]) if v["satisfaction"] else None
            via, signed_off, signed_by = repair_fields.callback_values(v)
            return run(
                lambda: svc.callback(
                    ref,
                    version,
                    v["outcome"],
                    satisfaction=score,
                    comment=v["comment"],
                    operator=op,
                    via=via,
                    signed_off=signed_off or None,
                    signed_by=signed_by,
                )
            )

        intro = Text.assemble(plain(x.caller, one_line=True), "  ", plain(x.phone, one_line=True), style="bold")
        return fields, callback, intro
    if action == "merge":
        intro = Text(t("The ticket this one goes into keeps its calls and shows its history."), style="dim")
        fields = [
            FormField("into", N_("Into ticket"), placeholder=t("its number, e.g. WX-20261123-0001")),
            note,
        ]
        return (
            fields,
            lambda v: run(lambda: svc.merge(ref, version, v["into"], note=v["note"], operator=op)),
            intro,
        )
    if action in ("reopen", "cancel", "close"):
        reason = FormField("reason", N_("Reason"))
        if action == "close":
            needs = x.kind in ("repair", "complaint") and not (x.status == "done" and x.callback_result == "reached")
            reason = FormField(
                "reason", N_("Reason"), placeholder=t("needed when closing without a callback") if needs else ""
            )
        with_reason = {"reopen": svc.reopen, "cancel": svc.cancel}.get(action)
        # A complaint closes with its result: asked for here when Done did not record one (issue 14).
        asked = [complaint_fields.result_field()] if action == "close" and complaint_fields.needs_result(x) else []

        def finish(v: dict[str, str]) -> Awaitable[TicketInfo]:
            if with_reason is None:
                result = v.get("result", "")
                return run(lambda: svc.close(ref, version, reason=v["reason"], result=result, operator=op))
            return run(lambda: with_reason(ref, version, v["reason"], operator=op))

        return [*asked, reason], finish, None
    return None
