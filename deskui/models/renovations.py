"""Renovation permits 装修 (issue 13; 002 四.3 业主装修接待, 003 6.0 装修管理规程).

An application (`renovation`) is written once with its permit number; every later fact is a row of its own, and the
database refuses UPDATE, DELETE, TRUNCATE and INSERT OR REPLACE on all six tables (migration 0009):

- `renovation_decision`: the supervisor's approval (a structural change needs the approval's note: the housing
  authority's permit, 002 四.3(2)) or refusal. One per application.
- `renovation_worker_pass`: a worker's temporary pass 施工人员临时出入证, issued on approval for each worker named,
  or later for one more worker.
- `renovation_inspection`: a dated inspection 装修巡查 with its finding: ok, or an issue in words.
- `renovation_ticket`: the ticket a finding opened (its id and number, the facts). One per inspection.
- `renovation_close`: completion accepted 验收, the permit closed. One per application.

The unique keys make "approved twice", "closed twice" and "two tickets for one finding" impossible even if a service
check were bypassed. Places are kept three ways like the other registers: as typed, canonical key, directory id.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Renovation(SiteScoped, table=True):
    """An application for a renovation and its permit number: who applies (the owner, or someone the owner
    authorised), the company and workers, the planned dates, what is changed and whether it is structural."""

    __tablename__ = "renovation"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_renovation_site_applied", "site_id", "applied_at", "id"),
        Index("ix_renovation_unit", "site_id", "unit_key", "applied_at"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32)  # ZXXK-20261203-001: prefix, local date, per-day sequence
    unit_text: str = Field(max_length=400)
    unit_key: str = Field(max_length=400)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    applicant: str = Field(max_length=100)
    applicant_role: str = Field(max_length=16)  # owner | authorised
    company: str = Field(max_length=200)
    workers: str = Field(sa_column=Column(Text, nullable=False))  # one name a line, as typed
    starts_on: date
    ends_on: date
    work: str = Field(sa_column=Column(Text, nullable=False))  # what is changed, as typed
    structural: bool = False  # 拆改主体结构 or a clearly heavier load: approval needs a note
    applied_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RenovationDecision(SiteScoped, table=True):
    """The supervisor's decision on an application: approved (with a note; required for a structural change) or
    refused (with the reason). One per application."""

    __tablename__ = "renovation_decision"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    renovation_id: int = Field(foreign_key="renovation.id", unique=True)
    decision: str = Field(max_length=16)  # approved | refused
    note: str = Field(default="", max_length=400)
    decided_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RenovationWorkerPass(SiteScoped, table=True):
    """A worker's temporary pass for the renovation: the name and the pass number."""

    __tablename__ = "renovation_worker_pass"
    __table_args__ = (
        UniqueConstraint("site_id", "pass_number"),
        Index("ix_renovation_worker_pass_renovation", "site_id", "renovation_id", "id"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    renovation_id: int = Field(foreign_key="renovation.id")
    name: str = Field(max_length=100)
    pass_number: str = Field(max_length=40)  # ZXXK-20261203-001-W1
    issued_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RenovationInspection(SiteScoped, table=True):
    """A dated inspection of the works: ok, or an issue described as found."""

    __tablename__ = "renovation_inspection"
    __table_args__ = (Index("ix_renovation_inspection_renovation", "site_id", "renovation_id", "inspected_at"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    renovation_id: int = Field(foreign_key="renovation.id")
    result: str = Field(max_length=16)  # ok | issue
    finding: str = Field(sa_column=Column(Text, nullable=False))
    inspected_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RenovationTicket(SiteScoped, table=True):
    """The ticket an inspection's finding opened: its id and number. One per inspection."""

    __tablename__ = "renovation_ticket"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="renovation_inspection.id", unique=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    ticket_number: str = Field(max_length=32)
    linked_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class RenovationClose(SiteScoped, table=True):
    """Completion accepted (验收) and the permit closed. One per application."""

    __tablename__ = "renovation_close"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    renovation_id: int = Field(foreign_key="renovation.id", unique=True)
    note: str = Field(default="", max_length=400)
    closed_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
