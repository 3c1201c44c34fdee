"""Tables: plain SQLModel classes with no behaviour; the rules live in deskui.services."""

from deskui.models.base import Site
from deskui.models.calls import Call, CallDraft, call_char
from deskui.models.directory import Building, Resident, ResidentPhone, Unit
from deskui.models.operators import Operator
from deskui.models.tickets import Ticket, TicketCall, TicketCounter, TicketEvent, ticket_char

__all__ = [
    "Building",
    "Call",
    "CallDraft",
    "Operator",
    "Resident",
    "ResidentPhone",
    "Site",
    "Ticket",
    "TicketCall",
    "TicketCounter",
    "TicketEvent",
    "Unit",
    "call_char",
    "ticket_char",
]
