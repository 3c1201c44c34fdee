"""The duty log 值班记录: entries written during a shift, amendments, the shift view, the chain check, the export.

Rules (DOMAIN.md "Duty and shift handover"; 003 4.1.8: 不得撕页,记录不得涂改):
- an entry is never edited or deleted (database triggers, migration 0004); a correction is an amendment entry that
  points at the original, and the shift view shows both;
- every entry is chained to the previous entry of the site (services.chain). The sequence number and the previous
  hash are read inside the write transaction that inserts the entry (BEGIN IMMEDIATE on SQLite; on PostgreSQL the
  site row is locked FOR UPDATE first, the chain's anchor), so two terminals cannot fork the chain, and a trigger
  refuses an entry that does not follow the head anyway;
- signed handovers and supervisor reviews are entries of the same chain (kind "handover" / "review");
- retention: settings.retention["duty_log_years"] (3 years); nothing in deskui deletes an entry, younger or older.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, text
from sqlmodel import Session

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import Database
from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import CallDisposition, DutyLogEntry, Handover, HandoverRecord, Site, Ticket, TicketEvent
from deskui.services.calls.service import CallInfo, check_text
from deskui.services.common import anchors
from deskui.services.common.shifts import shift_at
from deskui.services.handover import chain
from deskui.services.operators import OperatorInfo

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_RECORD = HandoverRecord.__table__  # type: ignore[attr-defined]
_DISPOSITION = CallDisposition.__table__  # type: ignore[attr-defined]
_SITE = Site.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_TEVENT = TicketEvent.__table__  # type: ignore[attr-defined]

KINDS = ("entry", "amendment", "handover", "review")
WRITABLE_KINDS = ("entry", "amendment")  # what an operator writes (and may amend)
EXPORT_FIELDS = (
    "seq",
    "id",
    "kind",
    "duty_date",
    "shift",
    "time",
    "operator",
    "text",
    "amends_id",
    "ref",
    "payload",
    "prev_hash",
    "hash",
)
EXPORT_FORMATS = ("csv", "json", "xlsx")


# --- data out ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One duty log entry as written. `time` is aware UTC; show it with services.shifts.local_time."""

    id: int
    seq: int
    kind: str  # entry | amendment | handover | review
    duty_date: date
    shift_key: str
    time: datetime
    operator_id: int | None
    operator: str
    text: str
    amends_id: int | None
    ref_key: str | None
    payload_json: str
    prev_hash: str
    hash: str
    amended_by: tuple[int, ...] = ()  # ids of the amendments that correct this entry

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


@dataclass(frozen=True)
class VerifyProblem:
    seq: int
    entry_id: int | None
    reason: str  # edited | missing | reordered | broken_link | handover_changed
    message: str  # translated, names the entry


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[VerifyProblem, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> VerifyProblem | None:
        return self.problems[0] if self.problems else None


# --- helpers shared with the handover and review services -----------------------------------------------------


def clean_text(value: str, field_name: str, label: str, *, max_chars: int, multiline: bool = False) -> str:
    """Free text checked like the call form's (length, control characters, terminal escapes); `label` is shown."""
    try:
        return check_text(value, label, max_chars=max_chars, multiline=multiline)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field_name) from None


def dumps(value: Mapping[str, Any]) -> str:
    """Compact, sorted JSON: payloads are hashed, so the same content always gives the same bytes."""
    return json.dumps(dict(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def lock_chain(s: Session, site_id: int) -> None:
    """Serialise writers of the site's chain. SQLite: the write transaction's BEGIN IMMEDIATE already did it;
    PostgreSQL: lock the site row, the chain's anchor (it exists even before the first entry)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(_SITE.c.id).where(_SITE.c.id == site_id).with_for_update())


def chain_head(s: Session, site_id: int) -> tuple[int, str]:
    row = s.execute(
        select(_LOG.c.seq, _LOG.c.hash).where(_LOG.c.site_id == site_id).order_by(_LOG.c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, chain.GENESIS)


def append_entry(
    s: Session,
    site_id: int,
    *,
    kind: str,
    duty_date: date,
    shift_key: str,
    written_at: datetime,
    operator: OperatorInfo | None,
    text: str,
    amends_id: int | None = None,
    ref_key: str | None = None,
    payload: Mapping[str, Any] | None = None,
) -> int:
    """Add one entry at the head of the site's chain, inside the caller's write transaction; returns its id."""
    assert kind in KINDS
    lock_chain(s, site_id)
    head_seq, head_hash = chain_head(s, site_id)
    values: dict[str, Any] = {
        "site_id": site_id,
        "seq": head_seq + 1,
        "kind": kind,
        "duty_date": duty_date,
        "shift_key": shift_key,
        "written_at": written_at,
        "operator_id": operator.id if operator else None,
        "operator_name": operator.name if operator else "",
        "text": text,
        "amends_id": amends_id,
        "ref_key": ref_key,
        "payload": dumps(payload or {}),
    }
    values["prev_hash"] = head_hash
    values["hash"] = chain.entry_hash(values, head_hash)
    keeper = anchors.keeper_for(anchors.bind_url(s.get_bind()))
    keeper.ensure(lambda: all_heads(s))  # first use: the key, and the anchor at the heads before this entry
    if kind in anchors.SEALED_KINDS:  # written only after the signer's PIN was checked (services.anchors)
        values["seal"] = keeper.seal(values["hash"])
    result = s.execute(_LOG.insert().values(**values))
    head = {site_id: anchors.Head(values["seq"], values["hash"])}
    event.listen(s, "after_commit", lambda _s: _raise_anchor(keeper, head), once=True)
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def all_heads(s: Session) -> dict[int, anchors.Head]:
    """Every site's chain head (sequence number, hash)."""
    latest = select(_LOG.c.site_id, func.max(_LOG.c.seq).label("seq")).group_by(_LOG.c.site_id).subquery()
    rows = s.execute(
        select(_LOG.c.site_id, _LOG.c.seq, _LOG.c.hash).join(
            latest, (latest.c.site_id == _LOG.c.site_id) & (latest.c.seq == _LOG.c.seq)
        )
    )
    return {r.site_id: anchors.Head(r.seq, r.hash) for r in rows}


def _raise_anchor(keeper: anchors.Keeper, head: dict[int, anchors.Head]) -> None:
    """After the commit: the anchor file follows the head. A failure here (a full disk, a read-only folder) only
    leaves the anchor behind, which weakens the truncation check but loses nothing; the entry is committed."""
    with contextlib.suppress(OSError):
        keeper.raise_anchor(head)


def ref_taken(s: Session, site_id: int, ref_key: str) -> Any | None:
    return s.execute(select(_LOG).where(_LOG.c.site_id == site_id, _LOG.c.ref_key == ref_key)).first()


def handover_records(s: Session, handover_id: int) -> list[dict[str, Any]]:
    """A handover's row, records and dispositions as plain data: what its signature's digest covers."""
    h = s.execute(select(_HANDOVER).where(_HANDOVER.c.id == handover_id)).one()
    out: list[dict[str, Any]] = [
        {
            "table": "handover",
            "id": h.id,
            "duty_date": h.duty_date,
            "shift_key": h.shift_key,
            "next_date": h.next_date,
            "next_shift_key": h.next_shift_key,
            "outgoing_id": h.outgoing_id,
            "outgoing_name": h.outgoing_name,
            "started_at": h.started_at,
        }
    ]
    for r in s.execute(select(_RECORD).where(_RECORD.c.handover_id == handover_id).order_by(_RECORD.c.id)):
        out.append(
            {
                "table": "record",
                "id": r.id,
                "step": r.step,
                "item": r.item,
                "value": r.value,
                "operator_id": r.operator_id,
                "operator_name": r.operator_name,
                "recorded_at": r.recorded_at,
            }
        )
    q = select(_DISPOSITION).where(_DISPOSITION.c.handover_id == handover_id).order_by(_DISPOSITION.c.id)
    for d in s.execute(q):
        out.append(
            {
                "table": "disposition",
                "id": d.id,
                "call_id": d.call_id,
                "action": d.action,
                "reason": d.reason,
                "ticket_id": d.ticket_id,
                "operator_id": d.operator_id,
                "operator_name": d.operator_name,
                "recorded_at": d.recorded_at,
            }
        )
    return out


def handover_digest(s: Session, handover_id: int) -> tuple[str, int]:
    records = handover_records(s, handover_id)
    return chain.digest(records), len(records)


def _entry(row: Any, amended_by: tuple[int, ...] = ()) -> LogEntry:
    return LogEntry(
        id=row.id,
        seq=row.seq,
        kind=row.kind,
        duty_date=row.duty_date,
        shift_key=row.shift_key,
        time=row.written_at,
        operator_id=row.operator_id,
        operator=row.operator_name,
        text=row.text,
        amends_id=row.amends_id,
        ref_key=row.ref_key,
        payload_json=row.payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
        amended_by=amended_by,
    )


def _chain_row(row: Any) -> chain.ChainRow:
    return chain.ChainRow(**{f: getattr(row, f) for f in chain.ChainRow.__dataclass_fields__})


# --- the service ------------------------------------------------------------------------------------------------


class DutyLogService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        site_id: int,
        *,
        calls: Any | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.site_id = site_id
        self.calls = calls
        self.tz = ZoneInfo(settings.time_zone)
        self._keeper: anchors.Keeper | None = None

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
            if body == original.text:
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
        from deskui.services.handover.roster import slot_of

        slot = slot_of(self.settings, duty_date, shift_key)
        entries = tuple(self.entries(duty_date, shift_key))
        calls = tuple(self.calls.shift_calls(duty_date, shift_key)) if self.calls is not None else ()
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

    # --- checking -------------------------------------------------------------------------------------------

    def verify(self, *, triggers: bool = True) -> VerifyResult:
        """Check the whole chain, then every signed handover's records against its signature's digest, then (unless
        `triggers` is False) that every append-only trigger is as the migrations made it."""
        with self.db.read() as s:
            with contextlib.suppress(OSError):  # first use on a database from before seals (Keeper.ensure)
                self.keeper.ensure(lambda: all_heads(s))
            rows = [_chain_row(r) for r in s.execute(select(_LOG).where(_LOG.c.site_id == self.site_id))]
            report = chain.verify_rows(rows)
            by_seq = {r.seq: r for r in rows}
            problems = [self._describe(p, by_seq) for p in report.problems]
            for r in sorted(rows, key=lambda r: r.seq):
                if r.kind != "handover" or not r.ref_key:
                    continue
                payload = json.loads(r.payload or "{}")
                handover_id = payload.get("handover_id")
                exists = (
                    handover_id is not None
                    and s.execute(select(_HANDOVER.c.id).where(_HANDOVER.c.id == handover_id)).first()
                )
                digest = handover_digest(s, handover_id)[0] if exists else None
                if digest != payload.get("records_digest"):
                    problems.append(
                        VerifyProblem(
                            r.seq,
                            r.id,
                            "handover_changed",
                            t(
                                "The records of the handover signed in entry #{seq} ({when}) were changed after "
                                "it was signed",
                                seq=r.seq,
                                when=self._when(r.written_at),
                            ),
                        )
                    )
            seals = dict(
                s.execute(
                    select(_LOG.c.id, _LOG.c.seal).where(
                        _LOG.c.site_id == self.site_id, _LOG.c.kind.in_(anchors.SEALED_KINDS)
                    )
                ).all()
            )
            problems += self._seal_problems(rows, seals)
            problems += self._review_head_problems(rows, by_seq)
            problems += self._anchor_problems(s, rows, by_seq, report)
            problems.sort(key=lambda p: p.seq)
            problems += self._record_problems(s)
            if triggers:  # after what was changed: the most telling finding stays the first
                problems += self._trigger_problems(s)
        return VerifyResult(report.entries, report.head_seq, report.head_hash, tuple(problems))

    # --- seals and anchors (services.anchors) ------------------------------------------------------------------

    @property
    def keeper(self) -> anchors.Keeper:
        """The site key and the anchor file of this database (a restore's check sets those of its target)."""
        return self._keeper if self._keeper is not None else anchors.keeper_for(self.db.url)

    @keeper.setter
    def keeper(self, value: anchors.Keeper | None) -> None:
        self._keeper = value

    def is_sealed(self, entry_hash: str, seal: str | None, seq: int) -> bool:
        """A handover or review entry counts as signed only with a valid seal (written after the PIN), or when it
        was written before seals existed (services.anchors.Keeper.ensure)."""
        keeper = self.keeper
        return keeper.sealed(entry_hash, seal) or seq <= keeper.legacy(self.site_id)

    def _seal_problems(self, rows: list[chain.ChainRow], seals: dict[int, str | None]) -> list[VerifyProblem]:
        signed = sorted((r for r in rows if r.kind in anchors.SEALED_KINDS), key=lambda r: r.seq)
        if not signed:
            return []
        keeper = self.keeper
        if keeper.key() is None:
            message = t(
                "The site key {path} is missing: the {n} signatures in the log cannot be checked",
                path=str(keeper.key_file),
                n=len(signed),
            )
            return [VerifyProblem(signed[0].seq, None, "key_missing", message)]
        out = []
        legacy = keeper.legacy(self.site_id)
        for r in signed:
            if r.seq <= legacy or keeper.sealed(r.hash, seals.get(r.id)):
                continue
            if r.kind == "review":
                message = t(
                    "Entry #{seq}, the review of {day} in the name of {name}, carries no valid seal: it was not "
                    "signed in deskui with a PIN",
                    seq=r.seq,
                    day=r.duty_date.isoformat(),
                    name=r.operator_name or "-",
                )
            else:
                message = t(
                    "Entry #{seq}, a handover signed {when} in the name of {name}, carries no valid seal: it was not "
                    "signed in deskui with a PIN",
                    seq=r.seq,
                    when=self._when(r.written_at),
                    name=r.operator_name or "-",
                )
            out.append(VerifyProblem(r.seq, r.id, "unsealed", message))
        return out

    def _review_head_problems(
        self, rows: list[chain.ChainRow], by_seq: dict[int, chain.ChainRow]
    ) -> list[VerifyProblem]:
        """Each review records the head it signed: that entry must still be there with that hash."""
        out = []
        for r in sorted((r for r in rows if r.kind == "review"), key=lambda r: r.seq):
            try:
                payload = json.loads(r.payload or "{}")
                head_seq, head_hash = int(payload["head_seq"]), str(payload["head_hash"])
            except (ValueError, KeyError, TypeError):
                head_seq, head_hash = -1, ""
            at = by_seq.get(head_seq)
            expected = chain.GENESIS if head_seq == 0 else (at.hash if at is not None else None)
            if head_seq < r.seq and expected == head_hash:
                continue
            out.append(
                VerifyProblem(
                    r.seq,
                    r.id,
                    "head_mismatch",
                    t(
                        "Entry #{seq}, the review of {day}, signed the log up to entry #{head}, which is not in the "
                        "log as it was signed",
                        seq=r.seq,
                        day=r.duty_date.isoformat(),
                        head=head_seq,
                    ),
                )
            )
        return out

    def _anchor_problems(
        self, s: Session, rows: list[chain.ChainRow], by_seq: dict[int, chain.ChainRow], report: chain.ChainReport
    ) -> list[VerifyProblem]:
        """The chain against every head recorded outside it: the anchor file (or a backup's), each signed
        handover's snapshot record. Truncation is reported against the newest of them."""
        keeper = self.keeper
        out: list[VerifyProblem] = []
        marks: list[tuple[str, anchors.Head]] = []
        found = keeper.read_anchor()
        if found is None:
            if self.db.backend == "sqlite" and keeper.anchor_file is not None and keeper.key() is not None:
                out.append(
                    VerifyProblem(
                        report.head_seq + 1,
                        None,
                        "anchor_missing",
                        t(
                            "The anchor file {path} is missing: entries deleted at the end of the log could go "
                            "unnoticed",
                            path=str(keeper.anchor_file),
                        ),
                    )
                )
        elif not found.valid:
            out.append(
                VerifyProblem(
                    report.head_seq + 1,
                    None,
                    "anchor_invalid",
                    t("The anchor file {path} was not written by deskui on this site", path=str(found.path)),
                )
            )
        elif self.site_id in found.heads:
            marks.append((t("the anchor file {path}", path=str(found.path)), found.heads[self.site_id]))
        signed_refs = {r.ref_key for r in rows if r.kind == "handover"}
        for rec in s.execute(
            select(_RECORD.c.handover_id, _RECORD.c.value).where(
                _RECORD.c.site_id == self.site_id, _RECORD.c.step == "snapshot"
            )
        ):
            try:
                head = json.loads(rec.value)["chain_head"]
                mark = anchors.Head(int(head["seq"]), str(head["hash"]))
            except (ValueError, KeyError, TypeError):
                continue
            marks.append((t("the records of handover #{id}", id=rec.handover_id), mark))
            if f"handover:{rec.handover_id}" not in signed_refs:
                marks.append((t("the records of handover #{id}", id=rec.handover_id), anchors.Head(mark.seq + 1, "")))
        if not marks:
            return out
        source, newest = max(marks, key=lambda m: m[1].seq)
        if newest.seq > report.head_seq:
            first = report.head_seq + 1
            out.append(
                VerifyProblem(
                    first,
                    None,
                    "truncated",
                    t(
                        "The log ends at entry #{head}, but {source} records entry #{seq}: entries #{first}-#{seq} "
                        "were deleted from the end of the log",
                        head=report.head_seq,
                        source=source,
                        seq=newest.seq,
                        first=first,
                    ),
                )
            )
        seen: set[int] = set()
        for source, mark in sorted(marks, key=lambda m: m[1].seq):
            row = by_seq.get(mark.seq)
            if row is None or not mark.hash or row.hash == mark.hash or mark.seq in seen:
                continue
            seen.add(mark.seq)
            out.append(
                VerifyProblem(
                    mark.seq,
                    row.id,
                    "anchor_mismatch",
                    t(
                        "Entry #{seq} is not the entry {source} records: the log was rewritten",
                        seq=mark.seq,
                        source=source,
                    ),
                )
            )
        return out

    def _record_problems(self, s: Session) -> list[VerifyProblem]:
        """Tickets against the replay of their events, calls against their search index (services.audit)."""
        from deskui.services.admin.audit import call_findings, ticket_findings

        _, tickets = ticket_findings(s, self.site_id, self.settings)
        _, calls = call_findings(s, self.site_id)
        return [VerifyProblem(0, None, f.reason, f.message) for f in (*tickets, *calls)]

    def _trigger_problems(self, s: Session) -> list[VerifyProblem]:
        """The append-only triggers as the migrations made them (services.guards)."""
        from deskui.services.admin.guards import trigger_problems

        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return [VerifyProblem(0, None, f"trigger_{p.reason}", p.message) for p in trigger_problems(s, revision)]

    def _when(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def _describe(self, problem: chain.ChainProblem, by_seq: dict[int, chain.ChainRow]) -> VerifyProblem:
        row = by_seq.get(problem.seq) if problem.entry_id is not None else None
        who = ""
        if row is not None:
            who = t("written {when} by {name}", when=self._when(row.written_at), name=row.operator_name or "-")
        if problem.reason == "missing":
            message = t("Entry #{seqs} is missing: deleted from the log", seqs=problem.detail)
        elif problem.reason == "reordered":
            message = t(
                "Entry #{seq} ({who}) is out of order: it was written after entry #{other}",
                seq=problem.seq,
                who=who,
                other=problem.detail,
            )
        elif problem.reason == "edited":
            message = t("Entry #{seq} ({who}) was changed after it was written", seq=problem.seq, who=who)
        else:
            message = t(
                "Entry #{seq} ({who}) does not follow entry #{other}: that entry was changed or replaced",
                seq=problem.seq,
                who=who,
                other=problem.detail,
            )
        return VerifyProblem(problem.seq, problem.entry_id, problem.reason, message)


# --- export -----------------------------------------------------------------------------------------------------


def export_record(entry: LogEntry, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "id": entry.id,
        "kind": entry.kind,
        "duty_date": entry.duty_date.isoformat(),
        "shift": entry.shift_key,
        "time": entry.time.astimezone(tz).isoformat(),
        "operator": entry.operator,
        "text": entry.text,
        "amends_id": entry.amends_id,
        "ref": entry.ref_key,
        "payload": entry.payload_json,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def export(entries: Iterable[LogEntry], fmt: str, settings: Settings, *, output: Path | None, stdout: IO[str]) -> int:
    """Write entries as csv / json / xlsx (to `output`, or stdout for csv and json); returns how many.

    Text cells a spreadsheet would run as formulas are neutralised (services.exports.neutralise); JSON keeps
    every value exactly, so the chain can be re-checked from it (what a terminal acts on escaped: safetext.dumps).
    Files are 0600 (services.exports.private_file); a CSV file keeps the exact text (services.exports says why).
    """
    from deskui.core.safetext import dumps
    from deskui.services.calls.export import neutralise, private_file, sheet_cell

    fmt = fmt.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(t("Unknown export format {fmt!r}; use csv, json or xlsx", fmt=fmt), field="format")
    tz = ZoneInfo(settings.time_zone)
    if fmt == "xlsx":
        if output is None:
            raise ValidationError(t("An xlsx export needs --output FILE.xlsx"), field="output")
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(t("Duty log"))
        ws.append(list(EXPORT_FIELDS))
        n = 0
        for entry in entries:
            rec = export_record(entry, tz)
            row: list[Any] = []
            for name in EXPORT_FIELDS:
                value = rec[name]
                if name == "time":
                    cell = WriteOnlyCell(ws, value=datetime.fromisoformat(value).replace(tzinfo=None))
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                    row.append(cell)
                else:
                    row.append(None if value is None else sheet_cell(value))
            ws.append(row)
            n += 1
        with private_file(output, binary=True) as xlsx:
            wb.save(xlsx)
        return n

    def write(fh: IO[str]) -> int:
        n = 0
        if fmt == "csv":
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(EXPORT_FIELDS)
            for entry in entries:
                rec = export_record(entry, tz)
                writer.writerow(["" if rec[f] is None else neutralise(rec[f]) for f in EXPORT_FIELDS])
                n += 1
            return n
        fh.write("[")
        for entry in entries:
            fh.write(("\n" if n == 0 else ",\n") + dumps(export_record(entry, tz)))
            n += 1
        fh.write("\n]\n" if n else "]\n")
        return n

    if output is None:
        return write(stdout)
    with private_file(output, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
        return write(fh)


__all__ = [
    "DutyLogService",
    "LogEntry",
    "ShiftView",
    "TicketEventLine",
    "VerifyProblem",
    "VerifyResult",
    "append_entry",
    "chain_head",
    "clean_text",
    "export",
    "handover_digest",
]
