"""Does a line of free text mention a unit, in whatever spelling it was written? Pure functions, no database.

A duty-log line says "3栋2单元1201室漏水", "3#2-1201 业主来电", "三栋二单元１２０１" or "3-2-1201". Every spelling of
a home ends with its room number, so the text is folded (full-width to half-width, upper case) and, at each place
the room number stands on its own, the longest spelling ending there that `parse_unit` reads is compared by its
key: "3栋2单元1201" is 3-2-1201 and never 2-1201. A public place ("public:东门") is its name, spaces ignored.
`like_patterns` are the cheap SQL filters (the room in ASCII and full-width digits) the exact check runs after.
"""

from __future__ import annotations

import re
import unicodedata

from deskui.services.common.places import fold, parse_unit

_PUBLIC = "public:"
_WINDOW = 24  # characters before the room a spelling of the building and entrance may take ("3 号楼 2 单元 ")
_TOKEN_CHAR = re.compile(r"[0-9A-Z零一二两三四五六七八九十]")


def _full_width(text: str) -> str:
    """ASCII digits and letters as their full-width forms (what an IME types: １２０１)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_patterns(key: str) -> tuple[str, ...]:
    """LIKE patterns (escape character backslash) that every mention of the unit `key` matches at least one of."""
    if key.startswith(_PUBLIC):
        name = key.removeprefix(_PUBLIC)
        return tuple(dict.fromkeys(f"%{_escape_like(v)}%" for v in (name, name.upper(), _full_width(name)) if v))
    room = key.rsplit("-", 1)[-1]
    variants = {room, room.lower(), _full_width(room), _full_width(room.lower())}
    return tuple(sorted(f"%{_escape_like(v)}%" for v in variants))


def mentions(text: str, key: str) -> bool:
    """Whether `text` names the place whose canonical key is `key`, in any spelling."""
    if not key or not text:
        return False
    folded = fold(text)
    if key.startswith(_PUBLIC):
        name = key.removeprefix(_PUBLIC)
        return bool(name) and name in re.sub(r"\s+", "", folded).lower()
    ref = parse_unit(key)
    if ref is None:
        return False
    room = ref.room
    for found in re.finditer(re.escape(room), folded):
        start, end = found.span()
        if end < len(folded) and _TOKEN_CHAR.match(folded[end]):
            continue  # 12015 is not 1201
        if start > 0 and _TOKEN_CHAR.match(folded[start - 1]) and folded[start - 1].isdigit():
            continue  # 31201 is not 1201
        if _longest_key(folded, start, end) == key:
            return True
    return False


def _longest_key(folded: str, start: int, end: int) -> str | None:
    """The key of the longest spelling of a unit that ends at `end` (its room starting at `start`), or None."""
    first = max(0, start - _WINDOW)
    for j in range(first, start):
        if j > 0 and _TOKEN_CHAR.match(folded[j - 1]):
            continue  # not the start of a word: "13栋" read from "3栋"
        if not _TOKEN_CHAR.match(folded[j]):
            continue
        ref = parse_unit(unicodedata.normalize("NFKC", folded[j:end]))
        if ref is not None:
            return ref.key
    return None
