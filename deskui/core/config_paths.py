"""Where deskui keeps its files: the data directory (the default database, backups, report exports) and the user's
configuration directory."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "deskui"
DB_NAME = "deskui.db"
USER_CONFIG_NAME = "config.toml"
DATA_DIR_ENV = "DESKUI_DATA_DIR"

# Never beside the package (an installed wheel's site-packages is replaced by every upgrade): the database, its site
# key and anchor (beside the database), backups and report exports go to the user's data directory, a user
# configuration file is looked for in the user's config directory (platformdirs: ~/.local/share/deskui and
# ~/.config/deskui on Linux, XDG_DATA_HOME / XDG_CONFIG_HOME honoured). DESKUI_DATA_DIR moves the data directory
# (`make run` points it at the checkout's data/); --db / DESKUI_DB name the database itself, --config /
# DESKUI_CONFIG the configuration file instead of the user's. On Linux the plain case is answered without importing
# platformdirs (_linux_xdg); elsewhere it is imported when a default is needed (the app pays nothing: Textual
# imports it anyway).


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _linux_xdg(variable: str, default: str) -> Path | None:
    """platformdirs' answer on Linux in the plain case, without importing it: its Unix module imports tempfile and
    shutil (10-30 ms a CLI command would pay; measured, issue 11). None (ask platformdirs) anywhere else: another
    OS, Android, a HOME that is not an absolute path. tests/unit/test_paths.py checks both agree."""
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get(variable, "")
    if os.path.isabs(base):
        return Path(base) / APP_NAME
    home = os.environ.get("HOME", "")
    return Path(home) / default / APP_NAME if os.path.isabs(home) else None


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the default database, backups and report exports: DESKUI_DATA_DIR, else the user's."""
    given = _env(environ).get(DATA_DIR_ENV, "").strip()
    if given:
        return Path(given).expanduser().absolute()
    fast = _linux_xdg("XDG_DATA_HOME", ".local/share")
    if fast is not None:
        return fast
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user's configuration folder for deskui (its config.toml; PostgreSQL desks' site keys under keys/)."""
    fast = _linux_xdg("XDG_CONFIG_HOME", ".config")
    if fast is not None:
        return fast
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_config_file() -> Path:
    """The user configuration file read when neither --config nor DESKUI_CONFIG names one (it may not exist)."""
    return config_dir() / USER_CONFIG_NAME


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """The database used when neither --db nor DESKUI_DB names one."""
    return data_dir(environ) / DB_NAME


def backups_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where `deskui backup` writes when given no path."""
    return data_dir(environ) / "backups"


def exports_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the app's report export (Ctrl+E on Reports) writes its workbooks."""
    return data_dir(environ) / "reports"
