"""Issue 11: a user file's misspelt key or section is refused with its name, not loaded silently.

`idle_lock_minute` in [security] used to load without a word, and the idle lock stayed at its default: a site
believing it had shortened the lock would never learn it had not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.core.config import ConfigError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[security]\nidle_lock_minute = 5\n", "security.idle_lock_minute"),
        ("[secrity]\nidle_lock_minutes = 5\n", "secrity"),
        ("[site]\nnmae = 'x'\n", "site.nmae"),
        ("[targets]\ncallback_repair_day = 1\n", "targets.callback_repair_day"),
        ("[[departments]]\nkey = 'x'\nzh = '甲'\nen = 'X'\ncolour = 'red'\n", "departments[0].colour"),
        (
            "[[shifts.shift]]\nkey = 'day'\nstart = '08:30'\nend = '17:30'\nsumer_end = '18:00'\n",
            "shifts.shift[0].sumer_end",
        ),
    ],
)
def test_an_unknown_key_is_refused_by_name(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        load_settings(write(tmp_path, text), environ={})


def test_every_key_the_defaults_name_is_accepted(tmp_path: Path) -> None:
    """The known keys are the defaults' own (plus the optional ones a shift or a choice may carry)."""
    text = (
        "[site]\nlanguage = 'en'\n[security]\nidle_lock_minutes = 5\npin_min_length = 6\n"
        "[shifts]\nhandover_early_minutes = 5\n[targets]\ncallback_repair_days = 1\n[retention]\nduty_log_years = 4\n"
        "[[departments]]\nkey = 'x'\nzh = '甲'\nen = 'X'\nticket = true\ncount = 1\nurgent = false\n"
        "[[shifts.shift]]\nkey = 'day'\nstart = '08:30'\nend = '17:30'\nsummer_start = '08:30'\n"
        "summer_end = '18:00'\ncover = false\n"
    )
    settings = load_settings(write(tmp_path, text), environ={})
    assert settings.security.idle_lock_minutes == 5
    assert settings.security.pin_min_length == 6
