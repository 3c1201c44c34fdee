"""Unit spellings and phone numbers: pure functions, no database.

Residents and receptionists write one unit many ways — "3-2-1201", "3栋2单元1201", "3#2-1201", "3号楼2单元1201室".
They all become one canonical key, "3-2-1201", which is what the directory stores and looks up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from deskui.core.i18n import N_, is_chinese, zh_text

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BUILDING_WORDS = re.compile(r"(号楼|栋|幢|座|号|楼|#)")
_ENTRANCE_WORDS = re.compile(r"(单元|门洞)")
_ROOM_SUFFIX = re.compile(r"(室|房|户)$")
_SEPARATORS = re.compile(r"[\s/\\._,，、·\-]+")
_UNIT_KEY = re.compile(r"^([A-Z]?\d{1,3}[A-Z]?)-(?:([A-Z]?\d{1,2})-)?([A-Z]?\d{2,5}[A-Z]?)$")


@dataclass(frozen=True)
class UnitRef:
    building: str
    entrance: str
    room: str

    @property
    def key(self) -> str:
        return "-".join(p for p in (self.building, self.entrance, self.room) if p)

    def label(self, language: str) -> str:
        if is_chinese(language):
            entrance = f"{self.entrance}{zh_text('单元', language)}" if self.entrance else ""
            return f"{self.building}{zh_text('栋', language)}{entrance}{self.room}"
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


# Why a phone is refused: message ids (locale common.toml), translated where the message is shown.
PHONE_EMPTY = "empty"
PHONE_CHARACTERS = N_("only digits, spaces, +, -, brackets and an extension are allowed")
PHONE_LETTERS = N_("it holds letters; a phone number is digits")
PHONE_KIND = N_(
    "not a number the desk can call back: a mobile (11 digits), a landline with its area code (0755-8888 1234), "
    "a local or Hong Kong number (8 digits), a service number (110, 12345, 95598, 400…) or + and a country code"
)
PHONE_EXTENSION = N_("only a landline takes an extension")

_PHONE_PARTS = re.compile(r"(?P<base>\+?[\d\s\-()（）]+?)(?:\s*(?:转|ext\.?|x|#)\s*(?P<ext>\d{1,6}))?", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{9,10}")  # 0 + area code (2-3 digits) + local number (7-8 digits): 11-12 digits
_NATIONAL_LANDLINE = re.compile(r"[1-9]\d{9,10}")  # the same after +86, without the 0
_HOTLINE = re.compile(r"[48]00\d{7}")  # 400 / 800 numbers
_LOCAL = re.compile(r"[2-9]\d{6,7}")  # a local landline without its area code; Hong Kong and Macau numbers
_SERVICE = re.compile(r"11[0249]|12[02]|1[02]\d{3}|9[56]\d{3,6}")  # 110 … 122, 10086, 12345, 95598, 96xxx
_HK_MACAU = ("852", "853")


def _phone_kind(base: str, digits: str) -> str | None:
    """mobile | landline | service | None (not a number a desk can call back)."""
    international = base.startswith("+") or digits.startswith("00")
    if international:
        number = digits[2:] if digits.startswith("00") else digits
        if number.startswith("86"):
            national = number[2:].removeprefix("0")
            if _MOBILE.fullmatch(national):
                return "mobile"
            if _NATIONAL_LANDLINE.fullmatch(national) or _HOTLINE.fullmatch(national):
                return "landline"
            return None
        if number.startswith(_HK_MACAU):
            return "landline" if len(number) == 11 else None
        return "landline" if 8 <= len(number) <= 15 and not number.startswith("0") else None
    if _MOBILE.fullmatch(digits):
        return "mobile"
    if _LANDLINE.fullmatch(digits) or _HOTLINE.fullmatch(digits):
        return "landline"
    if _SERVICE.fullmatch(digits):
        return "service"
    if _LOCAL.fullmatch(digits):
        return "landline"
    return None


def phone_problem(phone: str) -> str | None:
    """Why `phone` is not a phone number (a message id above), or None when it is one. The one phone rule of
    deskui — the call form, `deskui calls add`, the call and resident imports and the directory all use it:

    - a mainland mobile: 11 digits, 1[3-9]…, optionally after +86 / 0086;
    - a landline with its area code: 0 + 2-3 digit area code + 7-8 digit number (010-6234 5678, 0755-8888 1234),
      or after +86 without the 0; 400 and 800 numbers (10 digits);
    - a local landline without its area code, or a Hong Kong / Macau number: 7-8 digits not starting 0 or 1
      (+852 / +853 and 8 digits written with the code);
    - short service numbers: 110, 112, 114, 119, 120, 122, five-digit 100xx / 12xxx hotlines (10086, 12345) and
      95xxx / 96xxx service numbers (95598);
    - anything else written with + and a country code: 8-15 digits (E.164);
    - an extension (转 123, ext 12, x 12, # 12; up to 6 digits) after a landline only.
    Spaces, -, brackets and full-width digits are fine; letters and anything else are refused, and so are numbers of
    none of these kinds (12, 123, 1234, a mobile with a digit missing).
    """
    s = unicodedata.normalize("NFKC", phone).strip()
    if not s:
        return PHONE_EMPTY
    parts = _PHONE_PARTS.fullmatch(s)
    if parts is None:
        bare = re.sub(r"转|ext|x", "", s.lower())
        return PHONE_LETTERS if _LETTER.search(bare) else PHONE_CHARACTERS
    base = parts.group("base").strip()
    kind = _phone_kind(base, phone_digits(base))
    if kind is None:
        return PHONE_KIND
    if parts.group("ext") and kind != "landline":
        return PHONE_EXTENSION
    return None


def normalize_phone(phone: str) -> str:
    """A phone as typed, tidied (runs of spaces made one); ValueError(reason message id) when `phone_problem` finds
    one. Prefer `check_phone`, which raises the translated ValidationError every caller shows."""
    problem = phone_problem(phone)
    if problem is not None:
        raise ValueError(problem)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", phone).strip())


def check_phone(phone: str) -> str:
    """The phone tidied, or ValidationError(field="phone") naming the number and the reason: one message for the
    form, the CLI and every import."""
    from deskui.core.errors import ValidationError
    from deskui.core.i18n import t

    try:
        return normalize_phone(phone)
    except ValueError as exc:
        raise ValidationError(t("Bad phone {phone!r}: {why}", phone=phone, why=t(str(exc))), field="phone") from None
