"""New tickets: from the desk's form or the CLI (`create`), and from an urgent call in the transaction that saves it
(`open_urgent`).

Choices the issue left open:
- a complaint needs a severity (no default): a major complaint filed as "minor" by default would silently lose its
  "manager the same day" target, so the desk must choose;
- a repair without a sub-kind is "other" (callback in 2 days); leak and safety set their own callback targets;
- an inquiry is "written" (reply within N days) when its first call came by letter, fax or online, unless told;
- attaching a call later, the attached call's people are not added to the ticket's search text (its number, unit,
  first caller, phone and description are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from deskui.core.db import serialize_writers
from deskui.core.errors import Conflict, ValidationError
from deskui.core.i18n import t
from deskui.models import ticket_char
from deskui.services.calls import CallInfo, CallService, unit_key
from deskui.services.common import search as idx
from deskui.services.common.places import phone_digits
from deskui.services.common.text import check_text
from deskui.services.context import ContextService, DeskContext
from deskui.services.directory import DirectoryService
from deskui.services.operators import OperatorInfo
from deskui.services.tickets._checks import TicketChecks
from deskui.services.tickets._complaints import complaint_record, require_minor_complaint
from deskui.services.tickets._help import help_kind_key
from deskui.services.tickets._repairs import paid_at_creation
from deskui.services.tickets._replay import FAR_FUTURE, EventRecord
from deskui.services.tickets._rules import may_open
from deskui.services.tickets._store import COUNTERS, IS_OPEN, LINKS, TICKETS, TicketStore, inserted_id, iso
from deskui.services.tickets._types import CATEGORY_KINDS, KINDS, PREFIXES, WRITTEN_CHANNELS, TicketInfo, TicketInput

_T, _L, _C = TICKETS, LINKS, COUNTERS


class TicketCreator(ContextService):
    def __init__(
        self,
        ctx: DeskContext,
        *,
        store: TicketStore,
        checks: TicketChecks,
        calls: CallService,
        directory: DirectoryService,
    ) -> None:
        super().__init__(ctx)
        self.store = store
        self.checks = checks
        self.calls = calls
        self.directory = directory

    # --- from the desk ----------------------------------------------------------------------------------------

    def create(
        self, data: TicketInput, *, operator: OperatorInfo | None = None, within: Session | None = None
    ) -> TicketInfo:
        """A new ticket from one or more calls (or none: a ticket the desk opens itself); returns it. `within`: the
        caller's write transaction to write it in, instead of one of its own."""
        may_open(operator)
        calls = self._root_calls(data.call_ids)
        first = calls[0] if calls else None
        kind = self._kind(data, first)
        severity = self.checks.severity(kind, data.severity)
        repair_type = self.checks.repair_type(kind, data.repair_type)
        help_kind = help_kind_key(data.help_kind)
        if help_kind and kind != "help":
            raise ValidationError(t("Only a help request has a help kind"), field="help_kind")
        unit_text, caller, phone, description = self._texts(data, first)
        channel = first.channel if first else ""
        is_written = self._written(data, kind, channel)
        department = self.checks.department(data.department) if data.department else ""
        assignee = self.checks.assignee(data.assignee)
        if assignee[1] and not department:
            raise ValidationError(t("Choose the department before the person"), field="department")
        deadline = self.checks.moment(data.resident_deadline, "resident_deadline")
        if deadline is not None and kind != "complaint":
            raise ValidationError(t("Only a complaint has a resident's deadline"), field="resident_deadline")
        if deadline is not None:
            require_minor_complaint(kind, severity)
        given = {"place": data.place, "about": data.about, "happened": data.happened, "wants": data.wants}
        limits = self.settings.calls
        complaint = complaint_record(
            kind, given, line_chars=limits.max_line_chars, content_chars=limits.max_content_chars
        )
        key, unit_id = self._place(data, first, unit_text)
        fields = {
            "kind": kind,
            "repair_type": repair_type,
            "help_kind": help_kind or ("other" if kind == "help" else ""),  # 003 4.1.1 g) unless told
            "severity": severity,
            "channel": channel,
            "written": bool(is_written),
            "unit_text": unit_text,
            "unit_key": key,
            "unit_id": unit_id,
            "resident_id": self._resident(first, caller, phone),
            "caller": caller,
            "phone": phone,
            "description": description,
            "resident_deadline": iso(deadline),
        }
        if complaint:
            fields["complaint"] = complaint  # the complaint record as typed (issue 14; _complaints)
        if data.facts:
            fields["facts"] = dict(data.facts)  # a ticket deskui opened itself (issue 12; _facts)
        fields.update(paid_at_creation(kind, data.paid))  # a repair paid or free (issue 14, _repairs)
        booked = self.checks.moment(data.appointment, "appointment_at")
        appointment = booked if booked is not None else self.checks.visit(first)
        now = self.clock.now().replace(microsecond=0)  # kept to the second, like the call log
        with self.db.write() if within is None else nullcontext(within) as s:
            serialize_writers(s, "tickets", self.site_id)
            self._refuse_linked(s, [c.root_id for c in calls], kind)
            return self.insert_new(
                s, fields, calls, appointment, operator=operator, now=now, department=department, assignee=assignee
            )

    def _root_calls(self, call_ids: Iterable[int]) -> list[CallInfo]:
        out: list[CallInfo] = []
        seen: set[int] = set()
        for cid in call_ids:
            call = self.calls.current(int(cid))
            if call.root_id in seen:
                continue
            seen.add(call.root_id)
            out.append(call)
        return out

    def _kind(self, data: TicketInput, first: CallInfo | None) -> str:
        """The kind asked for, else the one the first call's category opens."""
        kind = (data.kind or "").strip().lower()
        if not kind:
            kind = CATEGORY_KINDS.get(first.category, "") if first else ""
            if not kind:
                raise ValidationError(
                    t("Which kind of ticket? Use one of: {kinds}", kinds=", ".join(KINDS)), field="kind"
                )
        if kind not in KINDS:
            raise ValidationError(
                t("Unknown ticket kind {value!r}; use one of: {kinds}", value=data.kind, kinds=", ".join(KINDS)),
                field="kind",
            )
        return kind

    def _texts(self, data: TicketInput, first: CallInfo | None) -> tuple[str, str, str, str]:
        """Unit, caller, phone and description as given, else as the first call has them, checked."""
        limits = self.settings.calls
        unit_text = check_text(
            data.unit if data.unit is not None else (first.unit if first else ""),
            "unit",
            max_chars=limits.max_line_chars,
        )
        caller = check_text(
            data.caller if data.caller is not None else (first.caller if first else ""),
            "caller",
            max_chars=limits.max_line_chars,
        )
        phone = check_text(
            data.phone if data.phone is not None else (first.phone if first else ""),
            "phone",
            max_chars=limits.max_line_chars,
        )
        description = data.description if data.description is not None else (first.content if first else "")
        description = check_text(description, "content", max_chars=limits.max_content_chars, multiline=True)
        if not description.strip():
            raise ValidationError(t("A ticket needs a description"), field="description")
        return unit_text, caller, phone, description

    @staticmethod
    def _written(data: TicketInput, kind: str, channel: str) -> bool:
        """A written inquiry: as told, else when the first call came by letter, fax or online."""
        is_written = data.written if data.written is not None else channel in WRITTEN_CHANNELS
        if is_written and kind != "inquiry":
            is_written = False if data.written is None else is_written
            if data.written:
                raise ValidationError(t("Only an inquiry can be a written inquiry"), field="written")
        return is_written

    def _place(self, data: TicketInput, first: CallInfo | None, unit_text: str) -> tuple[str, int | None]:
        """The unit's key and id: the first call's, unless another unit was typed (then looked up)."""
        key = first.unit_key if first and data.unit is None else unit_key(unit_text)
        unit_id = first.unit_id if first and data.unit is None else None
        if unit_id is None and key:
            found = self.directory.resolve_unit(unit_text)
            unit_id = found.id if found else None
        return key, unit_id

    def _resident(self, call: CallInfo | None, caller: str, phone: str) -> int | None:
        if not phone:
            return None
        residents = self.directory.lookup_phone(phone)
        for r in residents:
            if r.name == caller:
                return int(r.id)
        same_unit = [r for r in residents if call is not None and r.unit_key == call.unit_key]
        return int(same_unit[0].id) if len(same_unit) == 1 else None

    def _refuse_linked(self, s: Session, call_ids: Sequence[int], kind: str) -> None:
        """A call already behind an open ticket of the same kind is attached to it, not opened twice."""
        if not call_ids:
            return
        row = s.execute(
            select(_T.c.number, _L.c.call_id)
            .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
            .where(_L.c.site_id == self.site_id, _L.c.call_id.in_(list(call_ids)), IS_OPEN, _T.c.kind == kind)
            .limit(1)
        ).first()
        if row is not None:
            raise Conflict(
                t(
                    "Call #{id} already has the open ticket {number}; attach to it instead",
                    id=row.call_id,
                    number=row.number,
                ),
                field="call_ids",
            )

    # --- from an urgent call ----------------------------------------------------------------------------------

    def open_urgent(self, s: Session, call: CallInfo, operator: OperatorInfo | None) -> None:
        """Inside the transaction saving the urgent `call`: its ticket now, whoever is at the desk (the night
        shift's maintenance operator too), so its clock starts with the call and nothing waits for the morning
        handover. A correction of a call already behind an open ticket opens no second one."""
        serialize_writers(s, "tickets", self.site_id)
        linked = s.execute(
            select(_L.c.ticket_id)
            .select_from(_L.join(_T, _T.c.id == _L.c.ticket_id))
            .where(_L.c.site_id == self.site_id, _L.c.call_id == call.root_id, IS_OPEN)
            .limit(1)
        ).first()
        if linked is not None:
            return
        kind = CATEGORY_KINDS.get(call.category) or "help"
        checks = self.checks
        severity = checks.severity(kind, self.settings.calls.urgent_complaint_severity) if kind == "complaint" else ""
        fields = {
            "kind": kind,
            "repair_type": checks.repair_type(kind, None),
            "severity": severity,
            "channel": call.channel,
            "written": False,
            "unit_text": call.unit,
            "unit_key": call.unit_key,
            "unit_id": call.unit_id,
            "resident_id": self._resident(call, call.caller, call.phone),
            "caller": call.caller,
            "phone": call.phone,
            "description": call.content,
            "resident_deadline": None,
            **paid_at_creation(kind, None),
        }
        now = self.clock.now().replace(microsecond=0)
        self.insert_new(s, fields, [call], checks.visit(call), operator=operator, now=now, extra={"urgent": True})

    # --- writing ----------------------------------------------------------------------------------------------

    def _next_number(self, s: Session, kind: str, moment: datetime) -> str:
        """The next number for this kind and local day, from the counter row, inside the write transaction."""
        prefix = PREFIXES[kind]
        day: date = moment.astimezone(self.tz).date()
        dialect = sqlite if self.db.backend == "sqlite" else postgresql
        stmt = dialect.insert(_C).values(site_id=self.site_id, prefix=prefix, day=day, last=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["site_id", "prefix", "day"], set_={"last": _C.c.last + 1}
        ).returning(_C.c.last)
        last = s.execute(stmt).scalar_one()
        return f"{prefix}-{day:%Y%m%d}-{last:04d}"

    def insert_new(
        self,
        s: Session,
        fields: dict[str, Any],
        calls: Sequence[CallInfo],
        appointment: datetime | None,
        *,
        operator: OperatorInfo | None,
        now: datetime,
        department: str = "",
        assignee: tuple[int | None, str] = (None, ""),
        extra: Mapping[str, Any] | None = None,
    ) -> TicketInfo:
        """Write a checked new ticket, its "created" event and call links, inside the caller's write transaction."""
        number = self._next_number(s, str(fields["kind"]), now)
        created = {"number": number, **fields, "call_ids": [c.root_id for c in calls]}
        if appointment is not None:
            created["appointment_at"] = iso(appointment)  # the call's visit time, booked with the ticket
        created.update(extra or {})
        search = idx.search_text(
            (
                number,
                fields["unit_text"],
                fields["caller"],
                fields["phone"],
                phone_digits(fields["phone"]),
                fields["description"],
                *dict(fields.get("complaint") or {}).values(),
            )
        )
        placeholder = {
            **{k: v for k, v in created.items() if k in _T.c and k not in ("resident_deadline", "appointment_at")},
            "site_id": self.site_id,
            "status": "new",
            "is_open": True,
            "due_at": FAR_FUTURE,
            "created_at": now,
            "updated_at": now,
            "version": 0,
            "search_text": search,
        }
        ticket_id = inserted_id(s, insert(_T).values(**placeholder))
        store = self.store
        history: list[EventRecord] = []
        state = store.append(s, None, history, ticket_id, "created", operator=operator, data=created, at=now)
        for c in calls:
            store.link(s, ticket_id, c.root_id, history[0])
        if department:
            dispatched = {"department": department, "assignee_id": assignee[0], "assignee_name": assignee[1]}
            state = store.append(s, state, history, ticket_id, "dispatched", operator=operator, at=now, data=dispatched)
        store.save(s, ticket_id, 0, state, None)
        chars = idx.index_chars(search)
        if chars:
            s.execute(
                insert(ticket_char), [{"site_id": self.site_id, "ch": ch, "ticket_id": ticket_id} for ch in chars]
            )
        return store.info(store.row_by_id(s, ticket_id), history, now)
