"""Checks of typed text, shared by every register: calls, tickets, the duty log, the key log and the directory.

`check_text` refuses text that is too long or holds control characters or terminal escape sequences; `choose`
reads a configured choice (a category, a channel, a department) by key or label; `field_label` names a field in
the messages, in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from deskui.core.config import Choice
from deskui.core.errors import ValidationError
from deskui.core.i18n import Z_, get_language, is_chinese, t, zh_text

# C0 and C1 control characters (Unicode category Cc) and lone surrogates. Content may keep newline and tab.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_ESCAPES = {"\x1b": "ESC", "\x9b": "CSI", "\x9d": "OSC", "\x90": "DCS"}

# Field names inside messages, in both languages here rather than in the catalog: short words like "Phone" are
# message ids of other screens too, and a catalog id may be defined only once.
FIELD_LABELS = {
    "id": ("#", Z_("编号")),
    "content": ("Content", Z_("内容")),
    "caller": ("Caller", Z_("来电人")),
    "unit": ("Unit", Z_("房号/地点")),
    "phone": ("Phone", Z_("电话")),
    "visit_time": ("Visit time", Z_("上门时间")),
    "time": ("Time", Z_("时间")),
    "category": ("category", Z_("类别")),
    "channel": ("channel", Z_("方式")),
    "Category": ("Category", Z_("类别")),
    "Channel": ("Channel", Z_("方式")),
}


def field_label(name: str, language: str | None = None) -> str:
    """A call field's name for messages and column headers, in `language` (default: the current one)."""
    en, zh = FIELD_LABELS.get(name, (name, name))
    lang = language or get_language()
    return zh_text(zh, lang) if is_chinese(lang) else en


_label = field_label


def check_text(value: str, name: str, *, max_chars: int, multiline: bool = False) -> str:
    """Refuse text that is too long, or holds control characters or terminal escape sequences.

    Markup such as "[bold]" is plain text here and is kept byte for byte: displaying it safely is the screen's
    job (markup=False / rich.text.Text). One-line fields are trimmed; content is kept exactly as typed.
    """
    if not isinstance(value, str):
        raise ValidationError(t("{field}: expected text", field=_label(name)), field=name)
    if len(value) > max_chars:
        raise ValidationError(
            t(
                "{field} is too long: {n} characters, at most {max} are allowed",
                field=_label(name),
                n=f"{len(value):,}",
                max=f"{max_chars:,}",
            ),
            field=name,
        )
    if not multiline:
        value = value.strip()
    bad = (_CONTROL_MULTILINE if multiline else _CONTROL_LINE).search(value)
    if bad:
        ch = bad.group(0)
        position = bad.start() + 1
        if ch in _ESCAPES:
            raise ValidationError(
                t(
                    "{field} holds a terminal escape sequence ({code} at character {pos}); "
                    "it could change the screen, so it is refused",
                    field=_label(name),
                    code=_ESCAPES[ch],
                    pos=position,
                ),
                field=name,
            )
        if "\ud800" <= ch <= "\udfff":
            reason = t("a broken character (lone surrogate)")
        elif ch in "\n\r":
            reason = t("a line break; this field is one line")
        else:
            reason = t("the control character U+{code}", code=f"{ord(ch):04X}")
        raise ValidationError(
            t("{field} holds {reason} at character {pos}; remove it", field=_label(name), reason=reason, pos=position),
            field=name,
        )
    return value


def choose(value: str, choices: Sequence[Choice], name: str) -> Choice:
    """A configured choice by key, English label (any case) or Chinese label in either script (報修 = 报修), the
    rule of services.common.choices; refused with the choices in the reader's language."""
    from deskui.services.common.choices import find_key, unknown

    language = get_language()
    key = find_key(value, {c.key: (c.en, c.zh, c.label(language)) for c in choices})
    if key is None:
        raise unknown(value, _label(name), {c.key: c.label(language) for c in choices}, field=name)
    return next(c for c in choices if c.key == key)


__all__ = ["check_text", "choose", "field_label"]
