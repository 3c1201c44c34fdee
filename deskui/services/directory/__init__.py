"""The resident directory: buildings, units and residents, and the lookups the desk makes on every call.

This is the package's public API; its modules are private: `_types` (what goes in and out), `_checks` (units and
residents as typed), `_service` (DirectoryService), `_imports` (units and residents from CSV, all-or-nothing),
`_workers` (the departments' workers a dispatch names: `DirectoryService.workers`).
"""

from __future__ import annotations

from deskui.services.directory._checks import check_resident, check_unit, split_phones
from deskui.services.directory._imports import (
    check_residents_file,
    check_units_file,
    import_residents,
    import_units,
)
from deskui.services.directory._service import DirectoryService
from deskui.services.directory._types import NewResident, NewUnit, ResidentInfo, UnitInfo
from deskui.services.directory._workers import WorkerInfo, WorkerService

__all__ = [
    "DirectoryService",
    "NewResident",
    "NewUnit",
    "ResidentInfo",
    "UnitInfo",
    "WorkerInfo",
    "WorkerService",
    "check_resident",
    "check_residents_file",
    "check_unit",
    "check_units_file",
    "import_residents",
    "import_units",
    "split_phones",
]
