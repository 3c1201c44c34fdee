"""The call and visit log (来电来访登记): check, save, amend, list, search, read back; drafts; bulk import.

Rules (DOMAIN.md "Logging a call or visit"):
- every call is saved as typed, once, and never changed (003 4.1.8); a correction is a new row (`amends_id`);
- saving is idempotent per form (client token), and the form's draft goes in the same transaction;
- the search index rows are written in the same transaction as the call, so search never misses a saved call;
- bad input raises ValidationError(field=…) before anything is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from deskui.core.clock import Clock
from deskui.core.config import Choice, Settings
from deskui.core.db import Database, serialize_writers
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import Call, CallDraft, Unit
from deskui.services.common import search as idx
from deskui.services.common.places import check_phone, parse_unit, phone_digits, public_key
from deskui.services.common.shifts import shift_at
from deskui.services.common.text import FIELD_LABELS, check_text, choose, field_label
from deskui.services.common.timeparse import check_not_future, parse_time

_CALL = Call.__table__  # type: ignore[attr-defined]
_DRAFT = CallDraft.__table__  # type: ignore[attr-defined]
_NEWER = _CALL.alias("n")
# Columns a CallInfo is built from; the search SQL selects the same names from alias c.
_COLUMNS = (
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
_SEARCH_SELECT = ", ".join(f"c.{name}" for name in _COLUMNS) + ", n.id AS superseded_by"

# A big import rebuilds the character index (one sort) instead of updating it row by row, but only when it adds
# at least this share of the rows already there: rebuilding a huge index for a small file costs more.
_REINDEX_SHARE = 0.25
_CHUNK = 500

# How each channel reads back: zh verb, en verb.
_CHANNEL_VERBS = {
    "phone": ("来电", "called"),
    "walk_in": ("来访", "came in"),
    "letter": ("来信", "wrote"),
    "fax": ("来传真", "faxed"),
    "online": ("网上留言", "wrote online"),
}


# --- data passed in and out ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallInput:
    """The form as typed. `time`: text as typed ("14:05", "-10m", "昨天 23:40", ISO) or a datetime; None = now."""

    content: str
    category: str
    channel: str = "phone"
    time: str | datetime | None = None
    caller: str = ""
    unit: str = ""
    phone: str = ""
    visit_time: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class CheckedCall:
    """A call that passed every rule, with what is derived from it; ready to insert."""

    called_at: datetime
    channel: str
    caller: str
    unit_text: str
    unit_key: str
    phone: str
    phone_digits: str
    category: str
    content: str
    visit_time: str
    urgent: bool
    ticket_wanted: bool
    shift_key: str
    duty_date: date
    search_text: str


@dataclass(frozen=True)
class CallInfo:
    """One saved version of a call. `time` is aware UTC; show it with services.shifts.local_time."""

    id: int
    time: datetime
    channel: str
    caller: str
    unit: str
    unit_key: str
    unit_id: int | None
    phone: str
    category: str
    content: str
    visit_time: str
    urgent: bool
    ticket_wanted: bool
    operator_id: int | None
    operator: str
    shift: str
    duty_date: date
    amends_id: int | None
    original_id: int | None
    recorded_at: datetime
    superseded_by: int | None = None

    @property
    def is_current(self) -> bool:
        return self.superseded_by is None

    @property
    def root_id(self) -> int:
        """The id of the first version: the call's stable number across corrections."""
        return self.original_id or self.id


@dataclass(frozen=True)
class OpenMatter:
    """Something still open for a unit and category: a recent call, or an open ticket (from the ticket service)."""

    kind: str  # "call" or "ticket"
    id: int
    time: datetime
    category: str
    summary: str
    name: str
    """How a person names it: a call '#N' (its own number), a ticket its number (WX-…), never its internal id."""
    calls: tuple[int, ...] = ()
    """The calls (first-version ids) this matter is: the call itself, or the calls linked to the ticket. A call behind
    a listed ticket is that ticket, not a second matter."""


@dataclass(frozen=True)
class DuplicateWarning:
    unit: str
    category: str
    matters: tuple[OpenMatter, ...]
    message: str


@dataclass(frozen=True)
class CallerLookup:
    """What a phone number tells the desk: residents with that number and the last calls from it."""

    phone: str
    residents: tuple[Any, ...]  # directory.ResidentInfo
    recent: tuple[CallInfo, ...]

    @property
    def caller(self) -> str:
        if self.residents:
            return str(self.residents[0].name)
        return self.recent[0].caller if self.recent else ""

    @property
    def unit(self) -> str:
        if self.residents:
            return str(self.residents[0].unit_label)
        return self.recent[0].unit if self.recent else ""


@dataclass(frozen=True)
class DraftInfo:
    token: str
    form: str
    operator_id: int | None
    payload: dict[str, Any]
    updated_at: datetime


# A source of open matters: (session, site_id, unit_key, category, now, exclude_ids) → matters. Tickets register one.
OpenMatterSource = Callable[[Session, int, str, str, datetime, frozenset[int]], list[OpenMatter]]
# Called inside the transaction that saves a call (new or corrected), with the saved version and the operator: what
# must happen with the call or not at all (an urgent call's ticket, from the ticket service).
SavedHook = Callable[[Session, "CallInfo", Any], None]


# --- field rules ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def unit_key(unit_text: str) -> str:
    """The canonical key of a place as typed: "3-2-1201" for any spelling of a home, "public:…" otherwise."""
    if not unit_text:
        return ""
    ref = parse_unit(unit_text)
    return ref.key if ref else public_key(unit_text)


def _check_phone(value: str) -> tuple[str, str]:
    """The phone tidied and its digits; services.places.check_phone is the one rule (form, CLI, imports)."""
    if not value:
        return "", ""
    phone = check_phone(value)
    return phone, phone_digits(phone)


def search_fields(caller: str, unit_text: str, phone: str, content: str) -> tuple[str, ...]:
    """What a search looks in: caller, unit as typed, phone as typed and as bare digits, content."""
    return (caller, unit_text, phone, phone_digits(phone), content)


def _info(row: Any) -> CallInfo:
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


def _utc(value: Any) -> datetime:
    """A stored time as aware UTC: SQLite gives text ("2026-11-23 02:00:00.000000"), PostgreSQL a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_time(moment: datetime) -> str:
    """An aware time as SQLAlchemy stores it in SQLite (UTC, no offset), for statements sent to the driver."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_INSERT_COLUMNS = ("id", *(c.name for c in _CALL.columns if c.name != "id"))
_INSERT_ONE_SQL = (
    f"INSERT INTO call ({', '.join(_INSERT_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(_INSERT_COLUMNS) - 1))})"
)
_INSERT_ONE_NAMED = (
    f"INSERT INTO call ({', '.join(_INSERT_COLUMNS[1:])}) VALUES ({', '.join(':' + c for c in _INSERT_COLUMNS[1:])})"
)
_BY_TOKEN_SQL = (
    f'SELECT {_SEARCH_SELECT} FROM "call" AS c LEFT JOIN "call" AS n ON n.amends_id = c.id '
    "WHERE c.site_id = :site AND c.client_token = :token"
)
_UNIT_SQL = "SELECT id FROM unit WHERE site_id = :site AND key = :key"


_SQLITE_CONVERT: dict[str, Callable[[Any], Any]] = {
    "called_at": lambda v: _sqlite_time(v),
    "recorded_at": lambda v: _sqlite_time(v),
    "duty_date": lambda v: v.isoformat(),
    "urgent": int,
    "ticket_wanted": int,
}


def _sqlite_row(values: dict[str, Any], call_id: int | None) -> tuple[Any, ...]:
    """One call's values in _INSERT_COLUMNS order, converted as SQLAlchemy would store them in SQLite."""
    out: list[Any] = [call_id]
    for name in _INSERT_COLUMNS[1:]:
        v = values[name]
        convert = _SQLITE_CONVERT.get(name)
        out.append(v if convert is None or v is None else convert(v))
    return tuple(out)


def _info_tuple(r: Sequence[Any]) -> CallInfo:
    """A CallInfo from a raw driver row in _COLUMNS order plus superseded_by."""
    duty = r[16]
    return CallInfo(
        id=r[0],
        time=_utc(r[1]),
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
        recorded_at=_utc(r[19]),
        superseded_by=r[20],
    )


def _select_calls():  # type: ignore[no-untyped-def]
    """SELECT of every CallInfo column plus the id of the newer version (NULL for the current one)."""
    return select(*(_CALL.c[n] for n in _COLUMNS), _NEWER.c.id.label("superseded_by")).select_from(
        _CALL.outerjoin(_NEWER, _NEWER.c.amends_id == _CALL.c.id)
    )


def _readback_unit(unit: str, language: str) -> str:
    ref = parse_unit(unit) if unit else None
    return ref.label(language) if ref else unit


# --- the service ----------------------------------------------------------------------------------------------


class CallService:
    def __init__(
        self, db: Database, settings: Settings, clock: Clock, site_id: int, directory: Any | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.site_id = site_id
        self.limits = settings.calls
        self.tz = ZoneInfo(settings.time_zone)
        if directory is None:
            from deskui.services.directory.service import DirectoryService

            directory = DirectoryService(db, settings, clock, site_id)
        self.directory = directory
        # Open matters come from sources; the ticket service will add one for open tickets.
        self.open_matter_sources: list[OpenMatterSource] = [self._recent_calls_matters]
        self.saved_hooks: list[SavedHook] = []
        self._rarity: dict[str, int] = {}
        self._recent_slots: list[Any] = []
        # Saved calls never change (append-only), so a row once converted is reused; only `superseded_by` can
        # change, once, and it is part of the key. Search-as-you-type shows the same newest rows again and again.
        self._infos: dict[tuple[int, int | None], CallInfo] = {}
        self._choices: dict[tuple[str, str], Choice] = {}
        self._writes_since_rarity = 0

    # --- checking -------------------------------------------------------------------------------------------

    def _row_info(self, row: Sequence[Any]) -> CallInfo:
        key = (row[0], row[20])
        info = self._infos.get(key)
        if info is None:
            if len(self._infos) >= 20_000:
                self._infos.clear()
            info = self._infos[key] = _info_tuple(row)
        return info

    def _shift(self, moment: datetime) -> Any:
        """shift_at, remembering the last slots seen: an import of 100,000 calls in time order asks about the same
        few shifts over and over. A moment inside a remembered logging shift is in that shift (they do not
        overlap); anything else (gaps, new days) asks shift_at."""
        for slot in self._recent_slots:
            if slot.start <= moment < slot.end:
                return slot
        slot = shift_at(self.settings, moment)
        if slot.start <= moment < slot.end:
            self._recent_slots = [slot, *self._recent_slots[:3]]
        return slot

    def _choose(self, value: str, name: str) -> Choice:
        """choose() with a cache: imports name the same few categories and channels 100,000 times."""
        key = (name, value)
        found = self._choices.get(key)
        if found is None:
            found = choose(value, self.settings.categories if name == "category" else self.settings.channels, name)
            if len(self._choices) < 1000:
                self._choices[key] = found
        return found

    def parse_time(self, value: str | datetime | None) -> datetime:
        """A call time as typed → aware UTC; refuses one more than the tolerance in the future."""
        now = self.clock.now()
        if isinstance(value, datetime):
            moment = value.replace(tzinfo=self.tz) if value.tzinfo is None else value
            moment = moment.astimezone(UTC)
        else:
            if value is not None:
                check_text(value, "time", max_chars=self.limits.max_line_chars)
            moment = parse_time(value, now, self.tz, rollback_hours=self.limits.time_of_day_rollback_hours)
        check_not_future(moment, now, self.limits.future_tolerance_seconds)
        # A call log is kept to the second; microseconds from "now" would only make exports noisy.
        return moment.replace(microsecond=0)

    def check(self, data: CallInput, *, strict: bool = True) -> CheckedCall:
        """Every rule of the form, in the order of its fields; raises the first ValidationError.

        `strict=False` (imports of past records) skips the "needed for this kind of call" rules (a phone for a
        phone call, a unit for a ticket) but never the format rules.
        """
        limits = self.limits
        called_at = self.parse_time(data.time)
        channel = self._choose(data.channel or "phone", "channel")
        caller = check_text(data.caller, "caller", max_chars=limits.max_line_chars)
        unit_text = check_text(data.unit, "unit", max_chars=limits.max_line_chars)
        phone_text = check_text(data.phone, "phone", max_chars=limits.max_line_chars)
        phone, digits = _check_phone(phone_text)
        category = self._choose(data.category, "category")
        content = check_text(data.content, "content", max_chars=limits.max_content_chars, multiline=True)
        if not content.strip():
            raise ValidationError(t("Content is required: what did the caller say?"), field="content")
        visit_time = check_text(data.visit_time, "visit_time", max_chars=limits.max_line_chars)
        if strict:
            if not phone and channel.key in limits.phone_required_channels:
                raise ValidationError(
                    t("A {channel} call needs the caller's phone number", channel=channel.label(_lang())),
                    field="phone",
                )
            if not unit_text and category.ticket:
                raise ValidationError(
                    t("A {category} needs a unit or place", category=category.label(_lang())), field="unit"
                )
        slot = self._shift(called_at)
        return CheckedCall(
            called_at=called_at,
            channel=channel.key,
            caller=caller,
            unit_text=unit_text,
            unit_key=unit_key(unit_text),
            phone=phone,
            phone_digits=digits,
            category=category.key,
            content=content,
            visit_time=visit_time,
            urgent=bool(data.urgent),
            ticket_wanted=category.ticket,
            shift_key=slot.key,
            duty_date=slot.duty_date,
            search_text=idx.search_text(search_fields(caller, unit_text, phone, content)),
        )

    def problems(self, data: CallInput) -> dict[str, str]:
        """Every field's first problem at once (for a form that marks all bad fields), {} when all is well."""
        found: dict[str, str] = {}
        current = data
        for _ in range(len(FIELD_LABELS) + 4):
            try:
                self.check(current)
                break
            except ValidationError as exc:
                name = exc.field or "content"
                if name in found:
                    break
                found[name] = exc.message
                # Blank the field out with a value that passes, to find the next problem.
                fillers = {"time": None, "channel": "phone", "category": "other", "content": "."}
                fill: Any = fillers.get(name, "")
                if name == "phone":
                    fill = "110"
                current = replace(current, **{name: fill}) if name in CallInput.__dataclass_fields__ else current
        return found

    @staticmethod
    def _token(client_token: str | None) -> str | None:
        if client_token is None:
            return None
        try:
            return str(uuid.UUID(str(client_token)))
        except ValueError:
            raise ValidationError(t("The form token is not a UUID"), field="client_token") from None

    # --- saving ---------------------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        """Named-parameter SQL in the driver's own placeholder style."""
        return sql if self.db.backend == "sqlite" else idx.pyformat(sql)

    @staticmethod
    def _cursor(s: Session) -> Any:
        """The driver cursor of the session's connection (inside its transaction)."""
        return s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def _by_token(self, s: Session, token: str) -> CallInfo | None:
        cur = self._cursor(s)
        cur.execute(self._sql(_BY_TOKEN_SQL), {"site": self.site_id, "token": token})
        row = cur.fetchone()
        cur.close()
        return _info_tuple(row) if row else None

    def _insert(
        self,
        s: Session,
        checked: CheckedCall,
        *,
        operator: Any | None,
        token: str | None,
        amends: CallInfo | None = None,
    ) -> CallInfo:
        """Insert one call, its pending index rows and drop its draft: a handful of statements on the driver
        cursor, because this is the desk's hottest write and SQLAlchemy's statement building cost more than
        the SQL."""
        sqlite_db = self.db.backend == "sqlite"
        cur = self._cursor(s)
        unit_id = None
        if checked.unit_key:
            cur.execute(self._sql(_UNIT_SQL), {"site": self.site_id, "key": checked.unit_key})
            found = cur.fetchone()
            unit_id = found[0] if found else None
        values: dict[str, Any] = {
            "site_id": self.site_id,
            "called_at": checked.called_at,
            "channel": checked.channel,
            "caller": checked.caller,
            "unit_text": checked.unit_text,
            "unit_key": checked.unit_key,
            "unit_id": unit_id,
            "phone": checked.phone,
            "phone_digits": checked.phone_digits,
            "category": checked.category,
            "content": checked.content,
            "visit_time": checked.visit_time,
            "urgent": checked.urgent,
            "ticket_wanted": checked.ticket_wanted,
            "operator_id": operator.id if operator is not None else None,
            "operator_name": operator.name if operator is not None else "",
            "shift_key": checked.shift_key,
            "duty_date": checked.duty_date,
            "amends_id": amends.id if amends else None,
            "original_id": amends.root_id if amends else None,
            "client_token": token,
            "search_text": checked.search_text,
            "recorded_at": self.clock.now(),
        }
        if sqlite_db:
            cur.execute(_INSERT_ONE_SQL, _sqlite_row(values, None)[1:])
            call_id = cur.lastrowid
        else:
            cur.execute(idx.pyformat(_INSERT_ONE_NAMED + " RETURNING id"), values)
            call_id = cur.fetchone()[0]
        site = self.site_id
        cur.executemany(
            self._sql("INSERT INTO callcharpending (site_id, call_id, ch) VALUES (:s, :c, :ch)"),
            [{"s": site, "c": call_id, "ch": ch} for ch in sorted(idx.index_chars(checked.search_text))],
        )
        if token is not None:
            cur.execute(self._sql("DELETE FROM calldraft WHERE client_token = :token"), {"token": token})
        cur.execute(self._sql("SELECT min(call_id) FROM callcharpending WHERE site_id = :site"), {"site": site})
        oldest = cur.fetchone()[0]
        if oldest is not None and call_id - oldest >= self.limits.index_merge_calls:
            self._merge_pending(cur)
        cur.close()
        self._writes_since_rarity += 1
        values["id"] = call_id
        return _info(_Row(values))

    def _merge_pending(self, cur: Any) -> int:
        """Move the pending index rows into the main index, sorted, in the caller's transaction.

        DELETE … RETURNING first: on PostgreSQL a concurrent merge then finds the rows gone instead of copying
        them twice.
        """
        cur.execute(
            self._sql("DELETE FROM callcharpending WHERE site_id = :site RETURNING site_id, ch, call_id"),
            {"site": self.site_id},
        )
        rows = sorted(cur.fetchall())
        if rows:
            cur.executemany(
                self._sql("INSERT INTO callchar (site_id, ch, call_id) VALUES (:a, :b, :c)"),
                [{"a": a, "b": b, "c": c} for a, b, c in rows],
            )
        return len(rows)

    def _index(self, s: Session, calls: Iterable[tuple[int, str]]) -> int:
        """Write main-index rows for these calls with one executemany (bulk import), in the caller's transaction."""
        site = self.site_id
        rows = [(site, ch, call_id) for call_id, text_ in calls for ch in idx.index_chars(text_)]
        if rows:
            cursor = self._cursor(s)
            mark = "?" if self.db.backend == "sqlite" else "%s"
            cursor.executemany(f"INSERT INTO callchar (site_id, ch, call_id) VALUES ({mark}, {mark}, {mark})", rows)
            cursor.close()
        return len(rows)

    def record(
        self, data: CallInput | CheckedCall, *, operator: Any | None = None, client_token: str | None = None
    ) -> CallInfo:
        """Save a call (and drop its draft) in one transaction. The same client token saves once: a second call
        returns the first one's record."""
        token = self._token(client_token)
        checked = data if isinstance(data, CheckedCall) else self.check(data)
        with self.db.write() as s:
            serialize_writers(s, "calls", self.site_id)  # PostgreSQL: ids commit in order (db.py)
            if token is not None:
                existing = self._by_token(s, token)
                if existing is not None:
                    s.execute(delete(_DRAFT).where(_DRAFT.c.client_token == token))
                    return existing
            info = self._insert(s, checked, operator=operator, token=token)
            for hook in self.saved_hooks:
                hook(s, info, operator)
            return info

    def amend(
        self,
        call_id: int,
        data: CallInput,
        *,
        operator: Any | None = None,
        client_token: str | None = None,
    ) -> CallInfo:
        """Save a correction of the current version `call_id`; the original stays as it was."""
        token = self._token(client_token)
        checked = self.check(data)
        with self.db.write() as s:
            serialize_writers(s, "calls", self.site_id)  # PostgreSQL: one correction wins, the other is told
            if token is not None:
                existing = self._by_token(s, token)
                if existing is not None:
                    s.execute(delete(_DRAFT).where(_DRAFT.c.client_token == token))
                    return existing
            row = s.execute(_select_calls().where(_CALL.c.id == call_id, _CALL.c.site_id == self.site_id)).first()
            if row is None:
                raise NotFound(t("No call #{id}", id=call_id))
            old = _info(row)
            if old.superseded_by is not None:
                raise Conflict(
                    t(
                        "Call #{id} was already corrected by #{newer}; correct the latest version",
                        id=call_id,
                        newer=old.superseded_by,
                    )
                )
            same = (
                checked.called_at == old.time
                and checked.channel == old.channel
                and checked.caller == old.caller
                and checked.unit_text == old.unit
                and checked.phone == old.phone
                and checked.category == old.category
                and checked.content == old.content
                and checked.visit_time == old.visit_time
                and checked.urgent == old.urgent
            )
            if same:
                raise ValidationError(t("Nothing was changed; there is no correction to save"), field="content")
            info = self._insert(s, checked, operator=operator, token=token, amends=old)
            for hook in self.saved_hooks:
                hook(s, info, operator)
            return info

    # --- reading --------------------------------------------------------------------------------------------

    def _page(self, limit: int | None) -> int:
        return max(1, min(limit or self.limits.page_size, 10 * self.limits.page_size))

    def get(self, call_id: int) -> CallInfo:
        with self.db.read() as s:
            row = s.execute(_select_calls().where(_CALL.c.id == call_id, _CALL.c.site_id == self.site_id)).first()
            if row is None:
                raise NotFound(t("No call #{id}", id=call_id))
            return _info(row)

    def versions(self, call_id: int) -> list[CallInfo]:
        """Every version of the call `call_id` belongs to, oldest (the original) first."""
        root = self.get(call_id).root_id
        with self.db.read() as s:
            rows = s.execute(
                _select_calls()
                .where(_CALL.c.site_id == self.site_id, (_CALL.c.id == root) | (_CALL.c.original_id == root))
                .order_by(_CALL.c.id)
            ).all()
            return [_info(r) for r in rows]

    def current(self, call_id: int) -> CallInfo:
        """The latest version of the call `call_id` belongs to."""
        return self.versions(call_id)[-1]

    def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        unit: str | None = None,
        before_id: int | None = None,
        limit: int | None = None,
        current_only: bool = True,
    ) -> list[CallInfo]:
        """Calls newest first (by id), one page: pass the last id seen as `before_id` for the next page.

        `since` is inclusive, `until` exclusive; `unit` in any spelling. Superseded versions are left out unless
        `current_only=False`.
        """
        q = self._filtered(since=since, until=until, unit=unit, current_only=current_only)
        if before_id is not None:
            q = q.where(_CALL.c.id < before_id)
        q = q.order_by(_CALL.c.id.desc()).limit(self._page(limit))
        with self.db.read() as s:
            return [_info(r) for r in s.execute(q)]

    def _filtered(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        unit: str | None = None,
        current_only: bool = True,
    ):  # type: ignore[no-untyped-def]
        q = _select_calls().where(_CALL.c.site_id == self.site_id)
        if since is not None:
            q = q.where(_CALL.c.called_at >= _aware(since, self.tz))
        if until is not None:
            q = q.where(_CALL.c.called_at < _aware(until, self.tz))
        if unit:
            q = q.where(_CALL.c.unit_key == unit_key(unit.strip()))
        if current_only:
            q = q.where(_NEWER.c.id.is_(None))
        return q

    def iter_all(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        current_only: bool = True,
        batch: int = 1000,
    ) -> Iterable[CallInfo]:
        """Every matching call, oldest first, fetched a batch at a time by keyset (exports of any size)."""
        after = 0
        while True:
            q = self._filtered(since=since, until=until, current_only=current_only)
            q = q.where(_CALL.c.id > after).order_by(_CALL.c.id).limit(batch)
            with self.db.read() as s:
                rows = [_info(r) for r in s.execute(q)]
            yield from rows
            if len(rows) < batch:
                return
            after = rows[-1].id

    def search(
        self,
        term: str,
        *,
        before_id: int | None = None,
        limit: int | None = None,
        current_only: bool = True,
        since: datetime | None = None,
        until: datetime | None = None,
        unit: str | None = None,
    ) -> list[CallInfo]:
        """Calls whose caller, unit, phone or content contains `term` (any length, NFKC- and case-folded), newest
        first, one page (pass the last id as `before_id` for the next). A blank term lists the latest calls.

        A term that reads as a unit (any spelling `places.parse_unit` accepts: 3-2-1201, 3栋2单元1201, 3#2-1201,
        三栋二单元1201, full-width digits) also finds every call of that unit, whatever spelling it was logged with,
        as `list(unit=…)` and the form's side panel do. Otherwise the result is exactly what a plain substring scan
        of those fields would give; fast because only calls holding every character of the term are checked
        (see services.search).
        """
        term = (term or "")[: self.limits.max_content_chars].strip()
        if not term:
            return self.list(
                before_id=before_id, limit=limit, current_only=current_only, since=since, until=until, unit=unit
            )
        found = self._search_text(
            term, before_id=before_id, limit=limit, current_only=current_only, since=since, until=until, unit=unit
        )
        ref = parse_unit(term) if len(term) <= self.limits.max_line_chars else None
        if ref is None or (unit and unit_key(unit.strip()) != ref.key):
            return found
        # The unit's own calls, the same page by the same keyset, merged with the text matches by id.
        same_unit = self.list(
            unit=ref.key, before_id=before_id, limit=limit, current_only=current_only, since=since, until=until
        )
        merged = {c.id: c for c in found} | {c.id: c for c in same_unit}
        return [merged[i] for i in sorted(merged, reverse=True)][: self._page(limit)]

    def _search_text(
        self,
        term: str,
        *,
        before_id: int | None,
        limit: int | None,
        current_only: bool,
        since: datetime | None,
        until: datetime | None,
        unit: str | None,
    ) -> list[CallInfo]:
        """The substring part of `search` (see services.search): calls whose fields contain the folded term."""
        folded = idx.fold_term(term)
        if folded is None:
            return []
        params: dict[str, Any] = {"site": self.site_id, "term": folded, "limit": self._page(limit)}
        extra: list[str] = []
        if since is not None:
            extra.append("c.called_at >= :since")
            params["since"] = _aware(since, self.tz)
        if until is not None:
            extra.append("c.called_at < :until")
            params["until"] = _aware(until, self.tz)
        if unit:
            extra.append("c.unit_key = :unit_key")
            params["unit_key"] = unit_key(unit.strip())
        if before_id is not None:
            params["before"] = before_id
        # Straight on the driver's cursor: this runs on every keystroke, and SQLAlchemy's statement and result
        # processing would cost more than the indexed query itself. Times are bound as the column stores them.
        sqlite_db = self.db.backend == "sqlite"
        for name in ("since", "until"):
            if name in params and sqlite_db:
                params[name] = _sqlite_time(params[name])
        with self.db.engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                rows = []
                chars = sorted(idx.index_chars(folded))
                counts = self._counts(cursor, chars, sqlite_db)
                if all(counts[c] > 0 for c in chars):  # else no call in the main index holds the term
                    chosen = idx.order_by_rarity(chars, counts, self.limits.search_max_chars)
                    main = idx.candidate_sql(
                        self.db.backend,
                        _SEARCH_SELECT,
                        len(chosen),
                        before=before_id is not None,
                        current_only=current_only,
                        extra_where=" AND ".join(extra),
                    )
                    cursor.execute(self._sql(main), {**params, **{f"c{i}": ch for i, ch in enumerate(chosen)}})
                    rows = cursor.fetchall()
                pending = idx.pending_sql(
                    self.db.backend,
                    _SEARCH_SELECT,
                    before=before_id is not None,
                    current_only=current_only,
                    extra_where=" AND ".join(extra),
                )
                cursor.execute(self._sql(pending), params)
                newest = cursor.fetchall()
            finally:
                cursor.close()
            if not sqlite_db:
                conn.rollback()
        if newest:
            merged = {r[0]: r for r in rows}
            merged.update({r[0]: r for r in newest})
            rows = sorted(merged.values(), key=lambda r: r[0], reverse=True)[: params["limit"]]
        return [self._row_info(r) for r in rows]

    def _counts(self, cursor: Any, chars: Sequence[str], sqlite_db: bool) -> dict[str, int]:
        """How common each character is (capped), cached: only the join order depends on it, never the result."""
        if self._writes_since_rarity > self.limits.page_size or len(self._rarity) > 50_000:
            self._rarity.clear()
            self._writes_since_rarity = 0
        cap = self.limits.search_rarity_cap
        out: dict[str, int] = {}
        for ch in chars:
            n = self._rarity.get(ch)
            if n is None or n == 0:  # a character new to the log may have arrived from another desk
                sql = idx.RARITY_SQL if sqlite_db else idx.pyformat(idx.RARITY_SQL)
                cursor.execute(sql, {"site": self.site_id, "ch": ch, "cap": cap})
                n = int(cursor.fetchone()[0])
                self._rarity[ch] = n
            out[ch] = n
        return out

    def unit_history(self, unit: str, *, limit: int | None = None, before_id: int | None = None) -> list[CallInfo]:
        """A unit's (or place's) latest calls, newest first: current versions only."""
        key = unit_key(unit.strip())
        if not key:
            return []
        return self.list(unit=unit, limit=limit or self.limits.history_limit, before_id=before_id)

    def shift_calls(self, duty_date: date, shift_key: str, *, limit: int | None = None) -> list[CallInfo]:
        """The calls logged in one shift (current versions, oldest first): what the morning handover reads."""
        q = (
            _select_calls()
            .where(
                _CALL.c.site_id == self.site_id,
                _CALL.c.duty_date == duty_date,
                _CALL.c.shift_key == shift_key,
                _NEWER.c.id.is_(None),
            )
            .order_by(_CALL.c.called_at, _CALL.c.id)
            .limit(limit or 10 * self.limits.page_size)
        )
        with self.db.read() as s:
            return [_info(r) for r in s.execute(q)]

    # --- lookups and warnings -------------------------------------------------------------------------------

    def lookup_caller(self, phone: str) -> CallerLookup:
        """Who is calling from this number: residents from the directory, and the last calls from it."""
        digits = phone_digits(phone or "")
        residents = tuple(self.directory.lookup_phone(phone)) if digits else ()
        recent: tuple[CallInfo, ...] = ()
        if len(digits) >= 3:
            q = (
                _select_calls()
                .where(_CALL.c.site_id == self.site_id, _CALL.c.phone_digits == digits, _NEWER.c.id.is_(None))
                .order_by(_CALL.c.id.desc())
                .limit(self.limits.history_limit)
            )
            with self.db.read() as s:
                recent = tuple(_info(r) for r in s.execute(q))
        return CallerLookup(phone, residents, recent)

    def _recent_calls_matters(
        self, s: Session, site_id: int, key: str, category: str, now: datetime, exclude: frozenset[int]
    ) -> list[OpenMatter]:
        since = now - timedelta(days=self.limits.duplicate_days)
        q = (
            _select_calls()
            .where(
                _CALL.c.site_id == site_id,
                _CALL.c.unit_key == key,
                _CALL.c.category == category,
                _CALL.c.called_at >= since,
                _NEWER.c.id.is_(None),
            )
            .order_by(_CALL.c.id.desc())
            .limit(self.limits.history_limit)
        )
        out = []
        for r in s.execute(q):
            info = _info(r)
            if info.id in exclude or info.root_id in exclude:
                continue
            out.append(
                OpenMatter(
                    "call",
                    info.id,
                    info.time,
                    info.category,
                    _one_line(info.content, 40),
                    f"#{info.id}",
                    (info.root_id,),
                )
            )
        return out

    def open_matters(
        self, unit: str, category: str, *, at: datetime | None = None, exclude_ids: Iterable[int] = ()
    ) -> list[OpenMatter]:
        """Open matters of this unit and category, from every registered source (calls now, tickets later)."""
        key = unit_key((unit or "").strip())
        if not key:
            return []
        cat = choose(category, self.settings.categories, "category").key
        now = at or self.clock.now()
        exclude = frozenset(exclude_ids)
        with self.db.read() as s:
            found: list[OpenMatter] = []
            for source in self.open_matter_sources:
                found += source(s, self.site_id, key, cat, now, exclude)
        # The call being corrected is not a matter, and neither is a ticket that holds nothing but that call.
        found = [m for m in found if not (m.calls and exclude.issuperset(m.calls))]
        # One repair is one matter: a call that a listed ticket was opened from (or took in) is counted as the ticket.
        covered = {c for m in found if m.kind != "call" for c in m.calls}
        found = [m for m in found if not (m.kind == "call" and covered.intersection(m.calls))]
        return sorted(found, key=lambda m: m.time, reverse=True)

    def duplicate_warning(
        self, unit: str, category: str, *, at: datetime | None = None, exclude_ids: Iterable[int] = ()
    ) -> DuplicateWarning | None:
        """A warning to show before saving when the unit already has an open matter of the same category."""
        matters = self.open_matters(unit, category, at=at, exclude_ids=exclude_ids)
        if not matters:
            return None
        cat = choose(category, self.settings.categories, "category")
        latest = matters[0]
        when = latest.time.astimezone(self.tz).strftime("%m-%d %H:%M")
        message = t(
            "{unit} already has {n} {category} matter(s) in the last {days} days; latest {name} at {when}: {summary}",
            unit=unit.strip(),
            n=len(matters),
            category=cat.label(_lang()),
            days=self.limits.duplicate_days,
            name=latest.name,
            when=when,
            summary=latest.summary,
        )
        return DuplicateWarning(unit.strip(), cat.key, tuple(matters), message)

    # --- read-back ------------------------------------------------------------------------------------------

    def read_back(self, call: CallInfo | CheckedCall, language: str | None = None) -> str:
        """The call as one sentence to read back to the caller before hanging up (000: 重述…以防错漏)."""
        lang = language or _lang()
        if isinstance(call, CallInfo):
            moment, channel, caller, unit, phone = call.time, call.channel, call.caller, call.unit, call.phone
            category, content, visit, urgent = call.category, call.content, call.visit_time, call.urgent
        else:
            moment, channel, caller, unit, phone = (
                call.called_at,
                call.channel,
                call.caller,
                call.unit_text,
                call.phone,
            )
            category, content, visit, urgent = call.category, call.content, call.visit_time, call.urgent
        local = moment.astimezone(self.tz)
        cat = next((c for c in self.settings.categories if c.key == category), None)
        chan = next((c for c in self.settings.channels if c.key == channel), None)
        cat_label = cat.label(lang) if cat else category
        digits = self.limits.readback_phone_digits
        phone_part = ""
        if phone:
            shown = phone_digits(phone)
            phone_part = shown[:digits] + "…" if digits and len(shown) > digits else phone
        place = _readback_unit(unit, lang)
        if lang == "zh-CN":
            verb = _CHANNEL_VERBS.get(channel, (chan.zh if chan else channel, ""))[0]
            who = " ".join(p for p in (place, caller) if p)
            if phone_part:
                who += f"（{phone_part}）"
            body = "；".join(_sentences(content))
            text_ = f"{local.month}月{local.day}日 {local:%H:%M}，{who}{verb}{cat_label}：{body}"
            if visit:
                text_ += f"，希望上门时间：{visit.rstrip('。.')}"
            return ("【紧急】" if urgent else "") + text_ + "。"
        verb = _CHANNEL_VERBS.get(channel, ("", f"contacted us by {chan.en if chan else channel}"))[1]
        who = ", ".join(p for p in (place, caller) if p)
        if phone_part:
            who += f" ({phone_part})"
        body = "; ".join(_sentences(content))
        text_ = f"{local:%d %b} {local:%H:%M}, {who} {verb} — {cat_label}: {body}".replace("  ", " ")
        if visit:
            text_ += f"; preferred visit time: {visit.rstrip('。.')}"
        return ("URGENT: " if urgent else "") + text_ + "."

    # --- drafts ---------------------------------------------------------------------------------------------

    def save_draft(
        self, client_token: str, payload: Mapping[str, Any], *, form: str = "call", operator: Any | None = None
    ) -> DraftInfo | None:
        """Autosave a form (insert or replace by token). None when that token was already saved as a call."""
        token = self._token(client_token)
        assert token is not None
        try:
            body = json.dumps(dict(payload), ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError):
            raise ValidationError(t("The draft cannot be stored as JSON"), field="draft") from None
        if len(body.encode("utf-8", "surrogatepass")) > self.limits.max_draft_bytes:
            raise ValidationError(
                t("The draft is too large to keep (over {n} bytes)", n=f"{self.limits.max_draft_bytes:,}"),
                field="draft",
            )
        body = body.encode("utf-8", "replace").decode("utf-8")
        now = self.clock.now()
        values = {
            "site_id": self.site_id,
            "operator_id": operator.id if operator is not None else None,
            "form": form,
            "client_token": token,
            "payload": body,
            "updated_at": now,
        }
        with self.db.write() as s:
            if s.execute(select(_CALL.c.id).where(_CALL.c.client_token == token)).first():
                return None
            dialect = sqlite if self.db.backend == "sqlite" else postgresql
            stmt = dialect.insert(_DRAFT).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[_DRAFT.c.client_token],
                set_={"payload": body, "updated_at": now, "form": form, "operator_id": values["operator_id"]},
            )
            s.execute(stmt)
        return DraftInfo(token, form, values["operator_id"], json.loads(body), now)

    def pending_drafts(self, operator: Any | None = None, *, form: str | None = None) -> list[DraftInfo]:
        """The operator's unsaved forms, newest first (None: drafts saved without an operator)."""
        q = select(_DRAFT).where(_DRAFT.c.site_id == self.site_id)
        q = q.where(_DRAFT.c.operator_id == operator.id if operator is not None else _DRAFT.c.operator_id.is_(None))
        if form is not None:
            q = q.where(_DRAFT.c.form == form)
        with self.db.read() as s:
            rows = s.execute(q.order_by(_DRAFT.c.updated_at.desc(), _DRAFT.c.id.desc())).all()
        return [DraftInfo(r.client_token, r.form, r.operator_id, json.loads(r.payload), r.updated_at) for r in rows]

    def discard_draft(self, client_token: str) -> bool:
        token = self._token(client_token)
        with self.db.write() as s:
            result = s.execute(delete(_DRAFT).where(_DRAFT.c.site_id == self.site_id, _DRAFT.c.client_token == token))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- bulk import ----------------------------------------------------------------------------------------

    def insert_many(
        self,
        calls: Sequence[CheckedCall],
        *,
        operator: Any | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[int]:
        """Insert checked calls and their index rows in ONE transaction; all or nothing. Returns the new ids.

        Large batches drop the character index and rebuild it once, inside the same transaction.
        """
        if not calls:
            return []
        now = self.clock.now()
        with self.db.write() as s:
            serialize_writers(s, "calls", self.site_id)
            keys = sorted({c.unit_key for c in calls if c.unit_key})
            unit_ids: dict[str, int] = {}
            for i in range(0, len(keys), _CHUNK):
                rows = s.execute(
                    select(Unit.key, Unit.id).where(Unit.site_id == self.site_id, Unit.key.in_(keys[i : i + _CHUNK]))  # type: ignore[attr-defined]
                )
                unit_ids.update({k: uid for k, uid in rows})
            # The import's rows go straight to the main index; first move what is pending there too.
            merge_cursor = self._cursor(s)
            self._merge_pending(merge_cursor)
            merge_cursor.close()
            existing = s.execute(
                select(func.count()).select_from(_CALL).where(_CALL.c.site_id == self.site_id)
            ).scalar()
            rebuild = len(calls) >= self.limits.import_reindex_rows and len(calls) >= _REINDEX_SHARE * (existing or 0)
            sqlite_db = self.db.backend == "sqlite"
            first = (s.execute(select(func.max(_CALL.c.id))).scalar() or 0) + 1 if sqlite_db else None
            op_id = operator.id if operator is not None else None
            op_name = operator.name if operator is not None else ""
            values = [
                {
                    "site_id": self.site_id,
                    "called_at": c.called_at,
                    "channel": c.channel,
                    "caller": c.caller,
                    "unit_text": c.unit_text,
                    "unit_key": c.unit_key,
                    "unit_id": unit_ids.get(c.unit_key),
                    "phone": c.phone,
                    "phone_digits": c.phone_digits,
                    "category": c.category,
                    "content": c.content,
                    "visit_time": c.visit_time,
                    "urgent": c.urgent,
                    "ticket_wanted": c.ticket_wanted,
                    "operator_id": op_id,
                    "operator_name": op_name,
                    "shift_key": c.shift_key,
                    "duty_date": c.duty_date,
                    "amends_id": None,
                    "original_id": None,
                    "client_token": None,
                    "search_text": c.search_text,
                    "recorded_at": now,
                }
                for c in calls
            ]
            ids: list[int] = []
            step = 5000
            cursor = s.connection().connection.dbapi_connection.cursor() if first is not None else None  # type: ignore[union-attr]
            insert_sql = (
                f"INSERT INTO call ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
            )
            if rebuild:
                s.execute(text("DROP INDEX ix_callchar_lookup"))
            for i in range(0, len(values), step):
                chunk = values[i : i + step]
                if first is not None:
                    # SQLite: ids assigned here (the write lock is held since BEGIN IMMEDIATE), and the rows go
                    # straight to the driver as the columns store them; SQLAlchemy's per-value processing would
                    # cost more than the insert.
                    chunk_ids = list(range(first + i, first + i + len(chunk)))
                    cursor.executemany(
                        insert_sql, [_sqlite_row(v, cid) for v, cid in zip(chunk, chunk_ids, strict=True)]
                    )
                else:
                    result = s.execute(insert(_CALL).returning(_CALL.c.id, sort_by_parameter_order=True), chunk)
                    chunk_ids = [r[0] for r in result]
                self._index(s, zip(chunk_ids, (v["search_text"] for v in chunk), strict=True))
                ids += chunk_ids
                if progress is not None:
                    progress(len(chunk))
            if rebuild:
                s.execute(text("CREATE INDEX ix_callchar_lookup ON callchar (site_id, ch, call_id)"))
            if cursor is not None:
                cursor.close()
        self._rarity.clear()
        return ids


class _Row:
    """Attribute access over a dict, so a just-inserted row becomes a CallInfo like a fetched one."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    return (moment.replace(tzinfo=tz) if moment.tzinfo is None else moment).astimezone(UTC)


def _sentences(content: str) -> list[str]:
    """The content's lines without their closing punctuation, to be joined into one spoken sentence."""
    return [line.strip().rstrip("。.；;，,") for line in content.splitlines() if line.strip().rstrip("。.；;，,")]


def _one_line(text_: str, width: int) -> str:
    flat = " ".join(text_.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _lang() -> str:
    from deskui.core.i18n import get_language

    return get_language()


__all__ = [
    "CallInfo",
    "CallInput",
    "CallService",
    "CallerLookup",
    "CheckedCall",
    "DraftInfo",
    "DuplicateWarning",
    "OpenMatter",
    "check_text",
    "choose",
    "field_label",
    "search_fields",
    "unit_key",
]
