"""Unit-test settings: markers used under tests/unit (the shared fixtures are in tests/conftest.py)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash PINs with the production argon2 parameters")
