"""One translation function for every visible string.

Message ids are the English text; `locale/zh-CN/*.toml` map them to Chinese, one flat TOML table per area of
the app (a test checks that every id used in the code is translated and that no id is defined twice). The catalog
is read once, on first use. Services may call `t()` too (it has no Textual dependency), so CLI errors follow the
language as well.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_language = "en"
_catalogs: dict[str, dict[str, str]] = {}


def is_chinese(language: str) -> bool:
    """Any Chinese UI (zh-CN Simplified; zh-HK and zh-TW Traditional): where a rule asks "Chinese or English?"."""
    return language.startswith("zh")


def set_language(language: str) -> None:
    global _language
    _language = language


def get_language() -> str:
    return _language


def catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    if language not in _catalogs:
        merged: dict[str, str] = {}
        for path in sorted((LOCALE_DIR / language).glob("*.toml")):
            with path.open("rb") as fh:
                merged.update(tomllib.load(fh))
        _catalogs[language] = merged
    return _catalogs[language]


def t(msgid: str, /, **params: object) -> str:
    """Translate `msgid` into the current language and fill `{name}` placeholders."""
    text = catalog(_language).get(msgid, msgid)
    return text.format(**params) if params else text


def N_(msgid: str, /) -> str:
    """Mark a message id for translation where it is defined (tables, constants); `t()` translates it later."""
    return msgid
