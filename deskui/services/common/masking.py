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
FULL_ROLES = ("supervisor", "manager")


def mask_phone(phone: str) -> str:
    """The number with its middle digits as *: 13812345678 → 138****5678, 021-6234 5678 转 12 → 021-****5678 转 12
    (the first 3 and last 4 of the number itself; an extension stays). Short numbers keep only their last 2."""
    if not phone:
        return phone
    main, sep, extension = phone.partition("转")
    positions = [m.start() for m in _DIGIT.finditer(main)]
    n = len(positions)
    if n == 0:
        return phone
    keep = set(positions[:3] + positions[-4:]) if n >= 8 else set(positions[-2:]) if n > 2 else set()
    chars = [c if (i not in positions or i in keep) else "*" for i, c in enumerate(main)]
    return "".join(chars) + sep + extension


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
