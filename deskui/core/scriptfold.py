"""Script folding: the one key under which user text is compared with data, whatever the script it was typed in.

`fold(text)` normalises to NFKC (full-width Latin letters and digits → ASCII, compatibility ideographs → unified),
turns Traditional Chinese into Simplified (OpenCC) and case-folds. Search text is stored folded and the query is folded the same way, so `电梯` finds `電梯門關不上`,
`門關` finds `电梯门关不上`, `陳大文` and `陈大文` find each other, and `ＡＢＣ１２` finds `abc12`. Anyone matching
typed text against data (search, the palette, unit spellings, Chinese key names on the CLI) uses this; there is no
second converter.

Plain `t2s` is not enough: it leaves Hong Kong variants (`枱` for 台, `衞` for 卫) and Taiwan's `著` for 着 as they
are. So the text goes through OpenCC's Hong Kong and Taiwan variant tables first (`hk2t`, `tw2t`: regional variant
to OpenCC's standard Traditional), then `t2s`. Simplified text comes out unchanged (tests/unit/test_scriptfold.py).

OpenCC is imported on first use, never at module import (about 20 ms: start-up matters), and the converters are built
once per process. Pure: no Textual, no database.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

# Regional variants to OpenCC standard Traditional, then Traditional to Simplified: the order matters (hk2s alone
# misses 著, tw2s alone misses 枱 and 衞).
_CHAIN = ("hk2t", "tw2t", "t2s")
# Lone surrogates cannot be encoded for OpenCC (a row written by another program may hold one): they stay as they are.
_SURROGATES = re.compile("([\ud800-\udfff]+)")


@functools.cache
def _converters() -> tuple[Callable[[str], str], ...]:
    import opencc  # lazy on purpose: ~20 ms, paid by the first search that needs it, not by start-up

    return tuple(opencc.OpenCC(config).convert for config in _CHAIN)


def _has_han(text: str) -> bool:
    """Whether any character could change under OpenCC (CJK ideographs and their compatibility forms)."""
    return any(ord(ch) >= 0x2E80 for ch in text)


def fold(text: str) -> str:
    """Text as search compares it: NFKC, Simplified Chinese, case-folded.

    Text without any CJK character does not load OpenCC at all (an English-only desk never pays its import).
    """
    text = unicodedata.normalize("NFKC", text)
    if _has_han(text):
        text = "".join(part if i % 2 else _to_simplified(part) for i, part in enumerate(_SURROGATES.split(text)))
    return text.casefold()


def _to_simplified(text: str) -> str:
    for convert in _converters():
        text = convert(text)
    return text
