"""Pictures of the sign-in and home screens, in both languages, at the two sizes the desk uses."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import at_home, at_sign_in
from tests.snapshots.matrix import LANGUAGES, SIZES


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestShell:
    def test_sign_in(self, snap_compare, snap_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(snap_app(language), terminal_size=size, run_before=at_sign_in)

    def test_home(self, snap_compare, snap_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(snap_app(language), terminal_size=size, run_before=at_home)
