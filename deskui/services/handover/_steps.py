"""The handover's steps: what each is, how its records fold into the state, what blocks the signatures, and how
each is entered. Adding a step: its name here (STEPS, STEP_LABELS), its records in `_fold`, its blockers in
`_blockers`, its entry method below, and its field in `_types.HandoverState` (and the screen's panel).

The checklist, in the order the two people work through it (002 交接班制度):

1. equipment: the incoming person counts the configured items; a difference needs an explanation, a shortage also
   who has the item (and opens a ticket at sign-off, `_signing`);
2. keys: keys still out (the key log), overdue ones flagged; the incoming acknowledges each;
3. open items (`_items`): the outgoing writes a note per item, the incoming acknowledges each;
4. night calls: at the morning handover every night call that wanted a ticket and has none becomes a ticket or is
   marked handled / no action with a reason (002 值班制度 五); dispositions are rows of their own, append-only;
5. checks: desk tidy, previous log read, area checked (with notes);
6. sign-off (`_signing`).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import datetime
from typing import Any

from deskui.core.config import Choice
from deskui.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.services.calls import CallInfo
from deskui.services.common.shifts import ShiftSlot
from deskui.services.handover._dutylog_chain import clean_text, inserted_id
from deskui.services.handover._facts import KEY_COUNT, KEY_COUNT_LABEL
from deskui.services.handover._keys import keeps_inventory
from deskui.services.handover._records import _DISPOSITION, HandoverBase
from deskui.services.handover._roster import crosses_midnight
from deskui.services.handover._types import (
    DISPOSITIONS,
    Blocker,
    CheckState,
    EquipmentCount,
    HandoverState,
    NightCall,
    OpenItem,
    OperatorRef,
    Signature,
)
from deskui.services.operators import OperatorInfo

STEPS = ("equipment", "keys", "items", "night_calls", "checks", "sign")
STEP_LABELS = {
    "equipment": N_("Equipment count"),
    "keys": N_("Keys out"),
    "items": N_("Open items"),
    "night_calls": N_("Night calls"),
    "checks": N_("Checks"),
    "sign": N_("Sign-off"),
}
CHECKS = (
    ("desk_tidy", N_("Desk tidy")),
    ("log_read", N_("Previous shift's log read")),
    ("area_checked", N_("Area checked for anything abnormal")),
)
# The keys on their hooks, counted like an equipment item once the desk keeps a key inventory (issue 13).
KEY_CHOICE = Choice(key=KEY_COUNT, zh="钥匙（在钩）", en="Keys on their hooks")
# Records that change what is handed over: a signature older than the latest of them no longer counts.
DATA_STEPS = frozenset({"arrive", "count", "note", "ack", "check", "dispose"})
MAX_COUNT = 9999


def parse_count(value: int | str, label: str) -> int:
    """A count as typed: a whole number from 0 (full-width digits accepted); anything else is refused."""
    if isinstance(value, bool):
        raise ValidationError(
            t("The count of {item} is not a number: {value!r}", item=label, value=value), field="count"
        )
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text.isascii() or not text.isdigit():
            raise ValidationError(
                t("The count of {item} is not a number: {value!r}", item=label, value=value), field="count"
            )
        number = int(text)
    if not 0 <= number <= MAX_COUNT:
        raise ValidationError(
            t("The count of {item} must be between 0 and {max}", item=label, max=MAX_COUNT), field="count"
        )
    return number


class StepsMixin(HandoverBase):
    """Folding a handover's records into its state, and entering each step."""

    def _fold(
        self,
        row: Any,
        records: list[Any],
        slot: ShiftSlot,
        following: ShiftSlot,
        items: tuple[OpenItem, ...],
        keys: tuple[OpenItem, ...],
        night_calls: tuple[NightCall, ...],
        signed_entry: Any | None,
        now: datetime,
        keys_tally: tuple[int, int] | None = None,
    ) -> HandoverState:
        incoming: OperatorRef | None = None
        counts: dict[str, Any] = {}
        notes: dict[str, Any] = {}
        acks: dict[str, Any] = {}
        checks: dict[str, Any] = {}
        tickets: dict[str, int | None] = {}
        signs: dict[str, Any] = {}
        last_data = 0
        for r in records:
            value = json.loads(r.value)
            if r.step in DATA_STEPS:
                last_data = r.id
            if r.step == "arrive":
                incoming = OperatorRef(value["operator_id"], value["name"])
            elif r.step == "count":
                counts[r.item] = (value, r.operator_name)
            elif r.step == "note":
                notes[r.item] = (value.get("text", ""), r.operator_name)
            elif r.step == "ack":
                acks[r.item] = r.operator_name if value.get("ack", True) else ""
            elif r.step == "check":
                checks[r.item] = (value, r.operator_name)
            elif r.step == "ticket":
                tickets[r.item] = value.get("ticket_id")
            elif r.step == "sign":
                signs[r.item] = r
        signatures = tuple(
            Signature(role, r.operator_id, r.operator_name, r.recorded_at)
            for role in ("outgoing", "incoming")
            if (r := signs.get(role)) is not None and r.id > last_data
        )

        def with_notes(item: OpenItem) -> OpenItem:
            note, by = notes.get(item.id, ("", ""))
            return replace(item, note=note, noted_by=by if note else "", acknowledged_by=acks.get(item.id, ""))

        items = tuple(with_notes(i) for i in items)
        keys = tuple(with_notes(k) for k in keys)
        equipment = []
        for choice in self.settings.equipment:
            entered = counts.get(choice.key)
            base = EquipmentCount(choice.key, choice.label(get_language()), choice.count)
            if entered is not None:
                value, by = entered
                base = replace(
                    base,
                    counted=value["counted"],
                    explanation=value.get("explanation", ""),
                    holder=value.get("holder", ""),
                    counted_by=by,
                )
            equipment.append(replace(base, ticket_id=tickets.get(f"equipment:{choice.key}")))
        if keys_tally is not None:
            equipment.append(self._key_count(*keys_tally, counts.get(KEY_COUNT), tickets.get(f"equipment:{KEY_COUNT}")))
        check_states = []
        for key, label in CHECKS:
            value, by = checks.get(key, ({}, ""))
            check_states.append(CheckState(key, t(label), bool(value.get("done")), value.get("note", ""), by))
        signed_at = signed_entry.written_at if signed_entry is not None else None
        state = HandoverState(
            id=row.id,
            duty_date=row.duty_date,
            shift_key=row.shift_key,
            next_date=row.next_date,
            next_shift_key=row.next_shift_key,
            started_at=row.started_at,
            outgoing=OperatorRef(row.outgoing_id, row.outgoing_name),
            incoming=incoming,
            morning=crosses_midnight(slot),
            counts=tuple(equipment),
            keys=keys,
            items=items,
            night_calls=night_calls,
            checks=tuple(check_states),
            signatures=signatures,
            blockers=(),
            relief=None,
            signed_at=signed_at,
            chain_seq=signed_entry.seq if signed_entry is not None else None,
            revision=last_data,
            keys_tally=keys_tally,
        )
        if signed_entry is None:
            state = replace(state, blockers=self._blockers(state), relief=self._relief(state, slot, following, now))
        return state

    @staticmethod
    def _key_count(held: int, out: int, entered: Any | None, ticket_id: int | None) -> EquipmentCount:
        """The keys that should hang on the hooks: held in the inventory, minus those out (issue 13; the keys step
        lists those with who has each)."""
        label = t("{item} ({held} held, {out} out)", item=t(KEY_COUNT_LABEL), held=held, out=out)
        base = EquipmentCount(KEY_COUNT, label, held - out, ticket_id=ticket_id)
        if entered is None:
            return base
        value, by = entered
        return replace(
            base,
            counted=value["counted"],
            explanation=value.get("explanation", ""),
            holder=value.get("holder", ""),
            counted_by=by,
        )

    def _blockers(self, st: HandoverState) -> tuple[Blocker, ...]:
        """What stands between this handover and its signatures, the outgoing's missing notes on important items
        first (002: the outgoing may not hand over while important work is unexplained)."""
        out: list[Blocker] = []
        for item in st.items:
            if item.important and not item.note:
                out.append(
                    Blocker(
                        "items",
                        item.id,
                        t("Important: {title} needs a note from the outgoing operator", title=item.title),
                    )
                )
        if st.incoming is None:
            out.append(Blocker("sign", "", t("The incoming operator has not joined the handover")))
        for c in st.counts:
            if c.counted is None:
                out.append(Blocker("equipment", c.key, t("Count the {item}", item=c.label)))
            elif not c.complete:
                out.append(
                    Blocker(
                        "equipment",
                        c.key,
                        t(
                            "{item}: {counted} counted, {expected} expected; explain the difference and who has it",
                            item=c.label,
                            counted=c.counted,
                            expected=c.expected,
                        ),
                    )
                )
        for k in st.keys:
            if not k.acknowledged:
                out.append(Blocker("keys", k.id, t("Acknowledge the key still out: {title}", title=k.title)))
        for item in st.items:
            if not item.acknowledged:
                out.append(Blocker("items", item.id, t("Acknowledge the open item: {title}", title=item.title)))
        for n in st.night_calls:
            if not n.decided:
                out.append(
                    Blocker(
                        "night_calls",
                        f"call:{n.call.id}",
                        t("Night call #{id}: make it a ticket or mark it handled / no action", id=n.call.id),
                    )
                )
        for check in st.checks:
            if not check.done:
                out.append(Blocker("checks", check.key, t("Check not done: {check}", check=check.label)))
        return tuple(out)

    # --- entering the steps ---------------------------------------------------------------------------------

    def arrive(self, handover_id: int, incoming: OperatorInfo) -> HandoverState:
        """The incoming person joins (or, if the wrong person was recorded, replaces who joined)."""
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            if incoming.id == row.outgoing_id:
                raise PermissionDenied(t("{name} is handing over and cannot also take over", name=incoming.name))
            current = self._incoming_of(s, handover_id)
            if current is None or current.id != incoming.id:
                value = {"operator_id": incoming.id, "name": incoming.name}
                self._record(s, handover_id, "arrive", "", value, incoming, now)
        return self.state(handover_id)

    def record_count(
        self,
        handover_id: int,
        item_key: str,
        counted: int | str,
        *,
        operator: OperatorInfo,
        explanation: str = "",
        holder: str = "",
    ) -> HandoverState:
        """The incoming person's count of one equipment item, with the explanation of any difference."""
        choice = next((c for c in self.settings.equipment if c.key == item_key), None)
        if choice is None and item_key == KEY_COUNT and self._keeps_keys():
            choice = KEY_CHOICE
        if choice is None:
            raise ValidationError(
                t(
                    "Unknown equipment {item!r}; use one of: {keys}",
                    item=item_key,
                    keys=", ".join(c.key for c in self.settings.equipment),
                ),
                field="item",
            )
        label = t(KEY_COUNT_LABEL) if choice is KEY_CHOICE else choice.label(get_language())
        number = parse_count(counted, label)
        why = clean_text(explanation, "explanation", t("Explanation"), max_chars=self.settings.calls.max_line_chars)
        who = clean_text(holder, "holder", t("Who has it"), max_chars=self.settings.calls.max_line_chars)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            value = {"counted": number, "explanation": why, "holder": who}
            self._record(s, handover_id, "count", choice.key, value, operator, now)
        return self.state(handover_id)

    def note(self, handover_id: int, item_id: str, text: str, *, operator: OperatorInfo) -> HandoverState:
        """The outgoing operator's note on an open item or key (what was done, what to watch)."""
        body = clean_text(
            text, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True
        ).strip()
        item = self._item_id(item_id)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            if operator.id != row.outgoing_id:
                raise PermissionDenied(
                    t("Notes on open items are written by the outgoing operator, {name}", name=row.outgoing_name)
                )
            self._record(s, handover_id, "note", item, {"text": body}, operator, now)
        return self.state(handover_id)

    def acknowledge(
        self, handover_id: int, item_id: str, *, operator: OperatorInfo, acknowledged: bool = True
    ) -> HandoverState:
        """The incoming operator acknowledges an open item or a key still out (or takes it back)."""
        item = self._item_id(item_id)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            self._record(s, handover_id, "ack", item, {"ack": acknowledged}, operator, now)
        return self.state(handover_id)

    def check(
        self, handover_id: int, check_key: str, *, operator: OperatorInfo, done: bool = True, note: str = ""
    ) -> HandoverState:
        """Tick one check (desk tidy, previous log read, area checked); the note says what was found."""
        if check_key not in dict(CHECKS):
            raise ValidationError(
                t("Unknown check {item!r}; use one of: {keys}", item=check_key, keys=", ".join(k for k, _ in CHECKS)),
                field="check",
            )
        remark = clean_text(note, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            self._record(
                s, handover_id, "check", check_key, {"done": bool(done), "note": remark.strip()}, operator, now
            )
        return self.state(handover_id)

    def dispose(
        self,
        handover_id: int,
        call_id: int,
        action: str,
        *,
        operator: OperatorInfo,
        reason: str = "",
        ticket_kind: str | None = None,
        severity: str | None = None,
    ) -> HandoverState:
        """Decide a night call at the morning handover: "ticket" (one key: opens the ticket from the call; a
        complaint also needs `severity`), "handled" or "no_action" (both with a reason). A new disposition row."""
        if action not in DISPOSITIONS:
            raise ValidationError(
                t("Unknown decision {item!r}; use one of: {keys}", item=action, keys=", ".join(DISPOSITIONS)),
                field="action",
            )
        why = clean_text(reason, "reason", t("Reason"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        why = why.strip()
        if action != "ticket" and not why:
            raise ValidationError(t("Say why: a call marked handled or no action needs a reason"), field="reason")
        st = self.state(handover_id)
        if st.signed:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(st.signed_at))  # type: ignore[arg-type]
            )
        call = next((n for n in st.night_calls if n.call.id == call_id), None)
        if call is None:
            raise NotFound(t("Call #{id} is not one of this handover's night calls", id=call_id), field="call")
        ticket_id: int | None = call.ticket_id if call.disposition == "ticket" else None
        if action == "ticket" and ticket_id is None:
            ticket_id = self._ticket_from_call(call.call, operator, kind=ticket_kind, severity=severity)
        now = self.clock.now()
        with self.db.write() as s:
            row = self._open_for_change(s, handover_id)
            self._as_incoming(s, row, operator, now)
            result = s.execute(
                _DISPOSITION.insert().values(
                    site_id=self.site_id,
                    call_id=call_id,
                    handover_id=handover_id,
                    action=action,
                    reason=why,
                    ticket_id=ticket_id,
                    operator_id=operator.id,
                    operator_name=operator.name,
                    recorded_at=now,
                )
            )
            disposition_id = inserted_id(result)
            value = {"action": action, "disposition_id": disposition_id}
            self._record(s, handover_id, "dispose", f"call:{call_id}", value, operator, now)
        return self.state(handover_id)

    def _keeps_keys(self) -> bool:
        with self.db.read() as s:
            return keeps_inventory(s, self.site_id)

    def _item_id(self, item_id: str) -> str:
        item = unicodedata.normalize("NFKC", item_id or "").strip()
        kind, _, ref = item.partition(":")
        if not kind or not ref.isdigit() or len(item) > 64:
            raise ValidationError(t("Not an item id: {item!r}", item=item_id), field="item")
        return item

    def _ticket_from_call(
        self, call: CallInfo, operator: OperatorInfo, *, kind: str | None, severity: str | None
    ) -> int | None:
        """Open a ticket from a night call through the ticket service (None while there is none). A complaint
        needs its severity: the service refuses without one, and the screen asks."""
        if self.tickets is None:
            return None
        ticket = self.tickets.open_from_call(call.id, kind=kind, severity=severity, operator=operator)
        return int(ticket.id)
