"""Reports: the monthly report (calls, tickets, targets, callbacks, recurring problems, handover quality) counted by
the database, shown by the Reports screen and `deskui report monthly`, exported as JSON or XLSX.

The public API is below; the modules behind it are private (`_monthly` the service, `_sql` its statements,
`_figures` the report as data, `_labels` and `_scope` the words and the month, `_export` JSON and XLSX).
Reports sit above services.container: `ReportService.of(services)` builds the service over an open Services.
"""

from __future__ import annotations

from deskui.services.reports._export import (
    FORMATS,
    SCHEMA,
    duration_text,
    export,
    share_text,
    to_dict,
    write_json,
    write_xlsx,
)
from deskui.services.reports._figures import (
    CallbackFigures,
    CallFigures,
    ComplianceRow,
    Count,
    CountDiscrepancy,
    HandoverFigures,
    LateRelief,
    MonthlyReport,
    OverdueTicket,
    Quantiles,
    RecurringCall,
    RecurringProblem,
    TargetFigures,
    TargetTally,
    TicketFigures,
)
from deskui.services.reports._labels import SECTION_LABELS, SECTIONS, label
from deskui.services.reports._monthly import ReportService, quantile
from deskui.services.reports._scope import month_bounds, normalize_building, shift_month

# The statements a report runs, for bench/reports.py to time them raw on sqlite3 against the service.
from deskui.services.reports._sql import Sql, all_statements, sqlite_time

__all__ = [
    "FORMATS",
    "SCHEMA",
    "SECTIONS",
    "SECTION_LABELS",
    "CallFigures",
    "CallbackFigures",
    "ComplianceRow",
    "Count",
    "CountDiscrepancy",
    "HandoverFigures",
    "LateRelief",
    "MonthlyReport",
    "OverdueTicket",
    "Quantiles",
    "RecurringCall",
    "RecurringProblem",
    "ReportService",
    "Sql",
    "TargetFigures",
    "TargetTally",
    "TicketFigures",
    "all_statements",
    "duration_text",
    "export",
    "label",
    "month_bounds",
    "normalize_building",
    "quantile",
    "share_text",
    "shift_month",
    "sqlite_time",
    "to_dict",
    "write_json",
    "write_xlsx",
]
