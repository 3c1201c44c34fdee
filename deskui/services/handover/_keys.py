"""The key inventory 钥匙台账 (issue 13): the keys the desk holds, and the rules the key log lends them by.

A key is added once (label, what it opens, the hook or box it hangs on, whose authority lending it needs) and never
changed: a correction is a new entry replacing the old (`replaces_id`), a key no longer held a retirement row of its
own (models.keys, append-only in the database, migration 0010). Whether a key is in or out comes from the key log
(`key_loan` without a `key_return`), matched by tag: the label as `normalize_tag` compares it.

The rules the key log applies when it lends (`check_lend`, in the lending transaction), once the desk keeps an
inventory (any key ever added; a desk that never added one lends any tag, as before):
- a key that is not held (never added, or retired) is refused;
- a key that needs an authority (an owner's key left in trust: "业主书面同意") is refused without the authority
  note saying how it was given (`AuthorityNeeded`); the note is stored with the loan (`key_loan_authority`).
A key already out is refused by the key log itself. The handover's key count is `KeyCount`: keys held, minus
those out (each listed with borrower and since), is what should hang on the hooks.

This module sits below `_keylog` (which imports `normalize_tag`, `check_lend` and `record_authority` from it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import KeyItem, KeyLoan, KeyLoanAuthority, KeyRetirement, KeyReturn
from deskui.services.context import ContextService
from deskui.services.handover._dutylog_chain import clean_text, inserted_id, lock_chain
from deskui.services.operators import OperatorInfo

_ITEM = KeyItem.__table__  # type: ignore[attr-defined]
_RETIRED = KeyRetirement.__table__  # type: ignore[attr-defined]
_AUTHORITY = KeyLoanAuthority.__table__  # type: ignore[attr-defined]
_LOAN = KeyLoan.__table__  # type: ignore[attr-defined]
_RETURN = KeyReturn.__table__  # type: ignore[attr-defined]
_TAG_CHARS = 64
KEY_STATES = ("in", "out")


def normalize_tag(value: str) -> str:
    """A key's tag as it is compared: NFKC (full-width digits become ASCII), spaces collapsed, upper case."""
    tag = " ".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if not tag:
        raise ValidationError(t("Which key? Give its tag"), field="tag")
    clean_text(tag, "tag", t("Key tag"), max_chars=_TAG_CHARS)
    return tag


class AuthorityNeeded(ValidationError):
    """Lending a key that needs someone's authority, with no note of how it was given; `authority` says whose."""

    def __init__(self, message: str, *, authority: str) -> None:
        super().__init__(message, field="authority")
        self.authority = authority


@dataclass(frozen=True)
class KeyInfo:
    """One key and where it is now. `in_inventory` False: a key out in the key log that the inventory does not
    hold (lent before the desk kept one); then `opens` and `hook` are empty and `id` is None."""

    label: str
    opens: str
    hook: str
    authority: str
    state: str  # in | out
    borrower: str
    since: datetime | None  # lent at, while out
    due_at: datetime | None
    overdue: bool
    tag: str
    id: int | None
    added_at: datetime | None
    added_by: str
    loan_id: int | None
    authority_note: str  # the note the current loan was made under
    in_inventory: bool = True

    @property
    def is_out(self) -> bool:
        return self.state == "out"


@dataclass(frozen=True)
class KeyCount:
    """The handover's key count: `held` keys in the inventory, `out` the held ones lent (with who and since), so
    `expected` of them hang on the hooks."""

    held: int
    out: tuple[KeyInfo, ...]

    @property
    def expected(self) -> int:
        return self.held - len(self.out)


def _current(site_id: int) -> Any:
    """The site's current key entries (not replaced by a correction), with their retirement if any."""
    newer = _ITEM.alias("newer")
    return (
        select(_ITEM, _RETIRED.c.id.label("retirement_id"), _RETIRED.c.retired_at, _RETIRED.c.reason)
        .select_from(
            _ITEM.outerjoin(newer, newer.c.replaces_id == _ITEM.c.id).outerjoin(
                _RETIRED, _RETIRED.c.key_id == _ITEM.c.id
            )
        )
        .where(_ITEM.c.site_id == site_id, newer.c.id.is_(None))
    )


def _held(s: Session, site_id: int, tag: str | None = None) -> list[Any]:
    q = _current(site_id).where(_RETIRED.c.id.is_(None))
    if tag is not None:
        q = q.where(_ITEM.c.tag == tag)
    return list(s.execute(q.order_by(_ITEM.c.hook, _ITEM.c.tag, _ITEM.c.id)))


def _open_loans(s: Session, site_id: int) -> dict[str, Any]:
    """The site's loans not yet returned, by tag (the newest if a tag were out twice)."""
    q = (
        select(_LOAN, _AUTHORITY.c.note.label("authority_note"))
        .select_from(
            _LOAN.outerjoin(_RETURN, _RETURN.c.loan_id == _LOAN.c.id).outerjoin(
                _AUTHORITY, _AUTHORITY.c.loan_id == _LOAN.c.id
            )
        )
        .where(_LOAN.c.site_id == site_id, _RETURN.c.id.is_(None))
        .order_by(_LOAN.c.id)
    )
    return {r.tag: r for r in s.execute(q)}


def keeps_inventory(s: Session, site_id: int) -> bool:
    """Whether the desk keeps an inventory: a key was ever added (then lending checks it)."""
    return s.execute(select(_ITEM.c.id).where(_ITEM.c.site_id == site_id).limit(1)).first() is not None


def check_lend(s: Session, site_id: int, tag: str, authority_note: str) -> None:
    """The inventory's rules for lending `tag` (inside the lending transaction); nothing once no key was added."""
    if not keeps_inventory(s, site_id):
        return
    held = _held(s, site_id, tag)
    if not held:
        retired = s.execute(
            _current(site_id).where(_ITEM.c.tag == tag, _RETIRED.c.id.is_not(None)).order_by(_ITEM.c.id.desc())
        ).first()
        if retired is not None:
            raise NotFound(
                t("Key {tag} was retired ({reason}); it cannot be lent", tag=tag, reason=retired.reason), field="tag"
            )
        raise NotFound(
            t("Key {tag} is not in the key inventory; add it first, or check the label", tag=tag), field="tag"
        )
    authority = held[0].authority
    if authority and not authority_note.strip():
        raise AuthorityNeeded(
            t("Key {tag} is lent only with {authority}: note how it was given", tag=tag, authority=authority),
            authority=authority,
        )


def _info(r: Any, loan: Any | None, now: datetime) -> KeyInfo:
    return KeyInfo(
        label=r.label,
        opens=r.opens,
        hook=r.hook,
        authority=r.authority,
        state="out" if loan is not None else "in",
        borrower=loan.borrower if loan is not None else "",
        since=loan.lent_at if loan is not None else None,
        due_at=loan.due_at if loan is not None else None,
        overdue=loan is not None and loan.due_at < now,
        tag=r.tag,
        id=r.id,
        added_at=r.added_at,
        added_by=r.operator_name,
        loan_id=loan.id if loan is not None else None,
        authority_note=(loan.authority_note or "") if loan is not None else "",
    )


def key_count(s: Session, site_id: int, now: datetime) -> KeyCount | None:
    """The handover's key count (None when the desk keeps no inventory): held keys and those of them out."""
    if not keeps_inventory(s, site_id):
        return None
    loans = _open_loans(s, site_id)
    held = [_info(r, loans.get(r.tag), now) for r in _held(s, site_id)]
    out = sorted((k for k in held if k.is_out), key=lambda k: (k.since or now, k.tag))
    return KeyCount(len(held), tuple(out))


def record_authority(s: Session, site_id: int, loan_id: int, note: str) -> None:
    """Store the authority note of a loan (nothing when there is none)."""
    if note.strip():
        s.execute(_AUTHORITY.insert().values(site_id=site_id, loan_id=loan_id, note=note.strip()))


class KeyInventory(ContextService):
    """The keys the desk holds 钥匙台账: added, corrected, retired, and listed with who has each lent one."""

    def _text(self, value: str, field: str, label: str, *, max_chars: int, required: str = "") -> str:
        text = clean_text(value or "", field, label, max_chars=max_chars).strip()
        if required and not text:
            raise ValidationError(required, field=field)
        return text

    @staticmethod
    def _loose(loan: Any, now: datetime) -> KeyInfo:
        """A key out in the key log that the inventory does not hold."""
        return KeyInfo(
            label=loan.tag,
            opens="",
            hook="",
            authority="",
            state="out",
            borrower=loan.borrower,
            since=loan.lent_at,
            due_at=loan.due_at,
            overdue=loan.due_at < now,
            tag=loan.tag,
            id=None,
            added_at=None,
            added_by="",
            loan_id=loan.id,
            authority_note=loan.authority_note or "",
            in_inventory=False,
        )

    def _checked(self, label: str, opens: str, hook: str, authority: str) -> tuple[str, str, str, str, str]:
        typed = self._text(
            label, "label", t("Key label"), max_chars=_TAG_CHARS, required=t("Give the key a label, e.g. 3-2-1201")
        )
        tag = normalize_tag(typed)
        what = self._text(
            opens, "opens", t("Opens"), max_chars=200, required=t("What does the key open? e.g. 3-2-1201 front door")
        )
        where = self._text(
            hook, "hook", t("Hook"), max_chars=64, required=t("Where does the key hang? Give its hook or box")
        )
        whose = self._text(authority, "authority", t("Authority needed"), max_chars=200)
        return typed, tag, what, where, whose

    def add(self, label: str, opens: str, hook: str, *, authority: str = "", operator: OperatorInfo | None) -> KeyInfo:
        """Add a key the desk now holds; refused while a held key has the same label (in any spelling)."""
        typed, tag, what, where, whose = self._checked(label, opens, hook, authority)
        now = self.clock.now()
        with self.db.write() as s:
            lock_chain(s, self.site_id)  # the key log's lock: one writer of keys at a time (PostgreSQL)
            same = _held(s, self.site_id, tag)
            if same:
                raise Conflict(
                    t("A key labelled {label} is already held (hook {hook})", label=same[0].label, hook=same[0].hook),
                    field="label",
                )
            key_id = self._insert(s, typed, tag, what, where, whose, None, operator, now)
            return self._one(s, key_id, now)

    def correct(
        self,
        label: str,
        *,
        opens: str | None = None,
        hook: str | None = None,
        authority: str | None = None,
        operator: OperatorInfo | None,
    ) -> KeyInfo:
        """Correct a held key's details: a new entry replacing the current one (which stays as written)."""
        tag = normalize_tag(label)
        now = self.clock.now()
        with self.db.write() as s:
            lock_chain(s, self.site_id)
            old = self._held_one(s, tag)
            typed, _, what, where, whose = self._checked(
                old.label,
                old.opens if opens is None else opens,
                old.hook if hook is None else hook,
                old.authority if authority is None else authority,
            )
            key_id = self._insert(s, typed, tag, what, where, whose, old.id, operator, now)
            return self._one(s, key_id, now)

    def retire(self, label: str, reason: str, *, operator: OperatorInfo | None) -> KeyInfo:
        """The desk no longer holds a key (lost, given back to its owner, lock changed): a retirement row. A key
        that is out must come back first."""
        tag = normalize_tag(label)
        why = self._text(
            reason, "reason", t("Reason"), max_chars=400, required=t("Say why the key is retired (lost, given back…)")
        )
        now = self.clock.now()
        with self.db.write() as s:
            lock_chain(s, self.site_id)
            old = self._held_one(s, tag)
            loan = _open_loans(s, self.site_id).get(tag)
            if loan is not None:
                raise Conflict(
                    t(
                        "Key {tag} is out with {borrower}; take it back before retiring it",
                        tag=tag,
                        borrower=loan.borrower,
                    ),
                    field="tag",
                )
            s.execute(
                _RETIRED.insert().values(
                    site_id=self.site_id,
                    key_id=old.id,
                    reason=why,
                    retired_at=now,
                    operator_id=operator.id if operator else None,
                    operator_name=operator.name if operator else "",
                )
            )
            return _info(old, None, now)

    def _insert(
        self,
        s: Session,
        label: str,
        tag: str,
        opens: str,
        hook: str,
        authority: str,
        replaces: int | None,
        operator: OperatorInfo | None,
        now: datetime,
    ) -> int:
        result = s.execute(
            _ITEM.insert().values(
                site_id=self.site_id,
                label=label,
                tag=tag,
                opens=opens,
                hook=hook,
                authority=authority,
                added_at=now,
                replaces_id=replaces,
                operator_id=operator.id if operator else None,
                operator_name=operator.name if operator else "",
            )
        )
        return inserted_id(result)

    def _held_one(self, s: Session, tag: str) -> Any:
        held = _held(s, self.site_id, tag)
        if not held:
            raise NotFound(t("No key labelled {tag} is held", tag=tag), field="label")
        return held[0]

    def _one(self, s: Session, key_id: int, now: datetime) -> KeyInfo:
        row = s.execute(_current(self.site_id).where(_ITEM.c.id == key_id)).one()
        return _info(row, _open_loans(s, self.site_id).get(row.tag), now)

    # --- reading ------------------------------------------------------------------------------------------------

    def listing(self, *, out: bool = False) -> list[KeyInfo]:
        """The keys held, by label, each in or out (with borrower and since); then keys out in the key log that
        the inventory does not hold. `out`: only keys out."""
        now = self.clock.now()
        with self.db.read() as s:
            loans = _open_loans(s, self.site_id)
            rows = [_info(r, loans.pop(r.tag, None), now) for r in _held(s, self.site_id)]
        rows.extend(self._loose(loan, now) for loan in sorted(loans.values(), key=lambda r: (r.lent_at, r.id)))
        return [r for r in rows if r.is_out] if out else rows

    def get(self, label: str) -> KeyInfo:
        tag = normalize_tag(label)
        now = self.clock.now()
        with self.db.read() as s:
            row = self._held_one(s, tag)
            return _info(row, _open_loans(s, self.site_id).get(tag), now)

    def keeps_inventory(self) -> bool:
        with self.db.read() as s:
            return keeps_inventory(s, self.site_id)

    def count(self) -> KeyCount | None:
        """The handover's key count (None when the desk keeps no inventory)."""
        with self.db.read() as s:
            return key_count(s, self.site_id, self.clock.now())


__all__ = [
    "KEY_STATES",
    "AuthorityNeeded",
    "KeyCount",
    "KeyInfo",
    "KeyInventory",
    "check_lend",
    "keeps_inventory",
    "key_count",
    "normalize_tag",
    "record_authority",
]
