"""The handover's rows: finding a handover, writing its append-only records; the base its service's parts share.

Each entry of a step is an append-only `handover_record` (the latest per item wins), written inside a write
transaction that holds the duty-log chain's lock, so nothing is added between a signature check and the signing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session

from deskui.core.errors import Conflict, NotFound, PermissionDenied
from deskui.core.i18n import t
from deskui.models import CallDisposition, Handover, HandoverRecord
from deskui.services.common.shifts import ShiftSlot
from deskui.services.context import ContextService, DeskContext
from deskui.services.handover._dutylog import DutyLogService
from deskui.services.handover._dutylog_chain import dumps, lock_chain, ref_taken
from deskui.services.handover._items import DEFAULT_SOURCES, ItemSource
from deskui.services.handover._keylog import KeyLogService
from deskui.services.handover._roster import RosterService
from deskui.services.handover._types import HandoverState, OperatorRef, ReliefStatus
from deskui.services.operators import OperatorInfo, OperatorService

if TYPE_CHECKING:
    from deskui.services.calls import CallService
    from deskui.services.tickets import TicketService

_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_RECORD = HandoverRecord.__table__  # type: ignore[attr-defined]
_DISPOSITION = CallDisposition.__table__  # type: ignore[attr-defined]


class HandoverBase(ContextService):
    """The collaborators and the row access of `HandoverService`, whose parts (steps, signing) build on it."""

    def __init__(
        self,
        ctx: DeskContext,
        *,
        operators: OperatorService,
        calls: CallService,
        keys: KeyLogService,
        roster: RosterService,
        dutylog: DutyLogService,
        tickets: TicketService,
    ) -> None:
        super().__init__(ctx)
        self.operators = operators
        self.calls = calls
        self.keys = keys
        self.roster = roster
        self.dutylog = dutylog
        # None only as the desk was before tickets existed: decisions are recorded, the tickets are owed.
        self.tickets: TicketService | None = tickets
        # Open items come from these; the ticket service may add its own.
        self.item_sources: list[ItemSource] = list(DEFAULT_SOURCES)

    def state(self, handover_id: int) -> HandoverState:
        """Everything about one handover, as of now (HandoverService)."""
        raise NotImplementedError

    def _relief(self, st: HandoverState, slot: ShiftSlot, following: ShiftSlot, now: datetime) -> ReliefStatus:
        raise NotImplementedError

    def _row_for(self, s: Session, duty_date: date, shift_key: str) -> Any | None:
        return s.execute(
            select(_HANDOVER).where(
                _HANDOVER.c.site_id == self.site_id,
                _HANDOVER.c.duty_date == duty_date,
                _HANDOVER.c.shift_key == shift_key,
            )
        ).first()

    def _row(self, s: Session, handover_id: int) -> Any:
        row = s.execute(
            select(_HANDOVER).where(_HANDOVER.c.id == handover_id, _HANDOVER.c.site_id == self.site_id)
        ).first()
        if row is None:
            raise NotFound(t("No handover #{id}", id=handover_id))
        return row

    def _signed_entry(self, s: Session, handover_id: int) -> Any | None:
        return ref_taken(s, self.site_id, f"handover:{handover_id}")

    def _dispositions(self, s: Session, call_ids: Sequence[int]) -> dict[int, Any]:
        if not call_ids:
            return {}
        q = (
            select(_DISPOSITION)
            .where(_DISPOSITION.c.site_id == self.site_id, _DISPOSITION.c.call_id.in_(list(call_ids)))
            .order_by(_DISPOSITION.c.id)
        )
        return {r.call_id: r for r in s.execute(q)}  # the latest per call wins

    def _open_for_change(self, s: Session, handover_id: int) -> Any:
        """The handover row, if it may still change; inside a write transaction that holds the chain's lock, so
        on PostgreSQL too nothing is added between a signature check and the signing."""
        lock_chain(s, self.site_id)
        row = self._row(s, handover_id)
        entry = self._signed_entry(s, handover_id)
        if entry is not None:
            raise Conflict(
                t("This handover was signed at {when}; it can no longer change", when=self._hm(entry.written_at))
            )
        return row

    def _incoming_of(self, s: Session, handover_id: int) -> OperatorRef | None:
        r = s.execute(
            select(_RECORD.c.value)
            .where(_RECORD.c.handover_id == handover_id, _RECORD.c.step == "arrive")
            .order_by(_RECORD.c.id.desc())
            .limit(1)
        ).scalar()
        if r is None:
            return None
        value = json.loads(r)
        return OperatorRef(value["operator_id"], value["name"])

    def _as_incoming(self, s: Session, row: Any, operator: OperatorInfo, now: datetime) -> None:
        """The incoming person's steps: not the outgoing; the first one to act joins as the incoming."""
        if operator.id == row.outgoing_id:
            raise PermissionDenied(
                t("{name} is handing over; the incoming operator does this step", name=operator.name)
            )
        current = self._incoming_of(s, row.id)
        if current is None:
            self._record(s, row.id, "arrive", "", {"operator_id": operator.id, "name": operator.name}, operator, now)
        elif current.id != operator.id:
            raise PermissionDenied(t("{name} is taking over this shift; only they do this step", name=current.name))

    def _record(
        self,
        s: Session,
        handover_id: int,
        step: str,
        item: str,
        value: dict[str, Any],
        operator: OperatorInfo | None,
        now: datetime,
    ) -> None:
        s.execute(
            _RECORD.insert().values(
                site_id=self.site_id,
                handover_id=handover_id,
                step=step,
                item=item,
                value=dumps(value),
                operator_id=operator.id if operator else None,
                operator_name=operator.name if operator else "",
                recorded_at=now,
            )
        )

    def _hm(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%m-%d %H:%M")
