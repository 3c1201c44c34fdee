"""Unit spellings and phone numbers: pure functions, no database.

Residents and receptionists write one unit many ways — "3-2-1201", "3栋2单元1201", "3#2-1201", "3号楼2单元1201室",
in Traditional characters "3棟2單元1201", "3號樓2單元1201室". They all become one canonical key, "3-2-1201", which is
what the directory stores and looks up.

A spelling is read as a grammar of parts, each a number or letter with the word that names it (`parse_unit`):

- phase 期 (Hong Kong estates: 2期); the key leads with it: "2期-3-12B";
- building or block: 栋 / 棟, 号楼 / 號樓, 幢, 座, #, and 号 / 楼 when no building came before ("3号2单元", "3楼1201");
- entrance: 单元 / 單元, 门洞;
- floor: 楼 / 樓 after a building, 层, /F (Hong Kong "12/F"), F before 之 (Taiwan "12F之3");
- flat or room: 室, 房, 户, 号 after a building, 之 before it (Taiwan "12樓之3"), or the last bare number.

Parts without a word are read in the order building, entrance, room ("3-2-1201", "A-12B"). A floor and a flat make
the room: a flat letter follows the floor ("A座12樓B室" → block A, room 12B: "A-12B"), a flat number of one or two
digits is the floor's room number ("12樓之3" → 1203, "12樓01室" → 1201), and a whole room number already holds its
floor ("3樓302室" → 302). Both scripts, full-width and Chinese numerals (三栋两单元) read alike: the text is folded with
deskui.core.scriptfold first. `unit_problem` says why a text is not a unit.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from deskui.core.i18n import N_, is_chinese, zh_text

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# The words that name a part, after folding (Simplified, upper case); longest first where one begins another.
_BUILDING = ("号楼", "栋", "幢", "座", "#")
_ENTRANCE = ("单元", "门洞")
_FLOOR = ("层", "/F")
_ROOM = ("室", "房", "户")
_PART_WORD = "期|号楼|栋|幢|座|#|单元|门洞|楼|层|/F|号|室|房|户"
_CN_NUMBER = re.compile(rf"[零一二两三四五六七八九十]+(?=\s*(?:{_PART_WORD}))")
_TOKEN = re.compile(rf"\s*(?:第\s*)?(?:(?P<sub>之)\s*)?(?P<value>[A-Z]?\d+[A-Z]?|[A-Z])\s*(?P<word>{_PART_WORD})?")
_SEPARATORS = re.compile(r"[\s\\._,，、·\-]+|/(?!F)")
_FLOOR_F = re.compile(r"(\d)\s*F(?=\s*之)")  # Taiwan 12F之3: F is the floor's word
_PLAIN_KEY = re.compile(r"([A-Z]?\d{1,3}[A-Z]?|[A-Z])-(?:([A-Z]?\d{1,2})-)?([A-Z]?\d{2,5}[A-Z]?|\d{1,3}[A-Z])")
_PHASE_RE = re.compile(r"\d{1,2}")
_BUILDING_RE = re.compile(r"[A-Z]?\d{1,3}[A-Z]?|[A-Z]")
_ENTRANCE_RE = re.compile(r"[A-Z]?\d{1,2}")
_ROOM_RE = re.compile(r"[A-Z]?\d{2,5}[A-Z]?|\d{1,3}[A-Z]")

# Why a text is not a unit: message ids (locale common.toml), translated where the message is shown.
UNIT_NOT_PARTS = N_("write it like 3-2-1201, 3栋2单元1201 or A座12楼B室")
UNIT_TWICE = N_("one part is named twice (two buildings, two floors…)")
UNIT_NO_BUILDING = N_("no building or block: 3栋, A座 or the first number of 3-2-1201")
UNIT_NO_ROOM = N_("no room or flat: 1201, 1201室, B室 or 之3 after the floor")
UNIT_FLOOR_ROOM = N_("the room number does not start with the floor")
UNIT_PART_SIZE = N_("a part is too long or too short: building up to 3 digits, entrance 2, room 2 to 5")


@dataclass(frozen=True)
class UnitRef:
    building: str
    entrance: str
    room: str
    phase: str = ""

    @property
    def key(self) -> str:
        phase = f"{self.phase}期" if self.phase else ""
        return "-".join(p for p in (phase, self.building, self.entrance, self.room) if p)

    def label(self, language: str) -> str:
        if is_chinese(language):
            entrance = f"{self.entrance}{zh_text('单元', language)}" if self.entrance else ""
            phase = f"{self.phase}期" if self.phase else ""
            return f"{phase}{self.building}{zh_text('栋', language)}{entrance}{self.room}"
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


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    from deskui.core.scriptfold import fold as script_fold

    return script_fold(char)


def _unit_text(text: str) -> str:
    """The text in the one form the grammar reads: Simplified, half-width, upper case, numbers as digits.

    Each Chinese character is folded on its own with deskui.core.scriptfold (remembered: a unit's words are few, and
    OpenCC's three converters cost about 45 µs a call, more than reading the unit), which is the same as folding the
    text for the grammar's one-character words and numerals."""
    s = unicodedata.normalize("NFKC", text)
    if not s.isascii():
        s = "".join(_fold_char(c) if ord(c) >= 0x2E80 else c for c in s)
    s = s.strip().upper()
    s = _CN_NUMBER.sub(_cn_number, s)
    s = _FLOOR_F.sub(r"\1/F", s)
    return s


def _read_unit(text: str) -> UnitRef | str:
    """The unit `text` names, or why it names none (a message id above)."""
    s = _unit_text(text)
    key = _PLAIN_KEY.fullmatch(s)  # the common case, and every stored key: 3-2-1201, 12-0501
    if key:
        building, entrance, room = key.groups(default="")
        return UnitRef(_strip_zeros(building), _strip_zeros(entrance), room)
    tokens: list[tuple[str, str]] = []  # (value, word): word "" for a bare part, "之" for a flat after 之
    pos = 0
    while pos < len(s):
        sep = _SEPARATORS.match(s, pos)
        if sep and sep.end() > pos:
            pos = sep.end()
            continue
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            return UNIT_NOT_PARTS
        tokens.append((m.group("value"), "之" if m.group("sub") else (m.group("word") or "")))
        pos = m.end()
    parts: dict[str, str] = {}
    bare: list[str] = []

    def put(name: str, value: str) -> bool:
        if name in parts:
            return False
        parts[name] = value
        return True

    for value, word in tokens:
        if word == "期":
            ok = put("phase", value)
        elif word in _BUILDING:
            ok = put("building", value)
        elif word in _ENTRANCE:
            ok = put("entrance", value)
        elif word in _FLOOR or (word == "楼" and "building" in parts):
            ok = put("floor", value)
        elif word in ("楼", "号") and "building" not in parts:
            ok = put("building", value)
        elif word in _ROOM or word in ("号", "之"):
            ok = put("flat" if "floor" in parts else "room", value)
        else:
            bare.append(value)
            ok = True
        if not ok:
            return UNIT_TWICE
    if "floor" in parts:
        if "flat" not in parts and "room" not in parts:
            if len(bare) != 1:
                return UNIT_NO_ROOM if not bare else UNIT_NOT_PARTS
            parts["flat"] = bare.pop()
        floor, flat = parts.pop("floor"), parts.pop("flat", parts.get("room", ""))
        if flat.isdigit() and len(flat) > 2:
            if not flat.startswith(floor.lstrip("0") or "0"):
                return UNIT_FLOOR_ROOM
            parts["room"] = flat
        else:
            parts["room"] = floor.lstrip("0") + (flat.zfill(2) if flat.isdigit() else flat)
    if "room" not in parts:
        if not bare:
            return UNIT_NO_ROOM
        parts["room"] = bare.pop()
    for name in ("building", "entrance"):
        if bare and name not in parts:
            parts[name] = bare.pop(0)
    if bare:
        return UNIT_NOT_PARTS
    if "building" not in parts:
        return UNIT_NO_BUILDING
    phase, building = parts.get("phase", ""), parts["building"]
    entrance, room = parts.get("entrance", ""), parts["room"]
    if not (
        (not phase or _PHASE_RE.fullmatch(phase))
        and _BUILDING_RE.fullmatch(building)
        and (not entrance or _ENTRANCE_RE.fullmatch(entrance))
        and _ROOM_RE.fullmatch(room)
    ):
        return UNIT_PART_SIZE
    return UnitRef(_strip_zeros(building), _strip_zeros(entrance), room, _strip_zeros(phase) if phase else "")


def parse_unit(text: str) -> UnitRef | None:
    """A home or shop address in any common spelling (the grammar above), or None when it is not one (a public
    place, a name)."""
    found = _read_unit(text)
    return found if isinstance(found, UnitRef) else None


def unit_problem(text: str) -> str | None:
    """Why `text` is not a unit spelling (a message id above, translated where shown), or None when it is one."""
    found = _read_unit(text)
    return None if isinstance(found, UnitRef) else found


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
    "not a number the desk can call back: a mobile (138 1234 5678, Taiwan 0912-345-678), a landline with its area "
    "code (0755-8888 1234, 02-2345-6789), a Hong Kong, Macau or local number (8 digits), a service number (110, "
    "12345, 95598, 400…) or + and a country code"
)
PHONE_EXTENSION = N_("only a landline takes an extension")

# An extension: 转 (轉 folds to it), 分机 / 分機, 内线 / 內線, ext, x or #, then up to 6 digits.
_EXTENSION_WORDS = r"转|分机|内线|ext\.?|x|#"
_PHONE_PARTS = re.compile(
    rf"(?P<base>\+?[\d\s\-()（）]+?)(?:\s*(?:{_EXTENSION_WORDS})\s*(?P<ext>\d{{1,6}}))?", re.IGNORECASE
)
_EXTENSION_SPLIT = re.compile(r"转|轉|分机|分機|内线|內線|ext|x|#", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{9,10}")  # 0 + area code (2-3 digits) + local number (7-8 digits): 11-12 digits
_NATIONAL_LANDLINE = re.compile(r"[1-9]\d{9,10}")  # the same after +86, without the 0
_HOTLINE = re.compile(r"[48]00\d{7}")  # 400 / 800 numbers
_LOCAL = re.compile(r"[2-9]\d{6,7}")  # a local landline without its area code; Hong Kong and Macau numbers
_SERVICE = re.compile(r"11[0249]|12[02]|1[02]\d{3}|9[56]\d{3,6}")  # 110 … 122, 10086, 12345, 95598, 96xxx
_HK_MACAU = ("852", "853")
_HK_MACAU_NUMBER = re.compile(r"[2-9]\d{7}")  # 8 digits: 2x / 3x landlines, the rest mobiles
_TW_MOBILE = re.compile(r"9\d{8}")  # after the trunk 0: 09xx-xxx-xxx
_TW_LANDLINE = re.compile(r"[2-8]\d{7,8}")  # after the trunk 0: area code (1-3 digits) + 6-8 digit number
# The country calling code of a site's region, from its time zone (a local 8-digit number means Hong Kong's in
# Hong Kong and a mainland city's local landline in Shanghai).
_ZONE_CODES = {"Asia/Hong_Kong": "852", "Asia/Macau": "853", "Asia/Taipei": "886"}


def home_code(time_zone: str) -> str:
    """The country calling code of a site in `time_zone`: 852 Hong Kong, 853 Macau, 886 Taiwan, else 86."""
    return _ZONE_CODES.get(time_zone, "86")


def _hk_macau_kind(number: str) -> str | None:
    if not _HK_MACAU_NUMBER.fullmatch(number):
        return None
    return "landline" if number[0] in "23" else "mobile"


def _national(digits: str, international: bool) -> tuple[str, str] | None:
    """(country code, national number without the trunk 0) of the number, or None when the number names no
    country by itself (a local number without its area code, a short service number, another country's)."""
    if international:
        number = digits[2:] if digits.startswith("00") else digits
        for code in ("852", "853", "886", "86"):
            if number.startswith(code):
                rest = number[len(code) :]
                return code, rest.removeprefix("0") if code in ("86", "886") else rest
        return None
    if _MOBILE.fullmatch(digits) or _HOTLINE.fullmatch(digits):
        return "86", digits
    if _LANDLINE.fullmatch(digits):
        return "86", digits[1:]
    if digits.startswith("0") and (_TW_MOBILE.fullmatch(digits[1:]) or _TW_LANDLINE.fullmatch(digits[1:])):
        return "886", digits[1:]
    if len(digits) == 11 and digits.startswith(_HK_MACAU) and _HK_MACAU_NUMBER.fullmatch(digits[3:]):
        return digits[:3], digits[3:]
    return None


def _phone_kind(base: str, digits: str) -> str | None:
    """mobile | landline | service | None (not a number a desk can call back)."""
    international = base.startswith("+") or digits.startswith("00")
    national = _national(digits, international)
    if international:
        if national is None:
            number = digits[2:] if digits.startswith("00") else digits
            return "landline" if 8 <= len(number) <= 15 and not number.startswith("0") else None
        code, number = national
        if code == "86":
            if _MOBILE.fullmatch(number):
                return "mobile"
            return "landline" if _NATIONAL_LANDLINE.fullmatch(number) or _HOTLINE.fullmatch(number) else None
        if code == "886":
            return "mobile" if _TW_MOBILE.fullmatch(number) else "landline" if _TW_LANDLINE.fullmatch(number) else None
        return _hk_macau_kind(number)
    if national is not None:
        code, number = national
        if code in _HK_MACAU:
            return _hk_macau_kind(number)
        return "mobile" if _MOBILE.fullmatch(number) or (code == "886" and _TW_MOBILE.fullmatch(number)) else "landline"
    if _SERVICE.fullmatch(digits):
        return "service"
    if _LOCAL.fullmatch(digits):
        return "landline"
    return None


def phone_problem(phone: str) -> str | None:
    """Why `phone` is not a phone number (a message id above), or None when it is one. The one phone rule of
    deskui — the call form, `deskui calls add`, the call and resident imports and the directory all use it. Every
    region's numbers are accepted whatever the site's region (a desk in Shenzhen takes calls from Hong Kong):

    - a mainland mobile: 11 digits, 1[3-9]…, optionally after +86 / 0086;
    - a mainland landline with its area code: 0 + 2-3 digit area code + 7-8 digit number (010-6234 5678,
      0755-8888 1234), or after +86 without the 0; 400 and 800 numbers (10 digits);
    - a Hong Kong or Macau number: 8 digits starting 2-9 (2x / 3x landlines, 5x / 6x / 9x… mobiles), alone or after
      +852 / +853, 00852, (852) or 852-;
    - a Taiwan number: a mobile 09xx-xxx-xxx (10 digits), a landline 0 + area code + number (02-2345-6789,
      07-123-4567, 049-234-5678: 9-10 digits), alone or after +886 without the 0;
    - a local landline without its area code: 7-8 digits not starting 0 or 1;
    - short service numbers: 110, 112, 114, 119, 120, 122, five-digit 100xx / 12xxx hotlines (10086, 12345) and
      95xxx / 96xxx service numbers (95598);
    - anything else written with + and a country code: 8-15 digits (E.164);
    - an extension (转 / 轉 123, 分机 / 分機 12, 内线 12, ext 12, x 12, # 12; up to 6 digits) after a landline only.
    Spaces, -, brackets and full-width digits are fine; letters and anything else are refused, and so are numbers of
    none of these kinds (12, 123, 1234, a mobile with a digit missing).
    """
    s = unicodedata.normalize("NFKC", phone).strip()
    if not s:
        return PHONE_EMPTY
    s = re.sub(r"轉|分機|內線", lambda m: {"轉": "转", "分機": "分机", "內線": "内线"}[m.group(0)], s)
    parts = _PHONE_PARTS.fullmatch(s)
    if parts is None:
        bare = re.sub(rf"{_EXTENSION_WORDS}", "", s.lower())
        return PHONE_LETTERS if _LETTER.search(bare) else PHONE_CHARACTERS
    base = parts.group("base").strip()
    kind = _phone_kind(base, phone_digits(base))
    if kind is None:
        return PHONE_KIND
    if parts.group("ext") and kind != "landline":
        return PHONE_EXTENSION
    return None


def phone_variants(phone: str, home: str = "86") -> tuple[str, ...]:
    """Every string of digits one number may be stored as (`phone_digits` of its spellings): as typed, national with
    the trunk 0, +code and 00code — "+852 6234 5678", "00852 62345678" and, at a site whose region is Hong Kong
    (`home` = home_code(time zone)), "6234 5678" are one number; "010-6234 5678" and "+86 10 6234 5678" are one
    everywhere. An extension's digits follow each form. A lookup by phone compares with all of them."""
    s = unicodedata.normalize("NFKC", phone)
    base, _, extension = _EXTENSION_SPLIT.sub("\x00", s, count=1).partition("\x00")
    digits, ext = phone_digits(base), phone_digits(extension)
    found = [digits + ext] if digits else []
    national = _national(digits, base.strip().startswith("+") or digits.startswith("00"))
    if national is None and home in _HK_MACAU and _HK_MACAU_NUMBER.fullmatch(digits):
        national = home, digits
    if national is not None:
        code, number = national
        if code in _HK_MACAU:
            forms = [number] if code == home else []
        elif code == "86" and (_MOBILE.fullmatch(number) or _HOTLINE.fullmatch(number)):
            forms = [number]
        else:
            forms = ["0" + number]
        forms += [code + number, "00" + code + number]
        found += [f + ext for f in forms]
    return tuple(dict.fromkeys(found))


def public_prefix(digits: str, international: bool) -> int:
    """How many leading digits of a number are not the subscriber's: the country code (and 00), a mainland or
    Taiwan area code with its trunk 0, a mobile's network prefix (138, 09xx, 9xx after +886), 400 / 800. Masks
    show these; of the rest they show at most half (`masking.mask_phone`)."""
    national = _national(digits, international)
    if national is None:
        return 0
    code, number = national
    lead = len(digits) - len(number)  # the code and 00 (international) or the trunk 0 (national)
    if code in _HK_MACAU:
        return lead
    if code == "86":
        if _MOBILE.fullmatch(number) or _HOTLINE.fullmatch(number):
            return lead + 3
        return lead + (2 if number.startswith(("10", "2")) else 3)
    if _TW_MOBILE.fullmatch(number):
        return lead + 3
    return lead + (3 if number.startswith(("826", "836")) else 2 if number.startswith(("37", "49", "82", "89")) else 1)


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
