"""What the app remembers for this user between runs: small choices made on screen (today: the colour theme).

A JSON object in the user's configuration folder (core.config.config_dir(): ~/.config/deskui/state.json on Linux),
beside, not inside, the config.toml the user edits by hand. A preference, not a record: a file that cannot be read
is as if empty, and one that cannot be written leaves the choice for this run only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from deskui.core.config import config_dir

STATE_NAME = "state.json"


def state_file() -> Path:
    """The user's state file (it may not exist)."""
    return config_dir() / STATE_NAME


def read_state(path: Path) -> dict[str, object]:
    """The remembered choices; {} when there is no file or it is not a JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(path: Path, key: str, value: object) -> bool:
    """Set one choice, the others kept; written whole (a temporary file renamed over the old one). False when it
    could not be written."""
    state = read_state(path)
    if state.get(key) == value:
        return True
    state[key] = value
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True
