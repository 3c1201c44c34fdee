"""Tables: plain SQLModel classes with no behaviour; the rules live in deskui.services."""

from deskui.models.archive import Archive
from deskui.models.base import Site
from deskui.models.calls import Call, CallDraft, call_char, call_char_pending
from deskui.models.directory import Building, Resident, ResidentPhone, Unit
from deskui.models.handover import (
    CallDisposition,
    DutyLogEntry,
    Handover,
    HandoverRecord,
    KeyLoan,
    KeyReturn,
    RosterAssignment,
    RosterChange,
)
from deskui.models.keys import KeyItem, KeyLoanAuthority, KeyRetirement
from deskui.models.operators import Operator
from deskui.models.patrols import PatrolCheck, PatrolEnd, PatrolRound, PatrolTicket
from deskui.models.registers import (
    GatePass,
    GatePassUse,
    GatePassVoid,
    Parcel,
    ParcelNotice,
    ParcelPickup,
    Visit,
    VisitExit,
)
from deskui.models.renovations import (
    Renovation,
    RenovationClose,
    RenovationDecision,
    RenovationInspection,
    RenovationTicket,
    RenovationWorkerPass,
)
from deskui.models.tickets import Ticket, TicketCall, TicketCount, TicketCounter, TicketEvent, ticket_char
from deskui.models.workers import Worker

__all__ = [
    "Archive",
    "Building",
    "Call",
    "CallDisposition",
    "CallDraft",
    "DutyLogEntry",
    "GatePass",
    "GatePassUse",
    "GatePassVoid",
    "Handover",
    "HandoverRecord",
    "KeyItem",
    "KeyLoan",
    "KeyLoanAuthority",
    "KeyRetirement",
    "KeyReturn",
    "Operator",
    "Parcel",
    "ParcelNotice",
    "ParcelPickup",
    "PatrolCheck",
    "PatrolEnd",
    "PatrolRound",
    "PatrolTicket",
    "Renovation",
    "RenovationClose",
    "RenovationDecision",
    "RenovationInspection",
    "RenovationTicket",
    "RenovationWorkerPass",
    "Resident",
    "ResidentPhone",
    "RosterAssignment",
    "RosterChange",
    "Site",
    "Ticket",
    "TicketCall",
    "TicketCount",
    "TicketCounter",
    "TicketEvent",
    "Unit",
    "Visit",
    "VisitExit",
    "Worker",
    "call_char",
    "call_char_pending",
    "ticket_char",
]
