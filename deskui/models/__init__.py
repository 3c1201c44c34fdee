"""Tables: plain SQLModel classes with no behaviour; the rules live in deskui.services."""

from deskui.models.base import Site
from deskui.models.calls import Call, CallDraft, call_char
from deskui.models.directory import Building, Resident, ResidentPhone, Unit
from deskui.models.operators import Operator

__all__ = ["Building", "Call", "CallDraft", "Operator", "Resident", "ResidentPhone", "Site", "Unit", "call_char"]
