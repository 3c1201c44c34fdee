"""Operators, PINs and roles. Role checks live here so the CLI and every screen obey the same rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from deskui.core.errors import (
    Conflict,
    NotFound,
    OperatorLocked,
    PermissionDenied,
    PinRejected,
    ValidationError,
)
from deskui.core.i18n import N_, t
from deskui.models import Operator
from deskui.services.context import ContextService, DeskContext


class Role(StrEnum):
    RECEPTIONIST = "receptionist"
    MAINTENANCE = "maintenance"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


ROLE_LABELS = {
    Role.RECEPTIONIST: N_("Receptionist"),
    Role.MAINTENANCE: N_("Night maintenance"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.MANAGER: N_("Manager"),
}
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})


@dataclass(frozen=True)
class OperatorInfo:
    """What a screen may know about an operator: never the PIN hash."""

    id: int
    name: str
    role: Role
    locked_until: datetime | None
    active: bool

    @property
    def role_label(self) -> str:
        return t(ROLE_LABELS[self.role])

    def is_supervisor(self) -> bool:
        return self.role in SUPERVISORS


def _info(op: Operator) -> OperatorInfo:
    assert op.id is not None
    return OperatorInfo(op.id, op.name, Role(op.role), op.locked_until, op.active)


def require_role(actor: OperatorInfo | None, *roles: Role) -> None:
    """None is the local administrator (the CLI on the database host), who may do anything."""
    if actor is not None and actor.role not in roles:
        raise PermissionDenied(t("{name} ({role}) may not do this", name=actor.name, role=actor.role_label))


class OperatorService(ContextService):
    """The site's operators: adding them, their PINs, sign-in checks and the lockout."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        # RFC 9106 low-memory profile: ~50 ms a check, acceptable at a sign-in prompt.
        self._hasher = PasswordHasher()

    def _check_pin(self, pin: str) -> str:
        pin = pin.strip()
        if not pin.isdigit() or not pin.isascii():
            raise ValidationError(t("A PIN is digits only"), field="pin")
        if not self.settings.security.pin_min_length <= len(pin) <= 12:
            raise ValidationError(t("A PIN has {n} to 12 digits", n=self.settings.security.pin_min_length), field="pin")
        return pin

    def _check_name(self, name: str) -> str:
        name = " ".join(name.split())
        if not name or len(name) > 100 or not name.isprintable():
            raise ValidationError(t("A name is 1 to 100 printable characters"), field="name")
        return name

    def list(self, *, include_inactive: bool = False) -> list[OperatorInfo]:
        with self.db.read() as s:
            q = select(Operator).where(Operator.site_id == self.site_id)
            if not include_inactive:
                q = q.where(Operator.active == True)  # noqa: E712
            return [_info(o) for o in s.exec(q.order_by(col(Operator.id)))]

    def get(self, operator_id: int) -> OperatorInfo:
        with self.db.read() as s:
            op = s.get(Operator, operator_id)
            if op is None or op.site_id != self.site_id:
                raise NotFound(t("No such operator"))
            return _info(op)

    def by_name(self, name: str) -> OperatorInfo:
        with self.db.read() as s:
            op = s.exec(select(Operator).where(Operator.site_id == self.site_id, Operator.name == name)).first()
            if op is None:
                raise NotFound(t("No operator named {name}", name=name))
            return _info(op)

    def has_operators(self) -> bool:
        """True once the site has any operator (active or not): from then on only a manager adds or resets."""
        with self.db.read() as s:
            return s.exec(select(Operator.id).where(Operator.site_id == self.site_id).limit(1)).first() is not None

    def authorize_manager(self, name: str, pin: str) -> OperatorInfo:
        """The manager `name`, once `pin` is theirs: checked like a sign-in, so wrong PINs count towards the
        lockout and a locked manager is refused. Adding operators and resetting PINs need this (issue 16 item 11):
        a PIN only protects anything if another operator at the same desk cannot simply set a new one."""
        operator = self.by_name(name.strip())
        if operator.role is not Role.MANAGER:
            raise PermissionDenied(
                t(
                    "{name} ({role}) may not add operators or reset PINs; a manager may",
                    name=operator.name,
                    role=operator.role_label,
                )
            )
        if not pin.strip():
            raise ValidationError(t("Type the PIN of {name}", name=operator.name), field="pin")
        return self.authenticate(operator.id, pin)

    def add(
        self, name: str, role: str, pin: str, *, actor: OperatorInfo | None = None, first_only: bool = False
    ) -> OperatorInfo:
        """`first_only`: add only when the site has no operator yet (the first one needs no manager's PIN); the
        check is inside the write transaction, so two first operators added at once cannot both pass."""
        require_role(actor, *SUPERVISORS)
        name = self._check_name(name)
        try:
            role_value = Role(role)
        except ValueError:
            raise ValidationError(
                t("Unknown role {role}; use one of: {roles}", role=role, roles=", ".join(r.value for r in Role)),
                field="role",
            ) from None
        pin_hash = self._hasher.hash(self._check_pin(pin))
        with self.db.write() as s:
            if first_only and s.exec(select(Operator.id).where(Operator.site_id == self.site_id)).first() is not None:
                raise PermissionDenied(t("Only the first operator of a new database is added without a manager's PIN"))
            exists = s.exec(select(Operator).where(Operator.site_id == self.site_id, Operator.name == name)).first()
            if exists:
                raise Conflict(t("An operator named {name} already exists", name=name), field="name")
            op = Operator(
                site_id=self.site_id, name=name, role=role_value.value, pin_hash=pin_hash, created_at=self.clock.now()
            )
            s.add(op)
            s.flush()
            return _info(op)

    def reset_pin(self, name: str, pin: str, *, actor: OperatorInfo | None = None) -> OperatorInfo:
        """A new PIN also lifts a lockout."""
        require_role(actor, *SUPERVISORS)
        pin_hash = self._hasher.hash(self._check_pin(pin))
        with self.db.write() as s:
            op = s.exec(select(Operator).where(Operator.site_id == self.site_id, Operator.name == name)).first()
            if op is None:
                raise NotFound(t("No operator named {name}", name=name))
            op.pin_hash = pin_hash
            op.failed_attempts = 0
            op.locked_until = None
            s.add(op)
            return _info(op)

    def authenticate(self, operator_id: int, pin: str) -> OperatorInfo:
        """Check a PIN; count failures and lock the operator after the configured number in a row. An empty PIN is
        no attempt: nothing was typed (a script's `--pin ''`), so it is refused without counting."""
        if not pin.strip():
            raise ValidationError(t("Type the PIN"), field="pin")
        sec = self.settings.security
        now = self.clock.now()
        with self.db.write() as s:
            op = s.get(Operator, operator_id)
            if op is None or op.site_id != self.site_id or not op.active:
                raise NotFound(t("No such operator"))
            if op.locked_until is not None and op.locked_until > now:
                raise OperatorLocked(self._locked_message(op.locked_until, now), until=op.locked_until)
            ok: bool
            try:
                ok = self._hasher.verify(op.pin_hash, pin.strip())
            except (VerificationError, InvalidHashError):
                ok = False
            if ok:
                op.failed_attempts = 0
                op.locked_until = None
                if self._hasher.check_needs_rehash(op.pin_hash):
                    op.pin_hash = self._hasher.hash(pin.strip())
                s.add(op)
                return _info(op)
            op.failed_attempts += 1
            if op.failed_attempts >= sec.pin_max_attempts:
                op.failed_attempts = 0
                op.locked_until = now + timedelta(minutes=sec.pin_lockout_minutes)
                s.add(op)
                failure: Exception = OperatorLocked(self._locked_message(op.locked_until, now), until=op.locked_until)
            else:
                s.add(op)
                left = sec.pin_max_attempts - op.failed_attempts
                failure = PinRejected(t("Wrong PIN; {n} attempts left", n=left), attempts_left=left)
        # Raised after the block so the failure count is committed, not rolled back.
        raise failure

    def _locked_message(self, until: datetime, now: datetime) -> str:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        return t("Locked after too many wrong PINs; try again in {n} min", n=minutes)
