"""The one sanitiser for text deskui shows: never a raw control or bidi code on a terminal, whoever wrote the row.

Input refuses escape sequences (services.common.text.check_text), but a row can still hold them: written by a sqlite3
shell, a script, an older deskui, an import from another system. What is stored stays exact; only what is shown is
made safe, by every path that shows it: the TUI's widgets (deskui.widgets.plain), the CLI's Rich consoles, tables,
error lines and the CSV/JSON it writes to stdout (deskui.cli).

- `safe()`: C0 controls (but tab and line feed), DEL and C1 become visible pictures (ESC → ␛, BEL → ␇, DEL → ␡,
  C1 → �); bidi embeddings, overrides, isolates and marks (U+202E shows "exe.txt" as "txt.exe") and lone
  surrogates become �. Each replaced code point becomes exactly one character, so Rich spans stay valid.
- `dumps()`: JSON for programs keeps every value exactly, so it cannot use pictures: json.dumps escapes C0 but with
  ensure_ascii=False leaves C1 (U+009B is CSI on terminals that honour 8-bit controls), bidi codes, U+2028/U+2029
  and lone surrogates raw. They become \\uXXXX escapes (still the same string to a JSON reader); Chinese stays
  readable.
- `SafeWriter`: a text stream wrapper for stdout (CSV and JSON exports printed there), keeping CSV's CRLF.

Pure standard library: services (exports) and the TUI both import it.
"""

from __future__ import annotations

import re
from typing import IO, Any

# What a terminal may act on: C0 but tab and line feed, DEL, C1; the Unicode bidi controls (embeddings,
# overrides, isolates, marks); lone surrogates (which cannot even be encoded to UTF-8 for the terminal).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# The same, but a CR directly followed by LF is a line end (CSV's) and stays.
_UNSAFE_KEEP_CRLF = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw and a terminal (or a JavaScript reader) may act on.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_PICTURES = {0x1B: "␛", 0x7F: "␡"}


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code in _PICTURES:
        return _PICTURES[code]
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def safe(text: str, *, one_line: bool = False, keep_crlf: bool = False) -> str:
    """The text with control and bidi codes replaced by visible pictures (and newlines folded when `one_line`).

    `keep_crlf`: a CR right before a LF is kept (CSV's line end); any other CR still becomes ␍."""
    if one_line:
        text = text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return (_UNSAFE_KEEP_CRLF if keep_crlf else _UNSAFE).sub(_picture, text)


def is_safe(text: str) -> bool:
    """True when `safe(text)` would change nothing."""
    return _UNSAFE.search(text) is None


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def escape_json(text: str) -> str:
    """JSON text (from json.dumps) with the code points a terminal acts on written as \\uXXXX escapes.

    Only valid on json.dumps output: there these code points only ever occur inside strings."""
    return _JSON_UNSAFE.sub(_json_escape, text)


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps with Chinese readable (ensure_ascii=False) and nothing a terminal would act on."""
    import json  # here: the sign-in screen paints through safe() and needs no JSON

    return escape_json(json.dumps(value, ensure_ascii=False, **kwargs))


class SafeWriter:
    """A text stream whose writes go through `safe()` (CRLF kept): stdout for CSV and JSON meant for people or pipes.

    Only `write`, `flush` and `isatty` are offered: what csv.writer and the exporters use."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(safe(text, keep_crlf=True))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()
