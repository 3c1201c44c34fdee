"""The key log 钥匙借用登记 (003 4.1.3 f): which key, to whom, when, back by when, and when it came back.

A loan is written once and never changed; a return is a row of its own (one per loan, unique), so the log reads
like the paper book. Keys still out are listed at every handover; a key past its expected return is overdue.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import KeyLoan, KeyReturn
from deskui.services.common.shifts import shift_at
from deskui.services.context import ContextService
from deskui.services.handover._dutylog_chain import clean_text, inserted_id, lock_chain
from deskui.services.handover._keys import check_lend, normalize_tag, record_authority
from deskui.services.operators import OperatorInfo

_LOAN = KeyLoan.__table__  # type: ignore[attr-defined]
_RETURN = KeyReturn.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class KeyLoanInfo:
    """One loan and, once back, its return. `overdue` is as of the moment it was read."""

    id: int
    tag: str
    borrower: str
    purpose: str
    lent_at: datetime
    due_at: datetime
    lent_by: str
    returned_at: datetime | None
    returned_by: str
    return_note: str
    overdue: bool

    @property
    def is_out(self) -> bool:
        return self.returned_at is None


class KeyLogService(ContextService):
    """The key log 钥匙借用登记: keys lent and taken back (not the keyboard's keys)."""

    def _query(self) -> Select[Any]:
        return (
            select(
                _LOAN,
                _RETURN.c.returned_at,
                _RETURN.c.operator_name.label("returned_by"),
                _RETURN.c.note.label("return_note"),
            )
            .select_from(_LOAN.outerjoin(_RETURN, _RETURN.c.loan_id == _LOAN.c.id))
            .where(_LOAN.c.site_id == self.site_id)
        )

    def _info(self, r: object, now: datetime) -> KeyLoanInfo:
        returned_at = r.returned_at  # type: ignore[attr-defined]
        due_at = r.due_at  # type: ignore[attr-defined]
        return KeyLoanInfo(
            id=r.id,  # type: ignore[attr-defined]
            tag=r.tag,  # type: ignore[attr-defined]
            borrower=r.borrower,  # type: ignore[attr-defined]
            purpose=r.purpose,  # type: ignore[attr-defined]
            lent_at=r.lent_at,  # type: ignore[attr-defined]
            due_at=due_at,
            lent_by=r.operator_name,  # type: ignore[attr-defined]
            returned_at=returned_at,
            returned_by=r.returned_by or "",  # type: ignore[attr-defined]
            return_note=r.return_note or "",  # type: ignore[attr-defined]
            overdue=returned_at is None and due_at < now,
        )

    def _open_loan(self, s: Session, tag: str) -> object | None:
        q = self._query().where(_LOAN.c.tag == tag, _RETURN.c.id.is_(None)).order_by(_LOAN.c.id.desc())
        return s.execute(q).first()

    def parse_due(self, value: str | datetime | None, now: datetime) -> datetime:
        """Expected return: a datetime, "HH:MM" (today, or tomorrow if already past), "YYYY-MM-DD HH:MM", or
        None for the end of the current shift (a key lent during a shift is normally back before handover)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return shift_at(self.settings, now).end.astimezone(now.tzinfo)
        if isinstance(value, datetime):
            due = value.replace(tzinfo=self.tz) if value.tzinfo is None else value
        else:
            text = unicodedata.normalize("NFKC", value).strip()
            local_now = now.astimezone(self.tz)
            try:
                if len(text) <= 5:
                    hh, mm = text.split(":")
                    due = datetime.combine(local_now.date(), time(int(hh), int(mm)), tzinfo=self.tz)
                    if due <= local_now:
                        due += timedelta(days=1)
                else:
                    parsed = datetime.fromisoformat(text.replace("/", "-"))
                    due = parsed.replace(tzinfo=self.tz) if parsed.tzinfo is None else parsed
            except ValueError:
                raise ValidationError(
                    t("Cannot read the return time {text!r}; write e.g. 18:00 or 2026-11-24 09:00", text=value),
                    field="due",
                ) from None
        if due <= now:
            raise ValidationError(t("The expected return must be later than now"), field="due")
        return due

    def lend(
        self,
        tag: str,
        borrower: str,
        *,
        operator: OperatorInfo | None,
        due: str | datetime | None = None,
        purpose: str = "",
        authority: str = "",
    ) -> KeyLoanInfo:
        """Lend a key; refused while the same key is still out (it must come back first), and by the key
        inventory's rules (`_keys.check_lend`: a key it does not hold, a key needing an `authority` note without one)."""
        key = normalize_tag(tag)
        who = clean_text(borrower, "borrower", t("Borrower"), max_chars=200)
        if not who:
            raise ValidationError(t("Who is borrowing the key?"), field="borrower")
        why = clean_text(purpose, "purpose", t("Purpose"), max_chars=400)
        consent = clean_text(authority, "authority", t("Authority"), max_chars=400).strip()
        now = self.clock.now()
        due_at = self.parse_due(due, now)
        with self.db.write() as s:
            lock_chain(s, self.site_id)  # PostgreSQL: one lender at a time, so a key cannot go out twice
            out = self._open_loan(s, key)
            if out is not None:
                raise Conflict(
                    t(
                        "Key {tag} is already out: lent to {borrower} at {when}; take it back first",
                        tag=key,
                        borrower=out.borrower,  # type: ignore[attr-defined]
                        when=out.lent_at.astimezone(self.tz).strftime("%m-%d %H:%M"),  # type: ignore[attr-defined]
                    ),
                    field="tag",
                )
            check_lend(s, self.site_id, key, consent)
            result = s.execute(
                _LOAN.insert().values(
                    site_id=self.site_id,
                    tag=key,
                    borrower=who,
                    purpose=why,
                    lent_at=now,
                    due_at=due_at,
                    operator_id=operator.id if operator else None,
                    operator_name=operator.name if operator else "",
                )
            )
            loan_id = inserted_id(result)
            record_authority(s, self.site_id, loan_id, consent)
            return self._info(s.execute(self._query().where(_LOAN.c.id == loan_id)).one(), now)

    def take_back(self, tag: str, *, operator: OperatorInfo | None, note: str = "") -> KeyLoanInfo:
        """Record a key as returned (the loan stays as written; the return is a new row)."""
        key = normalize_tag(tag)
        remark = clean_text(note, "note", t("Note"), max_chars=400)
        now = self.clock.now()
        with self.db.write() as s:
            lock_chain(s, self.site_id)
            out = self._open_loan(s, key)
            if out is None:
                raise NotFound(t("Key {tag} is not out", tag=key), field="tag")
            loan_id = out.id  # type: ignore[attr-defined]
            s.execute(
                _RETURN.insert().values(
                    site_id=self.site_id,
                    loan_id=loan_id,
                    returned_at=now,
                    note=remark,
                    operator_id=operator.id if operator else None,
                    operator_name=operator.name if operator else "",
                )
            )
            return self._info(s.execute(self._query().where(_LOAN.c.id == loan_id)).one(), now)

    def out(self, at: datetime | None = None) -> list[KeyLoanInfo]:
        """Keys still out, the longest out first; `overdue` set for those past their expected return."""
        now = at or self.clock.now()
        q = self._query().where(_RETURN.c.id.is_(None), _LOAN.c.lent_at <= now).order_by(_LOAN.c.lent_at, _LOAN.c.id)
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q)]

    def history(self, *, tag: str | None = None, since: date | None = None, limit: int = 200) -> list[KeyLoanInfo]:
        """Loans newest first (optionally one key's, or since a local date), returned or not."""
        now = self.clock.now()
        q = self._query()
        if tag:
            q = q.where(_LOAN.c.tag == normalize_tag(tag))
        if since is not None:
            q = q.where(_LOAN.c.lent_at >= datetime.combine(since, time(0), tzinfo=self.tz))
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q.order_by(_LOAN.c.id.desc()).limit(limit))]

    def get(self, loan_id: int) -> KeyLoanInfo:
        with self.db.read() as s:
            row = s.execute(self._query().where(_LOAN.c.id == loan_id)).first()
        if row is None:
            raise NotFound(t("No key loan #{id}", id=loan_id))
        return self._info(row, self.clock.now())


__all__ = ["KeyLoanInfo", "KeyLogService", "normalize_tag"]
