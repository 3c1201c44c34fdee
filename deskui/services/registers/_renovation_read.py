"""Reading renovations (the register's half that writes nothing): a renovation's state as of a moment, its worker
passes and inspections, lists of those still open, expired or with an inspection overdue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlmodel import Session

from deskui.core.errors import NotFound
from deskui.core.i18n import t
from deskui.models import (
    Renovation,
    RenovationClose,
    RenovationDecision,
    RenovationInspection,
    RenovationTicket,
    RenovationWorkerPass,
)
from deskui.services.registers._common import RegisterBase
from deskui.services.registers._passes import normalize_number
from deskui.services.registers._renovation_types import InspectionInfo, RenovationInfo, WorkerPassInfo

REN = Renovation.__table__  # type: ignore[attr-defined]
DEC = RenovationDecision.__table__  # type: ignore[attr-defined]
PASS = RenovationWorkerPass.__table__  # type: ignore[attr-defined]
INSP = RenovationInspection.__table__  # type: ignore[attr-defined]
TICKET = RenovationTicket.__table__  # type: ignore[attr-defined]
CLOSE = RenovationClose.__table__  # type: ignore[attr-defined]


class RenovationReader(RegisterBase):
    """Renovations as read: one by its permit number, lists, inspections."""

    # --- one renovation -----------------------------------------------------------------------------------------------

    def _query(self) -> Select[Any]:
        return (
            select(
                REN,
                DEC.c.decision,
                DEC.c.note.label("decision_note"),
                DEC.c.decided_at,
                DEC.c.operator_name.label("decided_by"),
                CLOSE.c.closed_at,
                CLOSE.c.note.label("close_note"),
                CLOSE.c.operator_name.label("closed_by"),
            )
            .select_from(
                REN.outerjoin(DEC, DEC.c.renovation_id == REN.c.id).outerjoin(CLOSE, CLOSE.c.renovation_id == REN.c.id)
            )
            .where(REN.c.site_id == self.site_id)
        )

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def _state(self, r: Any, now: datetime) -> str:
        if r.closed_at is not None:
            return "closed"
        if r.decision is None:
            return "pending"
        if r.decision != "approved":
            return "refused"
        today = self._today(now)
        if today < r.starts_on:
            return "approved"
        return "expired" if today > r.ends_on else "active"

    def _infos(self, s: Session, rows: Sequence[Any], now: datetime) -> list[RenovationInfo]:
        ids = [r.id for r in rows]
        passes: dict[int, list[WorkerPassInfo]] = {}
        looks: dict[int, list[Any]] = {}
        if ids:
            for p in s.execute(select(PASS).where(PASS.c.renovation_id.in_(ids)).order_by(PASS.c.id)):
                passes.setdefault(p.renovation_id, []).append(WorkerPassInfo(p.name, p.pass_number, p.issued_at))
            q = select(INSP).where(INSP.c.renovation_id.in_(ids)).order_by(INSP.c.inspected_at, INSP.c.id)
            for i in s.execute(q):
                looks.setdefault(i.renovation_id, []).append(i)
        return [self._info(r, passes.get(r.id, []), looks.get(r.id, []), now) for r in rows]

    def _info(self, r: Any, passes: list[WorkerPassInfo], looks: list[Any], now: datetime) -> RenovationInfo:
        state = self._state(r, now)
        last = looks[-1] if looks else None
        due: datetime | None = None
        if r.decision == "approved" and r.closed_at is None:
            start = datetime.combine(r.starts_on, time(0), tzinfo=self.tz)
            since = max(r.decided_at, start)
            if last is not None and last.inspected_at > since:
                since = last.inspected_at
            due = since + timedelta(days=self.settings.renovations.inspection_days)
        return RenovationInfo(
            id=r.id,
            number=r.number,
            unit=r.unit_text,
            unit_key=r.unit_key,
            applicant=r.applicant,
            applicant_role=r.applicant_role,
            company=r.company,
            workers=tuple(w for w in r.workers.split("\n") if w),
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            work=r.work,
            structural=bool(r.structural),
            applied_at=r.applied_at,
            applied_by=r.operator_name,
            decision=r.decision or "",
            decided_at=r.decided_at,
            decided_by=r.decided_by or "",
            decision_note=r.decision_note or "",
            worker_passes=tuple(passes),
            inspections=len(looks),
            last_inspected_at=last.inspected_at if last is not None else None,
            last_result=last.result if last is not None else "",
            last_finding=last.finding if last is not None else "",
            inspection_due=due,
            inspection_overdue=state == "active" and due is not None and due < now,
            closed_at=r.closed_at,
            closed_by=r.closed_by or "",
            close_note=r.close_note or "",
            state=state,
        )

    def _find(self, s: Session, number: str) -> RenovationInfo:
        shown = normalize_number(number)
        row = s.execute(self._query().where(REN.c.number == shown)).first()
        if row is None:
            raise NotFound(t("No renovation permit numbered {number}", number=shown or number), field="number")
        return self._infos(s, [row], self.clock.now())[0]

    def get(self, number: str) -> RenovationInfo:
        """One renovation by its permit number (any case, dashes optional)."""
        with self.db.read() as s:
            return self._find(s, number)

    def history(self, *, active: bool = False, unit: str | None = None) -> list[RenovationInfo]:
        """Renovations newest first: all, of one unit (any spelling), or only those still open (`active`: awaiting
        approval, approved, in progress or expired; not refused, not closed)."""
        now = self.clock.now()
        q = self._query()
        key = self.unit_filter(unit)
        if key:
            q = q.where(REN.c.unit_key == key)
        if active:
            q = q.where(CLOSE.c.id.is_(None), or_(DEC.c.id.is_(None), DEC.c.decision == "approved"))
        with self.db.read() as s:
            rows = list(s.execute(q.order_by(REN.c.id.desc()).limit(self.limit)))
            return self._infos(s, rows, now)

    def find(self, term: str, limit: int = 10) -> list[RenovationInfo]:
        """Renovations whose permit number holds `term` as typed (any case, dashes optional), or whose applicant,
        company or unit as typed holds it (the palette's search), newest first."""
        typed = term.strip()
        if not typed:
            return []
        number = normalize_number(typed)
        q = self._query().where(
            or_(
                REN.c.number.contains(number, autoescape=True),
                REN.c.applicant.contains(typed, autoescape=True),
                REN.c.company.contains(typed, autoescape=True),
                REN.c.unit_text.contains(typed, autoescape=True),
            )
        )
        now = self.clock.now()
        with self.db.read() as s:
            return self._infos(s, list(s.execute(q.order_by(REN.c.id.desc()).limit(limit))), now)

    def active(self) -> list[RenovationInfo]:
        """Every renovation still open, newest first."""
        return self.history(active=True)

    def expired(self) -> list[RenovationInfo]:
        """Approved permits whose planned end has passed and that are not closed."""
        return [r for r in self.active() if r.state == "expired"]

    def overdue_inspections(self) -> list[RenovationInfo]:
        """Renovations in progress not inspected for settings.renovations.inspection_days."""
        return [r for r in self.active() if r.inspection_overdue]

    def inspections(self, number: str) -> list[InspectionInfo]:
        """A renovation's inspections, oldest first, with the tickets their findings opened."""
        with self.db.read() as s:
            found = self._find(s, number)
            return self._inspections(s, found, None)

    def _inspections(self, s: Session, found: RenovationInfo, inspection_id: int | None) -> list[InspectionInfo]:
        q = (
            select(INSP, TICKET.c.ticket_id, TICKET.c.ticket_number)
            .select_from(INSP.outerjoin(TICKET, TICKET.c.inspection_id == INSP.c.id))
            .where(INSP.c.site_id == self.site_id, INSP.c.renovation_id == found.id)
        )
        if inspection_id is not None:
            q = q.where(INSP.c.id == inspection_id)
        return [
            InspectionInfo(
                i.id,
                found.number,
                found.unit,
                i.inspected_at,
                i.result,
                i.finding,
                i.operator_name,
                i.ticket_id,
                i.ticket_number or "",
            )
            for i in s.execute(q.order_by(INSP.c.inspected_at, INSP.c.id))
        ]
