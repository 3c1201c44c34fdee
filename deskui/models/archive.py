"""Archives of the years past retention (issue 14; 003 4.10 and 4.1.8): one row per archive file written.

`archive` records what `deskui archive` wrote: the file's name, the SHA-256 of its content and its seal (HMAC with
the site key, services.common.anchors), the ranges it covers and how many rows of each kind, who wrote it and
when. Append-only like the logs it archives (migration 0015: UPDATE, DELETE and REPLACE refused on SQLite, UPDATE,
DELETE and TRUNCATE on PostgreSQL): the record that the old years were archived is itself never changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Archive(SiteScoped, table=True):
    """One archive file: help requests created before `help_before` and duty log entries of duty dates before
    `dutylog_before` (each None when the archive holds none of that kind)."""

    __table_args__ = (Index("ix_archive_site_at", "site_id", "created_at", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=400)
    sha256: str = Field(max_length=64)
    seal: str = Field(max_length=64)
    help_before: date | None = None  # local date: help requests created before it (1 January of a year)
    help_requests: int = Field(default=0)
    dutylog_before: date | None = None  # duty dates before it
    dutylog_entries: int = Field(default=0)
    created_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
