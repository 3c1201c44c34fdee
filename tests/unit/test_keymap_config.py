"""Issue 12: the user's keymap, `[keys]` in the configuration (binding id → keys), read in the file's order; a key
Textual cannot name is refused with the entry named. Whether each id is a binding deskui has is the app's check
(tests/functional/test_palette.py), which needs the screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.core.config import ConfigError, load_settings
from deskui.widgets.keynames import key_label


def settings_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={})


def test_no_keymap_by_default() -> None:
    assert load_settings(environ={}).keys == ()


def test_keys_read_in_order(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, '[keys]\ncall-save = "f11"\nsection-calls = "f3, ctrl+3"\n')
    assert settings.keys == (("call-save", "f11"), ("section-calls", "f3,ctrl+3"))


@pytest.mark.parametrize("value", ['""', '"ctrl+ s x"', "3", '"f3,,f4"', '"strg+ä"'])
def test_a_key_textual_cannot_name_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"keys\.call-save: expected keys like"):
        settings_with(tmp_path, f"[keys]\ncall-save = {value}\n")


def test_keys_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="keys: expected a table"):
        settings_with(tmp_path, 'keys = "f3"\n')


@pytest.mark.parametrize(
    ("key", "label"), [("f3", "F3"), ("ctrl+3", "Ctrl+3"), ("escape", "Esc"), ("ctrl+shift+a", "Ctrl+Shift+A")]
)
def test_keys_as_printed(key: str, label: str) -> None:
    assert key_label(key) == label
