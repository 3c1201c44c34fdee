"""Tickets (工单): the public face of the package. Other packages, screens and tests import from here, never from
the private modules (`_service`, `_create`, `_actions`, ...), which an import-linter contract keeps private.

Importing this package is cheap: the kinds, labels and plain data below need no database, so a screen can import
them before SQLAlchemy is loaded; `TicketService`, `RULES` and the export functions load their modules (and
SQLAlchemy) when first used, as `deskui.services` does for `open_services`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from deskui.services.tickets._complaints import COMPLAINT_FIELDS, REPLY_VIA, REPLY_VIA_LABELS
from deskui.services.tickets._help import (
    StepInfo,
    checklist,
    help_kind_key,
    help_kind_label,
    next_step,
    open_steps,
    step_label,
)
from deskui.services.tickets._repairs import PAID_LABELS, REPAIR_KINDS, fee_text, paid_text, signoff_text
from deskui.services.tickets._replay import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    EventRecord,
    TicketState,
    replay,
    row_values,
)
from deskui.services.tickets._targets import (
    TargetState,
    describe,
    due_soon_seconds,
    past_due,
    running_state,
    span,
    verdict,
)
from deskui.services.tickets._types import (
    CALLBACK_OUTCOME_LABELS,
    CALLBACK_OUTCOMES,
    CALLBACK_VIA,
    CALLBACK_VIA_LABELS,
    CATEGORY_KINDS,
    EVENT_LABELS,
    HELP_KIND_LABELS,
    HELP_KINDS,
    INFORMED,
    KIND_LABELS,
    KINDS,
    PREFIXES,
    QUEUE_LABELS,
    QUEUES,
    REPAIR_TYPE_LABELS,
    REPAIR_TYPES,
    SEVERITIES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    WAITING_ON,
    EventInfo,
    QueuePage,
    SectionCounts,
    TicketChanged,
    TicketDetail,
    TicketInfo,
    TicketInput,
    UrgentTicket,
)

if TYPE_CHECKING:
    from deskui.services.tickets._export import TARGET_STATE_LABELS as TARGET_STATE_LABELS
    from deskui.services.tickets._export import event_record as event_record
    from deskui.services.tickets._export import export as export_tickets
    from deskui.services.tickets._export import record as ticket_record
    from deskui.services.tickets._export import write_csv as write_tickets_csv
    from deskui.services.tickets._export import write_json as write_tickets_json
    from deskui.services.tickets._queues import overdue_condition as overdue_condition
    from deskui.services.tickets._rules import RULES as RULES
    from deskui.services.tickets._service import TicketService as TicketService

# Loaded on first use: name → (private module, name there).
_LAZY = {
    "TicketService": ("_service", "TicketService"),
    "RULES": ("_rules", "RULES"),
    "export_tickets": ("_export", "export"),
    "ticket_record": ("_export", "record"),
    "event_record": ("_export", "event_record"),
    "write_tickets_csv": ("_export", "write_csv"),
    "write_tickets_json": ("_export", "write_json"),
    "TARGET_STATE_LABELS": ("_export", "TARGET_STATE_LABELS"),
    "overdue_condition": ("_queues", "overdue_condition"),
}

__all__ = [
    "CALLBACK_OUTCOMES",
    "CALLBACK_OUTCOME_LABELS",
    "CALLBACK_VIA",
    "CALLBACK_VIA_LABELS",
    "CATEGORY_KINDS",
    "COMPLAINT_FIELDS",
    "EVENT_LABELS",
    "HELP_KINDS",
    "HELP_KIND_LABELS",
    "INFORMED",
    "KINDS",
    "KIND_LABELS",
    "OPEN_STATUSES",
    "PAID_LABELS",
    "PREFIXES",
    "QUEUES",
    "QUEUE_LABELS",
    "REPAIR_KINDS",
    "REPAIR_TYPES",
    "REPAIR_TYPE_LABELS",
    "REPLY_VIA",
    "REPLY_VIA_LABELS",
    "RULES",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "STATUS_LABELS",
    "TARGET_STATE_LABELS",
    "TERMINAL_STATUSES",
    "WAITING_ON",
    "EventInfo",
    "EventRecord",
    "QueuePage",
    "SectionCounts",
    "StepInfo",
    "TargetState",
    "TicketChanged",
    "TicketDetail",
    "TicketInfo",
    "TicketInput",
    "TicketService",
    "TicketState",
    "UrgentTicket",
    "checklist",
    "describe",
    "due_soon_seconds",
    "event_record",
    "export_tickets",
    "fee_text",
    "help_kind_key",
    "help_kind_label",
    "next_step",
    "open_steps",
    "overdue_condition",
    "paid_text",
    "past_due",
    "replay",
    "row_values",
    "running_state",
    "signoff_text",
    "span",
    "step_label",
    "ticket_record",
    "verdict",
    "write_tickets_csv",
    "write_tickets_json",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value
