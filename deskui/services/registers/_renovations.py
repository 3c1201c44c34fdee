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

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from deskui.core.errors import Conflict, PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.services.operators import SUPERVISORS, OperatorInfo
from deskui.services.registers._common import NAME_CHARS, NOTE_CHARS, who
from deskui.services.registers._renovation_read import CLOSE, DEC, INSP, PASS, REN, TICKET, RenovationReader
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


class RenovationRegister(RenovationReader):
    """Renovation applications, their approval, worker passes, inspections and completion."""

    ticket_opener: TicketOpener | None = None
    """Opens a ticket for an inspection's finding (set by the container: the tickets service is above this one)."""

    # --- the application ----------------------------------------------------------------------------------------

    def _next_number(self, s: Session, now: datetime) -> str:
        prefix = f"{self.settings.renovations.number_prefix}-{now.astimezone(self.tz):%Y%m%d}-"
        taken = s.execute(
            select(func.count()).where(REN.c.site_id == self.site_id, REN.c.number.startswith(prefix))
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
                REN.insert().values(
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
            who = found.decided_by or t("the administrator")
            message = (
                t(
                    "{number} was already approved by {name} at {when}",
                    number=found.number,
                    name=who,
                    when=when,
                )
                if found.decision == "approved"
                else t("{number} was refused by {name} at {when}", number=found.number, name=who, when=when)
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
                DEC.insert().values(
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
                DEC.insert().values(
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
        n = s.execute(select(func.count()).where(PASS.c.renovation_id == found.id)).scalar_one()
        s.execute(
            PASS.insert().values(
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
                INSP.insert()
                .values(
                    site_id=self.site_id,
                    renovation_id=found.id,
                    result=result,
                    finding=found_text,
                    inspected_at=now,
                    **who(operator),
                )
                .returning(INSP.c.id)
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
            TICKET.insert().values(
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
                CLOSE.insert().values(
                    site_id=self.site_id, renovation_id=found.id, note=remark, closed_at=now, **who(operator)
                )
            )
            return self._find(s, found.number)
