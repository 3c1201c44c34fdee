"""Drafts: a half-typed form autosaved twice a second, offered back after a crash or a closed terminal.

A draft is kept by the form's token; saving the call with that token drops it in the same transaction.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.services.calls._base import CallBase
from deskui.services.calls._rows import CALL, DRAFT
from deskui.services.calls._types import DraftInfo
from deskui.services.operators import OperatorInfo


class CallDrafts(CallBase):
    """`save_draft`, `pending_drafts`, `discard_draft`."""

    def save_draft(
        self, client_token: str, payload: Mapping[str, Any], *, form: str = "call", operator: OperatorInfo | None = None
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
        operator_id = operator.id if operator is not None else None
        values = {
            "site_id": self.site_id,
            "operator_id": operator_id,
            "form": form,
            "client_token": token,
            "payload": body,
            "updated_at": now,
        }
        with self.db.write() as s:
            if s.execute(select(CALL.c.id).where(CALL.c.client_token == token)).first():
                return None
            dialect = sqlite if self.db.backend == "sqlite" else postgresql
            stmt = dialect.insert(DRAFT).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[DRAFT.c.client_token],
                set_={"payload": body, "updated_at": now, "form": form, "operator_id": operator_id},
            )
            s.execute(stmt)
        return DraftInfo(token, form, operator_id, json.loads(body), now)

    def pending_drafts(
        self, operator: OperatorInfo | None = None, *, form: str | None = None
    ) -> builtins.list[DraftInfo]:
        """The operator's unsaved forms, newest first (None: drafts saved without an operator)."""
        q = select(DRAFT).where(DRAFT.c.site_id == self.site_id)
        q = q.where(DRAFT.c.operator_id == operator.id if operator is not None else DRAFT.c.operator_id.is_(None))
        if form is not None:
            q = q.where(DRAFT.c.form == form)
        with self.db.read() as s:
            rows = s.execute(q.order_by(DRAFT.c.updated_at.desc(), DRAFT.c.id.desc())).all()
        return [DraftInfo(r.client_token, r.form, r.operator_id, json.loads(r.payload), r.updated_at) for r in rows]

    def discard_draft(self, client_token: str) -> bool:
        token = self._token(client_token)
        with self.db.write() as s:
            stmt = delete(DRAFT).where(DRAFT.c.site_id == self.site_id, DRAFT.c.client_token == token)
            # A DELETE's result is a CursorResult (it has a rowcount); Session.execute is typed for any statement.
            result = cast(CursorResult[Any], s.execute(stmt))
            return bool(result.rowcount)
