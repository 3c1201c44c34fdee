"""Shift handover 交接班 (002 交接班制度, 003 4.2) and the supervisor's daily review (003 4.3).

The checklist, in the order the two people work through it:

1. equipment — the configured items (settings.equipment, expected counts): the incoming person enters what they
   count; a difference needs an explanation, a shortage also who has the item. A shortage opens a ticket naming
   the shift when the handover is signed (if a ticket service is there; otherwise it stays a recorded discrepancy,
   listed by `discrepancies()` and in the review);
2. keys — keys still out (services.handover: the key log), overdue ones flagged; the incoming acknowledges each;
3. open items — gathered by small source functions (`item_sources`): overdue tickets and tickets due before the
   next shift ends, callbacks due, escalations not yet acknowledged, help requests nobody has taken, calls of this
   shift that wanted a ticket and have none. The outgoing writes a note per item, the incoming acknowledges each;
4. night calls — at the morning handover (the outgoing shift crosses midnight), every night call that wanted a
   ticket and has none is listed; each becomes a ticket or is marked handled / no action with a reason
   (002 值班制度 五). Dispositions are rows of their own, append-only;
5. checks — desk tidy, previous log read, area checked (with notes);
6. sign-off — both sign with their PINs. Nothing is signed while a step is open; an important item (an overdue
   major or important complaint, a help request nobody has taken) without the outgoing's note is named first.

Every step is written as it is entered (a crash loses nothing): `handover` is one row per shift, unique per site,
duty date and shift (two terminals cannot start two), and each entry is an append-only `handover_record`; the latest
record per item wins. A signature counts only if nothing was entered after it. When both have signed, one
transaction writes a snapshot of what was handed over and a "handover" entry in the duty-log chain whose payload
holds a digest of every record; from then on the database refuses any record for that handover.

If the relief has not come, the handover stays open and `relief()` says the outgoing remains on duty and how late
the relief is (roster + shift times + settings.shifts.handover_early_minutes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import String, and_, cast, literal, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.models import Call, DutyLogEntry, Ticket
from deskui.services.common.shifts import ShiftSlot, shift_at
from deskui.services.handover._dutylog_chain import inserted_id
from deskui.services.handover._items import GatherContext, _calls_without_ticket, item_from, key_item
from deskui.services.handover._items import gather as gather_items
from deskui.services.handover._keys import key_count
from deskui.services.handover._records import _DISPOSITION, _HANDOVER, _RECORD
from deskui.services.handover._roster import crosses_midnight, next_slot, previous_slot, relief_due, slot_of
from deskui.services.handover._signing import SigningMixin
from deskui.services.handover._steps import StepsMixin
from deskui.services.handover._types import (
    Discrepancy,
    EquipmentCount,
    HandoverExists,
    HandoverState,
    HandoverSummary,
    NightCall,
    ReliefStatus,
)
from deskui.services.operators import OperatorInfo

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_CALL = Call.__table__  # type: ignore[attr-defined]

_Numbered = TypeVar("_Numbered", EquipmentCount, NightCall)


class HandoverService(StepsMixin, SigningMixin):
    """One shift's handover: which shift, starting and finding it, its state (the steps in `_steps`, the signing
    in `_signing`, the rows in `_records`), and whether the relief has come."""

    # --- which shift --------------------------------------------------------------------------------------------

    def slot_to_hand_over(self, at: datetime | None = None) -> ShiftSlot:
        """The shift a handover started now belongs to: of the current shift and the one before it, the one whose
        end is nearer, unless that earlier one is already signed. So a relief who is late (the outgoing starts at
        08:40) still hands over the night, while a handover started at 17:20 is the day shift's. A shift already
        handed over is done: the night signed at 08:27 leaves the day shift (08:30) as the next to hand over."""
        now = at or self.clock.now()
        current = shift_at(self.settings, now)
        before = previous_slot(self.settings, current)
        with self.db.read() as s:
            if now - current.start < current.end - now and not self._slot_signed(s, before):
                return before
            for _ in range(len(self.settings.shifts.shifts)):
                if not self._slot_signed(s, current):
                    break
                current = next_slot(self.settings, current)
        return current

    def _slot_signed(self, s: Session, slot: ShiftSlot) -> bool:
        row = self._row_for(s, slot.duty_date, slot.key)
        return row is not None and self._signed_entry(s, row.id) is not None

    def _slot(self, duty_date: date | None, shift_key: str | None) -> ShiftSlot:
        if duty_date is None and shift_key is None:
            return self.slot_to_hand_over()
        if duty_date is None or shift_key is None:
            raise ValidationError(t("Give both the duty date and the shift"), field="shift")
        slot = slot_of(self.settings, duty_date, shift_key)
        if any(d.key == shift_key and d.cover for d in self.settings.shifts.shifts):
            raise ValidationError(t("A cover shift has no handover of its own"), field="shift")
        return slot

    # --- starting and finding -------------------------------------------------------------------------------

    def start(
        self, outgoing: OperatorInfo, *, duty_date: date | None = None, shift_key: str | None = None
    ) -> HandoverState:
        """Start the handover of a shift (default: `slot_to_hand_over()`); a second start gets HandoverExists."""
        slot = self._slot(duty_date, shift_key)
        following = next_slot(self.settings, slot)
        now = self.clock.now()
        try:
            with self.db.write() as s:
                existing = self._row_for(s, slot.duty_date, slot.key)
                if existing is not None:
                    raise self._exists(existing)
                result = s.execute(
                    _HANDOVER.insert().values(
                        site_id=self.site_id,
                        duty_date=slot.duty_date,
                        shift_key=slot.key,
                        next_date=following.duty_date,
                        next_shift_key=following.key,
                        outgoing_id=outgoing.id,
                        outgoing_name=outgoing.name,
                        started_at=now,
                    )
                )
                handover_id = inserted_id(result)
        except IntegrityError:  # PostgreSQL: another terminal inserted between our check and our insert
            with self.db.read() as s:
                existing = self._row_for(s, slot.duty_date, slot.key)
            if existing is None:
                raise
            raise self._exists(existing) from None
        return self.state(handover_id)

    def _exists(self, row: Any) -> HandoverExists:
        return HandoverExists(
            t(
                "The handover of the {shift} shift of {day} was already started by {name} at {when}; open it instead",
                shift=row.shift_key,
                day=row.duty_date.isoformat(),
                name=row.outgoing_name,
                when=self._hm(row.started_at),
            ),
            handover_id=row.id,
        )

    def open_handover(self) -> HandoverState | None:
        """The latest handover not yet signed (to resume after a crash or on another terminal), if any."""
        with self.db.read() as s:
            ref = literal("handover:", String) + cast(_HANDOVER.c.id, String)
            signed = and_(_LOG.c.site_id == _HANDOVER.c.site_id, _LOG.c.ref_key == ref)
            row = s.execute(
                select(_HANDOVER.c.id)
                .select_from(_HANDOVER.outerjoin(_LOG, signed))
                .where(_HANDOVER.c.site_id == self.site_id, _LOG.c.id.is_(None))
                .order_by(_HANDOVER.c.duty_date.desc(), _HANDOVER.c.id.desc())
                .limit(1)
            ).first()
        return self.state(row.id) if row is not None else None

    def last(self, *, signed: bool = True) -> HandoverState | None:
        """The most recent handover (by default the most recent signed one)."""
        with self.db.read() as s:
            if signed:
                q = (
                    select(_LOG.c.payload)
                    .where(_LOG.c.site_id == self.site_id, _LOG.c.kind == "handover")
                    .order_by(_LOG.c.seq.desc())
                    .limit(1)
                )
                payload = s.execute(q).scalar()
                handover_id = json.loads(payload)["handover_id"] if payload else None
            else:
                handover_id = s.execute(
                    select(_HANDOVER.c.id)
                    .where(_HANDOVER.c.site_id == self.site_id)
                    .order_by(_HANDOVER.c.duty_date.desc(), _HANDOVER.c.started_at.desc(), _HANDOVER.c.id.desc())
                    .limit(1)
                ).scalar()
        return self.state(handover_id) if handover_id is not None else None

    def summaries(self, first: date, last: date | None = None) -> list[HandoverSummary]:
        """Handovers of duty dates in [first, last], oldest first, with their discrepancies."""
        q = select(_HANDOVER.c.id).where(_HANDOVER.c.site_id == self.site_id, _HANDOVER.c.duty_date >= first)
        if last is not None:
            q = q.where(_HANDOVER.c.duty_date <= last)
        with self.db.read() as s:
            ids = list(s.execute(q.order_by(_HANDOVER.c.duty_date, _HANDOVER.c.started_at)).scalars())
        out = []
        for handover_id in ids:
            st = self._state(handover_id, gather=False)  # counts and signatures only: no live gathering
            out.append(
                HandoverSummary(
                    st.id,
                    st.duty_date,
                    st.shift_key,
                    st.outgoing.name,
                    st.incoming.name if st.incoming else "",
                    st.started_at,
                    st.signed_at,
                    st.chain_seq,
                    st.discrepancies,
                )
            )
        return out

    def discrepancies(self, first: date, last: date | None = None) -> list[Discrepancy]:
        """Count differences of handovers in [first, last]: what is missing or extra, why, and who has it."""
        return [
            Discrepancy(h.id, h.duty_date, h.shift_key, c) for h in self.summaries(first, last) for c in h.discrepancies
        ]

    # --- the state ------------------------------------------------------------------------------------------

    def state(self, handover_id: int) -> HandoverState:
        """Everything about one handover, as of now (or as it was signed)."""
        return self._state(handover_id, gather=True)

    def _state(self, handover_id: int, *, gather: bool) -> HandoverState:
        now = self.clock.now()
        with self.db.read() as s:
            row = self._row(s, handover_id)
            records = list(
                s.execute(select(_RECORD).where(_RECORD.c.handover_id == handover_id).order_by(_RECORD.c.id))
            )
            signed_entry = self._signed_entry(s, handover_id)
            slot = slot_of(self.settings, row.duty_date, row.shift_key)
            following = slot_of(self.settings, row.next_date, row.next_shift_key)
            snapshot = next((json.loads(r.value) for r in reversed(records) if r.step == "snapshot"), None)
            # The key count from the inventory (keys held minus those out), as signed once signed (issue 13).
            counted_keys = key_count(s, self.site_id, now)
            keys_tally = (counted_keys.held, len(counted_keys.out)) if counted_keys is not None else None
            if snapshot is not None:
                signed_tally = snapshot.get("keys_count")
                keys_tally = (signed_tally["held"], signed_tally["out"]) if signed_tally else None
                items = tuple(item_from(d) for d in snapshot["items"])
                keys = tuple(item_from(d) for d in snapshot["keys"])
                night_ids = list(snapshot["night_calls"])
            elif gather:
                ctx = GatherContext(s, self.site_id, self.settings, now, slot, following, self.tickets)
                items = tuple(gather_items(self.item_sources, ctx))
                keys = ()
                night_ids = self._night_ids(s, handover_id, slot)
            else:
                items, keys, night_ids = (), (), []
            dispositions = self._dispositions(s, night_ids)
        if snapshot is None and gather:
            keys = tuple(key_item(loan, now) for loan in self.keys.out(now))
        night_calls = self._night_calls(night_ids, dispositions)
        st = self._fold(row, records, slot, following, items, keys, night_calls, signed_entry, now, keys_tally)
        return replace(st, counts=self.ticket_numbers(st.counts), night_calls=self.ticket_numbers(st.night_calls))

    def ticket_numbers(self, rows: Sequence[_Numbered]) -> tuple[_Numbered, ...]:
        """`rows` with `ticket_number` filled from their `ticket_id`: records keep the id, people read the number."""
        ids = sorted({r.ticket_id for r in rows if r.ticket_id is not None})
        if not ids:
            return tuple(rows)
        with self.db.read() as s:
            numbers = dict(
                s.execute(
                    select(_TICKET.c.id, _TICKET.c.number).where(
                        _TICKET.c.site_id == self.site_id, _TICKET.c.id.in_(ids)
                    )
                ).all()
            )
        return tuple(
            replace(r, ticket_number=numbers.get(r.ticket_id, "")) if r.ticket_id is not None else r for r in rows
        )

    def _night_ids(self, s: Session, handover_id: int, slot: ShiftSlot) -> list[int]:
        """At the morning handover: night calls that wanted a ticket (a ticket category, or marked) and are linked
        to none, plus those already decided in this handover (a call made a ticket here is linked now)."""
        if not crosses_midnight(slot):
            return []
        ticket_categories = {c.key for c in self.settings.categories if c.ticket}
        found = {
            r.id: (r.called_at, r.id)
            for r in _calls_without_ticket(s, self.site_id, slot.duty_date, slot.key)
            if r.ticket_wanted or r.category in ticket_categories
        }
        decided = s.execute(
            select(_CALL.c.id, _CALL.c.called_at)
            .join(_DISPOSITION, _DISPOSITION.c.call_id == _CALL.c.id)
            .where(_DISPOSITION.c.handover_id == handover_id)
        )
        for r in decided:
            found[r.id] = (r.called_at, r.id)
        return sorted(found, key=lambda i: found[i])

    def _night_calls(self, call_ids: Sequence[int], dispositions: dict[int, Any]) -> tuple[NightCall, ...]:
        out = []
        for call_id in call_ids:
            info = self.calls.get(call_id)
            d = dispositions.get(call_id)
            if d is None:
                out.append(NightCall(info))
            else:
                out.append(NightCall(info, d.action, d.reason, d.ticket_id, d.operator_name))
        return tuple(out)

    # --- relief ---------------------------------------------------------------------------------------------

    def relief(self, handover_id: int) -> ReliefStatus | None:
        """Whether the relief has come (None once the handover is signed)."""
        return self.state(handover_id).relief

    def _relief(self, st: HandoverState, slot: ShiftSlot, following: ShiftSlot, now: datetime) -> ReliefStatus:
        expected = tuple(o.name for o in self.roster.assigned(following.duty_date, following.key))
        due = relief_due(self.settings, following)
        arrived = st.incoming.name if st.incoming else ""
        late = 0 if arrived or now <= due else math.ceil((now - due).total_seconds() / 60)
        if arrived:
            message = t("{name} has taken over the handover; sign off together", name=arrived)
        elif late:
            message = t(
                "The relief ({names}) is {n} min late; {outgoing} remains on duty until relieved",
                names=", ".join(expected) or t("nobody on the roster"),
                n=late,
                outgoing=st.outgoing.name,
            )
        else:
            message = t(
                "Waiting for the relief ({names}), due at {when}; {outgoing} remains on duty until relieved",
                names=", ".join(expected) or t("nobody on the roster"),
                when=self._hm(due),
                outgoing=st.outgoing.name,
            )
        return ReliefStatus(slot, following, expected, due, arrived, late, True, message)
