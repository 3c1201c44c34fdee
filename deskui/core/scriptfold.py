"""Script folding: the one key under which user text is compared with data, whatever the script it was typed in.

`fold(text)` normalises to NFKC (full-width Latin letters and digits → ASCII, compatibility ideographs → unified),
turns Traditional Chinese into Simplified (OpenCC's tables) and case-folds. Search text is stored folded and the
query is folded the same way, so `电梯` finds `電梯門關不上`, `門關` finds `电梯门关不上`, `陳大文` and `陈大文` find
each other, and `ＡＢＣ１２` finds `abc12`. Anyone matching typed text against data (search, the palette, unit
spellings, Chinese key names on the CLI) uses this; there is no second converter.

Plain `t2s` is not enough: it leaves Hong Kong variants (`枱` for 台, `衞` for 卫) and Taiwan's `著` for 着 as they
are. So a character goes through OpenCC's Hong Kong and Taiwan variant tables first (those of `hk2t`, `tw2t`:
regional variant to OpenCC's standard Traditional), then those of `t2s`. Character by character, not by phrase
(see `fold`): the result is a search key, not text to show. Simplified text comes out unchanged
(tests/unit/test_scriptfold.py).

OpenCC is imported on first use, never at module import (about 20 ms: start-up matters), the converters are built
once per process and each character's form is worked out once. Pure: no Textual, no database.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

# Regional variants to OpenCC standard Traditional, then Traditional to Simplified: the order matters (hk2s alone
# misses 著, tw2s alone misses 枱 and 衞). Three converters one after the other: each character is converted once and
# kept (see `fold`), so their cost is paid once per character met, not per fold.
_CHAIN = ("hk2t", "tw2t", "t2s")


@functools.cache
def _converters() -> tuple[Callable[[str], str], ...]:
    import opencc  # ~20 ms, lazy on purpose: paid by the first fold of Chinese text, not by start-up

    return tuple(opencc.OpenCC(config).convert for config in _CHAIN)


# Characters OpenCC could change are all from the CJK radicals (U+2E80) up; text with none skips it.
_MAYBE_HAN = re.compile("[\u2e80-\U0010ffff]")


def _has_han(text: str) -> bool:
    """Whether any character could change under OpenCC (CJK ideographs and their compatibility forms)."""
    return not text.isascii() and _MAYBE_HAN.search(text) is not None


def fold(text: str) -> str:
    """Text as search compares it: NFKC, Simplified Chinese, case-folded.

    Character by character: each character's Simplified form, so a piece of a text folds to a piece of the text's
    fold (fold(a + b) == fold(a) + fold(b) for CJK) and any substring of a record finds it. OpenCC's phrase tables would
    turn 著 into 着 alone but keep 著名, or 乾 into 干 but keep 乾隆, and a search for 著 or 乾 would miss those
    records. A character's form is OpenCC's chain run again until it holds (麼 → 么 → 幺: 什麼 and 什么 meet), worked
    out once per character and kept. Text without any CJK character does not load OpenCC at all (an English-only
    desk never pays its import).
    """
    text = unicodedata.normalize("NFKC", text)
    if _has_han(text):
        text = text.translate(_CHARS)
    return text.casefold()


def _to_simplified(text: str) -> str:
    for convert in _converters():
        text = convert(text)
    return text


# Standard Simplified characters that OpenCC's Taiwan variant table reads as another character (么 as a variant of
# 幺): kept, so Simplified text folds to itself (tests/unit/test_scriptfold.py, the zh-CN catalog) and 麼 meets 么.
_SIMPLIFIED_KEPT = frozenset("么")


def _fold_char(ch: str) -> str:
    """One character's Simplified form: the chain run until its output holds (a cycle ends at its least member)."""
    seen = [ch]
    current = ch
    for _ in range(4):
        if current in _SIMPLIFIED_KEPT:
            return current
        after = _to_simplified(current)
        if after == current:
            return current
        if after in seen:
            return min(seen[seen.index(after) :])
        seen.append(after)
        current = after
    return current


class _CharMap(dict[int, str]):
    """str.translate's table, filled as characters are met: below U+2E80 (and lone surrogates, NUL: never given to
    OpenCC, which cannot encode the one and ends at the other) a character is itself."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if code < 0x2E80 or 0xD800 <= code <= 0xDFFF else _fold_char(ch)
        self[code] = value
        return value


_CHARS = _CharMap()
