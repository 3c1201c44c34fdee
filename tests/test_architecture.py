"""Rules about the code itself: services and models never load Textual, screens never touch SQL, every message is
translated (and translated once, with the same placeholders)."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import deskui
from deskui.core.i18n import LOCALE_DIR, catalog

PACKAGE_DIR = Path(deskui.__file__).resolve().parent
ZH_DIR = LOCALE_DIR / "zh-CN"
UI_DIRS = ("screens", "widgets")
FORBIDDEN_IN_UI = ("sqlalchemy", "sqlmodel", "deskui.models", "deskui.core.db")
TRANSLATORS = ("t", "N_")  # deskui.core.i18n.t translates; deskui.core.i18n.N_ marks a message translated later by t()


def python_files(root: Path = PACKAGE_DIR) -> Iterator[Path]:
    yield from sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE_DIR.parent))


# --- (a) no Textual below the UI ------------------------------------------------------------------------------------

IMPORT_HYGIENE = r"""
import importlib, pkgutil, sys

import deskui.core.config, deskui.core.db, deskui.core.clock, deskui.core.i18n, deskui.models, deskui.services
names = ["deskui.core.config", "deskui.core.db", "deskui.core.clock", "deskui.core.i18n"]
for package in (deskui.models, deskui.services):
    names.append(package.__name__)
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
names += sys.argv[1:]  # extra modules (the self-test passes one that does load Textual)
culprits = []
for name in names:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    if loaded and not culprits:
        culprits.append(name)
print("imported:", len(names), "modules")
if culprits:
    print("TEXTUAL LOADED after importing", culprits[0])
    raise SystemExit(1)
"""


def import_hygiene(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", IMPORT_HYGIENE, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE_DIR.parent,
    )


def test_services_and_models_do_not_import_textual() -> None:
    """Like Harlequin's import test: a fresh interpreter imports every service and model module, then no Textual."""
    proc = import_hygiene()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "imported:" in proc.stdout


def test_import_hygiene_check_can_fail() -> None:
    proc = import_hygiene("deskui.app")
    assert proc.returncode == 1
    assert "TEXTUAL LOADED after importing deskui.app" in proc.stdout


# --- (b) no SQL in screens and widgets -------------------------------------------------------------------------------


def imported_modules(tree: ast.Module, module_name: str) -> Iterator[tuple[int, str]]:
    package = module_name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield node.lineno, base
            for alias in node.names:  # `from deskui import models`
                yield node.lineno, f"{base}.{alias.name}"


def ui_files() -> list[Path]:
    return [p for d in UI_DIRS for p in python_files(PACKAGE_DIR / d)]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_ui_has_ui_modules() -> None:
    assert ui_files(), "deskui/screens and deskui/widgets hold the UI; this test scans them"


def test_screens_and_widgets_do_not_touch_the_database() -> None:
    offences = []
    for path in ui_files():
        for lineno, name in imported_modules(parse(path), module_name(path)):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_UI):
                offences.append(f"{rel(path)}:{lineno} imports {name}")
    assert not offences, "screens and widgets go through deskui.services:\n" + "\n".join(sorted(set(offences)))


def test_the_scan_sees_imports() -> None:
    """The scanner itself: every spelling of an import of the database layer is caught."""
    source = "import sqlalchemy\nfrom sqlmodel import select\nfrom deskui import models\nfrom ..core.db import open_database\n"
    found = {n for _, n in imported_modules(ast.parse(source), "deskui.screens.x")}
    assert {"sqlalchemy", "sqlmodel", "deskui.models", "deskui.core.db"} <= found


# --- (c) translations ----------------------------------------------------------------------------------------------


def imports_translator(tree: ast.Module) -> set[str]:
    """Local names bound to deskui.core.i18n.t / N_ in this module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "deskui.core.i18n":
            names |= {a.asname or a.name for a in node.names if a.name in TRANSLATORS}
    return names


def translator_calls(path: Path) -> Iterator[tuple[int, ast.expr]]:
    """(line, first argument) of every t(...) / N_(...) / i18n.t(...) call in a file."""
    tree = parse(path)
    local = imports_translator(tree)
    if path == PACKAGE_DIR / "i18n.py":
        local |= set(TRANSLATORS)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        direct = isinstance(func, ast.Name) and func.id in local
        via_module = (
            isinstance(func, ast.Attribute)
            and func.attr in TRANSLATORS
            and isinstance(func.value, ast.Name)
            and func.value.id == "i18n"
        )
        if direct or via_module:
            yield node.lineno, node.args[0]


def literal_msgids() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in python_files():
        for lineno, arg in translator_calls(path):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(f"{rel(path)}:{lineno}")
    return found


def test_the_scan_sees_translator_calls(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from deskui import i18n\n"
        "from deskui.core.i18n import N_, t as tr\n"
        "tr('one {n}', n=1)\nN_('two')\ni18n.t('three')\ntr(f'four {x}')\nt('not the translator')\n",
        encoding="utf-8",
    )
    args = [arg for _, arg in translator_calls(source)]
    assert [a.value for a in args if isinstance(a, ast.Constant)] == ["one {n}", "two", "three"]
    assert sum(isinstance(a, ast.JoinedStr) for a in args) == 1
    assert fields("Bad phone {phone!r}: {why}") == {"phone", "why"}


def test_the_scan_finds_messages() -> None:
    msgids = literal_msgids()
    assert "A PIN is digits only" in msgids  # deskui/services/operators.py
    assert "Receptionist" in msgids  # marked with N_


def test_every_literal_message_is_translated() -> None:
    zh = catalog("zh-CN")
    missing = {m: where for m, where in literal_msgids().items() if m not in zh}
    lines = [f"  {m!r}  ({', '.join(where)})" for m, where in sorted(missing.items(), key=lambda kv: kv[1])]
    if missing:
        pytest.fail(f"{len(missing)} messages have no zh-CN translation in {rel(ZH_DIR)}:\n" + "\n".join(lines))


def test_no_formatted_string_passed_to_t() -> None:
    """t(f"...") can never be in the catalog; pass the values as placeholders instead."""
    offences = [
        f"{rel(path)}:{lineno}"
        for path in python_files()
        for lineno, arg in translator_calls(path)
        if isinstance(arg, ast.JoinedStr)
    ]
    assert not offences, "t() given an f-string:\n" + "\n".join(offences)


def catalog_files() -> list[Path]:
    return sorted(ZH_DIR.glob("*.toml"))


def test_no_message_defined_twice() -> None:
    seen: dict[str, str] = {}
    twice = []
    for path in catalog_files():
        with path.open("rb") as fh:
            entries = tomllib.load(fh)
        for msgid, text in entries.items():
            assert isinstance(text, str), f"{path.name}: {msgid!r} is not a flat string entry"
            if msgid in seen:
                twice.append(f"  {msgid!r} in {seen[msgid]} and {path.name}")
            seen[msgid] = path.name
    assert not twice, "messages defined in two catalog files:\n" + "\n".join(twice)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: p.name)
def test_translations_keep_the_placeholders(path: Path) -> None:
    """A translation with a different {placeholder} raises KeyError at runtime, in front of the receptionist."""
    with path.open("rb") as fh:
        entries = tomllib.load(fh)
    bad = []
    for msgid, text in entries.items():
        try:
            if fields(msgid) != fields(text):
                bad.append(f"  {msgid!r}: {sorted(fields(msgid))} vs {sorted(fields(text))}")
        except ValueError as exc:
            bad.append(f"  {msgid!r}: {exc}")
    assert not bad, f"{path.name}: placeholders differ between English and Chinese:\n" + "\n".join(bad)
