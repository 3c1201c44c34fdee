"""The site every row belongs to, so one PostgreSQL database can serve several properties."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Site(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    created_at: datetime


class SiteScoped(SQLModel):
    """Mixin: the owning site. Every table except `site` carries it."""

    site_id: int = Field(foreign_key="site.id", index=True)
