"""The resident directory: buildings, units and residents, and the lookups the desk makes on every call."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskui.core.errors import Conflict, NotFound
from deskui.core.i18n import t
from deskui.core.scriptfold import fold as script_fold
from deskui.models import Building, Resident, ResidentPhone, Unit
from deskui.services.common.pinyin import search_readings, spellings
from deskui.services.common.places import fold, home_code, parse_unit, phone_digits, phone_variants, public_key
from deskui.services.context import ContextService, DeskContext
from deskui.services.directory._checks import check_resident, check_unit
from deskui.services.directory._types import NewResident, NewUnit, ResidentInfo, UnitInfo
from deskui.services.directory._workers import WorkerService

PHONE_SUFFIX_MIN = 4
# A search longer than any stored name (100), unit text (100) or phone matches nothing, and SQLite refuses a LIKE
# pattern over 50,000 bytes ("LIKE or GLOB pattern too complex"): a paste into the search box must not reach it.
MAX_QUERY_CHARS = 200
# A lone surrogate (a command-line argument that was not UTF-8) is in no stored name, and sqlite3 cannot bind it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unit_info(u: Unit) -> UnitInfo:
    assert u.id is not None
    building = u.key.split("-")[0] if u.kind != "public" else ""
    return UnitInfo(u.id, u.key, u.label, u.kind, building, u.entrance, u.room)


class DirectoryService(ContextService):
    """Buildings, units and residents of one site: adding them, and the lookups the desk makes on every call."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.workers = WorkerService(ctx)  # the departments' workers a dispatch names (issue 14)

    # --- writes -------------------------------------------------------------------------------------------

    def _building(self, s: Session, code: str) -> Building:
        b = s.exec(select(Building).where(Building.site_id == self.site_id, Building.code == code)).first()
        if b is None:
            b = Building(site_id=self.site_id, code=code, name=f"{code}栋")
            s.add(b)
            s.flush()
        return b

    def _insert_unit(self, s: Session, new: NewUnit) -> Unit:
        building_id = self._building(s, new.ref.building).id if new.ref else None
        unit = Unit(
            site_id=self.site_id,
            building_id=building_id,
            entrance=new.ref.entrance if new.ref else "",
            room=new.ref.room if new.ref else "",
            kind=new.kind,
            key=new.key,
            label=new.label,
        )
        s.add(unit)
        return unit

    def _existing_keys(self, s: Session, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        found: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = s.exec(select(Unit.key, Unit.id).where(Unit.site_id == self.site_id, col(Unit.key).in_(chunk)))
            found.update({k: uid for k, uid in rows if uid is not None})
        return found

    def add_unit(self, text: str, kind: str = "residence") -> UnitInfo:
        new = check_unit(text, kind)
        with self.db.write() as s:
            if self._existing_keys(s, [new.key]):
                raise Conflict(t("Unit {unit} is already in the directory", unit=new.label), field="unit")
            unit = self._insert_unit(s, new)
            s.flush()
            return _unit_info(unit)

    def add_units(self, units: Sequence[NewUnit]) -> int:
        """Insert checked units in one transaction; any unit already present (or listed twice) refuses the batch."""
        twice = [key for key, n in Counter(u.key for u in units).items() if n > 1]
        if twice:
            raise Conflict(t("Unit {unit} is listed twice", unit=twice[0]))
        with self.db.write() as s:
            existing = self._existing_keys(s, (u.key for u in units))
            if existing:
                raise Conflict(t("Unit {unit} is already in the directory", unit=next(iter(existing))))
            for u in units:
                self._insert_unit(s, u)
        return len(units)

    def _insert_resident(self, s: Session, new: NewResident, unit_id: int) -> Resident:
        full, initials = spellings(new.name)
        res = Resident(
            site_id=self.site_id,
            unit_id=unit_id,
            name=new.name,
            role=new.role,
            notes=new.notes,
            name_pinyin=full,
            name_initials=initials,
            name_folded=script_fold(new.name),
            name_readings=search_readings(new.name),
            created_at=self.clock.now(),
        )
        s.add(res)
        s.flush()
        assert res.id is not None
        seen: set[str] = set()
        for phone in new.phones:
            digits = phone_digits(phone)
            if digits in seen:
                continue
            seen.add(digits)
            s.add(
                ResidentPhone(
                    site_id=self.site_id, resident_id=res.id, phone=phone, digits=digits, reversed_digits=digits[::-1]
                )
            )
        return res

    def add_resident(
        self, name: str, unit: str, phones: str | Sequence[str] = (), role: str = "owner", notes: str = ""
    ) -> ResidentInfo:
        new = check_resident(name, unit, phones, role, notes)
        with self.db.write() as s:
            unit_id = self._existing_keys(s, [new.unit_key]).get(new.unit_key)
            if unit_id is None:
                raise NotFound(t("Unit {unit} is not in the directory", unit=unit), field="unit")
            res = self._insert_resident(s, new, unit_id)
            s.flush()
            assert res.id is not None
            return self._residents(s, [res.id])[0]

    def add_residents(self, residents: Sequence[NewResident]) -> int:
        with self.db.write() as s:
            ids = self._existing_keys(s, {r.unit_key for r in residents})
            for r in residents:
                if r.unit_key not in ids:
                    raise NotFound(t("Unit {unit} is not in the directory", unit=r.unit_key))
                self._insert_resident(s, r, ids[r.unit_key])
        return len(residents)

    # --- reads --------------------------------------------------------------------------------------------

    def _residents(self, s: Session, ids: Sequence[int]) -> list[ResidentInfo]:
        if not ids:
            return []
        rows = s.exec(
            select(Resident, Unit).join(Unit, col(Unit.id) == Resident.unit_id).where(col(Resident.id).in_(ids))
        ).all()
        phones: dict[int, list[str]] = {}
        for rid, phone in s.exec(
            select(ResidentPhone.resident_id, ResidentPhone.phone)
            .where(col(ResidentPhone.resident_id).in_(ids))
            .order_by(col(ResidentPhone.id))
        ):
            phones.setdefault(rid, []).append(phone)
        by_id: dict[int, ResidentInfo] = {}
        for r, u in rows:
            assert r.id is not None and u.id is not None  # rows read back from the database have their ids
            by_id[r.id] = ResidentInfo(r.id, r.name, r.role, r.notes, u.id, u.key, u.label, tuple(phones.get(r.id, ())))
        return [by_id[i] for i in ids if i in by_id]

    def resolve_unit(self, text: str) -> UnitInfo | None:
        """The directory unit a typed spelling names, or None."""
        if not text.strip():
            return None
        ref = parse_unit(text)
        key = ref.key if ref else public_key(text)
        with self.db.read() as s:
            unit = s.exec(select(Unit).where(Unit.site_id == self.site_id, Unit.key == key)).first()
            return _unit_info(unit) if unit else None

    def get_unit(self, unit_id: int) -> UnitInfo:
        with self.db.read() as s:
            unit = s.get(Unit, unit_id)
            if unit is None or unit.site_id != self.site_id:
                raise NotFound(t("No such unit"))
            return _unit_info(unit)

    def search_units(self, query: str, limit: int = 20) -> list[UnitInfo]:
        """Units matching a spelling: the exact unit first, then units under a prefix ("3-2"), rooms, names."""
        q = query.strip()
        if not q or len(q) > MAX_QUERY_CHARS or _SURROGATE.search(q):  # nothing stored can match
            return []
        ref = parse_unit(q)
        folded = fold(q)
        prefix = "-".join(p for p in fold(q).replace("栋", "-").replace("单元", "-").replace("#", "-").split("-") if p)
        with self.db.read() as s:
            base = select(Unit).where(Unit.site_id == self.site_id)
            results: list[Unit] = []
            if ref is not None:
                results += s.exec(base.where(Unit.key == ref.key)).all()
            conditions = [
                col(Unit.key).startswith(prefix + "-", autoescape=True),
                col(Unit.label).contains(q, autoescape=True),
                col(Unit.key).contains(folded.lower(), autoescape=True),
            ]
            if folded.isdigit():
                conditions.append(col(Unit.room) == folded)
            results += s.exec(base.where(or_(*conditions)).order_by(col(Unit.key)).limit(limit * 2)).all()
            seen: set[int | None] = set()
            out = []
            for u in results:
                if u.id not in seen:
                    seen.add(u.id)
                    out.append(_unit_info(u))
            return out[:limit]

    def search_residents(self, query: str, limit: int = 20) -> list[ResidentInfo]:
        """By phone (whole number or last 4+ digits), Chinese name substring, pinyin or initials."""
        q = " ".join(query.split())
        if not q or len(q) > MAX_QUERY_CHARS or _SURROGATE.search(q):  # nothing stored can match
            return []
        with self.db.read() as s:
            ids: list[int | None] = []
            digits = phone_digits(q)
            if digits and len(digits) >= PHONE_SUFFIX_MIN and digits == fold(q).replace(" ", "").replace("-", ""):
                ids += s.exec(
                    select(ResidentPhone.resident_id)
                    .where(
                        ResidentPhone.site_id == self.site_id,
                        col(ResidentPhone.reversed_digits).startswith(digits[::-1], autoescape=True),
                    )
                    .limit(limit)
                ).all()
            else:
                latin = q.replace(" ", "").lower()
                # Script-blind (issue 12): 陳 finds 陈; pinyin finds a surname read either way (单: dan, shan).
                conditions = [
                    col(Resident.name).contains(q, autoescape=True),
                    col(Resident.name_folded).contains(script_fold(q), autoescape=True),
                ]
                if latin.isascii() and latin.isalpha():
                    conditions += [
                        col(Resident.name_pinyin).startswith(latin, autoescape=True),
                        col(Resident.name_initials).startswith(latin, autoescape=True),
                        col(Resident.name_readings).contains(" " + latin, autoescape=True),
                    ]
                ids += s.exec(
                    select(Resident.id)
                    .where(Resident.site_id == self.site_id, or_(*conditions))
                    .order_by(col(Resident.name_pinyin))
                    .limit(limit)
                ).all()
                ref = parse_unit(q)
                if ref is not None:
                    ids += s.exec(
                        select(Resident.id)
                        .join(Unit, col(Unit.id) == Resident.unit_id)
                        .where(Unit.site_id == self.site_id, Unit.key == ref.key)
                        .limit(limit)
                    ).all()
            unique = list(dict.fromkeys(i for i in ids if i is not None))
            return self._residents(s, unique[:limit])

    def lookup_phone(self, phone: str) -> list[ResidentInfo]:
        """Residents with this number (exact digits), or ending in these digits when 4 or more were typed."""
        digits = phone_digits(phone)
        if len(digits) < PHONE_SUFFIX_MIN:
            return []
        forms = phone_variants(phone, home_code(self.settings.time_zone))  # +852 6234 5678 is 6234 5678 too
        with self.db.read() as s:
            exact = s.exec(
                select(ResidentPhone.resident_id).where(
                    ResidentPhone.site_id == self.site_id, col(ResidentPhone.digits).in_(forms)
                )
            ).all()
            if exact:
                return self._residents(s, list(dict.fromkeys(exact)))
        return self.search_residents(digits)

    def unit_residents(self, unit_id: int) -> list[ResidentInfo]:
        with self.db.read() as s:
            ids = s.exec(
                select(Resident.id)
                .where(Resident.site_id == self.site_id, Resident.unit_id == unit_id)
                .order_by(col(Resident.role), col(Resident.id))
            ).all()
            return self._residents(s, [i for i in ids if i is not None])

    def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        with self.db.read() as s:
            return {
                "buildings": s.exec(
                    select(func.count()).select_from(Building).where(Building.site_id == self.site_id)
                ).one(),
                "units": s.exec(select(func.count()).select_from(Unit).where(Unit.site_id == self.site_id)).one(),
                "residents": s.exec(
                    select(func.count()).select_from(Resident).where(Resident.site_id == self.site_id)
                ).one(),
            }
