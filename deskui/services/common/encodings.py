"""Which text encoding an imported file is in: UTF-8 (with or without a BOM), UTF-16 (with a BOM), GB18030 or Big5.

Chinese offices save CSV from Excel or WPS as UTF-8, as GBK/GB18030 (Simplified Chinese Windows) or as Big5
(Traditional Chinese Windows, code page 950), and Excel's "Unicode text" is UTF-16 with a BOM. A BOM decides at
once, and text that is valid UTF-8 is UTF-8 (other encodings almost never happen to be). GB18030 and Big5 cannot be
told apart by validity: nearly every Big5 file decodes as GB18030 without an error, and most GB2312 text decodes as
Big5. So both readings are judged for plausibility:

- a reading with kana, Greek, Cyrillic, bopomofo, box drawing, private-use or unassigned characters is not an
  office's text (Big5's most common characters, 的 一 人…, read as GB18030 become kana, Cyrillic and private use;
  GB2312's punctuation read as Big5 becomes bopomofo and Greek);
- of the ideographs, a plausible reading has almost all in its encoding's common set (GB2312 and the common
  Traditional characters for GB18030, Big5's level-1 "常用字" for Big5); a wrong reading has a large share of rare
  ones (the rest of GBK's extension area, Big5 level 2).

A reading is taken only when it is plausible and the other is clearly not; otherwise the file is refused and the
person names the encoding (`--encoding`). A short file (a header and a row or two) is the hard case: it is decided
when its few characters allow it, and refused when not, never guessed. Maintained detectors were measured on such
files (charset-normalizer 3.5: 58 of 230 short GB18030 and 12 of 190 short Big5 samples read wrong), which is why
this module decides itself.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# What --encoding accepts, as people write it, and the codec that reads it. GBK and GB2312 are subsets of GB18030;
# Windows' Big5 is code page 950 (Python's plain big5 lacks its euro sign and seven extra characters).
_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "utf-16-be": "utf-16-be",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "big5": "cp950",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}
ENCODING_CHOICES = "utf-8, gb18030, big5, utf-16"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF8_BOM = codecs.BOM_UTF8


def label(codec: str) -> str:
    """A codec as --encoding spells it: cp950 is big5, utf-8-sig is utf-8."""
    return {"cp950": "big5", "utf-8-sig": "utf-8"}.get(codec, codec)


def codec_for(name: str) -> str | None:
    """The codec that reads `--encoding NAME` (case and dashes as people type them), or None when unknown."""
    key = name.strip().lower().replace("_", "-")
    return _ALIASES.get(key) or _ALIASES.get(key.replace("-", ""))


@dataclass(frozen=True)
class Guess:
    """The detected codec, or None with the readings that were possible (empty when none was)."""

    codec: str | None
    readings: tuple[str, ...] = ()


def _odd(ch: str) -> bool:
    """A character no Chinese office's table holds: the mark of a file read in the wrong encoding."""
    o = ord(ch)
    if 0x80 <= o <= 0x9F or 0xE000 <= o <= 0xF8FF:  # C1 controls, private use
        return True
    if 0x0370 <= o <= 0x052F or 0x02B0 <= o <= 0x02FF:  # Greek, Cyrillic, spacing modifier letters (ˊˇˋ˙)
        return True
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF61 <= o <= 0xFF9F:  # kana
        return True
    if 0x3100 <= o <= 0x312F or 0x31A0 <= o <= 0x31BF:  # bopomofo
        return True
    if 0x2500 <= o <= 0x259F:  # box drawing, blocks
        return True
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:  # Hangul
        return True
    return unicodedata.category(ch) in ("Cn", "Co", "Cs")


def _familiar(ch: str) -> bool:
    """A character beyond U+07FF that a Chinese office's UTF-8 table plainly holds: an ideograph, CJK or general
    punctuation, full-width forms, symbols (℃ № → ① ★), the euro, emoji."""
    o = ord(ch)
    return (
        _ideograph(ch)
        or 0x2000 <= o <= 0x27BF  # punctuation, currency, letterlike, numbers, arrows, maths, enclosed, symbols
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0x3200 <= o <= 0x33FF  # enclosed CJK, CJK compatibility
        or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= o <= 0xFF60  # full-width forms
        or 0xFFE0 <= o <= 0xFFEF
        or 0xFE00 <= o <= 0xFE0F  # variation selectors (❤️)
        or 0x1F000 <= o <= 0x1FAFF  # emoji, pasted from a chat
    ) and not _odd(ch)


def _ideograph(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _common_in_gb18030(ch: str) -> bool:
    """In GB2312, or a common Traditional character: GBK holds those too, and an office on Simplified Windows may
    type Traditional text (繼續) into a GB18030 file; counting them rare would favour a wrong Big5 reading."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return _common_traditional(ch)
    return True


def _common_traditional(ch: str) -> bool:
    try:
        code = ch.encode("cp950")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xA440 <= int.from_bytes(code, "big") <= 0xC67E  # level 1, 常用字


@dataclass(frozen=True)
class _Reading:
    codec: str
    odd: int  # characters no office table holds
    rare: int  # ideographs outside the encoding's common set
    ideographs: int

    @property
    def plausible(self) -> bool:
        return self.odd == 0


def _read(sample: bytes, codec: str, common: Callable[[str], bool]) -> _Reading | None:
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        return None
    odd = rare = ideographs = 0
    for ch in set(text):  # distinct characters: a repeated one is no more evidence, and a large file is quick
        if ch < "\x80":
            continue
        if _odd(ch):
            odd += 1
        elif _ideograph(ch):
            ideographs += 1
            rare += not common(ch)
    return _Reading(codec, odd, rare, ideographs)


def _utf8(sample: bytes) -> bool | None:
    """None when `sample` is not UTF-8; else whether the UTF-8 reading is convincing on its own.

    Valid UTF-8 is rarely anything else, but one or two GB18030 or Big5 characters can happen to form it (職 in
    Big5 is the bytes of ¾; 電等現 in GB18030 is Hangul). Convincing: ASCII only, or a familiar character beyond
    U+07FF (CJK, curly quotes: three bytes each), or three different non-ASCII characters, with none a Chinese
    office's table never holds (C1 controls, combining marks, Greek to NKo, Hangul, other scripts: what GB18030
    and Big5 bytes read as UTF-8 mostly become).
    """
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in set(text) if ch >= "\x80"]
    if any(0x80 <= ord(ch) <= 0x9F or 0x0300 <= ord(ch) <= 0x07FF or _odd(ch) for ch in wide):
        return False
    far = [ch for ch in wide if ord(ch) > 0x07FF]
    if not all(_familiar(ch) for ch in far):  # Hangul, Thai, Devanagari…: GB18030 or Big5 bytes that fit UTF-8
        return False
    return not wide or len(wide) >= 3 or bool(far)


def guess(sample: bytes) -> Guess:
    """The codec of a file from `sample`: its start, or (better) its lines that hold non-ASCII bytes.

    A BOM decides; valid UTF-8 is UTF-8 unless it is implausible and a Chinese reading is plausible too (then it is
    unclear); otherwise GB18030 and Big5 are weighed as the module docstring says.
    """
    if sample.startswith(_UTF8_BOM):
        return Guess("utf-8-sig")
    if sample[:2] in UTF16_BOMS:
        return Guess("utf-16")
    utf8 = _utf8(sample)
    if utf8:
        return Guess("utf-8-sig")
    gb = _read(sample, "gb18030", _common_in_gb18030)
    big5 = _read(sample, "cp950", _common_traditional) or _read(sample, "big5hkscs", _common_traditional)
    chinese = [r for r in (gb, big5) if r is not None and r.plausible]
    if utf8 is not None:  # valid UTF-8, but not convincing on its own
        if not chinese:
            return Guess("utf-8-sig")
        return Guess(None, ("utf-8", *(r.codec for r in chinese)))
    readings = tuple(r.codec for r in (gb, big5) if r is not None)
    if len(chinese) == 1:
        # The only plausible reading; the other failed or is full of kana and private use. Mostly rare ideographs
        # (GBK's traditional characters typed on Simplified Windows) are fine when Big5 could not read it at all.
        only = chinese[0]
        other = big5 if only is gb else gb
        if other is None or only.rare * 5 <= only.ideographs:
            return Guess(only.codec)
        return Guess(None, readings)
    if len(chinese) == 2:
        low, high = sorted(chinese, key=lambda r: r.rare)
        if high.rare - low.rare >= 2 and low.rare * 4 <= high.rare:
            return Guess(low.codec)
    return Guess(None, readings)
