"""One unit's whole story (issue 13 item 7): calls, tickets and their history with callbacks, duty-log lines that
name the unit, visitors, parcels and goods passes, newest first, filterable by kind and time.

The public API is below; the modules behind it are private: `_types` (kinds, groups, an entry, the story),
`_labels` (states in the reader's language), `_mentions` (a unit named in free text, in any spelling), `_sources` (one function per source), `_service`
(TimelineService). The timeline sits above services.container: `TimelineService.of(services)` builds it.
"""

from __future__ import annotations

from deskui.services.timeline._labels import STATE_LABELS, state_label
from deskui.services.timeline._mentions import like_patterns, mentions
from deskui.services.timeline._rows import TimelineSource
from deskui.services.timeline._service import TimelineService
from deskui.services.timeline._sources import SOURCES
from deskui.services.timeline._types import (
    GROUP_LABELS,
    GROUPS,
    KIND_LABELS,
    KINDS,
    Timeline,
    TimelineEntry,
    TimelineQuery,
    expand_kinds,
    kind_label,
)

__all__ = [
    "GROUPS",
    "GROUP_LABELS",
    "KINDS",
    "KIND_LABELS",
    "SOURCES",
    "STATE_LABELS",
    "Timeline",
    "TimelineEntry",
    "TimelineQuery",
    "TimelineService",
    "TimelineSource",
    "expand_kinds",
    "kind_label",
    "like_patterns",
    "mentions",
    "state_label",
]
