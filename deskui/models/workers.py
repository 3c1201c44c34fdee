"""Maintenance staff 维修人员 (and the other departments' people a ticket is sent to): the directory's list of who
works in which department, their phone, and whether they are on duty now (issue 14; 002 四.2(3)③, 值班制度 二).

A worker is not an operator: they never sign in at the desk, they are named by a dispatch. `ticket.worker_id` and
`ticket.worker_name` are the projection of the last dispatch's event (models.tickets); the event keeps the name as
it was, whatever happens to this row. Names are unique per site: the CLI and the dispatch name a worker by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Worker(SiteScoped, table=True):
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        Index("ix_worker_department", "site_id", "department", "name"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=32)  # a configured department's key
    name: str = Field(max_length=100)
    phone: str = Field(default="", max_length=40)
    on_duty: bool = Field(default=True)
    created_at: datetime
    updated_at: datetime
