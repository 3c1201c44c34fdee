"""The keys actually bound, as the header, the home tiles, the help and the palette print them (issue 12).

A user keymap ([keys] in the config, applied with Textual's `App.set_keymap`) may move any binding that has an id;
whatever names a key on screen asks here rather than printing a letter of its own. `textual_binding` tells
Textual's own editing and scrolling keys (an Input's Ctrl+W, a table's cursor keys) from deskui's: the palette and
the help list deskui's actions, not Textual's editing commands in English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def key_label(key: str) -> str:
    """A key as the header and the home tiles print it: "F3", "Ctrl+S", "/"."""
    names = {"escape": "Esc", "enter": "Enter", "slash": "/", "question_mark": "?", "space": "Space"}
    parts = key.split("+")
    last = parts[-1]
    last = names.get(last, last.upper() if len(last) == 1 or last[1:].isdigit() else last.capitalize())
    return "+".join([*(p.capitalize() for p in parts[:-1]), last])


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
