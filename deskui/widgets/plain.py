"""User text as plain Rich Text: never markup, never a raw control byte on the terminal.

Calls and notes hold whatever people typed or pasted. Stored bytes stay exact; only what is drawn is made safe:
control characters become visible symbols (ESC → ␛), and one-line cells fold line breaks into ⏎.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PICTURES = {0x1B: "␛", 0x7F: "␡"}


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code in _PICTURES:
        return _PICTURES[code]
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def safe(text: str, *, one_line: bool = False) -> str:
    """The text with control characters replaced by visible pictures (and newlines folded when `one_line`)."""
    if one_line:
        text = text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return _CONTROLS.sub(_picture, text)


def plain(text: str, *, one_line: bool = False, style: str = "") -> Text:
    """A Text that shows `text` literally: "[bold]" stays "[bold]", "[/" cannot break the renderer."""
    return Text(
        safe(text, one_line=one_line), style=style, no_wrap=one_line, overflow="ellipsis" if one_line else "fold"
    )
