"""Pinyin spellings of names so "zs" and "zhangsan" find 张三. pypinyin is loaded on first use only."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def spellings(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces or tones; non-Chinese characters kept as they are."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")

    def clean(parts: list[str]) -> str:
        return "".join("".join(p.split()) for p in parts).lower()

    return clean(full), clean(initials)
