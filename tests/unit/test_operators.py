"""Operators, PINs, lockout and role checks (deskui.services.operators)."""

from __future__ import annotations

from datetime import timedelta

import argon2
import pytest
from sqlmodel import select

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, OperatorLocked, PermissionDenied, PinRejected, ValidationError
from deskui.models import Operator
from deskui.services import Services
from deskui.services.operators import OperatorInfo, Role, require_role


def stored(svc: Services, name: str) -> Operator:
    with svc.db.read() as s:
        op = s.exec(select(Operator).where(Operator.name == name)).one()
        return op


@pytest.fixture
def wang(services: Services) -> OperatorInfo:
    return services.operators.add("王芳", "receptionist", "2468")


def test_add_and_read_back(services: Services) -> None:
    info = services.operators.add("  李 主管 ", "supervisor", "135790")
    assert (info.name, info.role, info.active, info.locked_until) == ("李 主管", Role.SUPERVISOR, True, None)
    assert info.is_supervisor()
    assert info.role_label == "Supervisor"
    assert services.operators.get(info.id) == info
    assert services.operators.by_name("李 主管") == info
    assert [o.name for o in services.operators.list()] == ["李 主管"]
    assert stored(services, "李 主管").created_at == services.clock.now()


@pytest.mark.real_argon2
def test_pin_is_stored_as_argon2id_hash(services: Services) -> None:
    wang = services.operators.add("王芳", "receptionist", "2468")
    row = stored(services, "王芳")
    assert row.pin_hash.startswith("$argon2id$")
    params = argon2.extract_parameters(row.pin_hash)
    assert params.type is argon2.Type.ID
    assert params.memory_cost >= 64 * 1024  # at least the RFC 9106 low-memory profile
    assert "2468" not in row.pin_hash
    assert not hasattr(wang, "pin_hash")  # what screens see never carries the hash


def test_duplicate_name_refused(services: Services, wang: OperatorInfo) -> None:
    with pytest.raises(Conflict) as err:
        services.operators.add(" 王芳 ", "manager", "1357")
    assert err.value.field == "name"
    assert len(services.operators.list()) == 1
    assert services.operators.by_name("王芳").role == Role.RECEPTIONIST


@pytest.mark.parametrize("role", ["admin", "Receptionist", "", "前台"])
def test_bad_role_refused(services: Services, role: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.operators.add("王芳", role, "2468")
    assert err.value.field == "role"
    assert "receptionist" in err.value.message
    assert services.operators.list() == []


@pytest.mark.parametrize("pin", ["12a4", "abcd", "12 34", "１２３４", "123", "", "1" * 13, "-1234"])
def test_bad_pin_refused(services: Services, pin: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.operators.add("王芳", "receptionist", pin)
    assert err.value.field == "pin"
    assert services.operators.list() == []


def test_pin_min_length_is_a_setting(services: Services) -> None:
    assert services.settings.security.pin_min_length == 4
    services.operators.add("王芳", "receptionist", "1234")
    services.operators.add("李四", "receptionist", "1" * 12)


def test_unknown_operator(services: Services) -> None:
    with pytest.raises(NotFound):
        services.operators.get(999)
    with pytest.raises(NotFound):
        services.operators.by_name("nobody")
    with pytest.raises(NotFound):
        services.operators.authenticate(999, "1234")
    with pytest.raises(NotFound):
        services.operators.reset_pin("nobody", "1234")


# --- sign-in --------------------------------------------------------------------------------------------------


def test_authenticate_right_pin(services: Services, wang: OperatorInfo) -> None:
    assert services.operators.authenticate(wang.id, "2468") == wang
    assert services.operators.authenticate(wang.id, " 2468 ") == wang


def test_wrong_pin_counts_down(services: Services, wang: OperatorInfo) -> None:
    max_attempts = services.settings.security.pin_max_attempts
    with pytest.raises(PinRejected) as err:
        services.operators.authenticate(wang.id, "0000")
    assert err.value.attempts_left == max_attempts - 1
    assert err.value.field == "pin"
    assert stored(services, "王芳").failed_attempts == 1  # the failure was committed, not rolled back
    with pytest.raises(PinRejected) as err:
        services.operators.authenticate(wang.id, "not a pin")
    assert err.value.attempts_left == max_attempts - 2


@pytest.mark.parametrize("pin", ["", " ", "\t\n"])
def test_empty_pin_is_refused_without_counting_an_attempt(services: Services, wang: OperatorInfo, pin: str) -> None:
    """A script's `--pin ''` or DESKUI_PIN='' typed nothing: say so, and cost no attempt (the forms never send one)."""
    max_attempts = services.settings.security.pin_max_attempts
    for _ in range(max_attempts + 1):  # more than the lockout allows: nothing is counted, nobody is locked
        with pytest.raises(ValidationError, match="Type the PIN") as err:
            services.operators.authenticate(wang.id, pin)
        assert err.value.field == "pin"
    assert (stored(services, "王芳").failed_attempts, stored(services, "王芳").locked_until) == (0, None)
    assert services.operators.authenticate(wang.id, "2468") == wang


def test_right_pin_resets_the_count(services: Services, wang: OperatorInfo) -> None:
    max_attempts = services.settings.security.pin_max_attempts
    for _ in range(max_attempts - 1):
        with pytest.raises(PinRejected):
            services.operators.authenticate(wang.id, "0000")
    services.operators.authenticate(wang.id, "2468")
    assert stored(services, "王芳").failed_attempts == 0
    with pytest.raises(PinRejected) as err:
        services.operators.authenticate(wang.id, "0000")
    assert err.value.attempts_left == max_attempts - 1


def lock_out(svc: Services, operator_id: int) -> OperatorLocked:
    """Type wrong PINs until the operator is locked; return the lock error."""
    for _ in range(svc.settings.security.pin_max_attempts - 1):
        with pytest.raises(PinRejected):
            svc.operators.authenticate(operator_id, "0000")
    with pytest.raises(OperatorLocked) as err:
        svc.operators.authenticate(operator_id, "0000")
    return err.value


def test_lockout_after_max_attempts(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    minutes = services.settings.security.pin_lockout_minutes
    locked = lock_out(services, wang.id)
    assert locked.until == clock.now() + timedelta(minutes=minutes)
    assert locked.field == "pin"
    assert f"{minutes} min" in locked.message
    assert services.operators.get(wang.id).locked_until == clock.now() + timedelta(minutes=minutes)
    # Even the right PIN is refused while locked, and does not unlock.
    clock.advance(minutes=minutes - 5)
    with pytest.raises(OperatorLocked) as err:
        services.operators.authenticate(wang.id, "2468")
    assert "5 min" in err.value.message
    clock.advance(minutes=5, seconds=-30)
    with pytest.raises(OperatorLocked) as err:
        services.operators.authenticate(wang.id, "2468")
    assert "1 min" in err.value.message


def test_lock_expires(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    lock_out(services, wang.id)
    clock.advance(minutes=services.settings.security.pin_lockout_minutes)
    assert services.operators.authenticate(wang.id, "2468").name == "王芳"
    assert services.operators.get(wang.id).locked_until is None


def test_after_lock_expires_a_full_set_of_attempts(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    lock_out(services, wang.id)
    clock.advance(minutes=services.settings.security.pin_lockout_minutes, seconds=1)
    with pytest.raises(PinRejected) as err:
        services.operators.authenticate(wang.id, "0000")
    assert err.value.attempts_left == services.settings.security.pin_max_attempts - 1


def test_lockout_settings_are_honoured(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    import dataclasses

    from deskui.services.context import DeskContext
    from deskui.services.operators import OperatorService

    sec = dataclasses.replace(services.settings.security, pin_max_attempts=2, pin_lockout_minutes=1)
    strict = OperatorService(
        DeskContext(services.db, dataclasses.replace(services.settings, security=sec), clock, services.site_id)
    )
    with pytest.raises(PinRejected):
        strict.authenticate(wang.id, "0000")
    with pytest.raises(OperatorLocked) as err:
        strict.authenticate(wang.id, "0000")
    assert err.value.until == clock.now() + timedelta(minutes=1)


def test_reset_pin_lifts_lock(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    lock_out(services, wang.id)
    info = services.operators.reset_pin("王芳", "9753")
    assert info.locked_until is None
    assert services.operators.authenticate(wang.id, "9753") == info
    with pytest.raises(PinRejected):
        services.operators.authenticate(wang.id, "2468")  # the old PIN is gone


def test_reset_pin_checks_the_pin(services: Services, wang: OperatorInfo) -> None:
    before = stored(services, "王芳").pin_hash
    with pytest.raises(ValidationError):
        services.operators.reset_pin("王芳", "12")
    assert stored(services, "王芳").pin_hash == before


def test_inactive_operator_cannot_sign_in(services: Services, wang: OperatorInfo) -> None:
    with services.db.write() as s:
        row = s.get(Operator, wang.id)
        assert row is not None
        row.active = False
        s.add(row)
    with pytest.raises(NotFound):
        services.operators.authenticate(wang.id, "2468")
    assert services.operators.list() == []
    assert [o.name for o in services.operators.list(include_inactive=True)] == ["王芳"]


# --- roles ----------------------------------------------------------------------------------------------------


def test_require_role() -> None:
    receptionist = OperatorInfo(1, "王芳", Role.RECEPTIONIST, None, True)
    manager = OperatorInfo(2, "赵经理", Role.MANAGER, None, True)
    require_role(None, Role.SUPERVISOR)  # the CLI administrator
    require_role(manager, Role.SUPERVISOR, Role.MANAGER)
    with pytest.raises(PermissionDenied) as err:
        require_role(receptionist, Role.SUPERVISOR, Role.MANAGER)
    assert "王芳" in err.value.message
    assert "Receptionist" in err.value.message


def test_receptionist_cannot_add_or_reset(services: Services, wang: OperatorInfo) -> None:
    with pytest.raises(PermissionDenied):
        services.operators.add("李四", "receptionist", "1357", actor=wang)
    with pytest.raises(PermissionDenied):
        services.operators.reset_pin("王芳", "1357", actor=wang)
    assert [o.name for o in services.operators.list()] == ["王芳"]
    assert services.operators.authenticate(wang.id, "2468") == wang


def test_maintenance_cannot_add(services: Services) -> None:
    night = services.operators.add("夜班", "maintenance", "1357")
    with pytest.raises(PermissionDenied):
        services.operators.add("李四", "receptionist", "1357", actor=night)


def test_supervisor_and_cli_admin_can_add(services: Services) -> None:
    boss = services.operators.add("李主管", "supervisor", "1357", actor=None)
    new = services.operators.add("王芳", "receptionist", "2468", actor=boss)
    assert new.role == Role.RECEPTIONIST
    manager = services.operators.add("赵经理", "manager", "8642", actor=boss)
    services.operators.reset_pin("王芳", "1111", actor=manager)
    assert services.operators.authenticate(new.id, "1111").name == "王芳"


@pytest.mark.real_argon2
def test_weak_hash_is_upgraded_on_sign_in(services: Services, wang_cheap_hash: int) -> None:
    assert argon2.extract_parameters(stored(services, "王芳").pin_hash).time_cost == 1
    services.operators.authenticate(wang_cheap_hash, "2468")
    upgraded = stored(services, "王芳").pin_hash
    assert argon2.extract_parameters(upgraded) == argon2.extract_parameters(argon2.PasswordHasher().hash("0"))
    assert services.operators.authenticate(wang_cheap_hash, "2468").name == "王芳"


@pytest.fixture
def wang_cheap_hash(services: Services) -> int:
    """An operator whose PIN was hashed with older, weaker parameters."""
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("2468")
    with services.db.write() as s:
        op = Operator(
            site_id=services.site_id, name="王芳", role="receptionist", pin_hash=weak, created_at=services.clock.now()
        )
        s.add(op)
        s.flush()
        assert op.id is not None
        return op.id


def test_operators_belong_to_one_site(services: Services, clock: FrozenClock, wang: OperatorInfo) -> None:
    import dataclasses

    from deskui.services import open_services

    other = open_services(dataclasses.replace(services.settings, site_code="YY", site_name="翠苑"), clock)
    try:
        assert other.operators.list(include_inactive=True) == []
        with pytest.raises(NotFound):
            other.operators.get(wang.id)
        with pytest.raises(NotFound):
            other.operators.by_name("王芳")
        with pytest.raises(NotFound):
            other.operators.authenticate(wang.id, "2468")
        with pytest.raises(NotFound):
            other.operators.reset_pin("王芳", "1357")
        their_wang = other.operators.add("王芳", "manager", "1357")  # the same name is free in another site
        assert their_wang.id != wang.id
    finally:
        other.close()
    assert services.operators.authenticate(wang.id, "2468") == wang
    assert services.operators.by_name("王芳").role == Role.RECEPTIONIST
