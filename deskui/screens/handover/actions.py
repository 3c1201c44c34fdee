"""What the handover checklist's keys do: begin, join, count, note, acknowledge, tick, decide a night call, sign;
each through a form (deskui.screens.forms) or at once. A part of the checklist screen (.screen), over its view."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import work

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.view import HandoverView
from deskui.services.handover import DISPOSITION_LABELS, STEPS, HandoverExists
from deskui.services.tickets import KIND_LABELS, SEVERITY_LABELS
from deskui.widgets.background import saving, while_shown
from deskui.widgets.header import duty_changed
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.handover import HandoverState
    from deskui.services.operators import OperatorInfo


TICKET_KINDS = tuple(KIND_LABELS.items())
SEVERITIES = tuple(SEVERITY_LABELS.items())


class HandoverActions(HandoverView):
    """The checklist's actions (the middle part of HandoverScreen)."""

    async def run_step(self, fn: Any, *args: Any, **kwargs: Any) -> HandoverState | None:
        """Call a handover service method in a thread; a refusal is shown on the screen, nothing else happens."""
        try:
            st: HandoverState = await saving(self, asyncio.to_thread(fn, *args, **kwargs))
        except DeskError as exc:
            self.show_message(exc.message)
            return None
        self.show_message("")
        self.after_change(st)
        return st

    def after_change(self, st: Any) -> None:
        """A form or a step changed the handover: show what the service returned, tell the header."""
        if st is None or st is True:
            self.load()
            return
        self.st = st
        self.show()
        self.load()  # the shift to hand over next may have moved on
        duty_changed(self.app).publish(None)

    async def open_form(self, form: FormScreen) -> None:
        await self.open_modal(form, self.after_change)

    @work(exclusive=True, group="handover-act")
    @while_shown
    async def action_begin(self) -> None:
        me = self.desk.operator
        if me is None:
            return
        try:
            st = await asyncio.to_thread(self.handover.start, me)
        except HandoverExists as exc:
            self.show_message(exc.message, error=False)
            self.notify(exc.message)
            self.st = None
            self.load(exc.handover_id)
            return
        except DeskError as exc:
            self.show_message(exc.message)
            return
        self.people[me.id] = me
        self.set_step("equipment")
        self.after_change(st)

    async def action_join(self) -> None:
        st = self.st
        if st is None:
            return
        operators = self.operators
        expected = st.relief.expected if st.relief else ()
        choices = sorted((o for o in operators if o.id != st.outgoing.id), key=lambda o: (o.name not in expected, o.id))
        handover = self.handover

        async def submit(values: dict[str, Any]) -> object:
            person = next((o for o in choices if str(o.id) == values["operator"]), None)
            if person is None:
                raise DeskError(t("Choose who takes over"), field="operator")
            signer = await asyncio.to_thread(self.services.operators.authenticate, person.id, values["pin"])
            self.people[signer.id] = signer
            return await asyncio.to_thread(handover.arrive, st.id, signer)

        fields = [
            FormField(
                "operator",
                N_("Incoming"),
                "pick",
                options=tuple((str(o.id), f"{o.name}  {o.role_label}") for o in choices),
            ),
            FormField("pin", N_("PIN"), "pin"),
        ]
        intro = t(
            "The incoming operator takes over from {name}: choose your name and type your PIN.", name=st.outgoing.name
        )
        await self.open_form(FormScreen(t("Incoming arrives"), fields, submit, intro=intro))

    async def action_count(self) -> None:
        st = self.st
        count = self.selected()
        operator = self.acting("incoming")
        if st is None or count is None or operator is None:
            return
        handover = self.handover

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                handover.record_count,
                st.id,
                count.key,
                values["count"],
                operator=operator,
                explanation=values["explanation"],
                holder=values["holder"],
            )

        fields = [
            FormField("count", N_("Counted"), value="" if count.counted is None else str(count.counted)),
            FormField("explanation", N_("Explanation"), value=count.explanation),
            FormField("holder", N_("Who has it"), value=count.holder),
        ]
        intro = t(
            "{item}: {expected} expected. Counted by {name}.",
            item=count.label,
            expected=count.expected,
            name=operator.name,
        )
        await self.open_form(
            CountForm(count.expected, t("Count: {item}", item=count.label), fields, submit, intro=intro)
        )

    async def action_note(self) -> None:
        st = self.st
        item = self.selected()
        if st is None or item is None:
            return
        handover = self.handover
        if self.step == "checks":
            acting = self.acting("incoming")
            if acting is None:
                return
            checker: OperatorInfo = acting  # narrowed for the closure below

            async def submit_check(values: dict[str, Any]) -> object:
                return await asyncio.to_thread(
                    handover.check, st.id, item.key, operator=checker, done=item.done, note=values["note"]
                )

            fields = [FormField("note", N_("Note"), "text", value=item.note)]
            await self.open_form(FormScreen(item.label, fields, submit_check))
            return
        operator = self.acting("outgoing")
        if operator is None:
            return

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(handover.note, st.id, item.id, values["note"], operator=operator)

        fields = [FormField("note", N_("Note"), "text", value=item.note)]
        intro = t("{name}, the outgoing operator: what was done, what to watch.", name=operator.name)
        await self.open_form(FormScreen(t("Note: {title}", title=item.title), fields, submit, intro=intro))

    def step_worker(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Write one step in the background. The row was read as the key arrived, so the keys typed next (another
        step, another row) cannot change what this key meant; nothing cancels it."""
        self.run_worker(self.run_step(fn, *args, **kwargs), group="handover-act")

    def action_acknowledge(self) -> None:
        st = self.st
        item = self.selected()
        operator = self.acting("incoming")
        if st is None or item is None or operator is None:
            return
        self.step_worker(
            self.handover.acknowledge, st.id, item.id, operator=operator, acknowledged=not item.acknowledged
        )

    def action_tick(self) -> None:
        st = self.st
        check = self.selected()
        operator = self.acting("incoming")
        if st is None or check is None or operator is None:
            return
        self.step_worker(self.handover.check, st.id, check.key, operator=operator, done=not check.done, note=check.note)

    async def action_dispose(self, action: str) -> None:
        st = self.st
        night = self.selected()
        operator = self.acting("incoming")
        if st is None or night is None or operator is None:
            return
        handover = self.handover
        call = night.call
        if action == "ticket":
            kinds = {k for k, _ in TICKET_KINDS}
            kind = call.category if call.category in kinds else None
            if kind is not None and kind != "complaint":
                self.step_worker(handover.dispose, st.id, call.id, "ticket", operator=operator)
                return

            async def submit_ticket(values: dict[str, Any]) -> object:
                chosen = values.get("kind") or kind
                severity = values.get("severity") or None
                return await asyncio.to_thread(
                    handover.dispose,
                    st.id,
                    call.id,
                    "ticket",
                    operator=operator,
                    ticket_kind=chosen,
                    severity=severity if chosen == "complaint" else None,
                )

            fields = []
            if kind is None:
                fields.append(
                    FormField("kind", N_("Kind"), "choice", options=tuple((k, t(label)) for k, label in TICKET_KINDS))
                )
            fields.append(
                FormField("severity", N_("Severity"), "choice", options=tuple((k, t(label)) for k, label in SEVERITIES))
            )
            title = t("Night call #{id} becomes a ticket", id=call.id)
            await self.open_form(FormScreen(title, fields, submit_ticket, intro=plain(call.content)))
            return

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                handover.dispose, st.id, call.id, action, operator=operator, reason=values["reason"]
            )

        label = t(DISPOSITION_LABELS[action])
        title = t("Night call #{id}: {decision}", id=call.id, decision=label)
        await self.open_form(FormScreen(title, [FormField("reason", N_("Reason"))], submit, intro=plain(call.content)))

    async def action_sign(self) -> None:
        st = self.st
        if st is None or st.signed:
            return
        if st.blockers:
            first = st.blockers[0]
            more = len(st.blockers) - 1
            message = (
                t("Cannot sign yet: {reason}", reason=first.message)
                if not more
                else t("Cannot sign yet: {reason} (and {n} more)", reason=first.message, n=more)
            )
            if first.step in STEPS and first.step != "sign":
                self.set_step(first.step)
            self.show_message(message)
            return
        handover = self.handover
        people = self.people
        refs = {"outgoing": st.outgoing, "incoming": st.incoming}

        async def submit(values: dict[str, Any]) -> object:
            ref = refs.get(values["who"])
            if ref is None:
                raise DeskError(t("Choose who signs"), field="who")
            signer = people.get(ref.id)
            if signer is None:
                signer = await asyncio.to_thread(self.services.operators.get, ref.id)
            return await asyncio.to_thread(handover.sign, st.id, signer, values["pin"])

        who = "incoming" if st.signature("outgoing") else "outgoing"
        options = tuple(
            (role, t("{role}: {name}", role=t(label), name=ref.name))
            for role, label, ref in (
                ("outgoing", N_("Outgoing"), st.outgoing),
                ("incoming", N_("Incoming"), st.incoming),
            )
            if ref is not None
        )
        fields = [
            FormField("who", N_("Who signs"), "choice", value=who, options=options),
            FormField("pin", N_("PIN"), "pin"),
        ]
        form = FormScreen(
            t("Sign the handover #{id}", id=st.id), fields, submit, intro=self.tickets_to_open(st) or None, focus="pin"
        )
        await self.open_modal(form, self.signed)

    def signed(self, st: Any) -> None:
        self.after_change(st)
        if self.st is not None and self.st.signed:
            opened = self.tickets_opened(self.st)
            self.show_message(opened, error=False)
            self.notify(t("Handover signed by both and locked") + (f"\n{opened}" if opened else ""))
        elif self.st is not None and self.st.signatures:
            names = ", ".join(s.name for s in self.st.signatures)
            self.show_message(t("Signed by: {names}", names=names), error=False)


class CountForm(FormScreen):
    """The count form: Enter after the expected number saves at once; a difference goes on to why and who."""

    def __init__(self, expected: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def advance(self, name: str, *, submit: bool = False) -> None:
        if name == "count" and self.values()["count"].strip() == str(self.expected):
            submit = True
        super().advance(name, submit=submit)
