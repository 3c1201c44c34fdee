"""Where deskui keeps its files when installed (issue 11): the database, backups and report exports in the user's
data directory, a user configuration file in the user's config directory (platformdirs), unless --db / DESKUI_DB /
DESKUI_CONFIG / DESKUI_DATA_DIR say otherwise; never inside the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import deskui
from deskui.core.config import load_settings
from deskui.core.db import resolve_url

PACKAGE = Path(deskui.__file__).resolve().parent


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user whose XDG folders are in tmp_path; no DESKUI_* variable set."""
    for name in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_the_database_defaults_to_the_user_data_directory(home: Path) -> None:
    from deskui.core.config import data_dir, default_db_path

    assert data_dir() == home / "share" / "deskui"
    assert default_db_path() == home / "share" / "deskui" / "deskui.db"
    assert resolve_url(None) == f"sqlite:///{home / 'share' / 'deskui' / 'deskui.db'}"
    assert PACKAGE not in default_db_path().parents


def test_deskui_data_dir_moves_every_data_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deskui.core.config import backups_dir, data_dir, default_db_path, exports_dir

    monkeypatch.setenv("DESKUI_DATA_DIR", str(home / "repo" / "data"))
    assert data_dir() == home / "repo" / "data"
    assert default_db_path() == home / "repo" / "data" / "deskui.db"
    assert backups_dir() == home / "repo" / "data" / "backups"
    assert exports_dir() == home / "repo" / "data" / "reports"


def test_deskui_db_wins_over_the_data_directory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKUI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("DESKUI_DB", str(home / "elsewhere.db"))
    assert load_settings().database_url == str(home / "elsewhere.db")
    from deskui.core.config import default_db_path

    assert default_db_path() == home / "data" / "deskui.db"


def test_a_user_config_file_in_the_config_directory_is_read(home: Path) -> None:
    user = home / "config" / "deskui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[site]\nname = "Riverside"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.site_name == "Riverside"
    assert str(user) in settings.source_files


def test_deskui_config_replaces_the_user_config_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = home / "config" / "deskui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[site]\nname = "Riverside"\n', encoding="utf-8")
    other = home / "other.toml"
    other.write_text('[site]\nname = "Hillside"\n', encoding="utf-8")
    monkeypatch.setenv("DESKUI_CONFIG", str(other))
    settings = load_settings()
    assert settings.site_name == "Hillside"
    assert str(user) not in settings.source_files
    from deskui.core.config import user_config_file

    assert user_config_file() == user


def test_no_user_config_file_is_fine(home: Path) -> None:
    settings = load_settings()
    assert len(settings.source_files) == 1  # the packaged defaults alone


def test_a_bad_user_config_file_is_refused_by_name(home: Path) -> None:
    from deskui.core.config import ConfigError

    user = home / "config" / "deskui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[security]\nidle_lock_minute = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="idle_lock_minute"):
        load_settings()


def test_the_report_screen_exports_to_the_data_directory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deskui.screens.reports import export_folder

    monkeypatch.setenv("DESKUI_DATA_DIR", str(home / "data"))
    assert export_folder() == home / "data" / "reports"


def test_a_postgresql_site_key_lives_in_the_config_directory(home: Path) -> None:
    from deskui.services.common.anchors import key_path

    key = key_path("postgresql+psycopg://u@db.example:5432/desk")
    assert key.parent == home / "config" / "deskui" / "keys"


def test_the_test_run_never_touches_the_real_user_folders() -> None:
    """tests/conftest.py points XDG_DATA_HOME and XDG_CONFIG_HOME at scratch folders for the whole run."""
    scratch = Path(tempfile.gettempdir()).resolve()
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        assert scratch in Path(os.environ[name]).resolve().parents, name
    for name in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_DATA_DIR"):
        assert name not in os.environ, name


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_DATA_HOME": "/srv/xdg-data", "XDG_CONFIG_HOME": "/srv/xdg-config"},
        {"XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": "relative/config"},
        {"XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""},
        {"HOME": "not/absolute"},
    ],
)
def test_the_folders_are_platformdirs_own(home: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """On Linux deskui answers the plain case without importing platformdirs (its import costs a CLI command
    10-30 ms); the answer must be platformdirs' own whatever the environment says."""
    import platformdirs

    from deskui.core.config import config_dir, data_dir

    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert data_dir() == Path(platformdirs.user_data_dir("deskui", appauthor=False))
    assert config_dir() == Path(platformdirs.user_config_dir("deskui", appauthor=False))


@pytest.mark.skipif(sys.platform != "linux", reason="the fast path is Linux's")
def test_loading_the_settings_does_not_import_platformdirs() -> None:
    code = "import sys; from deskui.core.config import load_settings, default_db_path; load_settings(); "
    code += "default_db_path(); print('platformdirs' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"
