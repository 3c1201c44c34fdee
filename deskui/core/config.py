"""Settings: one object built from deskui/core/defaults.toml, a user file, the environment and CLI options.

Every number from the office manuals (docs/DOMAIN.md) lives in the TOML defaults, never as a literal in code.
Loading is cheap (tomllib + dataclasses) because it runs before the first frame is painted. This module reads and
merges the files (`load_settings`); the rest is kept in modules of its own, and their public names are importable
from here as ever:
- deskui.core.config_types: the settings' shapes (`Settings`, `Choice`, `ShiftDef`, ...), `ConfigError`, the UI
  languages;
- deskui.core.config_parse: each TOML section read and checked into those shapes;
- deskui.core.config_paths: where deskui keeps its files (data and configuration directories);
- deskui.core.config_help: the help requests' emergency checklists.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from deskui.core.config_help import HelpSettings, help_settings
from deskui.core.config_parse import (
    POINT_KEY_CHARS,
    ROUTE_KEY_CHARS,
    build_settings,
    check_known,
    language_from_locale,
)
from deskui.core.config_paths import (
    APP_NAME,
    DATA_DIR_ENV,
    DB_NAME,
    USER_CONFIG_NAME,
    backups_dir,
    config_dir,
    data_dir,
    default_db_path,
    exports_dir,
    user_config_file,
)
from deskui.core.config_types import (
    LANGUAGES,
    PIN_MAX_DIGITS,
    CallSettings,
    Choice,
    ConfigError,
    PatrolPoint,
    PatrolRoute,
    PatrolSettings,
    RegisterSettings,
    RenovationSettings,
    ReportSettings,
    Security,
    Settings,
    ShiftDef,
    Shifts,
    normalize_language,
)

__all__ = [
    "APP_NAME",
    "DATA_DIR_ENV",
    "DB_NAME",
    "DEFAULTS_FILE",
    "LANGUAGES",
    "PIN_MAX_DIGITS",
    "POINT_KEY_CHARS",
    "ROUTE_KEY_CHARS",
    "USER_CONFIG_NAME",
    "CallSettings",
    "Choice",
    "ConfigError",
    "HelpSettings",
    "PatrolPoint",
    "PatrolRoute",
    "PatrolSettings",
    "RegisterSettings",
    "RenovationSettings",
    "ReportSettings",
    "Security",
    "Settings",
    "ShiftDef",
    "Shifts",
    "backups_dir",
    "config_dir",
    "data_dir",
    "default_db_path",
    "exports_dir",
    "help_settings",
    "language_from_locale",
    "load_settings",
    "normalize_language",
    "user_config_file",
]

# Package data (pyproject's `core/*.toml`), so a wheel installed away from the checkout finds it.
DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.toml"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except OSError as exc:  # permission denied, a folder
        raise ConfigError(f"cannot read configuration file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(
    config_file: str | Path | None = None,
    *,
    database_url: str | None = None,
    language: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Defaults, then `config_file` (--config) or DESKUI_CONFIG or else the user's config.toml if there is one, then
    DESKUI_DB / DESKUI_LANG, then explicit arguments. `environ={}` (tests): the defaults alone."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    raw = _read_toml(DEFAULTS_FILE)
    sources = [str(DEFAULTS_FILE)]
    user_file: str | Path | None = config_file or env.get("DESKUI_CONFIG")
    if not user_file and environ is None:
        found = user_config_file()
        try:
            user_file = found if found.is_file() else None
        except OSError:  # a folder on the way this user may not enter: there is no file of theirs
            user_file = None
    if user_file:
        user = _read_toml(Path(user_file))
        check_known(user, raw)
        raw = _merge(raw, user)
        sources.append(str(user_file))
    settings = build_settings(raw, tuple(sources), env)
    return settings.with_overrides(
        database_url=database_url or env.get("DESKUI_DB") or None,
        language=language or env.get("DESKUI_LANG") or None,
    )
