"""The keys actually bound, as the header, the home tiles, the help and the palette print them (issue 12).

A user keymap ([keys] in the config, applied with Textual's `App.set_keymap`) may move any binding that has an id;
whatever names a key on screen asks here rather than printing a letter of its own. `textual_binding` tells
Textual's own editing and scrolling keys (an Input's Ctrl+W, a table's cursor keys) from deskui's: the palette and
the help list deskui's actions, not Textual's editing commands in English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.keys import format_key

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode

    from deskui.sections import Section


def keymap(app: object) -> dict[str, str]:
    """Binding id → keys of the user's keymap, once the app has applied it (empty before, or when refused)."""
    applied: dict[str, str] = getattr(app, "keymap", {})
    return applied


def bound_key(app: object, binding_id: str, default: str) -> str:
    """The first key bound to `binding_id`: the keymap's, else `default` (Textual's name: "f3", "ctrl+s")."""
    return keymap(app).get(binding_id, default).split(",")[0].strip()


# Keys people read by a name of their own (keycaps, the manuals); arrows as arrows.
_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def key_label(key: str) -> str:
    """One key as every part of deskui prints it — the header, the home tiles, the footer, the help and the palette
    (through DeskApp.get_key_display): "F3", "Ctrl+S", "Esc", "Enter", "/", "]", "E", "Shift+T" (Textual's "T")."""
    *modifiers, last = key.split("+")
    if last in _NAMES:
        name = _NAMES[last]
    elif len(last) == 1:
        if last.isalpha() and last.isupper():
            modifiers.append("shift")  # Textual names Shift+T "T"; the keycap says T, the lower-case key too
        name = last.upper()
    elif last[:1] == "f" and last[1:].isdigit():
        name = last.upper()
    else:
        name = format_key(last)  # Textual's character names: slash → /, question_mark → ?, right_square_bracket → ]
        name = name if len(name) == 1 else last.capitalize()
    return "+".join([*(m.capitalize() for m in dict.fromkeys(modifiers)), name])


def section_key(app: object, section: Section) -> str:
    """The key that opens `section` now, printed ("F3", or the user's "Ctrl+3")."""
    return key_label(bound_key(app, f"section-{section.mode}", section.key))


def textual_binding(node: DOMNode, binding: Binding) -> bool:
    """Whether `binding` is one of Textual's own (an Input's editing keys, a table's cursor, the app's Ctrl+P),
    declared by a Textual class in `node`'s ancestry rather than by deskui."""
    if binding.action == "command_palette":  # the app's Ctrl+P, which Textual adds to every app's bindings
        return True
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("textual."):
            continue
        for declared in cls.__dict__.get("BINDINGS", ()):
            if _action(declared) == binding.action:
                return True
    return False


def _action(declared: Any) -> str | None:
    action = getattr(declared, "action", None)
    if action is None and isinstance(declared, tuple) and len(declared) >= 2:  # ("key", "action", "description")
        action = declared[1]
    return action if isinstance(action, str) else None
