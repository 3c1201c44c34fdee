"""Patrols 巡查 (issue 13; 000 二.6: the desk walks the estate every morning and afternoon, 002: the supervisor's rounds).

Every table is append-only (migration 0008 refuses UPDATE, DELETE, TRUNCATE and INSERT OR REPLACE): a round is
written once when it starts (`patrol_round`), each checkpoint's result is a row of its own (`patrol_check`, one per
checkpoint of a round), the round's end is a row (`patrol_end`, one per round), and an abnormal finding made into a
ticket is linked by a row (`patrol_ticket`, one per finding). Routes and checkpoints are configuration
(settings.patrols); a record stores their keys, shown in the reader's language.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class PatrolRound(SiteScoped, table=True):
    """A round of one route started by someone at a time."""

    __tablename__ = "patrol_round"
    __table_args__ = (Index("ix_patrol_round_site_started", "site_id", "started_at", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    route_key: str = Field(max_length=40)
    started_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class PatrolCheck(SiteScoped, table=True):
    """One checkpoint of a round: ok, or abnormal with a note of what was found. One per checkpoint and round."""

    __tablename__ = "patrol_check"
    __table_args__ = (
        UniqueConstraint("round_id", "point_key"),
        Index("ix_patrol_check_site", "site_id", "checked_at", "id"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="patrol_round.id")
    point_key: str = Field(max_length=40)
    ok: bool
    note: str = Field(default="", max_length=400)
    checked_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class PatrolEnd(SiteScoped, table=True):
    """A round finished (whether or not every checkpoint was checked). One per round."""

    __tablename__ = "patrol_end"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="patrol_round.id", unique=True)
    ended_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class PatrolTicket(SiteScoped, table=True):
    """An abnormal finding made into a ticket: the link, written in the transaction that opened the ticket. One per
    finding."""

    __tablename__ = "patrol_ticket"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="patrol_check.id", unique=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    linked_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
