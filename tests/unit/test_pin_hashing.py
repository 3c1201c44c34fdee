"""PINs are stored as argon2id hashes with argon2-cffi's default profile (RFC 9106 low-memory).

The rest of the suite hashes at the cheapest cost (tests/conftest.py `_cheap_pin_hashing`); this test holds the
profile the product uses."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskui.models.operators import Operator

pytestmark = pytest.mark.real_pin_hashing


def test_a_pin_is_stored_as_an_argon2id_hash_of_the_default_profile(services) -> None:  # type: ignore[no-untyped-def]
    op = services.operators.add("王芳", "receptionist", "1111")
    with services.db.read() as s:
        stored = s.exec(select(Operator.pin_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "1111" not in stored
    assert services.operators.authenticate(op.id, "1111").name == "王芳"
