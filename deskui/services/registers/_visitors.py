"""The visitor register 来访登记 (002 前台 duties, 003 4.1.3): who came, to which unit, why, when in and out.

A visit is written once when the visitor signs in; signing out is a row of its own (`visit_exit`, one per visit).
Who is still inside is one list, handed over at night.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import Visit, VisitExit
from deskui.services.operators import OperatorInfo
from deskui.services.registers._common import NAME_CHARS, NOTE_CHARS, RegisterBase, text, who
from deskui.services.registers._types import AlreadyDone, VisitInfo

_VISIT = Visit.__table__  # type: ignore[attr-defined]
_EXIT = VisitExit.__table__  # type: ignore[attr-defined]
_PLATE = re.compile(r"^[0-9A-Z\u4e00-\u9fff·-]{2,12}$")


def check_plate(value: str | None) -> str:
    """A vehicle plate as the desk writes it: NFKC, spaces gone, upper case ("沪A 12345" → "沪A12345")."""
    plate = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if plate and not _PLATE.match(plate):
        raise ValidationError(t("{plate} is not a vehicle plate", plate=value or ""), field="plate")
    return plate


def check_id_tail(value: str | None, most: int) -> str:
    """The last characters of an ID card (digits, X), at most `most` of them: never the whole number."""
    tail = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if tail and (len(tail) > most or not re.fullmatch(r"[0-9X]+", tail)):
        raise ValidationError(
            t("Only the last {n} characters of an ID card are kept; never the whole number", n=most),
            field="id_tail",
        )
    return tail


class VisitorRegister(RegisterBase):
    """Visitors signed in and out at the desk."""

    def _query(self) -> Select[Any]:
        return (
            select(_VISIT, _EXIT.c.left_at, _EXIT.c.operator_name.label("left_by"))
            .select_from(_VISIT.outerjoin(_EXIT, _EXIT.c.visit_id == _VISIT.c.id))
            .where(_VISIT.c.site_id == self.site_id)
        )

    @staticmethod
    def _info(r: Any) -> VisitInfo:
        return VisitInfo(
            id=r.id,
            name=r.name,
            unit=r.unit_text,
            unit_key=r.unit_key,
            purpose=r.purpose,
            plate=r.plate,
            id_tail=r.id_tail,
            entered_at=r.entered_at,
            entered_by=r.operator_name,
            left_at=r.left_at,
            left_by=r.left_by or "",
            state="inside" if r.left_at is None else "left",
        )

    def _get(self, s: Session, visit_id: int) -> VisitInfo:
        row = s.execute(self._query().where(_VISIT.c.id == visit_id)).first()
        if row is None:
            raise NotFound(t("No visit #{id}", id=visit_id), field="id")
        return self._info(row)

    def get(self, visit_id: int) -> VisitInfo:
        with self.db.read() as s:
            return self._get(s, visit_id)

    def sign_in(
        self,
        name: str,
        unit: str,
        purpose: str,
        *,
        operator: OperatorInfo | None = None,
        plate: str = "",
        id_tail: str = "",
    ) -> VisitInfo:
        """A visitor in: name, unit visited (any spelling, a public place too), purpose; optional plate and ID tail."""
        visitor = text(name, t("Visitor"), max_chars=NAME_CHARS, required=t("Who is the visitor? Give a name"))
        typed, key = self.check_place(unit)
        why = text(purpose, t("Purpose"), max_chars=NOTE_CHARS, required=t("What is the visit for? Give a purpose"))
        car = check_plate(plate)
        tail = check_id_tail(id_tail, self.settings.registers.id_tail_chars)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            place = self.place(s, typed, key)
            result = s.execute(
                _VISIT.insert().values(
                    site_id=self.site_id,
                    name=visitor,
                    unit_text=place.text,
                    unit_key=place.key,
                    unit_id=place.unit_id,
                    purpose=why,
                    plate=car,
                    id_tail=tail,
                    entered_at=now,
                    **who(operator),
                )
            )
            return self._get(s, int(result.inserted_primary_key[0]))  # type: ignore[attr-defined]

    def sign_out(self, visit_id: int, *, operator: OperatorInfo | None = None, note: str = "") -> VisitInfo:
        """The visitor has left (the visit stays as written; the exit is a row of its own)."""
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            visit = self._get(s, visit_id)
            if visit.left_at is not None:
                raise AlreadyDone(
                    t(
                        "{name} (visit #{id}) already left at {when}",
                        name=visit.name,
                        id=visit.id,
                        when=self.local(visit.left_at),
                    ),
                    field="id",
                )
            s.execute(
                _EXIT.insert().values(
                    site_id=self.site_id, visit_id=visit_id, left_at=now, note=remark, **who(operator)
                )
            )
            return self._get(s, visit_id)

    def inside(self) -> list[VisitInfo]:
        """Visitors still inside, the longest inside first."""
        q = self._query().where(_EXIT.c.id.is_(None)).order_by(_VISIT.c.entered_at, _VISIT.c.id).limit(self.limit)
        with self.db.read() as s:
            return [self._info(r) for r in s.execute(q)]

    def history(self, *, day: date | None = None, unit: str | None = None, inside: bool = False) -> list[VisitInfo]:
        """Visits newest first: of one local day, of one unit (any spelling), or only those still inside."""
        q = self._query()
        if day is not None:
            start, end = self.day_bounds(day)
            q = q.where(_VISIT.c.entered_at >= start, _VISIT.c.entered_at < end)
        key = self.unit_filter(unit)
        if key:
            q = q.where(_VISIT.c.unit_key == key)
        if inside:
            q = q.where(_EXIT.c.id.is_(None))
        with self.db.read() as s:
            return [self._info(r) for r in s.execute(q.order_by(_VISIT.c.id.desc()).limit(self.limit))]

    def find(self, name: str, limit: int = 10) -> list[VisitInfo]:
        """Visits whose visitor's name holds `name` (the palette's search), newest first."""
        term = name.strip()
        if not term:
            return []
        q = self._query().where(_VISIT.c.name.contains(term, autoescape=True))
        with self.db.read() as s:
            return [self._info(r) for r in s.execute(q.order_by(_VISIT.c.id.desc()).limit(limit))]
