"""People who sign in at the desk, with their role and a hashed PIN."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Operator(SiteScoped, table=True):
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=16)  # receptionist | maintenance | supervisor | manager
    pin_hash: str = Field(max_length=200)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
    active: bool = Field(default=True)
    created_at: datetime
