"""The desk's registers (issue 13): visitors 来访登记, parcels and mail 代收, goods-release passes 物品放行.

Every table here is append-only (the database refuses UPDATE, DELETE, TRUNCATE and INSERT OR REPLACE with
triggers, migration 0007), like the key log: a record is written once, and each later fact about it is a row of its
own — a visitor leaving (`visit_exit`, one per visit), a resident told about a parcel (`parcel_notice`, any number),
a parcel picked up (`parcel_pickup`, one per parcel), a pass used at the gate (`gate_pass_use`, one per pass) or
voided (`gate_pass_void`, one per pass). The current state is derived from those rows (services.registers); the
unique keys make "left twice", "picked up twice" and "used twice" impossible even if a service check were bypassed.

Every record names its place three ways, as calls and tickets do: `unit_text` exactly as typed, `unit_key` the
canonical spelling ("3-2-1201" for any spelling of a home, "public:…" otherwise: what a unit's timeline reads) and
`unit_id` when the directory knows the unit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from deskui.models.base import SiteScoped


class Visit(SiteScoped, table=True):
    """A visitor signed in at the desk (来访登记): who, to which unit, why, when; optional plate and ID tail."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_site_entered", "site_id", "entered_at", "id"),
        Index("ix_visit_unit", "site_id", "unit_key", "entered_at"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    unit_text: str = Field(max_length=400)
    unit_key: str = Field(max_length=400)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    purpose: str = Field(max_length=400)
    plate: str = Field(default="", max_length=20)
    id_tail: str = Field(default="", max_length=8)  # the last digits of an ID card, never the whole number
    entered_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class VisitExit(SiteScoped, table=True):
    """A visitor gone: a row of its own, so the visit stays as written. One per visit."""

    __tablename__ = "visit_exit"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", unique=True)
    left_at: datetime
    note: str = Field(default="", max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class Parcel(SiteScoped, table=True):
    """A parcel, letter or newspaper received for a unit (代收): carrier, tracking number, shelf."""

    __tablename__ = "parcel"
    __table_args__ = (
        Index("ix_parcel_site_received", "site_id", "received_at", "id"),
        Index("ix_parcel_unit", "site_id", "unit_key", "received_at"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # parcel | letter | newspaper
    unit_text: str = Field(max_length=400)
    unit_key: str = Field(max_length=400)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    carrier: str = Field(max_length=100)
    tracking: str = Field(default="", max_length=100)
    shelf: str = Field(default="", max_length=32)
    note: str = Field(default="", max_length=400)
    received_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class ParcelNotice(SiteScoped, table=True):
    """The resident told that a parcel waits (when, how); a parcel may be notified more than once."""

    __tablename__ = "parcel_notice"
    __table_args__ = (Index("ix_parcel_notice_parcel", "site_id", "parcel_id", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id")
    notified_at: datetime
    via: str = Field(max_length=16)  # sms | phone | note
    note: str = Field(default="", max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class ParcelPickup(SiteScoped, table=True):
    """A parcel handed over: to whom, when. One per parcel."""

    __tablename__ = "parcel_pickup"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id", unique=True)
    picked_up_at: datetime
    picked_up_by: str = Field(max_length=100)
    note: str = Field(default="", max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class GatePass(SiteScoped, table=True):
    """A goods-release pass 物品放行条 issued at the desk: its number (what the gate types), the unit, the bearer
    and whether they are the owner or need the owner's consent (and how it was checked), the items and vehicle,
    valid until a time. `warning` keeps what the desk was warned of and issued anyway (a move-out from a unit with
    unpaid matters flagged), as it read then."""

    __tablename__ = "gate_pass"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_gate_pass_site_issued", "site_id", "issued_at", "id"),
        Index("ix_gate_pass_unit", "site_id", "unit_key", "issued_at"),
    )

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32)  # FX-20261203-007: prefix, local date, per-day sequence
    kind: str = Field(max_length=16)  # goods | move_out
    unit_text: str = Field(max_length=400)
    unit_key: str = Field(max_length=400)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    bearer: str = Field(max_length=100)
    bearer_role: str = Field(max_length=16)  # owner | tenant
    consent: str = Field(default="", max_length=400)  # how the owner's consent was checked (tenants)
    items: str = Field(sa_column=Column(Text, nullable=False))
    vehicle: str = Field(default="", max_length=20)
    warning: str = Field(sa_column=Column(Text, nullable=False))
    issued_at: datetime
    valid_until: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class GatePassUse(SiteScoped, table=True):
    """A pass shown and honoured at the gate. One per pass: a pass lets goods out once."""

    __tablename__ = "gate_pass_use"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    pass_id: int = Field(foreign_key="gate_pass.id", unique=True)
    used_at: datetime
    note: str = Field(default="", max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class GatePassVoid(SiteScoped, table=True):
    """A pass withdrawn before use (written wrongly, plans changed): the correction is this row. One per pass."""

    __tablename__ = "gate_pass_void"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    pass_id: int = Field(foreign_key="gate_pass.id", unique=True)
    voided_at: datetime
    reason: str = Field(max_length=400)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)
