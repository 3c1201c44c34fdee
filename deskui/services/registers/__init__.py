"""The desk's registers (issue 13): visitors 来访登记, parcels and mail 代收, goods-release passes 物品放行.

This is the package's public API; its modules are private: `_types` (what goes in and out, the refusals),
`_common` (places in any spelling, checked text, the write lock), `_visitors` (VisitorRegister), `_parcels`
(ParcelRegister), `_passes` (PassRegister), `_patrols` (PatrolRegister, patrols 巡查), `_renovations`
(RenovationRegister, permits 装修). The tables are append-only (models.registers and migration 0007, models.patrols
and 0008); every write is one transaction; the handover reads `VisitorRegister.inside`, `ParcelRegister.old` and the
patrols' missed rounds and findings.
"""

from __future__ import annotations

from deskui.services.registers._parcels import ParcelRegister
from deskui.services.registers._passes import PassRegister, normalize_number
from deskui.services.registers._patrols import (
    CHECK_STATES,
    ROUND_STATES,
    SCHEDULE_STATES,
    CheckInfo,
    Finding,
    PatrolRegister,
    RoundInfo,
    ScheduledRound,
    TicketRequest,
)
from deskui.services.registers._renovation_types import (
    APPLICANT_ROLES,
    INSPECTION_RESULTS,
    RENOVATION_STATES,
    InspectionInfo,
    RenovationInfo,
    TicketOpener,
    WorkerPassInfo,
)
from deskui.services.registers._renovations import RenovationRegister
from deskui.services.registers._types import (
    BEARER_ROLES,
    NOTICE_VIA,
    PARCEL_KINDS,
    PARCEL_STATES,
    PASS_KINDS,
    PASS_STATES,
    VISIT_STATES,
    AlreadyDone,
    ConsentNeeded,
    ParcelInfo,
    PassCheck,
    PassInfo,
    PassNotUsable,
    UnpaidMattersFlagged,
    VisitInfo,
    label,
)
from deskui.services.registers._visitors import VisitorRegister

__all__ = [
    "APPLICANT_ROLES",
    "BEARER_ROLES",
    "CHECK_STATES",
    "INSPECTION_RESULTS",
    "NOTICE_VIA",
    "PARCEL_KINDS",
    "PARCEL_STATES",
    "PASS_KINDS",
    "PASS_STATES",
    "RENOVATION_STATES",
    "ROUND_STATES",
    "SCHEDULE_STATES",
    "VISIT_STATES",
    "AlreadyDone",
    "CheckInfo",
    "ConsentNeeded",
    "Finding",
    "InspectionInfo",
    "ParcelInfo",
    "ParcelRegister",
    "PassCheck",
    "PassInfo",
    "PassNotUsable",
    "PassRegister",
    "PatrolRegister",
    "RenovationInfo",
    "RenovationRegister",
    "RoundInfo",
    "ScheduledRound",
    "TicketOpener",
    "TicketRequest",
    "UnpaidMattersFlagged",
    "VisitInfo",
    "VisitorRegister",
    "WorkerPassInfo",
    "label",
    "normalize_number",
]
