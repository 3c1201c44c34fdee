"""Tables: plain SQLModel classes with no behaviour; the rules live in deskui.services."""

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
from deskui.models.operators import Operator
from deskui.models.tickets import Ticket, TicketCall, TicketCount, TicketCounter, TicketEvent, ticket_char

__all__ = [
    "Building",
    "Call",
    "CallDisposition",
    "CallDraft",
    "DutyLogEntry",
    "Handover",
    "HandoverRecord",
    "KeyLoan",
    "KeyReturn",
    "Operator",
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
    "call_char",
    "call_char_pending",
    "ticket_char",
]
