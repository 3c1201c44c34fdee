"""The user's keymap checked against deskui's bindings before it is applied (issue 12).

`[keys]` in the config names bindings by id (`call-save = "f11"`). Textual's `App.set_keymap` ignores an id no
binding has, which would leave a misspelt entry silently doing nothing; `unknown_ids` lists such ids so the app
can say so and change nothing. The ids are read from every deskui screen and widget class, which means importing
them all: this runs in a thread, once, and only when the config has a [keys] table.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator

from textual.binding import Binding
from textual.dom import DOMNode


def _subclasses(cls: type) -> Iterator[type]:
    subclasses: list[type] = type.__subclasses__(cls)
    for sub in subclasses:
        yield sub
        yield from _subclasses(sub)


def binding_ids(app_type: type) -> set[str]:
    """Every binding id of the app (of `app_type`), its screens and widgets."""
    import deskui.screens
    import deskui.widgets

    for package in (deskui.screens, deskui.widgets):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    ids: set[str] = set()
    for cls in (app_type, *_subclasses(DOMNode)):
        if not cls.__module__.startswith("deskui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def unknown_ids(keys: Iterable[tuple[str, str]], app_type: type) -> list[str]:
    """The ids of `keys` (the config's [keys]) that no binding has, in the file's order."""
    known = binding_ids(app_type)
    return [binding_id for binding_id, _ in keys if binding_id not in known]
