"""Signing a handover: both sign with their PINs; the second signature locks it into the duty-log chain, with a
snapshot of what was handed over and a digest of every record. A shortage opens a ticket first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskui.core.errors import Conflict, PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.services.common.shifts import SHIFT_LABELS
from deskui.services.common.sitetext import site_text
from deskui.services.handover._dutylog_chain import append_entry, chain_head, handover_digest
from deskui.services.handover._facts import FACTS_VERSION, KEY_COUNT, labels
from deskui.services.handover._items import item_dict
from deskui.services.handover._records import _RECORD, HandoverBase
from deskui.services.handover._steps import DATA_STEPS, KEY_CHOICE
from deskui.services.handover._types import EquipmentCount, HandoverState
from deskui.services.operators import SUPERVISORS, OperatorInfo, Role

# Who opens tickets (the ticket service's desk roles); a shortage ticket is opened in one of their names.
DESK_ROLES = frozenset({Role.RECEPTIONIST}) | SUPERVISORS


class SigningMixin(HandoverBase):
    """The signatures, the shortage tickets opened at sign-off, and the lock into the chain."""

    @property
    def desk_place(self) -> str:
        """Where the desk is, for the tickets it opens for itself (site.desk_place, else the site's name)."""
        return self.settings.desk_place or self.settings.site_name

    def _ticket_for_shortage(self, st: HandoverState, c: EquipmentCount, operator: OperatorInfo | None) -> int | None:
        """Open a repair ticket (sub-kind "other") for a missing item, naming the shift; None while there is no
        ticket service. A repair because replacing lost or broken equipment is maintenance's job."""
        if self.tickets is None:
            return None
        from deskui.services.tickets import TicketInput

        # Stored, so in the site's language (office data), not in the UI language of whoever signs (issue 12).
        language = self.settings.language
        choice = next(
            (e for e in self.settings.equipment if e.key == c.key), KEY_CHOICE if c.key == KEY_COUNT else None
        )
        description = site_text(
            language,
            "Handover of the {shift} of {day}: {item} missing ({counted} of {expected}); {explanation}; "
            "held by: {holder}",
            shift=site_text(language, SHIFT_LABELS.get(st.shift_key, st.shift_key)),
            day=st.duty_date.isoformat(),
            item=choice.label(language) if choice is not None else c.key,
            counted=c.counted,
            expected=c.expected,
            explanation=c.explanation or "-",
            holder=c.holder or "-",
        )
        # The place is the desk itself (settings: site.desk_place), where the equipment is kept: never a ticket
        # with no place on it.
        facts = {
            "kind": "handover_shortage",
            "shift": st.shift_key,
            "day": st.duty_date.isoformat(),
            "item": c.key,
            "labels": labels(choice),
            "counted": c.counted,
            "expected": c.expected,
            "explanation": c.explanation,
            "holder": c.holder,
        }
        data = TicketInput(
            kind="repair", repair_type="other", unit=self.desk_place, description=description, facts=facts
        )
        ticket = self.tickets.create(data, operator=operator)
        return int(ticket.id)

    def sign(self, handover_id: int, operator: OperatorInfo, pin: str) -> HandoverState:
        """One of the two signs with their PIN (the outgoing if it is them, otherwise the incoming). When both
        have signed and nothing changed since, the handover is locked into the duty-log chain."""
        st = self.state(handover_id)
        if st.signed:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(st.signed_at))  # type: ignore[arg-type]
            )
        role = "outgoing" if operator.id == st.outgoing.id else "incoming"
        if role == "incoming" and st.incoming is not None and st.incoming.id != operator.id:
            raise PermissionDenied(t("{name} is taking over this shift; only they do this step", name=st.incoming.name))
        if role == "incoming" and st.incoming is None:
            raise ValidationError(t("The incoming operator has not joined the handover"), field="pin")
        mine = st.signature(role)
        if mine is not None:
            raise Conflict(t("{name} has already signed this handover", name=mine.name))
        if st.blockers:
            first = st.blockers[0].message
            more = len(st.blockers) - 1
            raise ValidationError(
                t("Cannot sign yet: {reason}", reason=first)
                if not more
                else t("Cannot sign yet: {reason} (and {n} more)", reason=first, n=more),
                field="pin",
            )
        signer = self.operators.authenticate(operator.id, pin)  # PinRejected / OperatorLocked; nothing written here
        other = "incoming" if role == "outgoing" else "outgoing"
        completes = st.signature(other) is not None
        if completes:
            self._open_shortage_tickets(handover_id, st, signer)
            st = self.state(handover_id)  # with the tickets just opened (not a change: signatures stand)
        now = self.clock.now()
        try:
            with self.db.write() as s:
                self._open_for_change(s, handover_id)
                # Nothing may have changed since the state we checked: a data record after it voids the check.
                latest = s.execute(
                    select(func.max(_RECORD.c.id)).where(
                        _RECORD.c.handover_id == handover_id, _RECORD.c.step.in_(sorted(DATA_STEPS))
                    )
                ).scalar()
                if (latest or 0) != st.revision:
                    raise Conflict(t("The handover changed on another terminal; look again before signing"))
                signed = s.execute(
                    select(_RECORD.c.item).where(
                        _RECORD.c.handover_id == handover_id, _RECORD.c.step == "sign", _RECORD.c.id > st.revision
                    )
                ).scalars()
                if role in set(signed):
                    raise Conflict(t("{name} has already signed this handover", name=signer.name))
                value = {"operator_id": signer.id, "name": signer.name}
                self._record(s, handover_id, "sign", role, value, signer, now)
                # The other may have signed on another terminal a moment ago: the second signature locks.
                if completes or other in set(
                    s.execute(
                        select(_RECORD.c.item).where(
                            _RECORD.c.handover_id == handover_id, _RECORD.c.step == "sign", _RECORD.c.id > st.revision
                        )
                    ).scalars()
                ):
                    self._lock(s, handover_id, st, signer, now)
        except IntegrityError:  # PostgreSQL: signed by another terminal between our check and our write
            raise Conflict(t("The handover changed on another terminal; look again before signing")) from None
        return self.state(handover_id)

    def _open_shortage_tickets(self, handover_id: int, st: HandoverState, signer: OperatorInfo) -> None:
        """Before the locking transaction (the ticket service writes in its own): one ticket per missing item,
        each recorded at once, so a retry after a failure does not open a second one. Opened in the name of the
        desk person of the two (maintenance may not open tickets)."""
        missing = [c for c in st.counts if c.missing and c.ticket_id is None]
        if not missing:
            return
        people = [signer] + [
            self.operators.get(ref.id) for ref in (st.outgoing, st.incoming) if ref is not None and ref.id != signer.id
        ]
        opener = next((p for p in people if p.role in DESK_ROLES), None)
        for c in missing:
            ticket_id = self._ticket_for_shortage(st, c, opener)
            if ticket_id is None:
                continue
            with self.db.write() as s:
                self._open_for_change(s, handover_id)
                value = {"ticket_id": ticket_id}
                self._record(s, handover_id, "ticket", f"equipment:{c.key}", value, signer, self.clock.now())

    def _lock(self, s: Session, handover_id: int, st: HandoverState, signer: OperatorInfo, now: datetime) -> None:
        """Snapshot what was handed over, then the chain entry with the digest of every record."""
        head_seq, head_hash = chain_head(s, self.site_id)
        snapshot = {
            "items": [item_dict(i) for i in st.items],
            "keys": [item_dict(k) for k in st.keys],
            "night_calls": [n.call.id for n in st.night_calls],
            # the inventory's key count as handed over (issue 13); None when the desk keeps no inventory
            "keys_count": {"held": st.keys_tally[0], "out": st.keys_tally[1]} if st.keys_tally else None,
            "chain_head": {"seq": head_seq, "hash": head_hash},  # an anchor outside the duty log (issue 16)
        }
        self._record(s, handover_id, "snapshot", "", snapshot, signer, now)
        digest, n = handover_digest(s, handover_id)
        outgoing = st.outgoing
        incoming = st.incoming
        assert incoming is not None
        equipment = {c.key: c for c in self.settings.equipment}
        append_entry(
            s,
            self.site_id,
            kind="handover",
            duty_date=st.duty_date,
            shift_key=st.shift_key,
            written_at=now,
            operator=signer,
            text="",  # nothing typed: the entry is its facts, rendered when read (services.handover._facts)
            ref_key=f"handover:{handover_id}",
            payload={
                "facts": FACTS_VERSION,
                "handover_id": handover_id,
                "records_digest": digest,
                "records": n,
                "outgoing": {"id": outgoing.id, "name": outgoing.name},
                "incoming": {"id": incoming.id, "name": incoming.name},
                "next": {"duty_date": st.next_date.isoformat(), "shift": st.next_shift_key},
                "discrepancies": [
                    {
                        "item": c.key,
                        "labels": labels(equipment.get(c.key)),
                        "expected": c.expected,
                        "counted": c.counted,
                        "explanation": c.explanation,
                        "holder": c.holder,
                        "ticket_id": c.ticket_id,
                        "ticket_number": c.ticket_number,
                    }
                    for c in st.discrepancies
                ],
                "keys_count": {"held": st.keys_tally[0], "out": st.keys_tally[1]} if st.keys_tally else None,
                "keys": [{"title": k.title, "note": k.note} for k in st.keys],
                "items": [{**item_dict(i), "note": i.note} for i in st.items],
                "night_calls": [
                    {
                        "call_id": nc.call.id,
                        "disposition": nc.disposition,
                        "reason": nc.reason,
                        "ticket_number": nc.ticket_number,
                    }
                    for nc in st.night_calls
                ],
            },
        )
