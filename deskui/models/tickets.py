"""Tickets (工单): repairs 报修, complaints 投诉, help requests 求助, inquiries 咨询 and paid services 有偿服务.

`ticket` holds the current state and is rewritten by every action; `ticketevent` is the history, append-only (the
database refuses UPDATE, DELETE and INSERT OR REPLACE with triggers, migration 0003), and every action writes both
in one transaction. The state is always the replay of the events (services.tickets._replay.replay), which a test
checks; the row exists so queues sort, filter and count in SQL without replaying anything.

`ticketcall` links a ticket to the calls it came from and is append-only too (a call once attached stays attached).
`ticketcount` keeps the number of tickets per (status, department) for the queue counts.
`ticketcounter` hands out the per-site, per-prefix, per-day sequence of ticket numbers inside the write transaction;
the unique (site_id, number) is the final guarantee that no number is ever issued twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskui.models.base import SiteScoped


class Ticket(SiteScoped, table=True):
    """The current state of one ticket; `version` counts its events (optimistic concurrency)."""

    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        # Queues: every open ticket by nearest due time (All open, Overdue, Due soon) …
        Index("ix_ticket_open_due", "site_id", "is_open", "due_at", "id"),
        # … by status (New, Awaiting callback, Waiting), by department, by assignee (My queue) …
        Index("ix_ticket_status_due", "site_id", "status", "due_at", "id"),
        Index("ix_ticket_dept_due", "site_id", "is_open", "department", "due_at", "id"),
        Index("ix_ticket_assignee_due", "site_id", "assignee_id", "is_open", "due_at", "id"),
        # … by the maintenance worker a dispatch named (a worker's open jobs, issue 14) …
        Index("ix_ticket_worker_due", "site_id", "worker_id", "is_open", "due_at", "id"),
        # … by help kind (a medical emergency's open checklist at handover, the help queue filter, issue 14) …
        Index("ix_ticket_help_kind", "site_id", "help_kind", "is_open"),
        # … and Recently closed; the unit's open tickets for the duplicate warning.
        Index("ix_ticket_closed", "site_id", "closed_at", "id"),
        Index("ix_ticket_unit", "site_id", "unit_key", "is_open"),
        # Tickets merged into this one: their history shows on the survivor.
        Index("ix_ticket_merged", "site_id", "merged_into_id"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32)  # WX-20261123-0007: prefix, local date, per-day sequence
    kind: str = Field(max_length=16)  # repair | complaint | help | inquiry | service
    repair_type: str = Field(default="", max_length=16)  # repairs: leak | safety | other (sets the callback target)
    help_kind: str = Field(default="", max_length=16)  # help requests: 003 4.1.1 medical | … | other (issue 14)
    severity: str = Field(default="", max_length=16)  # complaints: major | important | minor
    channel: str = Field(default="", max_length=32)  # how the (first) call came in
    written: bool = Field(default=False)  # a written inquiry (letter, fax, online): a written reply within N days
    status: str = Field(max_length=16)  # new | dispatched | in_progress | waiting | done | closed | cancelled | merged
    is_open: bool = Field(default=True)  # status not closed, cancelled or merged: the queues' common filter
    unit_text: str = Field(default="", max_length=400)
    unit_key: str = Field(default="", max_length=400)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    caller: str = Field(default="", max_length=400)
    phone: str = Field(default="", max_length=400)
    description: str = Field(sa_column=Column(Text, nullable=False))
    department: str = Field(default="", max_length=32)
    assignee_id: int | None = Field(default=None, foreign_key="operator.id")
    assignee_name: str = Field(default="", max_length=100)
    worker_id: int | None = Field(default=None, foreign_key="worker.id")  # the last dispatch's worker (issue 14)
    worker_name: str = Field(default="", max_length=100)
    appointment_at: datetime | None = None
    resident_deadline: datetime | None = None  # minor complaints: the resident's own deadline, if sooner
    paid: bool = Field(default=False)  # repairs: paid, or free under warranty (a paid service always paid; issue 14)
    fee_cents: int | None = None  # a paid repair's fee in cents, recorded when it is done
    # The nearest due time of a target still open and not paused; FAR_FUTURE when there is none, so the queues'
    # keyset (due_at, id) never meets a NULL.
    due_at: datetime
    done_at: datetime | None = None
    closed_at: datetime | None = None  # closed, cancelled or merged
    paused_since: datetime | None = None  # waiting on the resident or a third party
    waiting_on: str = Field(default="", max_length=16)  # resident | third_party while waiting
    paused_seconds: int = Field(default=0)  # total of finished pauses
    callback_result: str = Field(default="", max_length=16)  # reached | no_answer | left_message
    satisfaction: int | None = None  # 1-5, from the last reached callback
    callback_comment: str = Field(default="", max_length=2000)
    callback_due_at: datetime | None = None  # moved by a "no answer" callback
    merged_into_id: int | None = Field(default=None, foreign_key="ticket.id")
    created_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="operator.id")
    created_by_name: str = Field(default="", max_length=100)
    updated_at: datetime
    updated_by_name: str = Field(default="", max_length=100)  # named in "Changed by X just now"
    version: int = Field(default=1)  # = number of events; the version an action must present
    last_event_id: int = Field(default=0)
    search_text: str = Field(sa_column=Column(Text, nullable=False))  # number, unit, caller, phone, description


class TicketEvent(SiteScoped, table=True):
    """One change to a ticket, exactly as it happened. Never updated, never deleted.

    `seq` is the ticket's version after this event; (ticket_id, seq) is unique, so two terminals that both read
    version 3 cannot both write event 4 even if a service check were bypassed.
    """

    __table_args__ = (
        UniqueConstraint("ticket_id", "seq"),
        Index("ix_ticketevent_site_id", "site_id", "id"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    seq: int
    kind: str = Field(max_length=32)
    at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    status: str = Field(max_length=16)  # the ticket's status after this event
    note: str = Field(sa_column=Column(Text, nullable=False))  # note, reason, callback comment
    data: str = Field(sa_column=Column(Text, nullable=False))  # JSON object: the event's own fields


class TicketCall(SiteScoped, table=True):
    """A call a ticket came from (one burst pipe, five neighbours). Append-only."""

    __table_args__ = (Index("ix_ticketcall_call", "site_id", "call_id"),)

    site_id: int = Field(foreign_key="site.id")
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    call_id: int = Field(foreign_key="call.id", primary_key=True)
    event_id: int = Field(foreign_key="ticketevent.id")
    linked_at: datetime


class TicketCounter(SiteScoped, table=True):
    """The last sequence number issued for one prefix on one local day."""

    site_id: int = Field(foreign_key="site.id", primary_key=True)
    prefix: str = Field(max_length=8, primary_key=True)
    day: date = Field(primary_key=True)
    last: int = Field(default=0)


class TicketCount(SiteScoped, table=True):
    """How many tickets have each (status, department): kept in the same transaction as every ticket write, so
    the Queues screen's per-status and per-department counts read a few dozen rows instead of counting 100,000
    open tickets. `TicketService.recount()` rebuilds it from `ticket` (after a bulk load)."""

    site_id: int = Field(foreign_key="site.id", primary_key=True)
    status: str = Field(max_length=16, primary_key=True)
    department: str = Field(max_length=32, primary_key=True)
    n: int = Field(default=0)


# The per-character index of `ticket.search_text`, like `callchar` (services.common.search): one row per distinct
# character. Rewritten with the ticket's searchable fields, which only change when a call is attached.
ticket_char = Table(
    "ticketchar",
    SQLModel.metadata,
    Column("site_id", Integer, nullable=False),
    Column("ch", String(1), nullable=False),
    Column("ticket_id", Integer, nullable=False),
    Index("ix_ticketchar_lookup", "site_id", "ch", "ticket_id"),
)
