"""Issue 11, installable: `deskui doctor` names every path it uses (table and `--format json`), the installed
command keeps its data in the user's data directory whatever the working directory, and `make run` keeps using the
checkout's data/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.cli import invoke

DESKUI = Path(sys.executable).with_name("deskui")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_DATA_DIR", "DESKUI_LANG", "DESKUI_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_doctor_names_every_path(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskui import cli

    monkeypatch.setattr(cli.out, "width", 400)  # every path on one line
    data = home / "share" / "deskui"
    assert invoke(capsys, "--lang", "en", "demo", "--quiet").code == 0
    assert (data / "deskui.db").is_file()
    result = invoke(capsys, "--lang", "en", "doctor")
    assert result.code == 0, result.out + result.err
    for path in (data, data / "deskui.db", data / "backups", data / "reports", data / "deskui.db.key"):
        assert f" {path} " in result.out, path
    assert f" {home / 'config' / 'deskui' / 'config.toml'} " in result.out
    for label in ("Data folder", "Backups", "Report exports", "Drafts", "Site key", "Anchor file"):
        assert label in result.out, label


def test_doctor_json_is_one_object_with_the_paths(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    data = home / "share" / "deskui"
    user = home / "config" / "deskui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[site]\nname = "Riverside"\n', encoding="utf-8")
    assert invoke(capsys, "--lang", "en", "demo", "--quiet").code == 0
    result = invoke(capsys, "--lang", "en", "doctor", "--format", "json")
    assert result.code == 0, result.out + result.err
    report = json.loads(result.out)
    assert isinstance(report, dict)
    paths = report["paths"]
    assert paths["database"] == str(data / "deskui.db")
    assert paths["data_dir"] == str(data)
    assert paths["backups"] == str(data / "backups")
    assert paths["exports"] == str(data / "reports")
    assert paths["config_dir"] == str(home / "config" / "deskui")
    assert paths["user_config"] == str(user)
    assert str(user) in paths["config_files"]
    assert paths["key_file"] == str(data / "deskui.db.key")
    assert paths["anchor_file"] == str(data / "deskui.db.anchor")
    assert all({"check", "value", "status", "note"} <= set(row) for row in report["checks"])
    assert report["ok"] is True


def test_doctor_format_is_a_choice(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    result = invoke(capsys, "--lang", "en", "doctor", "--format", "yaml")
    assert result.code == 2
    assert "table" in result.err and "json" in result.err


@pytest.mark.load
@pytest.mark.skipif(not DESKUI.exists(), reason="deskui console script not installed next to this Python")
def test_installed_command_keeps_its_data_in_the_user_data_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKUI_")}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "share"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env["DESKUI_LANG"] = "en"
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    for args in (("demo", "--quiet"), ("calls", "list", "--limit", "2")):
        done = subprocess.run(
            [str(DESKUI), *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "share" / "deskui" / "deskui.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_make_run_keeps_the_checkout_data_folder() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(ROOT), "run", "demo", "VENV=.venv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    deskui_lines = [line for line in done.stdout.splitlines() if "deskui" in line and "pip" not in line]
    assert deskui_lines
    for line in deskui_lines:
        assert f"DESKUI_DATA_DIR={ROOT / 'data'}" in line or "DESKUI_DATA_DIR='" + str(ROOT / "data") in line, line


def test_a_new_install_is_told_to_run_init(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    result = invoke(capsys, "--lang", "en", "calls", "list")
    assert result.code == 1
    assert "deskui init" in result.err and "--db" not in result.err, result.err
    doctor = invoke(capsys, "--lang", "en", "doctor")
    assert doctor.code == 0, doctor.out + doctor.err
    assert "not created yet" in doctor.out
    assert not (home / "share").exists()  # the doctor looks, it does not make folders


def test_backup_without_a_path_goes_to_the_backups_folder(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    assert invoke(capsys, "--lang", "en", "demo", "--quiet").code == 0
    result = invoke(capsys, "--lang", "en", "backup")
    assert result.code == 0, result.out + result.err
    made = list((home / "share" / "deskui" / "backups").glob("deskui-*.db"))
    assert len(made) == 1, result.out
