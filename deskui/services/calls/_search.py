"""Reading the call log: one call and its versions, pages of calls, exports' batches, and search.

Search runs on every keystroke, straight on the driver cursor over the character index (see services.common.search).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine.interfaces import DBAPICursor

from deskui.core.errors import NotFound
from deskui.core.i18n import t
from deskui.services.calls._base import CallBase
from deskui.services.calls._check import unit_key
from deskui.services.calls._rows import CALL, NEWER, SEARCH_SELECT, aware, select_calls, sqlite_time, to_info
from deskui.services.calls._types import CallInfo
from deskui.services.common import search as idx
from deskui.services.common.places import parse_unit


class CallReads(CallBase):
    """Reading: `get`, `versions`, `list` pages newest first, `iter_all` for exports, `search` any text."""

    def get(self, call_id: int) -> CallInfo:
        with self.db.read() as s:
            row = s.execute(select_calls().where(CALL.c.id == call_id, CALL.c.site_id == self.site_id)).first()
            if row is None:
                raise NotFound(t("No call #{id}", id=call_id))
            return to_info(row)

    def versions(self, call_id: int) -> builtins.list[CallInfo]:
        """Every version of the call `call_id` belongs to, oldest (the original) first."""
        root = self.get(call_id).root_id
        with self.db.read() as s:
            rows = s.execute(
                select_calls()
                .where(CALL.c.site_id == self.site_id, (CALL.c.id == root) | (CALL.c.original_id == root))
                .order_by(CALL.c.id)
            ).all()
            return [to_info(r) for r in rows]

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
    ) -> builtins.list[CallInfo]:
        """Calls newest first (by id), one page: pass the last id seen as `before_id` for the next page.

        `since` is inclusive, `until` exclusive; `unit` in any spelling. Superseded versions are left out unless
        `current_only=False`.
        """
        q = self._filtered(since=since, until=until, unit=unit, current_only=current_only, by_id=True)
        if before_id is not None:
            q = q.where(CALL.c.id < before_id)
        q = q.order_by(CALL.c.id.desc()).limit(self._page(limit))
        with self.db.read() as s:
            return [to_info(r) for r in s.execute(q)]

    def _filtered(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        unit: str | None = None,
        current_only: bool = True,
        by_id: bool = False,
    ) -> Select[Any]:
        site = CALL.c.site_id == self.site_id
        if by_id and since is None and until is None and not unit:
            # A page by id and nothing else to narrow it: walk the table from its end and stop at the page's last
            # row. Through the index on (site_id, called_at) SQLite sorted every call of the site first (issue 11:
            # 2 s at a million calls); `+ 0` keeps the planner off that index.
            site = (CALL.c.site_id + 0) == self.site_id
        q = select_calls().where(site)
        if since is not None:
            q = q.where(CALL.c.called_at >= aware(since, self.tz))
        if until is not None:
            q = q.where(CALL.c.called_at < aware(until, self.tz))
        if unit:
            q = q.where(CALL.c.unit_key == unit_key(unit.strip()))
        if current_only:
            q = q.where(NEWER.c.id.is_(None))
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
            q = q.where(CALL.c.id > after).order_by(CALL.c.id).limit(batch)
            with self.db.read() as s:
                rows = [to_info(r) for r in s.execute(q)]
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
    ) -> builtins.list[CallInfo]:
        """Calls whose caller, unit, phone or content contains `term` (any length, NFKC- and case-folded), newest
        first, one page (pass the last id as `before_id` for the next). A blank term lists the latest calls.

        A term that reads as a unit (any spelling `places.parse_unit` accepts: 3-2-1201, 3栋2单元1201, 3#2-1201,
        三栋二单元1201, full-width digits) also finds every call of that unit, whatever spelling it was logged with,
        as `list(unit=…)` and the form's side panel do. Otherwise the result is exactly what a plain substring scan
        of those fields would give; fast because only calls holding every character of the term are checked
        (see services.common.search).
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
    ) -> builtins.list[CallInfo]:
        """The substring part of `search` (see services.common.search): calls whose fields contain the folded term."""
        folded = idx.fold_term(term)
        if folded is None:
            return []
        params: dict[str, Any] = {"site": self.site_id, "term": folded, "limit": self._page(limit)}
        extra: list[str] = []
        if since is not None:
            extra.append("c.called_at >= :since")
            params["since"] = aware(since, self.tz)
        if until is not None:
            extra.append("c.called_at < :until")
            params["until"] = aware(until, self.tz)
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
                params[name] = sqlite_time(params[name])
        with self.db.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None  # a connection checked out of the pool always has its driver connection
            cursor = dbapi.cursor()
            try:
                rows: Sequence[Sequence[Any]] = []
                chars = sorted(idx.index_chars(folded))
                counts = self._counts(cursor, chars, sqlite_db)
                if all(counts[c] > 0 for c in chars):  # else no call in the main index holds the term
                    chosen = idx.order_by_rarity(chars, counts, self.limits.search_max_chars)
                    main = idx.candidate_sql(
                        self.db.backend,
                        SEARCH_SELECT,
                        len(chosen),
                        before=before_id is not None,
                        current_only=current_only,
                        extra_where=" AND ".join(extra),
                    )
                    cursor.execute(self._sql(main), {**params, **{f"c{i}": ch for i, ch in enumerate(chosen)}})
                    rows = cursor.fetchall()
                pending = idx.pending_sql(
                    self.db.backend,
                    SEARCH_SELECT,
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

    def _counts(self, cursor: DBAPICursor, chars: Sequence[str], sqlite_db: bool) -> dict[str, int]:
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
                n = int(self._scalar(cursor))
                self._rarity[ch] = n
            out[ch] = n
        return out

    def unit_history(
        self, unit: str, *, limit: int | None = None, before_id: int | None = None
    ) -> builtins.list[CallInfo]:
        """A unit's (or place's) latest calls, newest first: current versions only."""
        key = unit_key(unit.strip())
        if not key:
            return []
        return self.list(unit=unit, limit=limit or self.limits.history_limit, before_id=before_id)

    def shift_calls(self, duty_date: date, shift_key: str, *, limit: int | None = None) -> builtins.list[CallInfo]:
        """The calls logged in one shift (current versions, oldest first): what the morning handover reads."""
        q = (
            select_calls()
            .where(
                CALL.c.site_id == self.site_id,
                CALL.c.duty_date == duty_date,
                CALL.c.shift_key == shift_key,
                NEWER.c.id.is_(None),
            )
            .order_by(CALL.c.called_at, CALL.c.id)
            .limit(limit or 10 * self.limits.page_size)
        )
        with self.db.read() as s:
            return [to_info(r) for r in s.execute(q)]
