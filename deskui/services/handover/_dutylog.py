"""The duty log 值班记录: entries written during a shift, amendments, the shift view, the chain check, the export.

Rules (DOMAIN.md "Duty and shift handover"; 003 4.1.8: 不得撕页,记录不得涂改):
- an entry is never edited or deleted (database triggers, migration 0004); a correction is an amendment entry that
  points at the original, and the shift view shows both;
- every entry is chained to the previous entry of the site (services.handover._chain). The sequence number and the previous
  hash are read inside the write transaction that inserts the entry (BEGIN IMMEDIATE on SQLite; on PostgreSQL the
  site row is locked FOR UPDATE first, the chain's anchor), so two terminals cannot fork the chain, and a trigger
  refuses an entry that does not follow the head anyway;
- signed handovers and supervisor reviews are entries of the same chain (kind "handover" / "review");
- retention: settings.retention["duty_log_years"] (3 years); nothing in deskui deletes an entry, younger or older.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session

from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import DutyLogEntry, Ticket, TicketEvent
from deskui.services.calls import CallInfo
from deskui.services.common import anchors
from deskui.services.common.shifts import shift_at
from deskui.services.context import ContextService, DeskContext
from deskui.services.handover._dutylog_chain import WRITABLE_KINDS, append_entry, chain_head, clean_text
from deskui.services.handover._dutylog_check import ChainCheck
from deskui.services.handover._facts import render_entry
from deskui.services.handover._roster import slot_of
from deskui.services.operators import OperatorInfo

if TYPE_CHECKING:
    from deskui.services.calls import CallService

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_TEVENT = TicketEvent.__table__  # type: ignore[attr-defined]


# --- data out ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One duty log entry as written. `time` is aware UTC; show it with services.common.shifts.local_time."""

    id: int
    seq: int
    kind: str  # entry | amendment | handover | review
    duty_date: date
    shift_key: str
    time: datetime
    operator_id: int | None
    operator: str
    text: str  # what the entry says in the reader's language (services.handover._facts); as stored if typed
    amends_id: int | None
    ref_key: str | None
    payload_json: str
    prev_hash: str
    hash: str
    amended_by: tuple[int, ...] = ()  # ids of the amendments that correct this entry
    stored_text: str = ""  # the text column as written (hashed in the chain): what a person typed, or empty

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json) if self.payload_json else {}

    @property
    def is_amended(self) -> bool:
        return bool(self.amended_by)


@dataclass(frozen=True)
class TicketEventLine:
    """One ticket event in a shift's view (created, dispatched, done, …); the ticket service labels `kind`."""

    id: int
    ticket_id: int
    number: str
    kind: str
    at: datetime
    operator: str
    status: str
    note: str


@dataclass(frozen=True)
class ShiftView:
    """Everything that happened in one shift: its own log entries (amendments beside what they correct), the
    calls logged in it and the ticket events of its time span."""

    duty_date: date
    shift_key: str
    start: datetime
    end: datetime
    entries: tuple[LogEntry, ...]
    calls: tuple[CallInfo, ...]
    ticket_events: tuple[TicketEventLine, ...] = ()

    @property
    def timeline(self) -> tuple[tuple[datetime, str, Any], ...]:
        """(time, "log" | "call" | "ticket", item) oldest first: the shift as one list."""
        items: list[tuple[datetime, str, Any]] = [(e.time, "log", e) for e in self.entries]
        items += [(c.time, "call", c) for c in self.calls]
        items += [(ev.at, "ticket", ev) for ev in self.ticket_events]
        return tuple(sorted(items, key=lambda x: (x[0], x[1])))


def _entry(row: Any, amended_by: tuple[int, ...] = ()) -> LogEntry:
    payload = json.loads(row.payload) if row.payload else {}
    return LogEntry(
        id=row.id,
        seq=row.seq,
        kind=row.kind,
        duty_date=row.duty_date,
        shift_key=row.shift_key,
        time=row.written_at,
        operator_id=row.operator_id,
        operator=row.operator_name,
        text=render_entry(row.kind, row.duty_date, row.shift_key, row.text, payload),
        amends_id=row.amends_id,
        ref_key=row.ref_key,
        payload_json=row.payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
        amended_by=amended_by,
        stored_text=row.text,
    )


class DutyLogService(ContextService):
    def __init__(self, ctx: DeskContext, *, calls: CallService) -> None:
        super().__init__(ctx)
        self.calls = calls
        self.chain_check = ChainCheck(ctx)

    @property
    def retention_years(self) -> int:
        """How long entries are kept at least (003 4.1.8); nothing here deletes one."""
        return self.settings.retention.get("duty_log_years", 3)

    def _text(self, value: str) -> str:
        text = clean_text(
            value, "text", t("Log entry"), max_chars=self.settings.calls.max_content_chars, multiline=True
        )
        if not text.strip():
            raise ValidationError(t("Write something: an empty log entry is not kept"), field="text")
        return text

    # --- writing --------------------------------------------------------------------------------------------

    def add(self, text: str, *, operator: OperatorInfo | None) -> LogEntry:
        """Write an entry now, in the shift the clock is in."""
        body = self._text(text)
        now = self.clock.now()
        slot = shift_at(self.settings, now)
        with self.db.write() as s:
            entry_id = append_entry(
                s,
                self.site_id,
                kind="entry",
                duty_date=slot.duty_date,
                shift_key=slot.key,
                written_at=now,
                operator=operator,
                text=body,
            )
            return _entry(s.execute(select(_LOG).where(_LOG.c.id == entry_id)).one())

    def amend(self, entry_id: int, text: str, *, operator: OperatorInfo | None, reason: str = "") -> LogEntry:
        """Correct an entry: a new entry pointing at it, in the same shift's view; the original stays as it was."""
        body = self._text(text)
        why = clean_text(reason, "reason", t("Reason"), max_chars=self.settings.calls.max_line_chars)
        now = self.clock.now()
        with self.db.write() as s:
            original = s.execute(select(_LOG).where(_LOG.c.id == entry_id, _LOG.c.site_id == self.site_id)).first()
            if original is None:
                raise NotFound(t("No duty log entry #{id}", id=entry_id))
            if original.kind not in WRITABLE_KINDS:
                raise ValidationError(
                    t("Entry #{seq} is a signature; it cannot be amended", seq=original.seq), field="entry"
                )
            if body == original.text:  # only typed entries are amended: their text is as stored
                raise ValidationError(t("Nothing was changed; there is no correction to save"), field="text")
            new_id = append_entry(
                s,
                self.site_id,
                kind="amendment",
                duty_date=original.duty_date,
                shift_key=original.shift_key,
                written_at=now,
                operator=operator,
                text=body,
                amends_id=original.id,
                payload={"reason": why} if why else None,
            )
            return _entry(s.execute(select(_LOG).where(_LOG.c.id == new_id)).one())

    # --- reading --------------------------------------------------------------------------------------------

    def _entries(self, s: Session, q: Any) -> list[LogEntry]:
        rows = list(s.execute(q))
        ids = [r.id for r in rows]
        amended: dict[int, list[int]] = {}
        for i in range(0, len(ids), 500):
            for a in s.execute(
                select(_LOG.c.id, _LOG.c.amends_id).where(_LOG.c.amends_id.in_(ids[i : i + 500])).order_by(_LOG.c.id)
            ):
                amended.setdefault(a.amends_id, []).append(a.id)
        return [_entry(r, tuple(amended.get(r.id, ()))) for r in rows]

    def get(self, entry_id: int) -> LogEntry:
        with self.db.read() as s:
            found = self._entries(s, select(_LOG).where(_LOG.c.id == entry_id, _LOG.c.site_id == self.site_id))
        if not found:
            raise NotFound(t("No duty log entry #{id}", id=entry_id))
        return found[0]

    def by_seq(self, seq: int) -> LogEntry:
        """An entry by its number in the log (#12), the number people see."""
        with self.db.read() as s:
            found = self._entries(s, select(_LOG).where(_LOG.c.site_id == self.site_id, _LOG.c.seq == seq))
        if not found:
            raise NotFound(t("No duty log entry #{id}", id=seq))
        return found[0]

    def entries(self, duty_date: date, shift_key: str | None = None) -> list[LogEntry]:
        """A duty date's entries (or one shift's) in the order written, amendments and signatures included."""
        q = select(_LOG).where(_LOG.c.site_id == self.site_id, _LOG.c.duty_date == duty_date)
        if shift_key is not None:
            q = q.where(_LOG.c.shift_key == shift_key)
        with self.db.read() as s:
            return self._entries(s, q.order_by(_LOG.c.seq))

    def between(self, first: date | None = None, last: date | None = None) -> Iterator[LogEntry]:
        """Every entry with a duty date in [first, last], in chain order, read page by page (for exports)."""
        after = 0
        while True:
            q = select(_LOG).where(_LOG.c.site_id == self.site_id, _LOG.c.seq > after)
            if first is not None:
                q = q.where(_LOG.c.duty_date >= first)
            if last is not None:
                q = q.where(_LOG.c.duty_date <= last)
            with self.db.read() as s:
                page = self._entries(s, q.order_by(_LOG.c.seq).limit(1000))
            yield from page
            if len(page) < 1000:
                return
            after = page[-1].seq

    def shift_view(self, duty_date: date, shift_key: str) -> ShiftView:
        """The log view of one shift: its entries, its calls (CallService.shift_calls) and its ticket events."""
        slot = slot_of(self.settings, duty_date, shift_key)
        entries = tuple(self.entries(duty_date, shift_key))
        calls = tuple(self.calls.shift_calls(duty_date, shift_key))
        return ShiftView(duty_date, shift_key, slot.start, slot.end, entries, calls, self._ticket_events(slot))

    def _ticket_events(self, slot: Any) -> tuple[TicketEventLine, ...]:
        """What happened to tickets during the shift, read straight from the append-only ticket history."""
        q = (
            select(_TEVENT, _TICKET.c.number)
            .join(_TICKET, _TICKET.c.id == _TEVENT.c.ticket_id)
            .where(_TEVENT.c.site_id == self.site_id, _TEVENT.c.at >= slot.start, _TEVENT.c.at < slot.end)
            .order_by(_TEVENT.c.at, _TEVENT.c.id)
        )
        with self.db.read() as s:
            return tuple(
                TicketEventLine(r.id, r.ticket_id, r.number, r.kind, r.at, r.operator_name, r.status, r.note)
                for r in s.execute(q)
            )

    def head(self) -> tuple[int, str]:
        """(sequence number, hash) of the latest entry: what a review signature records."""
        with self.db.read() as s:
            return chain_head(s, self.site_id)

    # --- seals and anchors (services.common.anchors): the chain check's -----------------------------------------

    @property
    def keeper(self) -> anchors.Keeper:
        """The site key and the anchor file of this database."""
        return self.chain_check.keeper

    @keeper.setter
    def keeper(self, value: anchors.Keeper | None) -> None:
        self.chain_check.keeper = value

    def is_sealed(self, entry_hash: str, seal: str | None, seq: int) -> bool:
        """A handover or review entry counts as signed only with a valid seal (ChainCheck.is_sealed)."""
        return self.chain_check.is_sealed(entry_hash, seal, seq)
