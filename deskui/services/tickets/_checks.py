"""What an operator typed into a ticket, checked: notes, the department and the person, severity and repair type,
times (an appointment, a deadline, a water test) and the visit time a call names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.services.calls import CallInfo
from deskui.services.common.text import check_text, choose
from deskui.services.context import ContextService, DeskContext
from deskui.services.directory import WorkerService
from deskui.services.operators import OperatorInfo, OperatorService
from deskui.services.tickets._types import MAX_NOTE, REPAIR_TYPES, SEVERITIES

_FIELD_WORDS = {
    "note": N_("note"),
    "reason": N_("reason"),
    "answer": N_("answer"),
    "comment": N_("comment"),
    "result": N_("result"),
}


class TicketChecks(ContextService):
    def __init__(self, ctx: DeskContext, *, operators: OperatorService, workers: WorkerService) -> None:
        super().__init__(ctx)
        self.operators = operators
        self.workers = workers
        self.dept_keys = tuple(d.key for d in ctx.settings.departments)

    def note(self, value: str, name: str = "note", *, required: bool = False) -> str:
        text = check_text(value or "", name, max_chars=MAX_NOTE, multiline=True).strip()
        if required and not text:
            raise ValidationError(t("Please write a {what}", what=t(_FIELD_WORDS.get(name, name))), field=name)
        return text

    def department(self, value: str) -> str:
        try:
            return choose(value, self.settings.departments, "department").key
        except ValidationError:
            raise ValidationError(
                t("Unknown department {value!r}; use one of: {keys}", value=value, keys=", ".join(self.dept_keys)),
                field="department",
            ) from None

    def assignee(self, value: OperatorInfo | str | None) -> tuple[int | None, str]:
        if value is None:
            return None, ""
        if isinstance(value, OperatorInfo):
            return value.id, value.name
        name = check_text(value, "assignee", max_chars=100)
        if not name:
            return None, ""
        try:
            op = self.operators.by_name(name)
        except NotFound:
            return None, name  # someone outside the desk (a plumber of the department, a utility)
        return op.id, op.name

    def worker(self, name: str | None, department: str) -> tuple[int | None, str]:
        """(id, name) of the department's worker a dispatch names, on duty; (None, "") for none (issue 14)."""
        if name is None or not name.strip():
            return None, ""
        try:
            worker = self.workers.by_name(name)
        except NotFound as exc:
            raise ValidationError(exc.message, field="worker") from None
        if worker.department != department:
            label = next((d.label(get_language()) for d in self.settings.departments if d.key == worker.department), "")
            raise ValidationError(
                t("{name} works in {department}, not here", name=worker.name, department=label or worker.department),
                field="worker",
            )
        if not worker.on_duty:
            raise ValidationError(
                t("{name} is off duty; name someone on duty (deskui workers list)", name=worker.name), field="worker"
            )
        return worker.id, worker.name

    def severity(self, kind: str, severity: str | None) -> str:
        value = (severity or "").strip().lower()
        if kind != "complaint":
            if value:
                raise ValidationError(t("Only a complaint has a severity"), field="severity")
            return ""
        if not value:
            raise ValidationError(t("A complaint needs a severity: major, important or minor"), field="severity")
        if value not in SEVERITIES:
            raise ValidationError(
                t("Unknown severity {value!r}; use major, important or minor", value=severity), field="severity"
            )
        return value

    def repair_type(self, kind: str, value: str | None) -> str:
        v = (value or "").strip().lower()
        if kind not in ("repair", "service"):  # a paid service is a repair that is paid (issue 14, _repairs)
            if v:
                raise ValidationError(t("Only a repair has a repair type"), field="repair_type")
            return ""
        if not v:
            return "other"
        if v not in REPAIR_TYPES:
            raise ValidationError(
                t("Unknown repair type {value!r}; use leak, safety or other", value=value), field="repair_type"
            )
        return v

    def moment(self, value: datetime | str | None, name: str, *, ahead: bool = True) -> datetime | None:
        """A time as typed (site time): `ahead` for appointments and deadlines, where a bare "9:00" is the next
        one, not the last. A resident's deadline is agreed as a day ("by the 5th"): a date alone is its end."""
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return (value.replace(tzinfo=self.tz) if value.tzinfo is None else value).astimezone(UTC)
        from deskui.services.common.timeparse import DAY_END, parse_time

        try:
            day_end = DAY_END if name == "resident_deadline" else None
            return parse_time(value, self.clock.now(), self.tz, rollback_hours=24 if ahead else 6, day_end=day_end)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=name) from None

    def visit(self, call: CallInfo | None) -> datetime | None:
        """The appointment a call's visit time (上门时间, 002 报修接待①) names, read as the appointment form reads a
        time but from the moment of the call: "明天9点" said at 23:00 is 09:00 the next morning, whenever the ticket
        is opened, and a bare time of day already past at the call is the next one. Free text that names no moment
        ("周末都行") books nothing; it stays on the call as typed."""
        text = call.visit_time.strip() if call is not None else ""
        if call is None or not text:
            return None
        from deskui.services.common.timeparse import is_time_of_day, parse_time

        try:
            moment = parse_time(text, call.time, self.tz, rollback_hours=24)
        except ValidationError:
            return None
        if moment < call.time and is_time_of_day(text):
            moment += timedelta(days=1)
        return moment.replace(microsecond=0)
