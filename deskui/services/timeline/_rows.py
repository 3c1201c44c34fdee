"""What the timeline's sources share: the shape of a source, stored times as aware UTC, one-line summaries, the
time range as a WHERE, and the paged scan for a unit named in free text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, or_

from deskui.services.timeline._mentions import like_patterns, mentions
from deskui.services.timeline._types import TimelineEntry, TimelineQuery

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskui.services import Services

SUMMARY_CHARS = 80
TEXT_PAGE = 200  # rows read at a time while looking for a unit named in free text

Source = Callable[["Services", TimelineQuery], list[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    """A source and the kinds it gives (a source none of whose kinds is asked for is not run)."""

    name: str
    kinds: tuple[str, ...]
    read: Source


def utc(value: str | datetime) -> datetime:
    """A stored time as aware UTC (SQLite text or a naive datetime is UTC; PostgreSQL's is aware)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_line(text: str, width: int = SUMMARY_CHARS) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def in_range(q: Select[Any], column: Any, query: TimelineQuery) -> Select[Any]:
    """`q` limited to the query's time range on `column`."""
    if query.since is not None:
        q = q.where(column >= query.since)
    if query.until is not None:
        q = q.where(column < query.until)
    return q


def like_any(columns: list[Any], key: str) -> ColumnElement[bool] | None:
    """Any of `columns` LIKE any pattern every mention of the unit matches (None: nothing can match)."""
    patterns = like_patterns(key)
    if not patterns:
        return None
    return or_(*(c.like(p, escape="\\") for c in columns for p in patterns))


def naming(s: Session, q: Select[Any], order: Any, text: Callable[[Any], str], query: TimelineQuery) -> Iterator[Any]:
    """Rows of `q` (already filtered by `like_any`), newest first by the unique `order` column, whose `text` names
    the unit exactly: read a page at a time, stopping once the query's limit (and one more) is found."""
    found = 0
    after: Any = None
    while found <= query.limit:
        page_q = q if after is None else q.where(order < after)
        page = list(s.execute(page_q.order_by(order.desc()).limit(TEXT_PAGE)))
        for row in page:
            if mentions(text(row), query.key):
                found += 1
                yield row
                if found > query.limit:
                    return
        if len(page) < TEXT_PAGE:
            return
        after = getattr(page[-1], order.key)
