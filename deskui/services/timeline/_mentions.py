"""Does a line of free text mention a unit, in whatever spelling it was written? Pure functions, no database.

A duty-log line says "3栋2单元1201室漏水", "3#2-1201 业主来电", "三栋二单元１２０１", "3-2-1201", or, with the floor and
the flat written apart as Hong Kong and Taiwan do, "A座12樓B室" (A-12B), "3棟2單元12樓01室" (3-2-1201), "A座12F之3"
(A-1203). Every spelling of a home ends with the last character of its room (the room itself, or the flat after the
floor), so the text is folded (full-width to half-width, upper case) and, at each word of letters and digits ending
in that character, the longest spelling ending there that `parse_unit` reads (the grammar of
services.common.places) is compared by its key: "3栋2单元1201" is 3-2-1201 and never 2-1201. A public place
("public:东门") is its name, spaces ignored. `like_patterns` are the cheap SQL filters the exact check runs after:
the room in ASCII and full-width digits, and the floor followed by its word (12樓, 12/F, 十二楼) when the room is a
floor and a flat.
"""

from __future__ import annotations

import re
import unicodedata

from deskui.services.common.places import fold, parse_unit

_PUBLIC = "public:"
_WINDOW = 24  # characters before the room a spelling of the building and entrance may take ("3 号楼 2 单元 ")
_TOKEN_CHAR = re.compile(r"[0-9A-Z零一二两三四五六七八九十]")
_WORD = re.compile(r"[0-9A-Z]+")  # in folded text: a number, a letter, or both (1201, 12B, B, 3)
# A room the grammar can make of a floor and a flat: the floor's number, then a flat letter or two digits (12B, 1201).
_FLOOR_AND_FLAT = re.compile(r"(\d{1,3})(?:[A-Z]|\d{2})")
# What follows a floor's number when it is written apart from its flat, in the text as typed (12樓, 12/F, 12F之3).
_FLOOR_WORDS = ("楼", "樓", "层", "層", "/F", "/f", "F之", "f之")
_CN_DIGITS = "零一二三四五六七八九"


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
    floor = _FLOOR_AND_FLAT.fullmatch(room)
    if floor is not None:
        number = floor.group(1).lstrip("0") or "0"
        for word in _FLOOR_WORDS:
            variants |= {number + word, _full_width(number + word)}
        if int(number) < 100:  # 十二樓
            variants |= {_chinese_number(int(number)) + word for word in _FLOOR_WORDS if not word[0].isascii()}
    return tuple(sorted(f"%{_escape_like(v)}%" for v in variants))


def _chinese_number(n: int) -> str:
    """0 to 99 as written in words (12 → 十二, 20 → 二十, 3 → 三), as a floor is in 十二樓."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if not ones else _CN_DIGITS[ones])


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
    last = ref.room[-1]
    for word in _WORD.finditer(folded):
        start, end = word.span()
        if not word.group().endswith(last):
            continue  # a spelling of the unit ends with its room's last character: 1201, 01 of 12樓01室, B of B室
        if end < len(folded) and _TOKEN_CHAR.match(folded[end]):
            continue  # 1201五: the number goes on in words
        if _longest_key(folded, start, end) == key:
            return True
    return False


def _longest_key(folded: str, start: int, end: int) -> str | None:
    """The key of the longest spelling of a unit that ends at `end` (its last word starting at `start`), or None."""
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
