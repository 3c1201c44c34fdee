"""Duty and shift handover: the duty log and its hash chain, the handover checklist and its signatures, the roster,
the key log and the supervisor's daily review.

This module is the package's public API; the modules named with a leading underscore are its internals:
`_service` (HandoverService: which shift, starting, the state, the relief), `_steps` (the checklist's steps),
`_signing`, `_items` (gathering open items), `_records` (the rows), `_types` (the data handed out), `_review`,
`_dutylog` (+ `_dutylog_chain` writing to the chain, `_dutylog_check` checking it, `_dutylog_export`), `_chain`
(the pure hash chain), `_roster`, `_keylog`, `_keys` (the key inventory, whose rules the key log lends by). The
whole verification, with the registers' audit and the triggers, is `deskui.services.admin.verify`, above this
package.
"""

from deskui.services.handover._dutylog import DutyLogService, LogEntry, ShiftView, TicketEventLine
from deskui.services.handover._dutylog_check import ChainCheck, VerifyProblem, VerifyResult
from deskui.services.handover._dutylog_export import export
from deskui.services.handover._dutylog_search import search_log
from deskui.services.handover._items import (
    open_patrol_items,
    open_register_items,
    open_renovation_items,
    patrol_source,
    register_sources,
    renovation_source,
)
from deskui.services.handover._keylog import KeyLoanInfo, KeyLogService
from deskui.services.handover._keys import KEY_STATES, AuthorityNeeded, KeyCount, KeyInfo, KeyInventory, normalize_tag
from deskui.services.handover._review import ReviewService
from deskui.services.handover._roster import (
    MonthRoster,
    OnDuty,
    RosterChangeInfo,
    RosterService,
    RosterSlot,
    crosses_midnight,
    day_slots,
    next_slot,
    parse_month,
    previous_slot,
    relief_due,
    slot_of,
)
from deskui.services.handover._service import HandoverService
from deskui.services.handover._steps import CHECKS, STEP_LABELS, STEPS, parse_count
from deskui.services.handover._types import (
    DISPOSITION_LABELS,
    DISPOSITIONS,
    Blocker,
    CheckState,
    DayReview,
    Discrepancy,
    EquipmentCount,
    HandoverExists,
    HandoverState,
    HandoverSummary,
    NightCall,
    OpenItem,
    OperatorRef,
    ReliefStatus,
    ReviewSignature,
    Signature,
    to_plain,
)

__all__ = [
    "CHECKS",
    "DISPOSITIONS",
    "DISPOSITION_LABELS",
    "KEY_STATES",
    "STEPS",
    "STEP_LABELS",
    "AuthorityNeeded",
    "Blocker",
    "ChainCheck",
    "CheckState",
    "DayReview",
    "Discrepancy",
    "DutyLogService",
    "EquipmentCount",
    "HandoverExists",
    "HandoverService",
    "HandoverState",
    "HandoverSummary",
    "KeyCount",
    "KeyInfo",
    "KeyInventory",
    "KeyLoanInfo",
    "KeyLogService",
    "LogEntry",
    "MonthRoster",
    "NightCall",
    "OnDuty",
    "OpenItem",
    "OperatorRef",
    "ReliefStatus",
    "ReviewService",
    "ReviewSignature",
    "RosterChangeInfo",
    "RosterService",
    "RosterSlot",
    "ShiftView",
    "Signature",
    "TicketEventLine",
    "VerifyProblem",
    "VerifyResult",
    "crosses_midnight",
    "day_slots",
    "export",
    "next_slot",
    "normalize_tag",
    "open_patrol_items",
    "open_register_items",
    "open_renovation_items",
    "parse_count",
    "parse_month",
    "patrol_source",
    "previous_slot",
    "register_sources",
    "relief_due",
    "renovation_source",
    "search_log",
    "slot_of",
    "to_plain",
]
