"""Repairs, paid or free (issue 14): the warranty, the fee, the booked visit and the resident's sign-off.

The manuals put paid and free repairs under one callback rule (seed 002 四.2–四.5, 003 4.1.3), so paid or free is
an attribute of a repair, not a kind of its own:
- `paid` is set when the repair is filed (free under warranty by default) and may be confirmed or changed when the
  work is marked done, which also records the fee (`fee_cents`, a whole number of cents; shown as "120.00");
- the kind `service` (有偿服务, numbered FW-) stays, for the databases and imports that have it and for the desk's
  paid-service register, and it is a repair that is always paid: it has a repair type, every repair target and the
  100 % callback. Its older tickets, filed before this rule, read as paid (their "created" event says no `paid`);
- a booked visit (the appointment agreed with the resident) is a target of its own, `visit`: due at the booked time,
  met when the job starts (or is done), so a visit that passes without the job started is due soon, then overdue;
- a callback that reached the resident of a repair may carry the resident's sign-off (002 入住⑤/报修: the resident
  confirms the repair is done): `signed_off` yes/no and `signed_by` as typed.
Every fact is stored in the events (`created`, the `status` event to done, `callback`) as keys and numbers; `paid`
and `fee_cents` are projected onto the ticket row (migration 0013). Pure functions: no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, t

REPAIR_KINDS = frozenset({"repair", "service"})  # a paid service is a repair that is paid
PAID_KINDS = frozenset({"service"})  # always paid
MAX_FEE_CENTS = 100_000_000  # 1,000,000.00: a typo guard, far above any repair bill
STARTED = frozenset({"in_progress", "done", "closed"})
PAID_LABELS = {"free": N_("Free (under warranty)"), "paid": N_("Paid")}
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


class EventLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


def is_repair(kind: str) -> bool:
    return kind in REPAIR_KINDS


def parse_paid(value: bool | str | None) -> bool | None:
    """paid / free as typed (yes, no, 1, 0, 收费, 免费 …); None when not said."""
    if value is None or isinstance(value, bool):
        return value
    v = value.strip().lower()
    if not v:
        return None
    if v in ("paid", "yes", "y", "true", "1", "收费", "有偿"):
        return True
    if v in ("free", "no", "n", "false", "0", "免费", "保修"):
        return False
    raise ValidationError(t("Paid or free? Use paid or free"), field="paid")


def parse_fee(value: int | str | Decimal | None) -> int | None:
    """A fee as typed ("120", "85.5", "¥85.50") → whole cents; None when empty. A negative, a fraction of a cent or
    words are refused."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        cents = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        for sign in ("¥", "￥", "元", "RMB", "rmb", "CNY"):
            text = text.replace(sign, "")
        text = text.strip()
        if not text:
            return None
        if not _AMOUNT.match(text):
            raise ValidationError(t("A fee is an amount, e.g. 120 or 85.50"), field="fee")
        try:
            cents = int(Decimal(text) * 100)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValidationError(t("A fee is an amount, e.g. 120 or 85.50"), field="fee") from None
    if cents < 0 or cents > MAX_FEE_CENTS:
        raise ValidationError(t("A fee is an amount, e.g. 120 or 85.50"), field="fee")
    return cents


def fee_text(cents: int | None) -> str | None:
    """Cents as a decimal string, "12000" → "120.00" (JSON and the screens); None when not recorded."""
    if cents is None:
        return None
    return f"{Decimal(cents) / 100:.2f}"


def paid_at_creation(kind: str, paid: bool | str | None) -> dict[str, Any]:
    """The `paid` fact of a new ticket's "created" event: a repair's as told (free by default), a paid service's
    always paid; other kinds have none."""
    said = parse_paid(paid)
    if not is_repair(kind):
        if said:
            raise ValidationError(t("Only a repair is paid or free"), field="paid")
        return {}
    if kind in PAID_KINDS:
        if said is False:
            raise ValidationError(t("A paid service is paid; file a free repair as a repair"), field="paid")
        return {"paid": True}
    return {"paid": bool(said)}


def done_facts(kind: str, paid_now: bool, paid: bool | str | None, fee: int | str | Decimal | None) -> dict[str, Any]:
    """What a repair's completion adds to its "status" event: `paid` when said (confirmed or changed) and the fee of
    a paid repair. A fee on a free repair, or anything of this on another kind, is refused."""
    said = parse_paid(paid)
    cents = parse_fee(fee)
    if said is None and cents is None:
        return {}
    if not is_repair(kind):
        field = "fee" if cents is not None else "paid"
        raise ValidationError(t("Only a repair is paid or free"), field=field)
    if kind in PAID_KINDS and said is False:
        raise ValidationError(t("A paid service is paid; file a free repair as a repair"), field="paid")
    out: dict[str, Any] = {}
    is_paid = paid_now if said is None else said
    if said is not None:
        out["paid"] = said
    if cents is not None:
        if not is_paid:
            raise ValidationError(t("A free repair has no fee; mark it paid to record one"), field="fee")
        out["fee_cents"] = cents
    return out


def signoff_facts(kind: str, outcome: str, signed_off: bool | str | None, signed_by: str) -> dict[str, Any]:
    """The resident's sign-off on a repair's callback: only when the resident was reached, only on a repair; the
    name only with a yes or no."""
    said = parse_paid_like(signed_off)
    name = (signed_by or "").strip()
    if said is None:
        if name:
            raise ValidationError(t("Say whether the resident signed off before naming who"), field="signed_off")
        return {}
    if not is_repair(kind):
        raise ValidationError(t("Only a repair is signed off by the resident"), field="signed_off")
    if outcome != "reached":
        raise ValidationError(t("A sign-off needs the resident reached"), field="signed_off")
    if len(name) > 100 or "\n" in name:
        raise ValidationError(t("A name is one line of at most 100 characters"), field="signed_by")
    out: dict[str, Any] = {"signed_off": said}
    if name:
        out["signed_by"] = name
    return out


def parse_paid_like(value: bool | str | None) -> bool | None:
    """yes / no as typed (the sign-off); None when not said."""
    if value is None or isinstance(value, bool):
        return value
    v = value.strip().lower()
    if not v:
        return None
    if v in ("yes", "y", "true", "1", "signed", "是", "已签"):
        return True
    if v in ("no", "n", "false", "0", "refused", "否", "未签"):
        return False
    raise ValidationError(t("Signed off? Use yes or no"), field="signed_off")


# --- replay ------------------------------------------------------------------------------------------------------


def created_paid(data: Mapping[str, Any]) -> bool:
    """A ticket's `paid` from its "created" event; a paid service filed before issue 14 says none and is paid."""
    if "paid" in data:
        return bool(data["paid"])
    return str(data.get("kind") or "") in PAID_KINDS


def step_changes(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The row fields a later event changes: a completion's `paid` and fee."""
    out: dict[str, Any] = {}
    if kind == "status" and data.get("to") == "done":
        if "paid" in data:
            out["paid"] = bool(data["paid"])
        if "fee_cents" in data:
            out["fee_cents"] = int(data["fee_cents"])
    return out


@dataclass(frozen=True)
class SignOff:
    """The resident's sign-off given at the last reached callback since the last completion."""

    signed_off: bool | None = None
    signed_by: str = ""


def signoff(events: Iterable[EventLike]) -> SignOff:
    out = SignOff()
    for ev in events:
        if ev.kind == "status" and ev.data.get("to") == "done":
            out = SignOff()
        elif ev.kind == "callback" and "signed_off" in ev.data:
            out = SignOff(bool(ev.data["signed_off"]), str(ev.data.get("signed_by") or ""))
    return out


def _dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def visit_plan(events: Iterable[EventLike]) -> list[tuple[str, datetime, datetime | None]]:
    """The booked visit's target, (name, due, met at), or none when no visit is booked: due at the booked time, met
    when the job starts (in progress, or done or closed without a start). Booking another time starts it over; a
    time booked while the job is in progress is met when it is done."""
    booked: datetime | None = None
    met: datetime | None = None
    status = "new"
    for ev in events:
        if ev.kind == "created":
            booked = _dt(ev.data.get("appointment_at"))
        elif ev.kind == "appointment":
            booked, met = _dt(ev.data.get("appointment_at")), None
        if ev.status in STARTED and ev.status != status and met is None and booked is not None:
            met = ev.at
        status = ev.status
    return [] if booked is None else [("visit", booked, met)]


# --- in words (the ticket screen and `deskui tickets show`) ------------------------------------------------------


def paid_text(kind: str, paid: bool, fee_cents: int | None) -> str:
    """ "Paid, fee 120.00", "Paid, fee not recorded yet" or "Free (under warranty)"; "" for a kind that is no repair."""
    if not is_repair(kind):
        return ""
    if not paid:
        return t(PAID_LABELS["free"])
    fee = fee_text(fee_cents)
    return t("Paid, fee {fee}", fee=fee) if fee is not None else t("Paid, fee not recorded yet")


def signoff_text(signed_off: bool | None, signed_by: str) -> str:
    """The resident's sign-off in words: "signed off by 张三", "signed off", "not signed off"; "" when not asked."""
    if signed_off is None:
        return ""
    if not signed_off:
        return t("not signed off")
    return t("signed off by {name}", name=signed_by) if signed_by else t("signed off")
