"""The Handover section (placeholder until its issue lands)."""

from __future__ import annotations

from typing import ClassVar

from deskui.screens.placeholder import PlaceholderScreen


class HandoverScreen(PlaceholderScreen):
    SECTION: ClassVar[str] = "Handover"
