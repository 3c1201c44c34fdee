"""Phone numbers in exports: masked by default (138****5678), whole only for a supervisor.

Exports leave the desk: a spreadsheet mailed to the management company, a file on a USB stick. Residents' numbers
in them are masked unless `--full` is given, and `--full` needs either
- `--operator NAME` naming an active supervisor or manager, with that operator's PIN (typed at the prompt, or
  `--pin` / DESKUI_PIN for scripts), checked like a sign-in (wrong PINs count towards the lockout); or
- the local administrator, i.e. running as root, who can read the database file directly anyway.
A receptionist's or maintenance operator's name is refused, and so is no name at all.

Credentials: a database URL is shown with its password masked (`mask_url`, `mask_secrets`): they live in
deskui.core.urls, since core.db masks its own errors, and are re-exported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from deskui.core.errors import PermissionDenied, ValidationError
from deskui.core.i18n import t
from deskui.core.urls import MASK, mask_secrets, mask_url, remember_url, url_secrets
from deskui.services.common.places import public_prefix

__all__ = [
    "FULL_ROLES",
    "MASK",
    "allow_full",
    "is_local_admin",
    "mask_phone",
    "mask_secrets",
    "mask_url",
    "masked_calls",
    "masked_tickets",
    "remember_url",
    "url_secrets",
]

_DIGIT = re.compile(r"\d")
_EXTENSION = re.compile(r"转|轉|分机|分機|内线|內線|ext|x|#", re.IGNORECASE)
FULL_ROLES = ("supervisor", "manager")


def mask_phone(phone: str) -> str:
    """The number with its subscriber's digits masked, the same rule for every length and region:

    - a country code, an area code with its trunk 0 and a mobile's network prefix stay (they name a place or a
      carrier, not a person: `places.public_prefix`), but they never leave fewer than 6 digits (or all of a shorter
      number) to mask from;
    - of the rest (the subscriber's number) at most half is shown, and at most its last 4 digits; a rest shorter
      than 4 digits is all masked;
    - an extension (转 / 轉 / 分机 / ext / x / # and digits) stays.

    13812345678 → 138****5678, +86 138 1234 5678 → +86 138 **** 5678, 021-6234 5678 → 021-**** 5678,
    Hong Kong 6234 5678 → **** 5678 and +852 6234 5678 → +852 **** 5678, Taiwan 0912-345-678 → 0912-***-678,
    02-2345-6789 → 02-****-6789, 110 → ***."""
    if not phone:
        return phone
    split = _EXTENSION.search(phone)
    main, rest = (phone[: split.start()], phone[split.start() :]) if split else (phone, "")
    positions = [m.start() for m in _DIGIT.finditer(main)]
    n = len(positions)
    if n == 0:
        return phone
    digits = "".join(main[i] for i in positions)
    prefix = min(public_prefix(digits, main.lstrip().startswith("+")), max(0, n - 6))
    subscriber = n - prefix
    shown = min(4, subscriber // 2) if subscriber >= 4 else 0
    keep = set(positions[:prefix]) | (set(positions[n - shown :]) if shown else set())
    chars = [c if (i not in positions or i in keep) else "*" for i, c in enumerate(main)]
    return "".join(chars) + rest


def masked_calls(calls: Iterable[Any]) -> Iterator[Any]:
    for call in calls:
        yield replace(call, phone=mask_phone(call.phone))


def masked_tickets(rows: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    for ticket, call_ids in rows:
        yield replace(ticket, phone=mask_phone(ticket.phone)), call_ids


def is_local_admin() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def allow_full(
    services: Any, operator_name: str | None, pin: str | None, *, ask_pin: Callable[[], str] | None = None
) -> None:
    """Return when whole phone numbers may be exported; raise a DeskError saying why not otherwise."""
    if not operator_name:
        if is_local_admin():
            return
        raise PermissionDenied(
            t("--full shows whole phone numbers: give --operator NAME of a supervisor or manager (and the PIN)")
        )
    operator = services.operators.by_name(operator_name)
    if str(getattr(operator.role, "value", operator.role)) not in FULL_ROLES:
        raise PermissionDenied(
            t(
                "{name} ({role}) may not export whole phone numbers; a supervisor or manager may",
                name=operator.name,
                role=operator.role_label,
            )
        )
    if pin is None and ask_pin is not None:
        pin = ask_pin()
    if not pin:
        raise ValidationError(t("--full needs the PIN of {name}", name=operator.name), field="pin")
    services.operators.authenticate(operator.id, pin)
