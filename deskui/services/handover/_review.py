"""The supervisor's daily review (003 4.3): the day's log, handovers, count discrepancies and night calls, signed
with a PIN as a "review" entry of the duty-log chain that records the chain head it signed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from deskui.core.errors import Conflict, PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.models import Call, DutyLogEntry, Handover, TicketCall
from deskui.services.context import ContextService, DeskContext
from deskui.services.handover._dutylog import DutyLogService
from deskui.services.handover._dutylog_chain import append_entry, chain_head, clean_text, lock_chain, ref_taken
from deskui.services.handover._facts import FACTS_VERSION
from deskui.services.handover._roster import crosses_midnight, day_slots, slot_of
from deskui.services.handover._service import HandoverService
from deskui.services.handover._types import DayReview, Discrepancy, NightCall, OpenItem, ReviewSignature
from deskui.services.operators import SUPERVISORS, OperatorInfo, OperatorService

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_TICKETCALL = TicketCall.__table__  # type: ignore[attr-defined]
_CALL = Call.__table__  # type: ignore[attr-defined]

# How far back the review screen and 'review unsigned' look for days without a signature, by default.
REVIEW_LOOKBACK_DAYS = 31


class ReviewService(ContextService):
    """Each morning the supervisor reads yesterday's duty log, handovers, count discrepancies and night calls, and
    signs (003 4.3). The signature is a "review" entry of the chain that records the chain head it signed."""

    def __init__(
        self,
        ctx: DeskContext,
        *,
        operators: OperatorService,
        dutylog: DutyLogService,
        handover: HandoverService,
    ) -> None:
        super().__init__(ctx)
        self.operators = operators
        self.dutylog = dutylog
        self.handover = handover
        self.register_items: Callable[[datetime], list[OpenItem]] | None = None
        """What the registers leave open now (set by the container: handover.open_register_items)."""
        self.patrol_items: Callable[[date, datetime], list[OpenItem]] | None = None
        """What the patrols of a day leave open as of now: missed rounds, findings without a ticket (container)."""

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def review(self, day: date | None = None) -> DayReview:
        """One duty date's review (default: yesterday)."""
        day = day or self.today() - timedelta(days=1)
        entries = tuple(self.dutylog.entries(day))
        handovers = tuple(self.handover.summaries(day, day))
        discrepancies = tuple(
            Discrepancy(h.id, h.duty_date, h.shift_key, c) for h in handovers for c in h.discrepancies
        )
        night = tuple(self._night_calls(day))
        with self.db.read() as s:
            head_seq, head_hash = chain_head(s, self.site_id)
        registers = tuple(self.register_items(self.clock.now())) if self.register_items else ()
        registers += tuple(self.patrol_items(day, self.clock.now())) if self.patrol_items else ()
        return DayReview(
            day, entries, handovers, discrepancies, night, self.signature(day), head_seq, head_hash, registers
        )

    def _night_calls(self, day: date) -> list[NightCall]:
        """Every call of the night shift(s) of `day` and what became of it: a disposition, a ticket, or nothing."""
        out = []
        for slot_def in self.settings.shifts.shifts:
            if slot_def.cover:
                continue
            slot = slot_of(self.settings, day, slot_def.key)
            if not crosses_midnight(slot):
                continue
            calls = self.handover.calls.shift_calls(day, slot.key)
            with self.db.read() as s:
                dispositions = self.handover._dispositions(s, [c.id for c in calls])
                linked = dict(
                    s.execute(
                        select(_TICKETCALL.c.call_id, func.min(_TICKETCALL.c.ticket_id))
                        .where(_TICKETCALL.c.site_id == self.site_id, _TICKETCALL.c.call_id.in_([c.id for c in calls]))
                        .group_by(_TICKETCALL.c.call_id)
                    ).all()
                )
            for c in calls:
                d = dispositions.get(c.id)
                if d is not None:
                    out.append(NightCall(c, d.action, d.reason, d.ticket_id or linked.get(c.id), d.operator_name))
                elif c.id in linked:
                    out.append(NightCall(c, "ticket", "", linked[c.id], ""))
                else:
                    out.append(NightCall(c))
        return list(self.handover.ticket_numbers(out))

    def signature(self, day: date) -> ReviewSignature | None:
        """The day's review signature; one without a valid seal (appended by script, no PIN) is none."""
        with self.db.read() as s:
            row = self._sealed_review(s, day)
        return _review_signature(row) if row is not None else None

    def _sealed_review(self, s: Session, day: date) -> Any | None:
        """The first review entry of `day` with a valid seal (one appended by script does not count)."""
        rows = s.execute(
            select(_LOG)
            .where(_LOG.c.site_id == self.site_id, _LOG.c.kind == "review", _LOG.c.duty_date == day)
            .order_by(_LOG.c.seq)
        )
        return next((r for r in rows if self.dutylog.is_sealed(r.hash, r.seal, r.seq)), None)

    def sign(self, day: date, supervisor: OperatorInfo, pin: str, *, note: str = "") -> ReviewSignature:
        """Sign one day's review with the PIN; records the chain head. Supervisors and managers only, once per day,
        and only for a day that is over."""
        if supervisor.role not in SUPERVISORS:
            raise PermissionDenied(
                t("Only a supervisor or manager signs the daily review; {name} is not one", name=supervisor.name)
            )
        if not self.is_over(day):  # its night ends tomorrow
            raise ValidationError(t("{day} is not over yet; review it tomorrow", day=day.isoformat()), field="day")
        remark = clean_text(note, "note", t("Note"), max_chars=self.settings.calls.max_content_chars, multiline=True)
        existing = self.signature(day)
        if existing is not None:
            raise Conflict(
                t(
                    "The review of {day} was already signed by {name} at {when}",
                    day=day.isoformat(),
                    name=existing.supervisor,
                    when=self.handover._hm(existing.signed_at),
                )
            )
        signer = self.operators.authenticate(supervisor.id, pin)
        now = self.clock.now()
        ref = f"review:{day.isoformat()}"
        with self.db.write() as s:
            lock_chain(s, self.site_id)
            taken = self._sealed_review(s, day)
            if taken is None and ref_taken(s, self.site_id, ref) is not None:
                # An entry without a valid seal holds the day's name (written by script): it stays in the log,
                # reported by verify; the real signature takes the next free name.
                n = 2
                while ref_taken(s, self.site_id, f"{ref}#{n}") is not None:
                    n += 1
                ref = f"{ref}#{n}"
            if taken is not None:
                raise Conflict(
                    t(
                        "The review of {day} was already signed by {name} at {when}",
                        day=day.isoformat(),
                        name=taken.operator_name,
                        when=self.handover._hm(taken.written_at),
                    )
                )
            head_seq, head_hash = chain_head(s, self.site_id)
            append_entry(
                s,
                self.site_id,
                kind="review",
                duty_date=day,
                shift_key="",
                written_at=now,
                operator=signer,
                text=remark.strip(),  # what the supervisor typed; the signature is a fact (services.handover._facts)
                ref_key=ref,
                payload={"facts": FACTS_VERSION, "head_seq": head_seq, "head_hash": head_hash, "note": remark.strip()},
            )
            row = ref_taken(s, self.site_id, ref)
        return _review_signature(row)

    def is_over(self, day: date) -> bool:
        """A duty date is over when its last shift has ended (its night ends the next morning); only then is it
        signed, and only then does it wait for a signature."""
        return self.clock.now() >= max(slot.end for slot in day_slots(self.settings, day))

    def last_day_over(self) -> date:
        day = self.today()
        while not self.is_over(day):
            day -= timedelta(days=1)
        return day

    def first_day(self) -> date | None:
        """The first duty date the desk kept a record of in deskui: a call, a duty-log entry or a handover. Days
        before it have nothing to sign."""
        with self.db.read() as s:
            firsts = [
                s.execute(select(func.min(table.c.duty_date)).where(table.c.site_id == self.site_id)).scalar()
                for table in (_CALL, _LOG, _HANDOVER)
            ]
        days = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in firsts if d is not None]
        return min(days) if days else None

    def unsigned_days(self, since: date | None = None, until: date | None = None) -> list[date]:
        """The days waiting for the supervisor's signature (003 4.3: the duty log is read and signed every
        morning): every duty date that is over, from the desk's first record in deskui (`first_day`), without a
        review signature, including a day with no record of its own. Limited to [since, until]; `since` defaults
        to REVIEW_LOOKBACK_DAYS before today. The review screen, 'review unsigned' and the report ask this."""
        first = self.first_day()
        if first is None:
            return []
        since = max(since or self.today() - timedelta(days=REVIEW_LOOKBACK_DAYS), first)
        last = self.last_day_over() if until is None else min(until, self.last_day_over())
        if last < since:
            return []
        with self.db.read() as s:
            signed = {
                r.duty_date
                for r in s.execute(
                    select(_LOG.c.duty_date, _LOG.c.hash, _LOG.c.seal, _LOG.c.seq).where(
                        _LOG.c.site_id == self.site_id,
                        _LOG.c.kind == "review",
                        _LOG.c.duty_date >= since,
                        _LOG.c.duty_date <= last,
                    )
                )
                if self.dutylog.is_sealed(r.hash, r.seal, r.seq)  # a review without a valid seal does not count
            }
        out = []
        day = since
        while day <= last:
            if day not in signed:
                out.append(day)
            day += timedelta(days=1)
        return out


def _review_signature(row: Any) -> ReviewSignature:
    payload = json.loads(row.payload or "{}")
    return ReviewSignature(
        row.duty_date,
        row.operator_name,
        row.written_at,
        int(payload.get("head_seq", row.seq - 1)),
        str(payload.get("head_hash", row.prev_hash)),
        str(payload.get("note", "")),
        row.seq,
    )
