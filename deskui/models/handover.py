"""Duty log 值班记录, handovers 交接班, call dispositions, the key log and the roster 值班安排表.

Append-only (the database refuses UPDATE and DELETE with triggers, migration 0004; on SQLite recursive_triggers=ON
turns INSERT OR REPLACE and UPSERT into a refused DELETE too): `dutylog`, `handover`, `handover_record`,
`call_disposition`, `key_loan`, `key_return`, `roster_change`. Once a handover is signed, no record or disposition
may be added to it either. `roster_assignment` is the plan and may change; every change is a `roster_change` row.

`dutylog` is one hash chain per site (services.handover._chain): operators' entries, amendments, signed handovers and the
supervisor's daily reviews. `ref_key` ("handover:12", "review:2026-11-22") is unique per site, so a handover or a
day cannot be signed twice even by two terminals at once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class DutyLogEntry(SiteScoped, table=True):
    """One line of the duty log (or a signed handover / review), chained to the previous one by its hash."""

    __tablename__ = "dutylog"
    __table_args__ = (
        UniqueConstraint("site_id", "seq"),
        UniqueConstraint("site_id", "ref_key"),
        Index("ix_dutylog_site_duty", "site_id", "duty_date", "shift_key", "seq"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    seq: int  # 1, 2, 3 … per site, in the order written
    kind: str = Field(max_length=16)  # entry | amendment | handover | review
    duty_date: date
    shift_key: str = Field(max_length=32)
    written_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))
    amends_id: int | None = Field(default=None, foreign_key="dutylog.id", index=True)
    ref_key: str | None = Field(default=None, max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON object ("{}" for plain entries)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # handover / review: HMAC of `hash` with the site key kept outside the database (services.common.anchors)
    seal: str | None = Field(default=None, max_length=64)


class Handover(SiteScoped, table=True):
    """One handover of one shift: created when the outgoing operator starts it, never changed."""

    __tablename__ = "handover"
    __table_args__ = (UniqueConstraint("site_id", "duty_date", "shift_key"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    duty_date: date
    shift_key: str = Field(max_length=32)
    next_date: date  # the shift taking over
    next_shift_key: str = Field(max_length=32)
    outgoing_id: int = Field(foreign_key="operator.id")
    outgoing_name: str = Field(max_length=100)
    started_at: datetime


class HandoverRecord(SiteScoped, table=True):
    """One thing entered during a handover (a count, a note, a tick, a signature); the latest per item wins."""

    __tablename__ = "handover_record"
    __table_args__ = (Index("ix_handover_record_handover", "handover_id", "id"),)

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id")
    step: str = Field(max_length=16)  # arrive | count | key | note | ack | check | ticket | sign | snapshot
    item: str = Field(default="", max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))  # JSON object
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    recorded_at: datetime


class CallDisposition(SiteScoped, table=True):
    """What became of a night call at the morning handover (002 值班制度 五): a ticket, handled, or no action."""

    __tablename__ = "call_disposition"
    __table_args__ = (Index("ix_call_disposition_call", "site_id", "call_id", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    handover_id: int | None = Field(default=None, foreign_key="handover.id", index=True)
    action: str = Field(max_length=16)  # ticket | handled | no_action
    reason: str = Field(sa_column=Column(Text, nullable=False))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    recorded_at: datetime


class KeyLoan(SiteScoped, table=True):
    """A key lent out (003 4.1.3 f): which, to whom, when, back by when."""

    __tablename__ = "key_loan"
    __table_args__ = (Index("ix_key_loan_tag", "site_id", "tag", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    tag: str = Field(max_length=64)
    borrower: str = Field(max_length=200)
    purpose: str = Field(default="", max_length=400)
    lent_at: datetime
    due_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class KeyReturn(SiteScoped, table=True):
    """A key given back: a row of its own, so the loan stays as written. One return per loan."""

    __tablename__ = "key_return"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="key_loan.id", unique=True)
    returned_at: datetime
    note: str = Field(default="", max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RosterAssignment(SiteScoped, table=True):
    """Who is planned on one shift of one day. A plan: rows come and go, each change logged in roster_change."""

    __tablename__ = "roster_assignment"
    __table_args__ = (
        UniqueConstraint("site_id", "duty_date", "shift_key", "operator_id"),
        Index("ix_roster_assignment_operator", "site_id", "operator_id", "duty_date"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    duty_date: date
    shift_key: str = Field(max_length=32)
    operator_id: int = Field(foreign_key="operator.id")
    assigned_at: datetime


class RosterChange(SiteScoped, table=True):
    """One change to the roster, as it happened. Append-only."""

    __tablename__ = "roster_change"
    __table_args__ = (Index("ix_roster_change_day", "site_id", "duty_date", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    duty_date: date
    shift_key: str = Field(max_length=32)
    action: str = Field(max_length=16)  # assign | unassign | swap
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    other_id: int | None = Field(default=None, foreign_key="operator.id")  # swap: who takes the shift
    other_name: str = Field(default="", max_length=100)
    actor_id: int | None = Field(default=None, foreign_key="operator.id")
    actor_name: str = Field(default="", max_length=100)
    approved_by_id: int | None = Field(default=None, foreign_key="operator.id")
    approved_by_name: str = Field(default="", max_length=100)
    reason: str = Field(default="", max_length=400)
    changed_at: datetime
