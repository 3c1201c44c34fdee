"""Pinyin spellings of names so "zs" and "zhangsan" find 张三. pypinyin is loaded on first use only.

A surname read otherwise than the character's common reading (单 is dan, the surname Shan; 曾 ceng/Zeng, 解 jie/Xie,
仇 chou/Qiu, 区 qu/Ou, 朴 pu/Piao, 查 cha/Zha) is found by both: `search_readings` gives a name's spellings with the
first character read both ways, so "sy" and "dy" both find 单雨 (and 單雨: the surname is looked up in Simplified,
core.scriptfold). pypinyin has no surname mode and its heteronyms of a character are every reading it has (单 also
chan), so the surname readings are this table's, each one of pypinyin's readings of the character.
"""

from __future__ import annotations

from functools import lru_cache

from deskui.core.scriptfold import fold

# Surnames whose reading differs from the character's common one: the surname readings (Simplified keys).
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "尉": ("yu",),
    "覃": ("qin",),
    "缪": ("miao",),
    "翟": ("zhai",),
    "乐": ("yue",),
    "秘": ("bi",),
    "召": ("shao",),
    "祭": ("zhai",),
    "种": ("chong",),
    "重": ("chong",),
    "员": ("yun",),
    "繁": ("po",),
    "句": ("gou",),
}


def _clean(parts: list[str]) -> str:
    return "".join("".join(p.split()) for p in parts).lower()


@lru_cache(maxsize=4096)
def _parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return tuple(full), tuple(initials)


def spellings(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces or tones; non-Chinese characters kept as they are."""
    full, initials = _parts(name)
    return _clean(list(full)), _clean(list(initials))


def search_readings(name: str) -> str:
    """Every spelling a name is found by (full pinyin and initials, the surname read both ways), each led by a
    space: " danyu dy shanyu sy ". Stored beside the name; `LIKE '% ' || typed || '%'` is a prefix of any."""
    stripped = name.strip()
    full, initials = _parts(stripped)
    found = [_clean(list(full)), _clean(list(initials))]
    if stripped:  # the first character is the surname's (compound surnames are read as their characters are)
        for reading in SURNAME_READINGS.get(fold(stripped[0]), ()):
            found += [_clean([reading, *full[1:]]), _clean([reading[0], *initials[1:]])]
    return " " + " ".join(dict.fromkeys(f for f in found if f)) + " "
