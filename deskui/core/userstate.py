"""What the app remembers for this user between runs: small choices made on screen (today: the colour theme).

A flat TOML table in the user's configuration folder (core.config.config_dir(): ~/.config/deskui/state.toml on
Linux), beside, not inside, the config.toml the user edits by hand. TOML, not JSON: tomllib is loaded at start-up
for the config anyway, json is not (tests/unit/test_startup_imports.py). Values are text only (a theme's name).
A preference, not a record: a file that cannot be read is as if empty, and one that cannot be written leaves the
choice for this run only.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from deskui.core.config import config_dir

STATE_NAME = "state.toml"


def state_file() -> Path:
    """The user's state file (it may not exist)."""
    return config_dir() / STATE_NAME


def read_state(path: Path) -> dict[str, str]:
    """The remembered choices (text values only); {} when there is no file or it is not TOML."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _toml_string(text: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    escaped = "".join(ch if ch >= " " and ch not in '"\\\x7f' else f"\\u{ord(ch):04x}" for ch in text)
    return f'"{escaped}"'


def remember(path: Path, key: str, value: str) -> bool:
    """Set one choice, the others kept; written whole (a temporary file renamed over the old one). False when it
    could not be written."""
    state = read_state(path)
    if state.get(key) == value:
        return True
    state[key] = value
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{_toml_string(name)} = {_toml_string(str(text))}\n" for name, text in state.items()]
        temporary.write_text("".join(lines), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True
