"""deskui.cli registers the command modules from one ordered list: a module left out of it would be silently missing."""

from __future__ import annotations

import pkgutil

import deskui.commands
from deskui.cli import COMMAND_MODULES


def test_every_command_module_is_registered() -> None:
    public = {m.name for m in pkgutil.iter_modules(deskui.commands.__path__) if not m.name.startswith("_")}
    assert set(COMMAND_MODULES) == public
    assert len(COMMAND_MODULES) == len(public)
