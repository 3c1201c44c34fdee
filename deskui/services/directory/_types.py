"""What the directory hands out (UnitInfo, ResidentInfo) and takes in once checked (NewUnit, NewResident)."""

from __future__ import annotations

from dataclasses import dataclass

from deskui.services.common.places import UnitRef


@dataclass(frozen=True)
class UnitInfo:
    id: int
    key: str
    label: str
    kind: str
    building: str
    entrance: str
    room: str


@dataclass(frozen=True)
class ResidentInfo:
    id: int
    name: str
    role: str
    notes: str
    unit_id: int
    unit_key: str
    unit_label: str
    phones: tuple[str, ...]


@dataclass(frozen=True)
class NewUnit:
    """A unit checked and ready to insert."""

    key: str
    label: str
    kind: str
    ref: UnitRef | None


@dataclass(frozen=True)
class NewResident:
    name: str
    unit_key: str
    role: str
    notes: str
    phones: tuple[str, ...]
