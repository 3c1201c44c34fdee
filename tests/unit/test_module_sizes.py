"""The house rule on size (notes/COMMON.md): no module of deskui over 600 lines, no class over 400.

Read with the AST, so a class is measured from its `class` line to its last line (`end_lineno - lineno + 1`); a
nested class counts in its owner and is measured itself too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import deskui

PACKAGE_DIR = Path(deskui.__file__).resolve().parent
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 400


def _sources() -> list[tuple[str, str]]:
    """(text, name) of every module of the package, the name as deskui/core/config.py."""
    paths = sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)
    return [(p.read_text(encoding="utf-8"), str(p.relative_to(PACKAGE_DIR.parent))) for p in paths]


def long_module(text: str, name: str) -> list[str]:
    """`name: N lines` when the module is over the limit."""
    lines = len(text.splitlines())
    return [f"{name}: {lines} lines (at most {MAX_MODULE_LINES})"] if lines > MAX_MODULE_LINES else []


def long_classes(text: str, name: str) -> list[str]:
    """`name: class C N lines` for each class over the limit."""
    out = []
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
            size = node.end_lineno - node.lineno + 1
            if size > MAX_CLASS_LINES:
                out.append(f"{name}: class {node.name} {size} lines (at most {MAX_CLASS_LINES})")
    return out


def oversized(text: str, name: str) -> list[str]:
    return long_module(text, name) + long_classes(text, name)


def test_no_module_is_over_600_lines() -> None:
    found = [problem for text, name in _sources() for problem in long_module(text, name)]
    assert not found, "modules over the size limit:\n" + "\n".join(found)


def test_no_class_is_over_400_lines() -> None:
    found = [problem for text, name in _sources() for problem in long_classes(text, name)]
    assert not found, "classes over the size limit:\n" + "\n".join(found)


def _module(class_lines: int, module_lines: int) -> str:
    body = "class A:\n" + "    x = 1\n" * (class_lines - 1)
    return body + "y = 2\n" * (module_lines - class_lines)


def test_the_limits_themselves_pass() -> None:
    assert oversized(_module(MAX_CLASS_LINES, MAX_MODULE_LINES), "m.py") == []


def test_a_line_over_is_named() -> None:
    assert oversized(_module(MAX_CLASS_LINES + 1, MAX_MODULE_LINES + 1), "m.py") == [
        f"m.py: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})",
        f"m.py: class A {MAX_CLASS_LINES + 1} lines (at most {MAX_CLASS_LINES})",
    ]


def test_a_nested_class_is_measured_too() -> None:
    inner = "    class B:\n" + "        x = 1\n" * MAX_CLASS_LINES
    text = "class A:\n" + inner
    assert [p.split(": class ")[1].split()[0] for p in oversized(text, "m.py")] == ["A", "B"]
