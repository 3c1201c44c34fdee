"""TicketService: the one object the rest of deskui talks to about tickets (工单; DOMAIN.md "Tickets"). It holds no
logic of its own: creating is `_create`, actions `_actions`, reading `_read`, queues `_queues`, the home screen's
counts and first rows `_summaries`, who may do what `_rules`, rows and events `_store`, targets `_targets`, the replay
`_replay`.

Every action takes the `version` the operator saw and raises TicketChanged (carrying the fresh ticket) when someone
changed the ticket since; see `_actions`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskui.services.calls import CallInfo, CallService, OpenMatter
from deskui.services.context import ContextService, DeskContext
from deskui.services.directory import DirectoryService
from deskui.services.operators import OperatorInfo, OperatorService
from deskui.services.tickets._actions import TicketActions
from deskui.services.tickets._checks import TicketChecks
from deskui.services.tickets._complaints import with_complaint
from deskui.services.tickets._create import TicketCreator
from deskui.services.tickets._help_actions import TicketHelp
from deskui.services.tickets._queues import TicketQueues
from deskui.services.tickets._read import TicketReader
from deskui.services.tickets._replay import TicketState
from deskui.services.tickets._rules import allowed_actions
from deskui.services.tickets._store import TicketStore
from deskui.services.tickets._summaries import TicketSummaries
from deskui.services.tickets._types import (
    EventInfo,
    QueuePage,
    SectionCounts,
    TicketDetail,
    TicketInfo,
    TicketInput,
    UrgentTicket,
)

Ref = str | int  # a ticket's number ("WX-20261123-0001") or its id


class TicketService(ContextService):
    """Tickets of one site. `container.open_services` builds it and registers its two hooks on the call service:
    `open_ticket_matters` (the call form's duplicate warning) and `open_if_urgent` (an urgent call's ticket)."""

    def __init__(
        self, ctx: DeskContext, *, calls: CallService, operators: OperatorService, directory: DirectoryService
    ) -> None:
        super().__init__(ctx)
        self.calls = calls
        self.operators = operators
        store = TicketStore(ctx)
        checks = TicketChecks(ctx, operators=operators, workers=directory.workers)
        self._store = store
        self._workers = directory.workers
        self._create = TicketCreator(ctx, store=store, checks=checks, calls=calls, directory=directory)
        self._actions = TicketActions(ctx, store=store, checks=checks, calls=calls)
        self._read = TicketReader(ctx, store=store, calls=calls)
        self.queues = TicketQueues(ctx, store=store, checks=checks)
        self.help = TicketHelp(ctx, actions=self._actions, checks=checks)  # a help request's kind and checklist
        self.summaries = TicketSummaries(ctx, store=store)  # the few questions the queues do not ask (today)

    def allowed_actions(self, ticket: TicketInfo, operator: OperatorInfo | None) -> frozenset[str]:
        """The actions a screen should offer `operator` for `ticket` as it is now (status and role)."""
        return allowed_actions(ticket, operator)

    def infos(self, s: Session, rows: Sequence[Any]) -> list[TicketInfo]:
        """Rows → TicketInfo with targets, the events of all of them fetched in one query."""
        return self._store.infos(s, rows)

    def recount(self) -> None:
        """Rebuild the queue counts from the tickets themselves (after a bulk load; `ticketcount` is derived)."""
        self._store.recount()

    # --- creating ---------------------------------------------------------------------------------------------

    def create(
        self, data: TicketInput, *, operator: OperatorInfo | None = None, within: Session | None = None
    ) -> TicketInfo:
        """A new ticket from one or more calls (or none: a ticket the desk opens itself); returns it. `within`: inside
        the caller's write transaction (a patrol finding's ticket is written with its link)."""
        return self._create.create(data, operator=operator, within=within)

    def open_from_call(
        self,
        call_id: int,
        *,
        kind: str | None = None,
        severity: str | None = None,
        repair_type: str | None = None,
        operator: OperatorInfo | None = None,
        help_kind: str | None = None,
        paid: bool | str | None = None,
        appointment: datetime | str | None = None,
        complaint: Mapping[str, str] | None = None,
    ) -> TicketInfo:
        """`deskui tickets open --from-call ID`: a ticket prefilled from one call; a repair paid or free and the
        visit booked with the resident (else the call's visit time), issue 14; a complaint's record (`complaint`:
        place, about, happened, wants, resident_deadline as typed; services.tickets._complaints)."""
        data = TicketInput(
            call_ids=(call_id,),
            kind=kind,
            severity=severity,
            repair_type=repair_type,
            help_kind=help_kind,
            paid=paid,
            appointment=appointment,
        )
        data = with_complaint(data, complaint or {})  # the complaint record (issue 14)
        return self.create(data, operator=operator)

    def urgent_categories(self) -> frozenset[str]:
        return frozenset(c.key for c in self.settings.categories if c.urgent)

    def open_if_urgent(self, s: Session, call: CallInfo, operator: OperatorInfo | None) -> None:
        """The call service's saved hook: inside the transaction saving `call`, an urgent call (紧急, or a category
        urgent by configuration) gets its ticket now (see TicketCreator.open_urgent)."""
        if call.urgent or call.category in self.urgent_categories():
            self._create.open_urgent(s, call, operator)

    def urgent_untaken(self, *, limit: int = 20) -> list[UrgentTicket]:
        """Open tickets of urgent calls that nobody has taken yet (still new), oldest first: every screen's banner.
        Dispatching or taking a ticket clears it; so does correcting the call to not urgent."""
        return self._read.urgent_untaken(sorted(self.urgent_categories()), limit=limit)

    def open_ticket_matters(
        self, s: Session, site_id: int, key: str, category: str, now: datetime, exclude: frozenset[int]
    ) -> list[OpenMatter]:
        """The call service's open-matter source: the unit's open tickets of the kind the call's category opens."""
        return self._read.open_ticket_matters(s, site_id, key, category, now, exclude)

    # --- actions ----------------------------------------------------------------------------------------------

    def attach_call(self, ref: Ref, version: int, call_id: int, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """Link one more call to the ticket (five neighbours reporting one burst pipe)."""
        return self._actions.attach_call(ref, version, call_id, operator=operator)

    def dispatch(
        self,
        ref: Ref,
        version: int,
        department: str,
        *,
        assignee: OperatorInfo | str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
        worker: str | None = None,
    ) -> TicketInfo:
        """Send a new ticket to a department (and optionally a person, and the department's worker by name)."""
        return self._actions.send(
            ref, version, "dispatch", department, assignee=assignee, note=note, operator=operator, worker=worker
        )

    def reassign(
        self,
        ref: Ref,
        version: int,
        department: str,
        *,
        assignee: OperatorInfo | str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
        worker: str | None = None,
    ) -> TicketInfo:
        """Another department, person or worker for a ticket already dispatched."""
        return self._actions.send(
            ref, version, "reassign", department, assignee=assignee, note=note, operator=operator, worker=worker
        )

    def take(self, ref: Ref, version: int, *, operator: OperatorInfo | None) -> TicketInfo:
        """Maintenance takes the ticket: assigned to them (dispatched to their department if it was new)."""
        return self._actions.take(ref, version, operator=operator)

    def note(self, ref: Ref, version: int, text: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        return self._actions.note(ref, version, text, operator=operator)

    def start(self, ref: Ref, version: int, *, note: str = "", operator: OperatorInfo | None = None) -> TicketInfo:
        return self._actions.start(ref, version, note=note, operator=operator)

    def mark_done(
        self,
        ref: Ref,
        version: int,
        *,
        note: str = "",
        water_test_at: datetime | str | None = None,
        repair_type: str | None = None,
        operator: OperatorInfo | None = None,
        paid: bool | str | None = None,
        fee: int | str | None = None,
    ) -> TicketInfo:
        """The work is done; the callback clock starts (for a leak, from the water test). A repair's `paid` may be
        confirmed or changed and a paid repair's `fee` recorded (an amount, "120.00"; issue 14)."""
        return self._actions.mark_done(
            ref,
            version,
            note=note,
            water_test_at=water_test_at,
            repair_type=repair_type,
            operator=operator,
            paid=paid,
            fee=fee,
        )

    def wait(
        self, ref: Ref, version: int, waiting_on: str, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """On hold for the resident or a third party: the resolution clock pauses."""
        return self._actions.wait(ref, version, waiting_on, note=note, operator=operator)

    def resume(self, ref: Ref, version: int, *, note: str = "", operator: OperatorInfo | None = None) -> TicketInfo:
        return self._actions.resume(ref, version, note=note, operator=operator)

    def set_status(
        self,
        ref: Ref,
        version: int,
        status: str,
        *,
        note: str = "",
        waiting_on: str | None = None,
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The generic status change: in_progress (start), done, waiting (with waiting_on), or back from waiting."""
        return self._actions.set_status(ref, version, status, note=note, waiting_on=waiting_on, operator=operator)

    def set_appointment(
        self,
        ref: Ref,
        version: int,
        when: datetime | str | None,
        *,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The visit booked with the resident (never arrive unannounced); None clears it."""
        return self._actions.set_appointment(ref, version, when, note=note, operator=operator)

    def inform(
        self, ref: Ref, version: int, whom: str, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Record that the supervisor or the manager was told (important: 1 hour; major: the same day)."""
        return self._actions.inform(ref, version, whom, note=note, operator=operator)

    def escalate(
        self,
        ref: Ref,
        version: int,
        *,
        severity: str | None = None,
        informed: str | None = None,
        department: str | None = None,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """A supervisor's decision: raise a complaint's severity, send it elsewhere, record whom they told."""
        return self._actions.escalate(
            ref, version, severity=severity, informed=informed, department=department, note=note, operator=operator
        )

    def reply(
        self, ref: Ref, version: int, text: str, *, operator: OperatorInfo | None = None, via: str | None = None
    ) -> TicketInfo:
        """What the resident was told (help request reply, written inquiry reply, a major complaint's answer) and
        how: phone, visit or written (issue 14)."""
        return self._actions.reply(ref, version, text, operator=operator, via=via)

    def set_deadline(
        self,
        ref: Ref,
        version: int,
        when: datetime | str | None,
        *,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> TicketInfo:
        """The date a minor complaint's resident agreed, set after it was filed (issue 14); None clears it."""
        return self._actions.set_deadline(ref, version, when, note=note, operator=operator)

    def follow_up(self, ref: Ref, version: int, text: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """The desk checked on the outcome with the department (within N days)."""
        return self._actions.follow_up(ref, version, text, operator=operator)

    def callback(
        self,
        ref: Ref,
        version: int,
        outcome: str,
        *,
        satisfaction: int | None = None,
        comment: str = "",
        operator: OperatorInfo | None = None,
        via: str = "phone",
        signed_off: bool | str | None = None,
        signed_by: str = "",
    ) -> TicketInfo:
        """A callback attempt 回访: reached (satisfaction 1–5 and a comment), no answer (tried again later, the due
        time moves by the configured hours) or left a message; made by phone or a visit (002 四.5(1)). On a repair
        that reached the resident, the resident's sign-off: yes or no, and who (002 入住⑤; issue 14)."""
        return self._actions.callback(
            ref,
            version,
            outcome,
            satisfaction=satisfaction,
            comment=comment,
            operator=operator,
            via=via,
            signed_off=signed_off,
            signed_by=signed_by,
        )

    def merge(
        self, ref: Ref, version: int, into: Ref, *, note: str = "", operator: OperatorInfo | None = None
    ) -> TicketInfo:
        """Merge this ticket into `into` (the survivor), which gets its calls and shows its history. Returns the
        merged (source) ticket."""
        return self._actions.merge(ref, version, into, note=note, operator=operator)

    def reopen(self, ref: Ref, version: int, reason: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        """Back to the department: the fix failed (from done), or a closed ticket comes back (supervisors)."""
        return self._actions.reopen(ref, version, reason, operator=operator)

    def cancel(self, ref: Ref, version: int, reason: str, *, operator: OperatorInfo | None = None) -> TicketInfo:
        return self._actions.cancel(ref, version, reason, operator=operator)

    def close(
        self, ref: Ref, version: int, *, reason: str = "", operator: OperatorInfo | None = None, result: str = ""
    ) -> TicketInfo:
        """Close: a repair or complaint after a callback that reached the resident; a supervisor may close
        without one, and must then give the reason (recorded with the event). A complaint closes with its result
        (the department's report with Done, or `result` here; issue 14)."""
        return self._actions.close(ref, version, reason=reason, operator=operator, result=result)

    # --- reading ----------------------------------------------------------------------------------------------

    def get(self, ref: Ref) -> TicketInfo:
        return self._read.get(ref)

    def state(self, ref: Ref) -> TicketState:
        """The replay of the ticket's events (for checks and tests)."""
        return self._read.state(ref)

    def events(self, ref: Ref) -> list[EventInfo]:
        return self._read.events(ref)

    def latest_events(self, ticket_id: int, n: int = 5) -> list[EventInfo]:
        """The last `n` events, newest first: the preview pane under a queue."""
        return self._read.latest_events(ticket_id, n)

    def detail(self, ref: Ref, *, operator: OperatorInfo | None = None) -> TicketDetail:
        """Facts, targets, calls, the whole timeline and the actions `operator` may take now."""
        return self._read.detail(ref, operator=operator)

    def numbered(self, fragment: str, limit: int = 5) -> list[TicketInfo]:
        """The tickets whose number holds `fragment`, newest first (the command palette)."""
        return self._read.numbered(fragment, limit)

    def worker_jobs(self, name: str) -> list[TicketInfo]:
        """The open tickets whose last dispatch named this worker, nearest due first (issue 14). NotFound when the
        directory has no worker of that name."""
        return self._read.worker_jobs(self._workers.by_name(name).id)

    def worker_job_counts(self) -> dict[int, int]:
        """Worker id → number of open jobs, in one query (`deskui workers list`)."""
        return self._read.worker_job_counts()

    def call_ids(self, ref: Ref) -> list[int]:
        return self._read.call_ids(ref)

    def calls_of(self, ticket_ids: Sequence[int]) -> dict[int, list[int]]:
        """The call ids of several tickets in one query (lists and exports)."""
        return self._read.calls_of(ticket_ids)

    def tickets_of_call(self, call_id: int) -> list[TicketInfo]:
        """The tickets a call is linked to (the call screen shows them)."""
        return self._read.tickets_of_call(call_id)

    def last_change_marker(self) -> int:
        """The newest event id of the site: a screen polls this (one indexed lookup) and reloads when it moves."""
        return self._read.last_change_marker()

    def changes_since(self, marker: int, *, limit: int = 1000) -> tuple[int, frozenset[int]]:
        """(new marker, ids of tickets changed after `marker`): what another terminal changed since the last poll."""
        return self._read.changes_since(marker, limit=limit)

    def iter_all(self, *, batch: int = 1000) -> Iterator[tuple[TicketInfo, list[int]]]:
        """Every ticket oldest first with its call ids, a batch at a time by keyset (exports of any size)."""
        return self._read.iter_all(batch=batch)

    # --- queues -----------------------------------------------------------------------------------------------

    def queue(
        self,
        name: str,
        *,
        operator: OperatorInfo | None = None,
        department: str | None = None,
        text: str | None = None,
        unit: str | None = None,
        after: tuple[datetime, int] | None = None,
        limit: int | None = None,
        help_kind: str | None = None,
    ) -> QueuePage:
        """One page of a queue (mine, new, overdue, due_soon, callback, waiting, department, open, closed), nearest
        due first (closed: newest first); pass `page.next_after` as `after` for the next page. `help_kind`: only
        help requests of that kind (issue 14)."""
        return self.queues.page(
            name,
            operator=operator,
            department=department,
            text_filter=text,
            unit=unit,
            after=after,
            limit=limit,
            help_kind=help_kind,
        )

    def section_counts(self, *, operator: OperatorInfo | None = None) -> SectionCounts:
        """Every queue's count at once (the section list's badges)."""
        return self.queues.counts(operator=operator)
