"""Writing to the duty-log chain, shared by the duty log, handovers, reviews and the key log: one entry appended at
the head inside the caller's write transaction (the chain's lock, the seal of a signature, the anchor after the
commit); the head; a reference taken; a signed handover's records and their digest; and the text check."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Result, event, func, select
from sqlmodel import Session

from deskui.core.errors import ValidationError
from deskui.models import CallDisposition, DutyLogEntry, Handover, HandoverRecord, Site
from deskui.services.common import anchors
from deskui.services.common.text import check_text
from deskui.services.handover import _chain as chain
from deskui.services.operators import OperatorInfo

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_RECORD = HandoverRecord.__table__  # type: ignore[attr-defined]
_DISPOSITION = CallDisposition.__table__  # type: ignore[attr-defined]
_SITE = Site.__table__  # type: ignore[attr-defined]

KINDS = ("entry", "amendment", "handover", "review")
WRITABLE_KINDS = ("entry", "amendment")  # what an operator writes (and may amend)


def clean_text(value: str, field_name: str, label: str, *, max_chars: int, multiline: bool = False) -> str:
    """Free text checked like the call form's (length, control characters, terminal escapes); `label` is shown."""
    try:
        return check_text(value, label, max_chars=max_chars, multiline=multiline)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field_name) from None


def dumps(value: Mapping[str, Any]) -> str:
    """Compact, sorted JSON: payloads are hashed, so the same content always gives the same bytes."""
    return json.dumps(dict(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def lock_chain(s: Session, site_id: int) -> None:
    """Serialise writers of the site's chain. SQLite: the write transaction's BEGIN IMMEDIATE already did it;
    PostgreSQL: lock the site row, the chain's anchor (it exists even before the first entry)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(_SITE.c.id).where(_SITE.c.id == site_id).with_for_update())


def chain_head(s: Session, site_id: int) -> tuple[int, str]:
    row = s.execute(
        select(_LOG.c.seq, _LOG.c.hash).where(_LOG.c.site_id == site_id).order_by(_LOG.c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, chain.GENESIS)


def append_entry(
    s: Session,
    site_id: int,
    *,
    kind: str,
    duty_date: date,
    shift_key: str,
    written_at: datetime,
    operator: OperatorInfo | None,
    text: str,
    amends_id: int | None = None,
    ref_key: str | None = None,
    payload: Mapping[str, Any] | None = None,
) -> int:
    """Add one entry at the head of the site's chain, inside the caller's write transaction; returns its id."""
    assert kind in KINDS
    lock_chain(s, site_id)
    head_seq, head_hash = chain_head(s, site_id)
    values: dict[str, Any] = {
        "site_id": site_id,
        "seq": head_seq + 1,
        "kind": kind,
        "duty_date": duty_date,
        "shift_key": shift_key,
        "written_at": written_at,
        "operator_id": operator.id if operator else None,
        "operator_name": operator.name if operator else "",
        "text": text,
        "amends_id": amends_id,
        "ref_key": ref_key,
        "payload": dumps(payload or {}),
    }
    values["prev_hash"] = head_hash
    values["hash"] = chain.entry_hash(values, head_hash)
    keeper = anchors.keeper_for(anchors.bind_url(s.get_bind()))
    keeper.ensure(lambda: all_heads(s))  # first use: the key, and the anchor at the heads before this entry
    if kind in anchors.SEALED_KINDS:  # written only after the signer's PIN was checked (services.common.anchors)
        values["seal"] = keeper.seal(values["hash"])
    result = s.execute(_LOG.insert().values(**values))
    head = {site_id: anchors.Head(values["seq"], values["hash"])}
    event.listen(s, "after_commit", lambda _s: _raise_anchor(keeper, head), once=True)
    return inserted_id(result)


def inserted_id(result: Result[Any]) -> int:
    """The primary key of the row an INSERT just added (what `Session.execute` returns for one is a CursorResult)."""
    key = cast("CursorResult[Any]", result).inserted_primary_key
    assert key is not None
    return int(key[0])


def all_heads(s: Session) -> dict[int, anchors.Head]:
    """Every site's chain head (sequence number, hash)."""
    latest = select(_LOG.c.site_id, func.max(_LOG.c.seq).label("seq")).group_by(_LOG.c.site_id).subquery()
    rows = s.execute(
        select(_LOG.c.site_id, _LOG.c.seq, _LOG.c.hash).join(
            latest, (latest.c.site_id == _LOG.c.site_id) & (latest.c.seq == _LOG.c.seq)
        )
    )
    return {r.site_id: anchors.Head(r.seq, r.hash) for r in rows}


def _raise_anchor(keeper: anchors.Keeper, head: dict[int, anchors.Head]) -> None:
    """After the commit: the anchor file follows the head. A failure here (a full disk, a read-only folder) only
    leaves the anchor behind, which weakens the truncation check but loses nothing; the entry is committed."""
    with contextlib.suppress(OSError):
        keeper.raise_anchor(head)


def ref_taken(s: Session, site_id: int, ref_key: str) -> Any | None:
    return s.execute(select(_LOG).where(_LOG.c.site_id == site_id, _LOG.c.ref_key == ref_key)).first()


def handover_records(s: Session, handover_id: int) -> list[dict[str, Any]]:
    """A handover's row, records and dispositions as plain data: what its signature's digest covers."""
    h = s.execute(select(_HANDOVER).where(_HANDOVER.c.id == handover_id)).one()
    out: list[dict[str, Any]] = [
        {
            "table": "handover",
            "id": h.id,
            "duty_date": h.duty_date,
            "shift_key": h.shift_key,
            "next_date": h.next_date,
            "next_shift_key": h.next_shift_key,
            "outgoing_id": h.outgoing_id,
            "outgoing_name": h.outgoing_name,
            "started_at": h.started_at,
        }
    ]
    for r in s.execute(select(_RECORD).where(_RECORD.c.handover_id == handover_id).order_by(_RECORD.c.id)):
        out.append(
            {
                "table": "record",
                "id": r.id,
                "step": r.step,
                "item": r.item,
                "value": r.value,
                "operator_id": r.operator_id,
                "operator_name": r.operator_name,
                "recorded_at": r.recorded_at,
            }
        )
    q = select(_DISPOSITION).where(_DISPOSITION.c.handover_id == handover_id).order_by(_DISPOSITION.c.id)
    for d in s.execute(q):
        out.append(
            {
                "table": "disposition",
                "id": d.id,
                "call_id": d.call_id,
                "action": d.action,
                "reason": d.reason,
                "ticket_id": d.ticket_id,
                "operator_id": d.operator_id,
                "operator_name": d.operator_name,
                "recorded_at": d.recorded_at,
            }
        )
    return out


def handover_digest(s: Session, handover_id: int) -> tuple[str, int]:
    records = handover_records(s, handover_id)
    return chain.digest(records), len(records)
