"""Searching the duty log (issue 12): the entries whose text, as the reader sees it, or whose writer contains a term,
in either Chinese script (陳 finds 陈), newest first.

The log is append-only and keeps no search text (an entry written as facts is rendered in the reader's language
only when read, services.handover._facts), so each entry is folded as it is searched (core.scriptfold): the same hits
as a substring scan over the folded text, by construction. Read a page of the chain at a time, newest first, until
`limit` are found. Measured (bench/search_fold.py (d), 2-core machine, loaded or not): 1.2-1.6 x reading the same entries
and testing their text with a plain `in`; reading and rendering the entries is most of the cost, not the folding.
"""

from __future__ import annotations

from sqlalchemy import select

from deskui.core.scriptfold import fold
from deskui.models import DutyLogEntry
from deskui.services.handover._dutylog import DutyLogService, LogEntry

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
PAGE = 1000


def search_log(log: DutyLogService, term: str, *, limit: int = 50) -> list[LogEntry]:
    """Entries whose shown text or writer's name contains `term` (folded: script, width and case), newest first."""
    needle = fold(term.strip())
    if not needle:
        return []
    found: list[LogEntry] = []
    before: int | None = None
    while len(found) < limit:
        q = select(_LOG).where(_LOG.c.site_id == log.site_id)
        if before is not None:
            q = q.where(_LOG.c.seq < before)
        with log.db.read() as s:
            page = log._entries(s, q.order_by(_LOG.c.seq.desc()).limit(PAGE))
        found += [e for e in page if needle in fold(e.text) or needle in fold(e.operator)]
        if len(page) < PAGE:
            break
        before = page[-1].seq
    return found[:limit]
