"""The Calls section: the call form (`form`), the log of calls (`log`), the screen made of them (`screen`), a call's
versions (`detail`) and the read-back before saving (`readback`)."""

from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.calls.screen import CallsScreen

__all__ = ["CallDetailScreen", "CallsScreen", "ReadBackScreen"]
