"""The call and visit log (来电来访登记), its autosaved drafts and its per-character search index.

`call` is append-only (003 4.1.8: entries may not be altered): the database refuses UPDATE and DELETE with
triggers (migration 0002), and a correction is a new row whose `amends_id` points at the version it corrects.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskui.models.base import SiteScoped


class Call(SiteScoped, table=True):
    """One call or visit, exactly as it was logged. Never updated, never deleted."""

    __table_args__ = (
        Index("ix_call_site_unit_key", "site_id", "unit_key", "id"),
        Index("ix_call_site_time", "site_id", "called_at"),
        Index("ix_call_site_duty", "site_id", "duty_date", "shift_key"),
        Index("ix_call_site_phone", "site_id", "phone_digits"),
    )

    # No index of its own (unlike the mixin's): every index below starts with site_id, and each index is one
    # more B-tree to write on every save.
    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    called_at: datetime  # when the call came in (aware UTC)
    channel: str = Field(max_length=32)
    caller: str = Field(default="", max_length=400)
    unit_text: str = Field(default="", max_length=400)  # the place as typed: "3-2-1201", "B2 car park"
    unit_key: str = Field(default="", max_length=400)  # canonical key, also for places not in the directory
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    phone: str = Field(default="", max_length=400)
    phone_digits: str = Field(default="", max_length=64)
    category: str = Field(max_length=32)
    content: str = Field(sa_column=Column(Text, nullable=False))
    visit_time: str = Field(default="", max_length=400)  # repairs: when a visit suits the resident (free text)
    urgent: bool = Field(default=False)
    ticket_wanted: bool = Field(default=False)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
    shift_key: str = Field(max_length=32)
    duty_date: date
    # Amendments: the version this row corrects (at most one correction per version: a straight chain) and the
    # first version of the chain, so all versions of a call come back with one indexed query.
    amends_id: int | None = Field(default=None, foreign_key="call.id", unique=True)
    original_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    # The form's client token: saving the same draft twice stores one call.
    client_token: str | None = Field(default=None, max_length=64, unique=True)
    # caller, unit, phone, phone digits and content, NFKC + casefolded, joined by U+001F (never in a field).
    search_text: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime  # when this row was written


class CallDraft(SiteScoped, table=True):
    """An unsaved form, autosaved as it is typed so a crash or a lock screen loses nothing. Not append-only."""

    __table_args__ = (UniqueConstraint("client_token"), Index("ix_calldraft_site_operator", "site_id", "operator_id"))

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    form: str = Field(max_length=32)
    client_token: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON object of the form's fields
    updated_at: datetime


# The per-character inverted index of `call.search_text`: one row per distinct character of a call. A plain
# table (no primary key) on purpose: on SQLite the rows sit in the rowid table and the covering index below is the
# only B-tree searched, so a large import can drop it and rebuild it by sorting once; on PostgreSQL no extra key
# index is kept for 40 rows a call. No foreign keys either: calls are never deleted, and a parent check for every
# character would double the cost of an import.
call_char = Table(
    "callchar",
    SQLModel.metadata,
    Column("site_id", Integer, nullable=False),
    Column("ch", String(1), nullable=False),
    Column("call_id", Integer, nullable=False),
    Index("ix_callchar_lookup", "site_id", "ch", "call_id"),
)


# The newest calls' index rows, clustered by call: a save appends its ~40 rows to one or two pages here instead
# of touching one leaf of `ix_callchar_lookup` per character, which made every commit write ~40 pages. Search
# checks these few calls directly; once `index_merge_calls` calls have gathered, a save moves them into
# `callchar` in one sorted pass (services.calls). Same transaction as the call either way.
call_char_pending = Table(
    "callcharpending",
    SQLModel.metadata,
    Column("site_id", Integer, primary_key=True, autoincrement=False),
    Column("call_id", Integer, primary_key=True, autoincrement=False),
    Column("ch", String(1), primary_key=True),
    sqlite_with_rowid=False,
)
