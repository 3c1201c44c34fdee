"""Renovation permits 装修 (002 四.3 业主装修接待; 003 6.0 装修管理规程, 前台/管家: 装修房的巡查且做好巡视记录).

The desk takes the application: the unit, who applies (the owner, or a person the owner authorised: 委托书), the
company, its workers, the planned dates and what is changed, and whether the change is structural (拆改主体结构 or a
clearly heavier load). The application gets its permit number at once (settings.renovations.number_prefix, the
local date, a per-day sequence: ZXXK-20261203-001), so the desk can quote it to the applicant.

A supervisor or manager then approves it — a structural change only with a note of the approval (the housing
authority's permit, 002 四.3(2)) — or refuses it with a reason. On approval each worker named gets a temporary pass
(施工人员临时出入证: the permit number and W1, W2 …); one more worker can be added later. While the works run they are
inspected on dated rounds: ok, or an issue in words; an issue can open a ticket (the tickets layer is above this
one, so the container hands in `ticket_opener`, and the link is a row of its own). Completion is accepted and the
permit closed once. Nothing is ever changed: each step is an append-only row (models.renovations).

What the desk and the handover watch: renovations awaiting approval, those in progress, permits expired (the planned
end passed and not closed) and inspections overdue (an active renovation not inspected for
settings.renovations.inspection_days, counted from the start or approval, whichever is later).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from deskui.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.models import (
    Renovation,
    RenovationClose,
    RenovationDecision,
    RenovationInspection,
    RenovationTicket,
    RenovationWorkerPass,
)
from deskui.services.operators import SUPERVISORS, OperatorInfo
from deskui.services.registers._common import NAME_CHARS, NOTE_CHARS, RegisterBase, who
from deskui.services.registers._passes import normalize_number
from deskui.services.registers._renovation_types import (
    APPLICANT_ROLES,
    COMPANY_CHARS,
    INSPECTION_RESULTS,
    TEXT_CHARS,
    InspectionInfo,
    RenovationInfo,
    TicketOpener,
    WorkerPassInfo,
    line,
    names,
    parse_day,
)
from deskui.services.registers._types import AlreadyDone

_REN = Renovation.__table__  # type: ignore[attr-defined]
_DEC = RenovationDecision.__table__  # type: ignore[attr-defined]
_PASS = RenovationWorkerPass.__table__  # type: ignore[attr-defined]
_INSP = RenovationInspection.__table__  # type: ignore[attr-defined]
_TICKET = RenovationTicket.__table__  # type: ignore[attr-defined]
_CLOSE = RenovationClose.__table__  # type: ignore[attr-defined]


class RenovationRegister(RegisterBase):
    """Renovation applications, their approval, worker passes, inspections and completion."""

    ticket_opener: TicketOpener | None = None
    """Opens a ticket for an inspection's finding (set by the container: the tickets service is above this one)."""

    # --- reading ------------------------------------------------------------------------------------------------

    def _query(self) -> Select[Any]:
        return (
            select(
                _REN,
                _DEC.c.decision,
                _DEC.c.note.label("decision_note"),
                _DEC.c.decided_at,
                _DEC.c.operator_name.label("decided_by"),
                _CLOSE.c.closed_at,
                _CLOSE.c.note.label("close_note"),
                _CLOSE.c.operator_name.label("closed_by"),
            )
            .select_from(
                _REN.outerjoin(_DEC, _DEC.c.renovation_id == _REN.c.id).outerjoin(
                    _CLOSE, _CLOSE.c.renovation_id == _REN.c.id
                )
            )
            .where(_REN.c.site_id == self.site_id)
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
            for p in s.execute(select(_PASS).where(_PASS.c.renovation_id.in_(ids)).order_by(_PASS.c.id)):
                passes.setdefault(p.renovation_id, []).append(WorkerPassInfo(p.name, p.pass_number, p.issued_at))
            q = select(_INSP).where(_INSP.c.renovation_id.in_(ids)).order_by(_INSP.c.inspected_at, _INSP.c.id)
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
        row = s.execute(self._query().where(_REN.c.number == shown)).first()
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
            q = q.where(_REN.c.unit_key == key)
        if active:
            q = q.where(_CLOSE.c.id.is_(None), or_(_DEC.c.id.is_(None), _DEC.c.decision == "approved"))
        with self.db.read() as s:
            rows = list(s.execute(q.order_by(_REN.c.id.desc()).limit(self.limit)))
            return self._infos(s, rows, now)

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
            select(_INSP, _TICKET.c.ticket_id, _TICKET.c.ticket_number)
            .select_from(_INSP.outerjoin(_TICKET, _TICKET.c.inspection_id == _INSP.c.id))
            .where(_INSP.c.site_id == self.site_id, _INSP.c.renovation_id == found.id)
        )
        if inspection_id is not None:
            q = q.where(_INSP.c.id == inspection_id)
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
            for i in s.execute(q.order_by(_INSP.c.inspected_at, _INSP.c.id))
        ]

    # --- the application ----------------------------------------------------------------------------------------

    def _next_number(self, s: Session, now: datetime) -> str:
        prefix = f"{self.settings.renovations.number_prefix}-{now.astimezone(self.tz):%Y%m%d}-"
        taken = s.execute(
            select(func.count()).where(_REN.c.site_id == self.site_id, _REN.c.number.startswith(prefix))
        ).scalar_one()
        return f"{prefix}{int(taken) + 1:03d}"

    def open(
        self,
        unit: str,
        applicant: str,
        company: str,
        starts_on: date | str | None,
        ends_on: date | str | None,
        work: str,
        *,
        workers: Iterable[str] | str | None = (),
        role: str = "owner",
        structural: bool = False,
        operator: OperatorInfo | None = None,
    ) -> RenovationInfo:
        """Take an application; it gets its permit number now and waits for a supervisor's approval."""
        typed, key = self.check_place(unit, home=True)
        who_applies = line(
            applicant, "applicant", t("Applicant"), max_chars=NAME_CHARS, required=t("Who applies? Give a name")
        )
        if role not in APPLICANT_ROLES:
            raise ValidationError(t("Applicant: the owner or a person the owner authorised"), field="role")
        firm = line(
            company,
            "company",
            t("Renovation company"),
            max_chars=COMPANY_CHARS,
            required=t("Which company does the work?"),
        )
        start = parse_day(starts_on, "starts_on", t("Works from"))
        end = parse_day(ends_on, "ends_on", t("Works to"))
        if end < start:
            raise ValidationError(
                t("The works end ({end}) before they start ({start})", end=end.isoformat(), start=start.isoformat()),
                field="ends_on",
            )
        longest = self.settings.renovations.longest_days
        if (end - start).days + 1 > longest:
            raise ValidationError(t("A permit covers at most {n} days", n=longest), field="ends_on")
        what = line(
            work, "work", t("Work to be done"), max_chars=TEXT_CHARS, required=t("What is changed? Describe the work")
        )
        crew = names(workers)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            if end < self._today(now):
                raise ValidationError(
                    t("The works were to end on {end}, already past", end=end.isoformat()), field="ends_on"
                )
            place = self.place(s, typed, key)
            number = self._next_number(s, now)
            s.execute(
                _REN.insert().values(
                    site_id=self.site_id,
                    number=number,
                    unit_text=place.text,
                    unit_key=place.key,
                    unit_id=place.unit_id,
                    applicant=who_applies,
                    applicant_role=role,
                    company=firm,
                    workers="\n".join(crew),
                    starts_on=start,
                    ends_on=end,
                    work=what,
                    structural=bool(structural),
                    applied_at=now,
                    **who(operator),
                )
            )
            return self._find(s, number)

    # --- the supervisor's decision ------------------------------------------------------------------------------

    @staticmethod
    def _may_decide(operator: OperatorInfo | None) -> None:
        """Supervisors and managers decide; None is the local administrator (the CLI on the database host)."""
        if operator is not None and operator.role not in SUPERVISORS:
            raise PermissionDenied(
                t("Only a supervisor or manager approves a renovation; {name} is not one", name=operator.name)
            )

    def _undecided(self, s: Session, number: str) -> RenovationInfo:
        found = self._find(s, number)
        if found.decision:
            when = self.local(found.decided_at) if found.decided_at else ""
            message = (
                t(
                    "{number} was already approved by {name} at {when}",
                    number=found.number,
                    name=found.decided_by,
                    when=when,
                )
                if found.decision == "approved"
                else t(
                    "{number} was refused by {name} at {when}", number=found.number, name=found.decided_by, when=when
                )
            )
            raise AlreadyDone(message, field="number")
        return found

    def approve(self, number: str, *, note: str = "", operator: OperatorInfo | None = None) -> RenovationInfo:
        """The supervisor approves: a structural change needs the approval's note. Each worker named gets a pass."""
        self._may_decide(operator)
        remark = line(note, "note", t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._undecided(s, number)
            if found.structural and not remark:
                raise ValidationError(
                    t(
                        "{number} changes the structure: note the approval (e.g. the housing authority's permit)",
                        number=found.number,
                    ),
                    field="note",
                )
            if found.ends_on < self._today(now):
                raise ValidationError(
                    t(
                        "{number} was to end on {end}, already past: apply again",
                        number=found.number,
                        end=found.ends_on.isoformat(),
                    ),
                    field="number",
                )
            s.execute(
                _DEC.insert().values(
                    site_id=self.site_id,
                    renovation_id=found.id,
                    decision="approved",
                    note=remark,
                    decided_at=now,
                    **who(operator),
                )
            )
            for name in found.workers:
                self._pass(s, found, name, now, operator)
            return self._find(s, found.number)

    def refuse(self, number: str, reason: str, *, operator: OperatorInfo | None = None) -> RenovationInfo:
        """The supervisor refuses the application, saying why."""
        self._may_decide(operator)
        why = line(reason, "note", t("Reason"), max_chars=NOTE_CHARS, required=t("Why is it refused? Give a reason"))
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._undecided(s, number)
            s.execute(
                _DEC.insert().values(
                    site_id=self.site_id,
                    renovation_id=found.id,
                    decision="refused",
                    note=why,
                    decided_at=now,
                    **who(operator),
                )
            )
            return self._find(s, found.number)

    # --- while the works run ------------------------------------------------------------------------------------

    def _running(self, s: Session, number: str) -> RenovationInfo:
        """The renovation, refused with a reason unless it is approved and not closed."""
        found = self._find(s, number)
        if found.state == "closed" and found.closed_at is not None:
            raise AlreadyDone(
                t("{number} was closed at {when}", number=found.number, when=self.local(found.closed_at)),
                field="number",
            )
        if found.state == "pending":
            raise Conflict(
                t("{number} is not approved yet: a supervisor approves it first", number=found.number), field="number"
            )
        if found.state == "refused":
            raise Conflict(t("{number} was refused", number=found.number), field="number")
        return found

    def _pass(self, s: Session, found: RenovationInfo, name: str, now: datetime, op: OperatorInfo | None) -> None:
        n = s.execute(select(func.count()).where(_PASS.c.renovation_id == found.id)).scalar_one()
        s.execute(
            _PASS.insert().values(
                site_id=self.site_id,
                renovation_id=found.id,
                name=name,
                pass_number=f"{found.number}-W{int(n) + 1}",
                issued_at=now,
                **who(op),
            )
        )

    def add_worker(self, number: str, name: str, *, operator: OperatorInfo | None = None) -> WorkerPassInfo:
        """A pass for one more worker of an approved renovation."""
        worker = line(name, "name", t("Worker's name"), max_chars=NAME_CHARS, required=t("Which worker? Give a name"))
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._running(s, number)
            self._pass(s, found, worker, now, operator)
            return self._find(s, found.number).worker_passes[-1]

    def inspect(
        self,
        number: str,
        result: str,
        finding: str = "",
        *,
        ticket: bool = False,
        operator: OperatorInfo | None = None,
    ) -> InspectionInfo:
        """A dated inspection: `result` ok (a note optional) or issue (what was found, required). `ticket`: an
        issue's ticket opened and linked in the same transaction."""
        if result not in INSPECTION_RESULTS:
            raise ValidationError(t("An inspection finds ok or an issue"), field="result")
        if ticket and result != "issue":
            raise ValidationError(t("Only an issue found opens a ticket"), field="result")
        opener = self._opener() if ticket else None
        found_text = line(
            finding,
            "finding",
            t("Inspection finding"),
            max_chars=TEXT_CHARS,
            required=t("What was found? Describe the issue") if result == "issue" else "",
        )
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._running(s, number)
            new_id = s.execute(
                _INSP.insert()
                .values(
                    site_id=self.site_id,
                    renovation_id=found.id,
                    result=result,
                    finding=found_text,
                    inspected_at=now,
                    **who(operator),
                )
                .returning(_INSP.c.id)
            ).scalar_one()
            look = self._inspections(s, found, int(new_id))[0]
            if opener is None:
                return look
            return self._link(s, opener, found, look, "", operator, now)

    def open_ticket(
        self,
        number: str,
        inspection_id: int | None = None,
        *,
        description: str = "",
        operator: OperatorInfo | None = None,
    ) -> InspectionInfo:
        """A ticket for an inspection's issue (the latest issue without one when `inspection_id` is None), opened
        by `ticket_opener` and linked to the inspection. Refused: no such issue, or a ticket already linked."""
        opener = self._opener()
        words = line(description, "description", t("Description"), max_chars=TEXT_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._find(s, number)
            issues = [i for i in self._inspections(s, found, inspection_id) if i.result == "issue"]
            if inspection_id is None:
                issues = [i for i in issues if i.ticket_id is None]
            if not issues:
                raise ValidationError(
                    t("{number} has no issue found that waits for a ticket", number=found.number), field="number"
                )
            look = issues[-1]
            if look.ticket_id is not None:
                raise AlreadyDone(
                    t("That finding already opened ticket {ticket}", ticket=look.ticket_number), field="number"
                )
            return self._link(s, opener, found, look, words, operator, now)

    def _opener(self) -> TicketOpener:
        if self.ticket_opener is None:
            raise Conflict(t("Tickets cannot be opened here"))
        return self.ticket_opener

    def _link(
        self,
        s: Session,
        opener: TicketOpener,
        found: RenovationInfo,
        look: InspectionInfo,
        words: str,
        operator: OperatorInfo | None,
        now: datetime,
    ) -> InspectionInfo:
        """The finding's ticket and its link, in the caller's transaction: a refusal of either writes neither."""
        words = words or t(
            "Renovation {number} ({unit}), inspection of {when}: {finding}",
            number=found.number,
            unit=found.unit,
            when=self.local(look.inspected_at),
            finding=look.finding,
        )
        ticket_id, ticket_number = opener(s, found.unit, words, operator)
        s.execute(
            _TICKET.insert().values(
                site_id=self.site_id,
                inspection_id=look.id,
                ticket_id=ticket_id,
                ticket_number=ticket_number,
                linked_at=now,
                **who(operator),
            )
        )
        return self._inspections(s, found, look.id)[0]

    # --- completion ---------------------------------------------------------------------------------------------

    def close(self, number: str, *, note: str = "", operator: OperatorInfo | None = None) -> RenovationInfo:
        """Completion accepted (验收): the permit is closed, once."""
        remark = line(note, "note", t("Note"), max_chars=NOTE_CHARS)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._running(s, number)
            s.execute(
                _CLOSE.insert().values(
                    site_id=self.site_id, renovation_id=found.id, note=remark, closed_at=now, **who(operator)
                )
            )
            return self._find(s, found.number)
