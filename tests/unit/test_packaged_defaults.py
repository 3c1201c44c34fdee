"""The built-in defaults ship inside the package, so a wheel install (away from the checkout) finds them."""

from __future__ import annotations

from importlib.resources import files

import deskui
from deskui.core.config import DEFAULTS_FILE


def test_defaults_are_package_data() -> None:
    packaged = files(deskui) / "core" / "defaults.toml"
    assert packaged.is_file()
    assert DEFAULTS_FILE.resolve().is_relative_to(next(iter(deskui.__path__)))
