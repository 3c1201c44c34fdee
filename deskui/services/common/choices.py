"""A key typed in any of the desk's languages: the one rule every place that reads a key (a kind, a status, a
shift, a department …) applies.

A key is named by the key itself (`repair`, `due-soon` = `due_soon`), its English label (`Repair`, any case), its
Chinese label in either script (`报修`, `報修`: both sides go through core.scriptfold.fold) or a word the desk uses
for it (`ALIASES`: 维修 is a repair). An unknown word is refused with the choices in the reader's language: English
lists the keys (what a script types), Chinese the labels (`未知的类别 '修理'；可选：报修、投诉…`).

Stored values stay keys: this only reads what a person typed. Pure: no Textual, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from deskui.core.errors import ValidationError
from deskui.core.i18n import catalog, get_language, is_chinese, t

# Words an office uses for a key besides its label (003/005 manuals: 维修 for a repair call, 已完成 for done …).
ALIASES: dict[str, tuple[str, ...]] = {
    "repair": ("维修",),
    "done": ("已完成", "完成"),
    "closed": ("已关闭", "关闭"),
    "night": ("夜班",),
    "day": ("白班", "日班"),
    "midday": ("午班",),
}


def _norm(text: str) -> str:
    from deskui.core.scriptfold import fold

    return fold(text.strip()).replace("-", "_").replace(" ", "_")


def label_names(labels: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """A table of message ids (key → N_("English label")) as the names of each key: the key, the English label and
    its Chinese translation (zh-CN; Traditional is folded to it), and the current language's translation."""
    zh = catalog("zh-CN")
    here = catalog(get_language())
    return {key: (key, msgid, zh.get(msgid, msgid), here.get(msgid, msgid)) for key, msgid in labels.items()}


def find_key(value: str, names: Mapping[str, Iterable[str] | str]) -> str | None:
    """The key `value` names (key, label or alias, any script, any case), or None; `names`: key → its names, or key →
    its one English label."""
    want = _norm(value)
    if not want:
        return None
    for key, spellings in names.items():
        listed = (spellings,) if isinstance(spellings, str) else tuple(spellings)
        if want in {_norm(name) for name in (key, *listed, *ALIASES.get(key, ()))}:
            return key
    return None


def choices_text(shown: Mapping[str, str]) -> str:
    """The choices as the reader reads them: the keys in English, the labels (key → words shown) in Chinese."""
    if is_chinese(get_language()):
        return "、".join(shown.values())
    return ", ".join(shown)


def unknown(value: str, what: str, shown: Mapping[str, str], *, field: str = "") -> ValidationError:
    """The refusal of an unknown word: `what` (already in the reader's language), the value, the choices."""
    return ValidationError(
        t("Unknown {what} {value!r}; use one of: {keys}", what=what, value=value, keys=choices_text(shown)),
        field=field or None,
    )


def pick(value: str, labels: Mapping[str, str], what: str, *, field: str = "") -> str:
    """The key of a label table (key → N_ msgid) that `value` names; ValidationError listing the choices."""
    # The key or its English label first: no catalog to load for what scripts type (`--queue open`, the defaults).
    key = find_key(value, labels) or find_key(value, label_names(labels))
    if key is None:
        raise unknown(value, what, {k: t(msgid) for k, msgid in labels.items()}, field=field)
    return key


__all__ = ["ALIASES", "choices_text", "find_key", "label_names", "pick", "unknown"]
