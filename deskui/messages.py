"""Messages the app posts to its screens: named in the past tense, after what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from deskui.services import Services


class ServicesOpened(Message):
    """The database is open and upgraded; screens may now call services."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services


class ServicesFailed(Message):
    """The database could not be opened; `reason` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
