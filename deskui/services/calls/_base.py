"""The state every part of the call service shares, and the small helpers they all use."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine.interfaces import DBAPICursor
from sqlmodel import Session

from deskui.core.config import Choice
from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.services.calls._rows import tuple_to_info
from deskui.services.calls._types import CallInfo
from deskui.services.common import search as idx
from deskui.services.common.shifts import ShiftSlot
from deskui.services.context import ContextService, DeskContext


class CallBase(ContextService):
    """One desk's call log: the context, the call limits, and the caches the parts keep."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.limits = ctx.settings.calls
        self._rarity: dict[str, int] = {}
        self._writes_since_rarity = 0
        self._recent_slots: list[ShiftSlot] = []
        # Saved calls never change (append-only), so a row once converted is reused; only `superseded_by` can
        # change, once, and it is part of the key. Search-as-you-type shows the same newest rows again and again.
        self._infos: dict[tuple[int, int | None], CallInfo] = {}
        self._choices: dict[tuple[str, str], Choice] = {}

    def _row_info(self, row: Sequence[Any]) -> CallInfo:
        key = (row[0], row[20])
        info = self._infos.get(key)
        if info is None:
            if len(self._infos) >= 20_000:
                self._infos.clear()
            info = self._infos[key] = tuple_to_info(row)
        return info

    @staticmethod
    def _token(client_token: str | None) -> str | None:
        if client_token is None:
            return None
        try:
            return str(uuid.UUID(str(client_token)))
        except ValueError:
            raise ValidationError(t("The form token is not a UUID"), field="client_token") from None

    def _sql(self, sql: str) -> str:
        """Named-parameter SQL in the driver's own placeholder style."""
        return sql if self.db.backend == "sqlite" else idx.pyformat(sql)

    @staticmethod
    def _cursor(s: Session) -> DBAPICursor:
        """The driver cursor of the session's connection (inside its transaction)."""
        dbapi = s.connection().connection.dbapi_connection
        assert dbapi is not None  # a connection checked out of the pool always has its driver connection
        return dbapi.cursor()

    @staticmethod
    def _scalar(cur: DBAPICursor) -> Any:
        """The first column of the row a statement always returns (RETURNING, an aggregate)."""
        row = cur.fetchone()
        assert row is not None  # RETURNING and aggregates always return a row
        return row[0]

    def _page(self, limit: int | None) -> int:
        return max(1, min(limit or self.limits.page_size, 10 * self.limits.page_size))
