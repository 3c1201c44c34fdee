"""Today (issue 14, "a desk that shows today"): for the signed-in role, what is due, late or waiting now — each a
count of what, the first few, and the place in the app where it is handled. The home screen shows it.

One call, `TodayService.today_for(role)`, asks the other services their own questions (the ticket queues and
their counts, the registers, the handover's open items, the patrol schedule, the supervisor's review) as of one
moment; nothing is written. This module is the package's public API; its modules are private: `_types` (the plain
data handed out), `_lines` (one function per line, grouped by view in `LINES`), `_service`. The tickets it asks
through the ticket package's API (`TicketService.summaries`: the few questions the queues do not ask), never its
tables.
"""

from deskui.services.today._lines import ITEMS, LINES, LineSource, Sources
from deskui.services.today._service import TodayService
from deskui.services.today._types import (
    DAY,
    NIGHT,
    ROLE_VIEWS,
    SUPERVISOR,
    VIEW_LABELS,
    VIEWS,
    Place,
    Today,
    TodayItem,
    TodayLine,
    view_for,
)

__all__ = [
    "DAY",
    "ITEMS",
    "LINES",
    "NIGHT",
    "ROLE_VIEWS",
    "SUPERVISOR",
    "VIEWS",
    "VIEW_LABELS",
    "LineSource",
    "Place",
    "Sources",
    "Today",
    "TodayItem",
    "TodayLine",
    "TodayService",
    "view_for",
]
