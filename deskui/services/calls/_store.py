"""Writing calls: one call (or its correction) with its index rows and hooks in one transaction, and bulk imports.

Saving a call is the desk's hottest write, so it goes straight to the driver cursor (see `_insert`); a bulk import
inserts with executemany and may rebuild the character index once (see `insert_many`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlmodel import Session, col

from deskui.core.db import serialize_writers
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import Unit
from deskui.services.calls._check import CallChecks
from deskui.services.calls._rows import (
    BY_TOKEN_SQL,
    CALL,
    DRAFT,
    INSERT_COLUMNS,
    INSERT_ONE_NAMED,
    INSERT_ONE_SQL,
    UNIT_SQL,
    InsertedRow,
    select_calls,
    sqlite_row,
    to_info,
    tuple_to_info,
)
from deskui.services.calls._types import CallInfo, CallInput, CheckedCall, SavedHook
from deskui.services.common import search as idx
from deskui.services.operators import OperatorInfo

# A big import rebuilds the character index (one sort) instead of updating it row by row, but only when it adds
# at least this share of the rows already there: rebuilding a huge index for a small file costs more.
_REINDEX_SHARE = 0.25
_CHUNK = 500


class CallStore(CallChecks):
    """Saving: `record` a call, `amend` one (the original stays), `insert_many` from an import."""

    saved_hooks: list[SavedHook]

    def _by_token(self, s: Session, token: str) -> CallInfo | None:
        cur = self._cursor(s)
        cur.execute(self._sql(BY_TOKEN_SQL), {"site": self.site_id, "token": token})
        row = cur.fetchone()
        cur.close()
        return tuple_to_info(row) if row else None

    def _insert(
        self,
        s: Session,
        checked: CheckedCall,
        *,
        operator: OperatorInfo | None,
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
            cur.execute(self._sql(UNIT_SQL), {"site": self.site_id, "key": checked.unit_key})
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
            cur.execute(INSERT_ONE_SQL, sqlite_row(values, None)[1:])
            call_id = cur.lastrowid
        else:
            cur.execute(idx.pyformat(INSERT_ONE_NAMED + " RETURNING id"), values)
            call_id = self._scalar(cur)
        site = self.site_id
        cur.executemany(
            self._sql("INSERT INTO callcharpending (site_id, call_id, ch) VALUES (:s, :c, :ch)"),
            [{"s": site, "c": call_id, "ch": ch} for ch in sorted(idx.index_chars(checked.search_text))],
        )
        if token is not None:
            cur.execute(self._sql("DELETE FROM calldraft WHERE client_token = :token"), {"token": token})
        cur.execute(self._sql("SELECT min(call_id) FROM callcharpending WHERE site_id = :site"), {"site": site})
        oldest = self._scalar(cur)
        if oldest is not None and call_id - oldest >= self.limits.index_merge_calls:
            self._merge_pending(cur)
        cur.close()
        self._writes_since_rarity += 1
        values["id"] = call_id
        return to_info(InsertedRow(values))

    def _merge_pending(self, cur: DBAPICursor) -> int:
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
        self, data: CallInput | CheckedCall, *, operator: OperatorInfo | None = None, client_token: str | None = None
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
                    s.execute(delete(DRAFT).where(DRAFT.c.client_token == token))
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
        operator: OperatorInfo | None = None,
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
                    s.execute(delete(DRAFT).where(DRAFT.c.client_token == token))
                    return existing
            row = s.execute(select_calls().where(CALL.c.id == call_id, CALL.c.site_id == self.site_id)).first()
            if row is None:
                raise NotFound(t("No call #{id}", id=call_id))
            old = to_info(row)
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

    def insert_many(
        self,
        calls: Sequence[CheckedCall],
        *,
        operator: OperatorInfo | None = None,
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
                    select(col(Unit.key), col(Unit.id)).where(
                        col(Unit.site_id) == self.site_id, col(Unit.key).in_(keys[i : i + _CHUNK])
                    )
                )
                unit_ids.update({k: uid for k, uid in rows})
            # The import's rows go straight to the main index; first move what is pending there too.
            merge_cursor = self._cursor(s)
            self._merge_pending(merge_cursor)
            merge_cursor.close()
            existing = s.execute(select(func.count()).select_from(CALL).where(CALL.c.site_id == self.site_id)).scalar()
            rebuild = len(calls) >= self.limits.import_reindex_rows and len(calls) >= _REINDEX_SHARE * (existing or 0)
            sqlite_db = self.db.backend == "sqlite"
            first = (s.execute(select(func.max(CALL.c.id))).scalar() or 0) + 1 if sqlite_db else None
            op_id = operator.id if operator is not None else None
            op_name = operator.name if operator is not None else ""
            values: list[dict[str, Any]] = [
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
            cursor = self._cursor(s) if first is not None else None
            insert_sql = (
                f"INSERT INTO call ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(INSERT_COLUMNS))})"
            )
            if rebuild:
                s.execute(text("DROP INDEX ix_callchar_lookup"))
            for i in range(0, len(values), step):
                chunk = values[i : i + step]
                if first is not None and cursor is not None:
                    # SQLite: ids assigned here (the write lock is held since BEGIN IMMEDIATE), and the rows go
                    # straight to the driver as the columns store them; SQLAlchemy's per-value processing would
                    # cost more than the insert.
                    chunk_ids = list(range(first + i, first + i + len(chunk)))
                    cursor.executemany(
                        insert_sql, [sqlite_row(v, cid) for v, cid in zip(chunk, chunk_ids, strict=True)]
                    )
                else:
                    result = s.execute(insert(CALL).returning(CALL.c.id, sort_by_parameter_order=True), chunk)
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
