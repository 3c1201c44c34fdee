"""Parcels, letters and newspapers received for residents 代收 (002 前台 duties, 003 4.1.3).

A parcel is written once when it arrives (unit, carrier, tracking number, shelf); telling the resident is a
`parcel_notice` row (when, how: any number of them), handing it over a `parcel_pickup` row (to whom, when: one per
parcel). Waiting parcels are listed per unit (the caller panel asks when that unit calls); a parcel waiting longer
than settings.registers.parcel_old_hours is old and goes into the handover.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import Parcel, ParcelNotice, ParcelPickup
from deskui.services.operators import OperatorInfo
from deskui.services.registers._common import NAME_CHARS, NOTE_CHARS, RegisterBase, text, who
from deskui.services.registers._types import NOTICE_VIA, PARCEL_KINDS, AlreadyDone, ParcelInfo

_PARCEL = Parcel.__table__  # type: ignore[attr-defined]
_NOTICE = ParcelNotice.__table__  # type: ignore[attr-defined]
_PICKUP = ParcelPickup.__table__  # type: ignore[attr-defined]


def _choice(value: str, allowed: dict[str, str], what: str) -> str:
    key = (value or "").strip().lower()
    if key not in allowed:
        raise ValidationError(t("{what}: use one of {keys}", what=what, keys=", ".join(allowed)), field=what)
    return key


class ParcelRegister(RegisterBase):
    """Parcels and mail kept at the desk for residents."""

    def _query(self) -> Select[Any]:
        notices = (
            select(
                _NOTICE.c.parcel_id,
                func.count().label("notices"),
                func.max(_NOTICE.c.id).label("last_notice"),
            )
            .where(_NOTICE.c.site_id == self.site_id)
            .group_by(_NOTICE.c.parcel_id)
            .subquery()
        )
        last = _NOTICE.alias("last")
        return (
            select(
                _PARCEL,
                func.coalesce(notices.c.notices, 0).label("notices"),
                last.c.notified_at,
                last.c.via.label("notified_via"),
                _PICKUP.c.picked_up_at,
                _PICKUP.c.picked_up_by,
                _PICKUP.c.operator_name.label("handed_over_by"),
            )
            .select_from(
                _PARCEL.outerjoin(notices, notices.c.parcel_id == _PARCEL.c.id)
                .outerjoin(last, last.c.id == notices.c.last_notice)
                .outerjoin(_PICKUP, _PICKUP.c.parcel_id == _PARCEL.c.id)
            )
            .where(_PARCEL.c.site_id == self.site_id)
        )

    def old_before(self, now: datetime) -> datetime:
        """Parcels received before this moment and still waiting are old."""
        return now - timedelta(hours=self.settings.registers.parcel_old_hours)

    def old_after(self, parcel: ParcelInfo) -> datetime:
        """When a parcel waiting since it came becomes old (what the handover lists it by)."""
        return parcel.received_at + timedelta(hours=self.settings.registers.parcel_old_hours)

    def _info(self, r: Any, now: datetime) -> ParcelInfo:
        waiting = r.picked_up_at is None
        return ParcelInfo(
            id=r.id,
            kind=r.kind,
            unit=r.unit_text,
            unit_key=r.unit_key,
            carrier=r.carrier,
            tracking=r.tracking,
            shelf=r.shelf,
            note=r.note,
            received_at=r.received_at,
            received_by=r.operator_name,
            notices=int(r.notices or 0),
            notified_at=r.notified_at,
            notified_via=r.notified_via or "",
            picked_up_at=r.picked_up_at,
            picked_up_by=r.picked_up_by or "",
            handed_over_by=r.handed_over_by or "",
            state="picked_up" if not waiting else ("notified" if r.notices else "waiting"),
            old=waiting and r.received_at < self.old_before(now),
        )

    def _get(self, s: Session, parcel_id: int) -> ParcelInfo:
        row = s.execute(self._query().where(_PARCEL.c.id == parcel_id)).first()
        if row is None:
            raise NotFound(t("No parcel #{id}", id=parcel_id), field="id")
        return self._info(row, self.clock.now())

    def get(self, parcel_id: int) -> ParcelInfo:
        with self.db.read() as s:
            return self._get(s, parcel_id)

    def receive(
        self,
        unit: str,
        carrier: str,
        *,
        tracking: str = "",
        shelf: str = "",
        kind: str = "parcel",
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> ParcelInfo:
        """A parcel (or a letter, a newspaper) taken in for a unit (any spelling)."""
        typed, key = self.check_place(unit)
        by = text(carrier, t("Carrier"), max_chars=NAME_CHARS, required=t("Who brought it? Give the carrier"))
        number = text(tracking, t("Tracking number"), max_chars=100)
        where = text(shelf, t("Shelf"), max_chars=32)
        what = _choice(kind, PARCEL_KINDS, t("Kind"))
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            place = self.place(s, typed, key)
            result = s.execute(
                _PARCEL.insert().values(
                    site_id=self.site_id,
                    kind=what,
                    unit_text=place.text,
                    unit_key=place.key,
                    unit_id=place.unit_id,
                    carrier=by,
                    tracking=number,
                    shelf=where,
                    note=remark,
                    received_at=now,
                    **who(operator),
                )
            )
            return self._get(s, int(result.inserted_primary_key[0]))  # type: ignore[attr-defined]

    def _waiting(self, s: Session, parcel_id: int) -> ParcelInfo:
        parcel = self._get(s, parcel_id)
        if parcel.picked_up_at is not None:
            raise AlreadyDone(
                t(
                    "Parcel #{id} was already picked up by {name} at {when}",
                    id=parcel.id,
                    name=parcel.picked_up_by,
                    when=self.local(parcel.picked_up_at),
                ),
                field="id",
            )
        return parcel

    def notify(self, parcel_id: int, via: str, *, note: str = "", operator: OperatorInfo | None = None) -> ParcelInfo:
        """The resident told that a parcel waits: how (sms, phone, note) and when. Refused once it is picked up."""
        how = _choice(via, NOTICE_VIA, t("Told by"))
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            self._waiting(s, parcel_id)
            s.execute(
                _NOTICE.insert().values(
                    site_id=self.site_id, parcel_id=parcel_id, notified_at=now, via=how, note=remark, **who(operator)
                )
            )
            return self._get(s, parcel_id)

    def pick_up(self, parcel_id: int, by: str, *, note: str = "", operator: OperatorInfo | None = None) -> ParcelInfo:
        """A parcel handed over: to whom (a name, as signed for). Once only."""
        name = text(by, t("Picked up by"), max_chars=NAME_CHARS, required=t("Who is picking it up? Give a name"))
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            self._waiting(s, parcel_id)
            s.execute(
                _PICKUP.insert().values(
                    site_id=self.site_id,
                    parcel_id=parcel_id,
                    picked_up_at=now,
                    picked_up_by=name,
                    note=remark,
                    **who(operator),
                )
            )
            return self._get(s, parcel_id)

    def waiting(self, unit: str | None = None) -> list[ParcelInfo]:
        """Parcels not yet picked up (of one unit, any spelling), the oldest first."""
        now = self.clock.now()
        q = self._query().where(_PICKUP.c.id.is_(None))
        key = self.unit_filter(unit)
        if key:
            q = q.where(_PARCEL.c.unit_key == key)
        with self.db.read() as s:
            rows = s.execute(q.order_by(_PARCEL.c.received_at, _PARCEL.c.id).limit(self.limit))
            return [self._info(r, now) for r in rows]

    def old(self, at: datetime | None = None) -> list[ParcelInfo]:
        """Parcels waiting longer than settings.registers.parcel_old_hours, the oldest first."""
        now = at or self.clock.now()
        q = self._query().where(_PICKUP.c.id.is_(None), _PARCEL.c.received_at < self.old_before(now))
        with self.db.read() as s:
            rows = s.execute(q.order_by(_PARCEL.c.received_at, _PARCEL.c.id).limit(self.limit))
            return [self._info(r, now) for r in rows]

    def history(self, *, unit: str | None = None, waiting: bool = False) -> list[ParcelInfo]:
        """Parcels newest first (of one unit; or only those still waiting)."""
        now = self.clock.now()
        q = self._query()
        key = self.unit_filter(unit)
        if key:
            q = q.where(_PARCEL.c.unit_key == key)
        if waiting:
            q = q.where(_PICKUP.c.id.is_(None))
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q.order_by(_PARCEL.c.id.desc()).limit(self.limit))]

    def find(self, tracking: str, limit: int = 10) -> list[ParcelInfo]:
        """Parcels whose tracking number holds `tracking` (spaces and case ignored; the palette's search), newest
        first. Under three characters finds nothing: every number holds a digit."""
        term = "".join(unicodedata.normalize("NFKC", tracking).split()).upper()
        if len(term) < 3:
            return []
        now = self.clock.now()
        stored = func.replace(func.upper(_PARCEL.c.tracking), " ", "")
        q = self._query().where(stored.contains(term, autoescape=True))
        with self.db.read() as s:
            return [self._info(r, now) for r in s.execute(q.order_by(_PARCEL.c.id.desc()).limit(limit))]
