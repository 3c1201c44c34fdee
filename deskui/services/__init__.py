"""Domain services: the rules and the transactions. Nothing here imports Textual (a test checks).

A package per domain (`directory`, `calls`, `tickets`, `handover`, `reports`, `admin`), each with its public API
in its `__init__`, over `common` (shared helpers) and `context` (the DeskContext every service takes); `container`
builds and wires them all (`open_services`). The import-linter contracts in pyproject.toml hold the order.

This package's own import is free: `Services` and `open_services` load SQLAlchemy only when first touched, so
light modules such as `services.common.shifts` and `services.common.places` can be used before the first frame
is painted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskui.services.container import Services, ensure_site, open_services

__all__ = ["Services", "ensure_site", "open_services"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from deskui.services import container

        return getattr(container, name)
    raise AttributeError(f"module 'deskui.services' has no attribute {name!r}")
