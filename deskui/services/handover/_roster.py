"""The duty roster 值班安排表: who is on which shift each day, and the shift arithmetic handovers need.

Shift times come from configuration ([shifts] in defaults.toml, summer times by season), never from code. The
roster is a plan, so assignments may change; every change is also written to the append-only `roster_change`
table (who changed what, when, and who approved a swap). Assigning is for supervisors and managers (003 4.1.1:
the supervisor makes next month's roster); a swap between two operators needs a supervisor's PIN (003 4.1.5 d).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlmodel import Session

from deskui.core.config import Settings, ShiftDef
from deskui.core.errors import NotFound, PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.models import Operator, RosterAssignment, RosterChange
from deskui.services.common.shifts import ShiftSlot, shift_at
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import SUPERVISORS, OperatorInfo, OperatorService, require_role

_ASSIGN = RosterAssignment.__table__  # type: ignore[attr-defined]
_CHANGE = RosterChange.__table__  # type: ignore[attr-defined]
_OPERATOR = Operator.__table__  # type: ignore[attr-defined]


# --- shift arithmetic (pure) ------------------------------------------------------------------------------------


def shift_def(settings: Settings, key: str) -> ShiftDef:
    for defn in settings.shifts.shifts:
        if defn.key == key:
            return defn
    raise ValidationError(
        t(
            "Unknown shift {shift!r}; use one of: {keys}",
            shift=key,
            keys=", ".join(d.key for d in settings.shifts.shifts),
        ),
        field="shift",
    )


def slot_of(settings: Settings, day: date, key: str) -> ShiftSlot:
    """One shift on one duty date, with the day's season (a night belongs to the season of its evening)."""
    defn = shift_def(settings, key)
    tz = ZoneInfo(settings.time_zone)
    start_t, end_t = defn.times(settings.shifts.is_summer(day))
    start = datetime.combine(day, start_t, tzinfo=tz)
    end_day = day + timedelta(days=1) if end_t <= start_t else day
    return ShiftSlot(defn.key, day, start, datetime.combine(end_day, end_t, tzinfo=tz))


def day_slots(settings: Settings, day: date, *, cover: bool = False) -> list[ShiftSlot]:
    """The logging shifts of a duty date by start time (with `cover=True` the cover shifts too)."""
    defs = [d for d in settings.shifts.shifts if cover or not d.cover]
    return sorted((slot_of(settings, day, d.key) for d in defs), key=lambda s: s.start)


def next_slot(settings: Settings, slot: ShiftSlot) -> ShiftSlot:
    """The logging shift that takes over from `slot`: the first one starting at or after its end."""
    for day in (slot.duty_date, slot.duty_date + timedelta(days=1), slot.duty_date + timedelta(days=2)):
        for candidate in day_slots(settings, day):
            if candidate.start >= slot.end:
                return candidate
    return shift_at(settings, slot.end)


def previous_slot(settings: Settings, slot: ShiftSlot) -> ShiftSlot:
    """The logging shift that `slot` takes over from: the last one starting before it."""
    earlier = [
        c
        for day in (slot.duty_date - timedelta(days=2), slot.duty_date - timedelta(days=1), slot.duty_date)
        for c in day_slots(settings, day)
        if c.start < slot.start
    ]
    return max(earlier, key=lambda c: c.start)


def crosses_midnight(slot: ShiftSlot) -> bool:
    """The night shift: it ends on a later date than it starts, so its handover is the morning handover."""
    return slot.end.date() > slot.start.date()


def relief_due(settings: Settings, incoming: ShiftSlot) -> datetime:
    """When the incoming person should be at the desk: the shift start less the early-arrival minutes (002 八)."""
    return incoming.start - timedelta(minutes=settings.shifts.handover_early_minutes)


def parse_month(value: str) -> tuple[int, int]:
    """'2026-12' → (2026, 12)."""
    from deskui.services.common.timeparse import check_day

    try:
        year, month = (int(p) for p in value.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValidationError(t("Not a month: {value!r}; write e.g. 2026-12", value=value), field="month") from None
    check_day(first, value, field="month")  # 9999-12 has no following month (issue 16 item 15)
    return year, month


# --- data out ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterSlot:
    """One shift of one day and who is planned on it."""

    duty_date: date
    shift_key: str
    start: datetime  # aware, site time
    end: datetime
    cover: bool
    operators: tuple[OperatorInfo, ...]

    @property
    def names(self) -> str:
        return ", ".join(o.name for o in self.operators)


@dataclass(frozen=True)
class MonthRoster:
    year: int
    month: int
    days: tuple[tuple[date, tuple[RosterSlot, ...]], ...]  # every day of the month, its shifts by start time

    def slot(self, day: date, shift_key: str) -> RosterSlot | None:
        for d, slots in self.days:
            if d == day:
                return next((s for s in slots if s.shift_key == shift_key), None)
        return None

    @property
    def unfilled(self) -> tuple[RosterSlot, ...]:
        """Shifts with nobody planned: what the supervisor still has to fill before month end."""
        return tuple(s for _, slots in self.days for s in slots if not s.operators)


@dataclass(frozen=True)
class OnDuty:
    """The shift now and who is planned on it (plus a cover shift running now, e.g. midday cover)."""

    slot: ShiftSlot
    operators: tuple[OperatorInfo, ...]
    cover: tuple[RosterSlot, ...] = ()

    @property
    def names(self) -> str:
        return ", ".join(o.name for o in self.operators)


@dataclass(frozen=True)
class RosterChangeInfo:
    id: int
    duty_date: date
    shift_key: str
    action: str  # assign | unassign | swap
    operator: str
    other: str
    actor: str
    approved_by: str
    reason: str
    at: datetime


# --- the service ------------------------------------------------------------------------------------------------


class RosterService(ContextService):
    def __init__(self, ctx: DeskContext, *, operators: OperatorService) -> None:
        super().__init__(ctx)
        self.operators = operators

    # --- reading --------------------------------------------------------------------------------------------

    def _assigned(self, s: Session, first: date, last: date) -> dict[tuple[date, str], list[OperatorInfo]]:
        q = (
            select(_ASSIGN.c.duty_date, _ASSIGN.c.shift_key, _OPERATOR)
            .join(_OPERATOR, _OPERATOR.c.id == _ASSIGN.c.operator_id)
            .where(_ASSIGN.c.site_id == self.site_id, _ASSIGN.c.duty_date >= first, _ASSIGN.c.duty_date <= last)
            .order_by(_ASSIGN.c.duty_date, _ASSIGN.c.shift_key, _ASSIGN.c.id)
        )
        found: dict[tuple[date, str], list[OperatorInfo]] = {}
        for r in s.execute(q):
            found.setdefault((r.duty_date, r.shift_key), []).append(_op_info(r))
        return found

    def assigned(self, day: date, shift_key: str) -> tuple[OperatorInfo, ...]:
        """Who is planned on one shift (in the order they were assigned)."""
        shift_def(self.settings, shift_key)
        with self.db.read() as s:
            return tuple(self._assigned(s, day, day).get((day, shift_key), ()))

    def month_roster(self, year: int, month: int) -> MonthRoster:
        try:
            first = date(year, month, 1)
        except ValueError:
            raise ValidationError(t("Not a month: {value!r}; write e.g. 2026-12", value=f"{year}-{month}")) from None
        last = date(year, month, calendar.monthrange(year, month)[1])
        with self.db.read() as s:
            found = self._assigned(s, first, last)
        cover_keys = {d.key for d in self.settings.shifts.shifts if d.cover}
        days = []
        day = first
        while day <= last:
            slots = tuple(
                RosterSlot(
                    day,
                    sl.key,
                    sl.start,
                    sl.end,
                    sl.key in cover_keys,
                    tuple(found.get((day, sl.key), ())),
                )
                for sl in day_slots(self.settings, day, cover=True)
            )
            days.append((day, slots))
            day += timedelta(days=1)
        return MonthRoster(year, month, tuple(days))

    def on_duty(self, now: datetime | None = None) -> OnDuty:
        """The current shift and who is planned on it; the app header shows this."""
        moment = now or self.clock.now()
        slot = shift_at(self.settings, moment)
        covers = []
        with self.db.read() as s:
            found = self._assigned(s, slot.duty_date - timedelta(days=1), slot.duty_date + timedelta(days=1))
        local = moment.astimezone(ZoneInfo(self.settings.time_zone))
        for defn in self.settings.shifts.shifts:
            if not defn.cover:
                continue
            for day in (local.date() - timedelta(days=1), local.date()):
                cover = slot_of(self.settings, day, defn.key)
                if cover.start <= local < cover.end:
                    ops = tuple(found.get((day, defn.key), ()))
                    covers.append(RosterSlot(day, defn.key, cover.start, cover.end, True, ops))
        return OnDuty(slot, tuple(found.get((slot.duty_date, slot.key), ())), tuple(covers))

    def changes(self, first: date, last: date | None = None) -> list[RosterChangeInfo]:
        """Every recorded change to the roster for duty dates in [first, last], oldest first."""
        q = (
            select(_CHANGE)
            .where(_CHANGE.c.site_id == self.site_id, _CHANGE.c.duty_date >= first)
            .order_by(_CHANGE.c.id)
        )
        if last is not None:
            q = q.where(_CHANGE.c.duty_date <= last)
        with self.db.read() as s:
            return [
                RosterChangeInfo(
                    r.id,
                    r.duty_date,
                    r.shift_key,
                    r.action,
                    r.operator_name,
                    r.other_name,
                    r.actor_name,
                    r.approved_by_name,
                    r.reason,
                    r.changed_at,
                )
                for r in s.execute(q)
            ]

    # --- changing -------------------------------------------------------------------------------------------

    def set_assignment(
        self,
        day: date,
        shift_key: str,
        operators: OperatorInfo | Sequence[OperatorInfo] | None,
        actor: OperatorInfo | None,
        *,
        reason: str = "",
    ) -> tuple[OperatorInfo, ...]:
        """Plan exactly these operators (one, several or nobody) on one shift; supervisors and managers only.

        Returns who is planned afterwards. Only real differences are written (and logged in roster_change).
        """
        require_role(actor, *SUPERVISORS)
        shift_def(self.settings, shift_key)
        wanted = _as_list(operators)
        ids = [o.id for o in wanted]
        if len(set(ids)) != len(ids):
            raise ValidationError(t("The same operator is listed twice for one shift"), field="operator")
        now = self.clock.now()
        with self.db.write() as s:
            current = [o.id for o in self._assigned(s, day, day).get((day, shift_key), [])]
            for op in wanted:
                self._check_operator(s, op.id)
            for op_id in current:
                if op_id not in ids:
                    self._unassign(s, day, shift_key, op_id, actor, reason, now)
            for op in wanted:
                if op.id not in current:
                    self._assign(s, day, shift_key, op.id, actor, reason, now)
            return tuple(self._assigned(s, day, day).get((day, shift_key), []))

    def swap(
        self,
        day: date,
        shift_key: str,
        from_op: OperatorInfo,
        to_op: OperatorInfo,
        *,
        approved_by: OperatorInfo,
        pin: str,
        reason: str = "",
        actor: OperatorInfo | None = None,
    ) -> tuple[OperatorInfo, ...]:
        """`to_op` takes `from_op`'s place on one shift; a supervisor approves with their PIN (003 4.1.5 d)."""
        if approved_by.role not in SUPERVISORS:
            raise PermissionDenied(
                t("A swap must be approved by a supervisor; {name} is not one", name=approved_by.name), field="pin"
            )
        shift_def(self.settings, shift_key)
        if from_op.id == to_op.id:
            raise ValidationError(t("A swap needs two different operators"), field="operator")
        with self.db.read() as s:
            current = [o.id for o in self._assigned(s, day, day).get((day, shift_key), [])]
            self._check_operator(s, to_op.id)
        if from_op.id not in current:
            raise ValidationError(
                t("{name} is not on the {shift} shift of {day}", name=from_op.name, shift=shift_key, day=day),
                field="operator",
            )
        if to_op.id in current:
            raise ValidationError(
                t("{name} is already on the {shift} shift of {day}", name=to_op.name, shift=shift_key, day=day),
                field="operator",
            )
        approver = self.operators.authenticate(approved_by.id, pin)  # PinRejected / OperatorLocked
        now = self.clock.now()
        with self.db.write() as s:
            current = [o.id for o in self._assigned(s, day, day).get((day, shift_key), [])]
            if from_op.id not in current or to_op.id in current:
                raise ValidationError(t("The roster changed meanwhile; look again"), field="operator")
            s.execute(
                delete(_ASSIGN).where(
                    _ASSIGN.c.site_id == self.site_id,
                    _ASSIGN.c.duty_date == day,
                    _ASSIGN.c.shift_key == shift_key,
                    _ASSIGN.c.operator_id == from_op.id,
                )
            )
            s.execute(
                _ASSIGN.insert().values(
                    site_id=self.site_id, duty_date=day, shift_key=shift_key, operator_id=to_op.id, assigned_at=now
                )
            )
            self._log(
                s, day, shift_key, "swap", from_op, actor or approver, reason, now, other=to_op, approver=approver
            )
            return tuple(self._assigned(s, day, day).get((day, shift_key), []))

    # --- helpers --------------------------------------------------------------------------------------------

    def _check_operator(self, s: Session, operator_id: int) -> None:
        row = s.execute(select(_OPERATOR).where(_OPERATOR.c.id == operator_id)).first()
        if row is None or row.site_id != self.site_id:
            raise NotFound(t("No such operator"))
        if not row.active:
            raise ValidationError(t("{name} is no longer active", name=row.name), field="operator")

    def _assign(
        self, s: Session, day: date, key: str, op_id: int, actor: OperatorInfo | None, reason: str, now: datetime
    ) -> None:
        s.execute(
            _ASSIGN.insert().values(
                site_id=self.site_id, duty_date=day, shift_key=key, operator_id=op_id, assigned_at=now
            )
        )
        self._log(s, day, key, "assign", self._name(s, op_id), actor, reason, now)

    def _unassign(
        self, s: Session, day: date, key: str, op_id: int, actor: OperatorInfo | None, reason: str, now: datetime
    ) -> None:
        s.execute(
            delete(_ASSIGN).where(
                _ASSIGN.c.site_id == self.site_id,
                _ASSIGN.c.duty_date == day,
                _ASSIGN.c.shift_key == key,
                _ASSIGN.c.operator_id == op_id,
            )
        )
        self._log(s, day, key, "unassign", self._name(s, op_id), actor, reason, now)

    def _name(self, s: Session, op_id: int) -> tuple[int, str]:
        name = s.execute(select(_OPERATOR.c.name).where(_OPERATOR.c.id == op_id)).scalar_one()
        return (op_id, name)

    def _log(
        self,
        s: Session,
        day: date,
        key: str,
        action: str,
        op: OperatorInfo | tuple[int, str],
        actor: OperatorInfo | None,
        reason: str,
        now: datetime,
        *,
        other: OperatorInfo | None = None,
        approver: OperatorInfo | None = None,
    ) -> None:
        op_id, op_name = (op.id, op.name) if isinstance(op, OperatorInfo) else op
        s.execute(
            _CHANGE.insert().values(
                site_id=self.site_id,
                duty_date=day,
                shift_key=key,
                action=action,
                operator_id=op_id,
                operator_name=op_name,
                other_id=other.id if other else None,
                other_name=other.name if other else "",
                actor_id=actor.id if actor else None,
                actor_name=actor.name if actor else "",
                approved_by_id=approver.id if approver else None,
                approved_by_name=approver.name if approver else "",
                reason=reason.strip()[:400],
                changed_at=now,
            )
        )


def _as_list(operators: OperatorInfo | Iterable[OperatorInfo] | None) -> list[OperatorInfo]:
    if operators is None:
        return []
    if isinstance(operators, OperatorInfo):
        return [operators]
    return list(operators)


def _op_info(row: object) -> OperatorInfo:
    from deskui.services.operators import Role

    return OperatorInfo(
        row.id,  # type: ignore[attr-defined]
        row.name,  # type: ignore[attr-defined]
        Role(row.role),  # type: ignore[attr-defined]
        row.locked_until,  # type: ignore[attr-defined]
        bool(row.active),  # type: ignore[attr-defined]
    )


__all__ = [
    "MonthRoster",
    "OnDuty",
    "RosterChangeInfo",
    "RosterService",
    "RosterSlot",
    "crosses_midnight",
    "day_slots",
    "next_slot",
    "parse_month",
    "previous_slot",
    "relief_due",
    "shift_def",
    "slot_of",
]
