"""No deskui screen, widget or app sets an attribute that Textual already uses for itself.

`SignInScreen` once kept its "am I the lock screen?" flag in `self.lock`, which is Textual's own `Widget.lock` (the
RLock that `recompose` and `batch` take): F9 on the sign-in screen crashed with "'bool' object does not support the
asynchronous context manager protocol". Such a clash is silent until Textual reaches for its attribute, so every
`self.NAME = ...` in every deskui MessagePump subclass (screens, widgets, the app) is checked here against what a
fresh instance of its Textual base holds: its class attributes and the instance attributes its __init__ sets.

Assigning a Textual data descriptor (a reactive such as `border_title`, a property with a setter such as `title`) is
Textual's own API, not a clash, and is allowed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import pytest
from textual.message_pump import MessagePump

import deskui


def deskui_message_pumps() -> list[type[MessagePump]]:
    found: set[type[MessagePump]] = set()
    for info in pkgutil.walk_packages(deskui.__path__, "deskui."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, MessagePump) and obj.__module__ == module.__name__:
                found.add(obj)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def textual_base(cls: type) -> type:
    return next(base for base in cls.__mro__ if base.__module__.split(".")[0] == "textual")


def textual_names(base: type) -> set[str]:
    """Class and instance attributes of a plain instance of `base` (Widget.__init__ sets `lock`, `_nodes`, ...)."""
    instance = base.__new__(base)
    base.__init__(instance)
    return set(dir(instance))


def is_textual_api(base: type, name: str) -> bool:
    """A data descriptor (reactive, property with a setter) on the Textual side is meant to be assigned."""
    attr = inspect.getattr_static(base, name, None)
    return hasattr(type(attr), "__set__")


def self_assignments(cls: type) -> set[str]:
    """Every NAME in `self.NAME = ...` (also `+=`, annotated, tuple targets) in the class's own methods."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for item in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "self":
                    names.add(item.attr)
    return names


CLASSES = deskui_message_pumps()

DELIBERATE = {
    # The one method of CommandPalette that writes its English "No matches found", repeated with the line translated
    # (deskui/screens/palette/screen.py): it sets the timer Textual's own method sets.
    "DeskPalette": {"_no_matches_timer"},
}


def test_the_guard_sees_the_screens_widgets_and_app() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"DeskApp", "SignInScreen", "PinField", "HandoverScreen"} <= names


def test_the_guard_would_have_caught_lock() -> None:
    from textual.screen import Screen

    assert "lock" in textual_names(Screen) and not is_textual_api(Screen, "lock")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_no_textual_attribute_is_shadowed(cls: type) -> None:
    base = textual_base(cls)
    taken = textual_names(base)
    deliberate = DELIBERATE.get(cls.__qualname__, set())
    clashes = sorted(
        name for name in self_assignments(cls) & taken if not is_textual_api(base, name) and name not in deliberate
    )
    assert not clashes, f"{cls.__qualname__} sets {clashes}, which {base.__name__} already uses; rename them"
