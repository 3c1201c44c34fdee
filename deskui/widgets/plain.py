"""User text as plain Rich Text: never markup, never a raw control byte on the terminal.

Calls and notes hold whatever people typed or pasted. Stored bytes stay exact; only what is drawn is made safe:
control characters become visible symbols (ESC → ␛), and one-line cells fold line breaks into ⏎.
"""

from __future__ import annotations

from rich.text import Text

# The one sanitiser, shared with the CLI (deskui.core.safetext): controls and bidi codes become visible pictures.
from deskui.core.safetext import safe

__all__ = ["plain", "safe"]


def plain(text: str, *, one_line: bool = False, style: str = "") -> Text:
    """A Text that shows `text` literally: "[bold]" stays "[bold]", "[/" cannot break the renderer."""
    return Text(
        safe(text, one_line=one_line), style=style, no_wrap=one_line, overflow="ellipsis" if one_line else "fold"
    )
