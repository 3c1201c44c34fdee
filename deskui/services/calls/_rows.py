"""The call table as the log reads and writes it: SQLAlchemy Core on the tables, and rows become CallInfo.

The hot paths (saving one call, search-as-you-type, bulk import) send SQL straight to the driver; the statements
and the conversions they need (times as SQLite stores them, raw rows in `COLUMNS` order) live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, select

from deskui.models import Call, CallDraft
from deskui.services.calls._types import CallInfo

CALL: Table = Call.metadata.tables["call"]
DRAFT: Table = CallDraft.metadata.tables["calldraft"]
NEWER = CALL.alias("n")
# Columns a CallInfo is built from; the search SQL selects the same names from alias c.
COLUMNS = (
    "id",
    "called_at",
    "channel",
    "caller",
    "unit_text",
    "unit_key",
    "unit_id",
    "phone",
    "category",
    "content",
    "visit_time",
    "urgent",
    "ticket_wanted",
    "operator_id",
    "operator_name",
    "shift_key",
    "duty_date",
    "amends_id",
    "original_id",
    "recorded_at",
)
SEARCH_SELECT = ", ".join(f"c.{name}" for name in COLUMNS) + ", n.id AS superseded_by"


def to_info(row: Any) -> CallInfo:
    """A CallInfo from a row with the call's column names (a Core row, or an InsertedRow)."""
    return CallInfo(
        id=row.id,
        time=row.called_at,
        channel=row.channel,
        caller=row.caller,
        unit=row.unit_text,
        unit_key=row.unit_key,
        unit_id=row.unit_id,
        phone=row.phone,
        category=row.category,
        content=row.content,
        visit_time=row.visit_time,
        urgent=bool(row.urgent),
        ticket_wanted=bool(row.ticket_wanted),
        operator_id=row.operator_id,
        operator=row.operator_name,
        shift=row.shift_key,
        duty_date=row.duty_date,
        amends_id=row.amends_id,
        original_id=row.original_id,
        recorded_at=row.recorded_at,
        superseded_by=getattr(row, "superseded_by", None),
    )


def utc(value: str | datetime) -> datetime:
    """A stored time as aware UTC: SQLite gives text ("2026-11-23 02:00:00.000000"), PostgreSQL a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sqlite_time(moment: datetime) -> str:
    """An aware time as SQLAlchemy stores it in SQLite (UTC, no offset), for statements sent to the driver."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def aware(moment: datetime, tz: ZoneInfo) -> datetime:
    """A time as aware UTC; a naive one is read in the site's zone."""
    return (moment.replace(tzinfo=tz) if moment.tzinfo is None else moment).astimezone(UTC)


INSERT_COLUMNS = ("id", *(c.name for c in CALL.columns if c.name != "id"))
INSERT_ONE_SQL = (
    f"INSERT INTO call ({', '.join(INSERT_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(INSERT_COLUMNS) - 1))})"
)
INSERT_ONE_NAMED = (
    f"INSERT INTO call ({', '.join(INSERT_COLUMNS[1:])}) VALUES ({', '.join(':' + c for c in INSERT_COLUMNS[1:])})"
)
BY_TOKEN_SQL = (
    f'SELECT {SEARCH_SELECT} FROM "call" AS c LEFT JOIN "call" AS n ON n.amends_id = c.id '
    "WHERE c.site_id = :site AND c.client_token = :token"
)
UNIT_SQL = "SELECT id FROM unit WHERE site_id = :site AND key = :key"


_SQLITE_CONVERT: dict[str, Callable[[Any], Any]] = {
    "called_at": lambda v: sqlite_time(v),
    "recorded_at": lambda v: sqlite_time(v),
    "duty_date": lambda v: v.isoformat(),
    "urgent": int,
    "ticket_wanted": int,
}


def sqlite_row(values: dict[str, Any], call_id: int | None) -> tuple[Any, ...]:
    """One call's values in INSERT_COLUMNS order, converted as SQLAlchemy would store them in SQLite."""
    out: list[Any] = [call_id]
    for name in INSERT_COLUMNS[1:]:
        v = values[name]
        convert = _SQLITE_CONVERT.get(name)
        out.append(v if convert is None or v is None else convert(v))
    return tuple(out)


def tuple_to_info(r: Sequence[Any]) -> CallInfo:
    """A CallInfo from a raw driver row in COLUMNS order plus superseded_by."""
    duty = r[16]
    return CallInfo(
        id=r[0],
        time=utc(r[1]),
        channel=r[2],
        caller=r[3],
        unit=r[4],
        unit_key=r[5],
        unit_id=r[6],
        phone=r[7],
        category=r[8],
        content=r[9],
        visit_time=r[10],
        urgent=bool(r[11]),
        ticket_wanted=bool(r[12]),
        operator_id=r[13],
        operator=r[14],
        shift=r[15],
        duty_date=date.fromisoformat(duty) if isinstance(duty, str) else duty,
        amends_id=r[17],
        original_id=r[18],
        recorded_at=utc(r[19]),
        superseded_by=r[20],
    )


def select_calls() -> Select[Any]:
    """SELECT of every CallInfo column plus the id of the newer version (NULL for the current one)."""
    return select(*(CALL.c[n] for n in COLUMNS), NEWER.c.id.label("superseded_by")).select_from(
        CALL.outerjoin(NEWER, NEWER.c.amends_id == CALL.c.id)
    )


class InsertedRow:
    """Attribute access over a dict, so a just-inserted row becomes a CallInfo like a fetched one."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
