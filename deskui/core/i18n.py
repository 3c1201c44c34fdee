"""One translation function for every visible string.

Message ids are the English text; `locale/zh-CN/*.toml` map them to Chinese, one flat TOML table per area of
the app (a test checks that every id used in the code is translated and that no id is defined twice). The
Traditional catalogs `locale/zh-HK/`, `locale/zh-TW/` are generated from zh-CN (deskui.core.traditional). A catalog
is read once, on first use. Services may call `t()` too (it has no Textual dependency), so CLI errors follow the
language as well.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LABELS_FILE = "_labels.toml"  # Simplified label → Traditional (deskui.core.traditional); not a message catalog
_language = "en"
_catalogs: dict[str, dict[str, str]] = {}
_labels: dict[str, dict[str, str]] = {}


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
            if path.name.startswith("_"):
                continue
            with path.open("rb") as fh:
                merged.update(tomllib.load(fh))
        _catalogs[language] = merged
    return _catalogs[language]


def zh_text(text: str, language: str) -> str:
    """Chinese text held in Simplified (a configured label, a word of the code) in the script of `language`.

    zh-CN: as it is. zh-HK / zh-TW: from the generated `_labels.toml` (every `zh` of defaults.toml and every literal
    given to `Z_()` or `zh_text()`); a label a site configured itself is converted by OpenCC on first use.
    """
    if language == "zh-CN" or not text or not is_chinese(language):
        return text
    if language not in _labels:
        path = LOCALE_DIR / language / LABELS_FILE
        if path.is_file():
            with path.open("rb") as fh:
                _labels[language] = tomllib.load(fh)
        else:
            _labels[language] = {}
    known = _labels[language].get(text)
    if known is not None:
        return known
    from deskui.core.traditional import TRADITIONAL, convert

    return convert(text, language) if language in TRADITIONAL else text


def Z_(text: str, /) -> str:
    """Mark a Simplified word of the code for the Traditional label tables; `zh_text()` converts it later."""
    return text


def t(msgid: str, /, **params: object) -> str:
    """Translate `msgid` into the current language and fill `{name}` placeholders."""
    text = catalog(_language).get(msgid, msgid)
    return text.format(**params) if params else text


def N_(msgid: str, /) -> str:
    """Mark a message id for translation where it is defined (tables, constants); `t()` translates it later."""
    return msgid
