"""Unit spellings and phone numbers: pure functions, no database.

Residents and receptionists write one unit many ways — "3-2-1201", "3栋2单元1201", "3#2-1201", "3号楼2单元1201室".
They all become one canonical key, "3-2-1201", which is what the directory stores and looks up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BUILDING_WORDS = re.compile(r"(号楼|栋|幢|座|号|楼|#)")
_ENTRANCE_WORDS = re.compile(r"(单元|门洞)")
_ROOM_SUFFIX = re.compile(r"(室|房|户)$")
_SEPARATORS = re.compile(r"[\s/\\._,，、·\-]+")
_UNIT_KEY = re.compile(r"^([A-Z]?\d{1,3}[A-Z]?)-(?:([A-Z]?\d{1,2})-)?([A-Z]?\d{2,5}[A-Z]?)$")
_PHONE_ALLOWED = re.compile(r"^\+?[\d\s\-()（）]+((转|ext\.?|x|#)\s*\d{1,6})?$", re.IGNORECASE)


@dataclass(frozen=True)
class UnitRef:
    building: str
    entrance: str
    room: str

    @property
    def key(self) -> str:
        return "-".join(p for p in (self.building, self.entrance, self.room) if p)

    def label(self, language: str) -> str:
        if language == "zh-CN":
            entrance = f"{self.entrance}单元" if self.entrance else ""
            return f"{self.building}栋{entrance}{self.room}"
        return self.key


def _cn_number(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "十":
        return "10"
    if "十" in text:
        tens, _, ones = text.partition("十")
        return str((_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0))
    return "".join(str(_CN_DIGITS[c]) for c in text)


def fold(text: str) -> str:
    """Full-width to half-width, upper case, trimmed: the form every comparison uses."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def _strip_zeros(part: str) -> str:
    return part.lstrip("0") or "0" if part.isdigit() else part


def parse_unit(text: str) -> UnitRef | None:
    """A home or shop address in any common spelling, or None when it is not one (a public place, a name)."""
    s = fold(text)
    s = re.sub(r"[零一二两三四五六七八九十]+(?=(号楼|栋|幢|座|号|楼|单元|门洞))", _cn_number, s)
    s = _ROOM_SUFFIX.sub("", s)
    s = _BUILDING_WORDS.sub("-", s)
    s = _ENTRANCE_WORDS.sub("-", s)
    s = _SEPARATORS.sub("-", s).strip("-")
    m = _UNIT_KEY.match(s)
    if not m:
        return None
    building, entrance, room = m.group(1), m.group(2) or "", m.group(3)
    return UnitRef(_strip_zeros(building), _strip_zeros(entrance), room)


def public_key(name: str) -> str:
    """Key of a public place or anything that is not a numbered unit: folded text, spaces removed."""
    return "public:" + re.sub(r"\s+", "", fold(name)).lower()


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))


def normalize_phone(phone: str) -> str:
    """Validate a phone as typed and return it tidied; letters and other junk raise ValueError.

    Mainland mobiles (11 digits, 1[3-9]…), landlines with area code ("0755-8888 1234"), extensions
    ("转 123", "ext 12") and short service numbers (110, 95598) are accepted.
    """
    s = unicodedata.normalize("NFKC", phone).strip()
    if not s:
        raise ValueError("empty")
    if not _PHONE_ALLOWED.match(s):
        raise ValueError("only digits, spaces, +, -, brackets and an extension are allowed")
    digits = phone_digits(s)
    if not 3 <= len(digits) <= 20:
        raise ValueError("a phone number has 3 to 20 digits")
    return re.sub(r"\s+", " ", s)
