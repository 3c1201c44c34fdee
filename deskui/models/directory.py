"""Buildings 楼栋, units 房号 (homes, shops, public places) and the residents who live in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Building(SiteScoped, table=True):
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16)
    name: str = Field(max_length=100)


class Unit(SiteScoped, table=True):
    """A place a call can be about. `key` is the canonical spelling ("3-2-1201", "public:东门")."""

    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    building_id: int | None = Field(default=None, foreign_key="building.id", index=True)
    entrance: str = Field(default="", max_length=16)
    room: str = Field(default="", max_length=32, index=True)
    kind: str = Field(max_length=16)  # residence | shop | public
    key: str = Field(max_length=100, index=True)
    label: str = Field(max_length=100)


class Resident(SiteScoped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=16)  # owner | tenant | other
    notes: str = Field(default="", max_length=1000)
    name_pinyin: str = Field(default="", max_length=400, index=True)
    name_initials: str = Field(default="", max_length=100, index=True)
    # Script-blind search (issue 12): the name folded (core.scriptfold, so 陳 and 陈 meet), and every pinyin spelling
    # it is found by, each led by a space, the surname read both ways (services.common.pinyin.search_readings).
    name_folded: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    name_readings: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime


class ResidentPhone(SiteScoped, table=True):
    """One of a resident's numbers; `reversed_digits` turns "last 4 digits" into an indexed prefix search."""

    __table_args__ = (UniqueConstraint("resident_id", "digits"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    phone: str = Field(max_length=40)
    digits: str = Field(max_length=32, index=True)
    reversed_digits: str = Field(max_length=32, index=True)
