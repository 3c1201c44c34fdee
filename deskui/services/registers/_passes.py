"""Goods-release passes 物品放行 (002 四.2(1), 来访接待; 003 13.0 业户搬出及物品放行; 前台 duties).

Goods leave the estate only with a pass issued at the desk to the unit's owner, or to someone else (a tenant) with
the owner's consent — and then how the consent was checked is written on the pass. The gate checks a pass by its
number: valid, already used, expired or voided, or unknown. A pass lets goods out once (`gate_pass_use`, one per
pass) until `valid_until` (settings.registers.pass_valid_hours after issue); a pass written wrongly is voided
(`gate_pass_void`) and a new one issued: nothing on a pass is ever changed.

Who is the owner: the directory's residents of the unit. A bearer named there as an owner needs no consent; anyone
else needs it (a tenant, a relative, a mover) when the directory lists the unit's owners. If it lists none, the desk
checked the bearer's papers in person and the bearer is taken as the owner. A move-out (搬出) of a unit whose
residents' notes flag unpaid matters (settings.registers.unpaid_flags: 欠费, 未缴 …) is refused with the notes
quoted unless the desk confirms (`force`): most offices want fees settled or the supervisor asked before a
move-out, and the pass then keeps what the desk was warned of.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.models import GatePass, GatePassUse, GatePassVoid, Resident
from deskui.services.operators import OperatorInfo
from deskui.services.registers._common import NAME_CHARS, NOTE_CHARS, Place, RegisterBase, text, who
from deskui.services.registers._types import (
    AlreadyDone,
    ConsentNeeded,
    PassCheck,
    PassInfo,
    PassNotUsable,
    UnpaidMattersFlagged,
)
from deskui.services.registers._visitors import check_plate

_PASS = GatePass.__table__  # type: ignore[attr-defined]
_USE = GatePassUse.__table__  # type: ignore[attr-defined]
_VOID = GatePassVoid.__table__  # type: ignore[attr-defined]
_RESIDENT = Resident.__table__  # type: ignore[attr-defined]
_NUMBER = re.compile(r"^([A-Z0-9]+?)-?(\d{8})-?(\d{1,6})$")
ITEMS_CHARS = 2000


def normalize_number(value: str) -> str:
    """A pass number as typed at the gate ("fx 20261203 7", "ＦＸ-20261203-007") in its printed form."""
    folded = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    m = _NUMBER.match(folded)
    return f"{m.group(1)}-{m.group(2)}-{int(m.group(3)):03d}" if m else folded


def _fold_name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _same_name(a: str, b: str) -> bool:
    return _fold_name(a) == _fold_name(b)


class PassRegister(RegisterBase):
    """Goods-release passes: issued at the desk, checked and used at the gate, voided when wrong."""

    def _query(self) -> Select[Any]:
        return (
            select(
                _PASS,
                _USE.c.used_at,
                _USE.c.operator_name.label("used_by"),
                _VOID.c.voided_at,
                _VOID.c.reason.label("void_reason"),
            )
            .select_from(
                _PASS.outerjoin(_USE, _USE.c.pass_id == _PASS.c.id).outerjoin(_VOID, _VOID.c.pass_id == _PASS.c.id)
            )
            .where(_PASS.c.site_id == self.site_id)
        )

    @staticmethod
    def _state(r: Any, now: datetime) -> str:
        if r.voided_at is not None:
            return "void"
        if r.used_at is not None:
            return "used"
        return "expired" if r.valid_until <= now else "valid"

    def _info(self, r: Any, now: datetime) -> PassInfo:
        return PassInfo(
            id=r.id,
            number=r.number,
            kind=r.kind,
            unit=r.unit_text,
            unit_key=r.unit_key,
            bearer=r.bearer,
            bearer_role=r.bearer_role,
            consent=r.consent,
            items=r.items,
            vehicle=r.vehicle,
            warning=r.warning,
            issued_at=r.issued_at,
            valid_until=r.valid_until,
            issued_by=r.operator_name,
            used_at=r.used_at,
            used_by=r.used_by or "",
            voided_at=r.voided_at,
            void_reason=r.void_reason or "",
            state=self._state(r, now),
        )

    def _find(self, s: Session, number: str) -> PassInfo | None:
        row = s.execute(self._query().where(_PASS.c.number == normalize_number(number))).first()
        return self._info(row, self.clock.now()) if row is not None else None

    # --- who may take goods out -------------------------------------------------------------------------------

    def _residents(self, s: Session, place: Place) -> list[Any]:
        if place.unit_id is None:
            return []
        q = select(_RESIDENT.c.name, _RESIDENT.c.role, _RESIDENT.c.notes).where(
            _RESIDENT.c.site_id == self.site_id, _RESIDENT.c.unit_id == place.unit_id
        )
        return list(s.execute(q.order_by(_RESIDENT.c.id)))

    def _flagged(self, residents: list[Any]) -> tuple[str, ...]:
        flags = [f.casefold() for f in self.settings.registers.unpaid_flags]
        return tuple(r.notes for r in residents if any(f in (r.notes or "").casefold() for f in flags))

    def unpaid_notes(self, unit: str) -> tuple[str, ...]:
        """The unit's residents' notes that flag unpaid matters (what a move-out pass warns of), for a form to show
        before issuing."""
        typed, key = self.check_place(unit, home=True)
        with self.db.read() as s:
            return self._flagged(self._residents(s, self.place(s, typed, key)))

    def _bearer_role(self, residents: list[Any], place: Place, bearer: str, consent: str) -> str:
        owners = [r.name for r in residents if r.role == "owner"]
        if any(_same_name(bearer, name) for name in owners):
            return "owner"
        if consent:
            return "tenant"
        listed_other = any(_same_name(bearer, r.name) for r in residents)
        if owners or listed_other:
            raise ConsentNeeded(
                t(
                    "{bearer} is not an owner of {unit} on record: goods leave with the owner's consent; "
                    "say how it was checked (e.g. owner phoned, written consent seen)",
                    bearer=bearer,
                    unit=place.text,
                ),
                field="consent",
            )
        return "owner"  # the directory names no owner: the desk checked the bearer's papers in person

    # --- issuing ----------------------------------------------------------------------------------------------

    def _next_number(self, s: Session, now: datetime) -> str:
        prefix = f"{self.settings.registers.pass_prefix}-{now.astimezone(self.tz):%Y%m%d}-"
        issued = s.execute(
            select(func.count()).where(_PASS.c.site_id == self.site_id, _PASS.c.number.startswith(prefix))
        ).scalar_one()
        return f"{prefix}{int(issued) + 1:03d}"

    def issue(
        self,
        unit: str,
        bearer: str,
        items: str,
        *,
        vehicle: str = "",
        consent: str = "",
        move_out: bool = False,
        force: bool = False,
        operator: OperatorInfo | None = None,
    ) -> PassInfo:
        """Issue a pass for goods leaving a unit (any spelling of a numbered unit). Refused: a bearer who is not
        the owner on record without `consent`; a move-out of a unit with unpaid matters flagged, unless `force`."""
        typed, key = self.check_place(unit, home=True)
        who_takes = text(bearer, t("Bearer"), max_chars=NAME_CHARS, required=t("Who takes the goods out? Give a name"))
        goods = text(items, t("Items"), max_chars=ITEMS_CHARS, required=t("What goes out? List the items"))
        car = check_plate(vehicle)
        how = text(consent, t("Owner's consent"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            place = self.place(s, typed, key)
            residents = self._residents(s, place)
            role = self._bearer_role(residents, place, who_takes, how)
            flagged = self._flagged(residents) if move_out else ()
            if flagged and not force:
                raise UnpaidMattersFlagged(
                    t(
                        "{unit} has unpaid matters flagged: {notes}. Ask the supervisor or accounts before a "
                        "move-out; issue anyway only once that is settled (CLI: --force)",
                        unit=place.text,
                        notes=" / ".join(flagged),
                    ),
                    notes=flagged,
                )
            number = self._next_number(s, now)
            s.execute(
                _PASS.insert().values(
                    site_id=self.site_id,
                    number=number,
                    kind="move_out" if move_out else "goods",
                    unit_text=place.text,
                    unit_key=place.key,
                    unit_id=place.unit_id,
                    bearer=who_takes,
                    bearer_role=role,
                    consent=how,
                    items=goods,
                    vehicle=car,
                    warning=" / ".join(flagged),
                    issued_at=now,
                    valid_until=now + timedelta(hours=self.settings.registers.pass_valid_hours),
                    **who(operator),
                )
            )
            found = self._find(s, number)
            assert found is not None
            return found

    # --- at the gate ------------------------------------------------------------------------------------------

    def _check(self, number: str, found: PassInfo | None) -> PassCheck:
        shown = normalize_number(number)
        if found is None:
            return PassCheck(shown, "unknown", t("No pass numbered {number}", number=shown), None)
        n = found.number
        if found.state == "void" and found.voided_at is not None:
            why = t(
                "Pass {number} was voided at {when}: {reason}",
                number=n,
                when=self.local(found.voided_at),
                reason=found.void_reason,
            )
        elif found.state == "used" and found.used_at is not None:
            why = t("Pass {number} was already used at {when}", number=n, when=self.local(found.used_at))
        elif found.state == "expired":
            why = t("Pass {number} expired at {when}", number=n, when=self.local(found.valid_until))
        else:
            why = t(
                "Pass {number} is valid until {when}: {bearer}, {unit}: {items}",
                number=n,
                when=self.local(found.valid_until),
                bearer=found.bearer,
                unit=found.unit,
                items=found.items,
            )
        return PassCheck(n, found.state, why, found)

    def check(self, number: str) -> PassCheck:
        """What the gate is told of a pass number: valid, already used, expired, voided or unknown. Writes nothing."""
        with self.db.read() as s:
            return self._check(number, self._find(s, number))

    def use(self, number: str, *, note: str = "", operator: OperatorInfo | None = None) -> PassInfo:
        """The goods went out on this pass: recorded once; refused (PassNotUsable) unless the pass is valid."""
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            check = self._check(number, self._find(s, number))
            if not check.valid or check.found is None:
                raise PassNotUsable(check)
            s.execute(
                _USE.insert().values(
                    site_id=self.site_id, pass_id=check.found.id, used_at=now, note=remark, **who(operator)
                )
            )
            found = self._find(s, check.number)
            assert found is not None
            return found

    def void(self, number: str, reason: str, *, operator: OperatorInfo | None = None) -> PassInfo:
        """Withdraw a pass not yet used (written wrongly, plans changed); the reason is kept."""
        why = text(reason, t("Reason"), max_chars=NOTE_CHARS, required=t("Why is the pass voided? Give a reason"))
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            check = self._check(number, self._find(s, number))
            if check.found is None:
                raise PassNotUsable(check)
            if check.state in ("used", "void"):
                raise AlreadyDone(check.message, field="number")
            s.execute(
                _VOID.insert().values(
                    site_id=self.site_id, pass_id=check.found.id, voided_at=now, reason=why, **who(operator)
                )
            )
            found = self._find(s, check.number)
            assert found is not None
            return found

    def get(self, number: str) -> PassInfo:
        check = self.check(number)
        if check.found is None:
            raise ValidationError(check.message, field="number")
        return check.found

    def history(self, *, unit: str | None = None, valid: bool = False) -> list[PassInfo]:
        """Passes newest first (of one unit, any spelling; or only those still valid)."""
        now = self.clock.now()
        q = self._query()
        key = self.unit_filter(unit)
        if key:
            q = q.where(_PASS.c.unit_key == key)
        if valid:
            q = q.where(_USE.c.id.is_(None), _VOID.c.id.is_(None), _PASS.c.valid_until > now)
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q.order_by(_PASS.c.id.desc()).limit(self.limit))]

    def find(self, number: str, limit: int = 10) -> list[PassInfo]:
        """Passes whose number holds `number` as typed at the gate (normalize_number; the palette's search), newest
        first. Under three characters finds nothing."""
        term = normalize_number(number)
        if len(term) < 3:
            return []
        now = self.clock.now()
        q = self._query().where(_PASS.c.number.contains(term, autoescape=True))
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q.order_by(_PASS.c.id.desc()).limit(limit))]
