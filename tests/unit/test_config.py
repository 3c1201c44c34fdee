"""Settings (deskui.core.config): defaults, the user file, the environment, and clear refusals."""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path

import pytest

from deskui.core.config import DEFAULTS_FILE, ConfigError, load_settings, normalize_language

# Every row of DOMAIN.md's "Response and resolution targets" table, as a setting name and its default.
DOMAIN_TARGETS = {
    "help_request_reply_minutes": 5,  # help request: reply within 5 minutes
    "written_inquiry_reply_days": 2,  # written inquiry: written reply within 2 days
    "major_complaint_answer_days": 2,  # major complaint: clear answer within 2 days
    "major_complaint_resolve_days": 10,  # major complaint: resolved within 10 days
    "important_complaint_supervisor_minutes": 60,  # important complaint: to the supervisor within 1 hour
    "important_complaint_resolve_days": 3,  # important complaint: resolved within 3 days
    "minor_complaint_resolve_days": 2,  # minor complaint: resolved within 2 days
    "follow_up_days": 3,  # any complaint or repair: follow the outcome within 3 days
    "callback_safety_days": 2,  # callback after a safety-facility repair: within 2 days
    "callback_leak_days": 3,  # callback after a leak repair: within 3 days after the water test
    "callback_repair_days": 2,  # callback after other repairs: within 2 days
    "callback_rate_target": 1.0,  # callback rate: 100 %
}


def write(tmp_path: Path, text: str, name: str = "desk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def full_shift_list(day_start: str = "08:30", night_summer_start: str = "18:00") -> str:
    """A user file replaces the whole [[shifts.shift]] list (arrays are not merged), so tests give all of it."""
    return f"""
[[shifts.shift]]
key = "day"
start = "{day_start}"
end = "17:30"
summer_end = "18:00"

[[shifts.shift]]
key = "night"
start = "17:30"
end = "08:30"
summer_start = "{night_summer_start}"
"""


def test_defaults_load() -> None:
    s = load_settings(environ={})
    assert (s.site_code, s.time_zone, s.database_url) == ("JX", "Asia/Shanghai", "")
    assert s.source_files == (str(DEFAULTS_FILE),)
    sec = s.security
    assert (sec.pin_max_attempts, sec.pin_lockout_minutes, sec.idle_lock_minutes, sec.pin_min_length) == (5, 15, 10, 4)
    assert [d.key for d in s.shifts.shifts] == ["day", "midday", "night"]
    assert [d.key for d in s.shifts.shifts if d.cover] == ["midday"]
    assert (s.shifts.summer_start, s.shifts.summer_end, s.shifts.handover_early_minutes) == ((5, 1), (9, 30), 15)
    assert {"maintenance", "security", "cleaning", "greening", "customer_service", "external"} == {
        d.key for d in s.departments
    }
    assert {c.key for c in s.categories if c.ticket} == {"repair", "complaint", "help"}
    assert [c.key for c in s.channels] == ["phone", "walk_in", "letter", "fax", "online"]
    assert {e.key: e.count for e in s.equipment}["walkie_talkie"] == 4
    assert (s.retention["duty_log_years"], s.retention["help_register_years"]) == (3, 2)  # 003 4.1.8, 4.10
    assert s.language in ("zh-CN", "en")


def test_every_domain_target_is_a_setting() -> None:
    s = load_settings(environ={})
    missing = sorted(set(DOMAIN_TARGETS) - set(s.targets))
    assert not missing, f"targets from DOMAIN.md missing in defaults.toml: {missing}"
    for name, value in DOMAIN_TARGETS.items():
        assert s.target(name) == value, name


def test_unknown_target_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"targets\.no_such_target"):
        load_settings(environ={}).target("no_such_target")


def test_defaults_file_is_the_only_source_of_numbers() -> None:
    """The defaults file parses on its own and has the sections the code reads."""
    with DEFAULTS_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    assert {"site", "security", "shifts", "targets", "departments", "categories", "channels"} <= set(raw)


def test_user_file_deep_merges(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[security]\npin_max_attempts = 3\n\n[site]\nname = "翠苑客服"\n\n[targets]\nfollow_up_days = 5\n'
    )
    s = load_settings(environ={"DESKUI_CONFIG": str(path)})
    assert s.security.pin_max_attempts == 3
    assert s.security.pin_lockout_minutes == 15  # the rest of [security] is kept
    assert (s.site_name, s.site_code) == ("翠苑客服", "JX")
    assert s.target("follow_up_days") == 5
    assert s.target("callback_leak_days") == 3
    assert s.source_files == (str(DEFAULTS_FILE), str(path))


def test_config_file_argument_beats_environment(tmp_path: Path) -> None:
    env_file = write(tmp_path, "[security]\npin_max_attempts = 3\n", "env.toml")
    arg_file = write(tmp_path, "[security]\npin_max_attempts = 7\n", "arg.toml")
    s = load_settings(arg_file, environ={"DESKUI_CONFIG": str(env_file)})
    assert s.security.pin_max_attempts == 7


def test_user_file_replaces_the_shift_list(tmp_path: Path) -> None:
    path = write(tmp_path, full_shift_list(day_start="08:00"))
    s = load_settings(path, environ={})
    assert [d.key for d in s.shifts.shifts] == ["day", "night"]
    assert s.shifts.shifts[0].start == time(8, 0)


def test_environment_database_and_language(tmp_path: Path) -> None:
    s = load_settings(environ={"DESKUI_DB": "/srv/desk.db", "DESKUI_LANG": "zh_CN.UTF-8"})
    assert (s.database_url, s.language) == ("/srv/desk.db", "zh-CN")
    s = load_settings(environ={"DESKUI_LANG": "en_US"})
    assert s.language == "en"


def test_arguments_beat_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "/from/file.db"\n\n[site]\nlanguage = "en"\n')
    s = load_settings(path, environ={})
    assert (s.database_url, s.language) == ("/from/file.db", "en")
    s = load_settings(path, environ={"DESKUI_DB": "/from/env.db", "DESKUI_LANG": "zh-CN"})
    assert (s.database_url, s.language) == ("/from/env.db", "zh-CN")
    s = load_settings(
        path, database_url="/from/arg.db", language="en", environ={"DESKUI_DB": "/from/env.db", "DESKUI_LANG": "zh"}
    )
    assert (s.database_url, s.language) == ("/from/arg.db", "en")


def test_language_from_the_given_environment() -> None:
    assert load_settings(environ={"LANG": "zh_CN.UTF-8"}).language == "zh-CN"
    assert load_settings(environ={"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}).language == "en"
    assert load_settings(environ={"LC_ALL": "C", "LANG": "zh_TW.UTF-8"}).language == "zh-TW"


def test_bad_language_refused() -> None:
    with pytest.raises(ConfigError, match="unknown language 'fr'"):
        load_settings(environ={"DESKUI_LANG": "fr"})
    assert normalize_language(" ZH_cn ") == "zh-CN"
    assert normalize_language("en-GB") == "en"


def test_missing_user_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="not found") as err:
        load_settings(environ={"DESKUI_CONFIG": str(missing)})
    assert str(missing) in str(err.value)


def test_bad_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "[security\npin_max_attempts = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML") as err:
        load_settings(path, environ={})
    assert str(path) in str(err.value)
    assert "line 1" in str(err.value)  # where in the file


@pytest.mark.parametrize("bad", ["8h30", "25:00", "08:61", "0830", "8:30:00", ""])
def test_bad_shift_time(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, full_shift_list(day_start=bad))
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    msg = str(err.value)
    assert "shifts.day.start" in msg
    assert "HH:MM" in msg
    assert repr(bad) in msg


def test_bad_summer_shift_time_names_the_shift(tmp_path: Path) -> None:
    # Two different keys are called summer_start: [shifts].summer_start (MM-DD) and a shift's (HH:MM).
    path = write(tmp_path, full_shift_list(night_summer_start="6pm"))
    with pytest.raises(ConfigError, match=r"shifts\.night\.summer_start: expected HH:MM, got '6pm'"):
        load_settings(path, environ={})


@pytest.mark.parametrize("bad", ["02-30", "13-01", "5/1", "May 1"])
def test_bad_summer_date(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, f'[shifts]\nsummer_start = "{bad}"\n')
    with pytest.raises(ConfigError, match=r"shifts\.summer_start: expected MM-DD"):
        load_settings(path, environ={})


def test_bad_number(tmp_path: Path) -> None:
    path = write(tmp_path, '[security]\npin_max_attempts = "many"\n')
    with pytest.raises(ConfigError, match="many"):
        load_settings(path, environ={})


def test_bad_time_zone(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\ntime_zone = "Asia/Atlantis"\n')
    with pytest.raises(ConfigError, match=r"site\.time_zone.*Asia/Atlantis"):
        load_settings(path, environ={})


def test_other_time_zone(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\ntime_zone = "Asia/Urumqi"\n')
    assert load_settings(path, environ={}).time_zone == "Asia/Urumqi"


def test_only_cover_shifts_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[[shifts.shift]]\nkey = "midday"\nstart = "12:00"\nend = "13:30"\ncover = true\n')
    with pytest.raises(ConfigError, match="cover"):
        load_settings(path, environ={})


def test_duplicate_choice_key_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[[channels]]\nkey = "phone"\n\n[[channels]]\nkey = "phone"\n')
    with pytest.raises(ConfigError, match="channels: duplicate key"):
        load_settings(path, environ={})


def test_choice_labels() -> None:
    s = load_settings(environ={})
    repair = next(c for c in s.categories if c.key == "repair")
    assert (repair.label("zh-CN"), repair.label("en")) == ("报修", "Repair")


# --- summer season -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "summer"),
    [
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), True),
        (date(2026, 7, 15), True),
        (date(2026, 9, 30), True),
        (date(2026, 10, 1), False),
        (date(2026, 1, 1), False),
        (date(2026, 12, 31), False),
    ],
)
def test_summer_season(day: date, summer: bool) -> None:
    assert load_settings(environ={}).shifts.is_summer(day) is summer


@pytest.mark.parametrize(
    ("day", "summer"),
    [
        (date(2026, 10, 31), False),
        (date(2026, 11, 1), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), True),
        (date(2027, 2, 28), True),
        (date(2027, 3, 1), False),
        (date(2026, 7, 1), False),
    ],
)
def test_summer_season_across_new_year(tmp_path: Path, day: date, summer: bool) -> None:
    path = write(tmp_path, '[shifts]\nsummer_start = "11-01"\nsummer_end = "02-28"\n')
    assert load_settings(path, environ={}).shifts.is_summer(day) is summer


def test_shift_times_by_season() -> None:
    shifts = {d.key: d for d in load_settings(environ={}).shifts.shifts}
    assert shifts["day"].times(summer=False) == (time(8, 30), time(17, 30))
    assert shifts["day"].times(summer=True) == (time(8, 30), time(18, 0))
    assert shifts["night"].times(summer=False) == (time(17, 30), time(8, 30))
    assert shifts["night"].times(summer=True) == (time(18, 0), time(8, 30))
    assert shifts["midday"].times(summer=True) == (time(12, 0), time(14, 0))


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("pin_max_attempts", 0),  # every sign-in would lock the operator
        ("pin_lockout_minutes", -5),
        ("idle_lock_minutes", 0),
        ("pin_min_length", 0),
        ("pin_min_length", 13),  # longer than the longest PIN accepted: nobody could be added
    ],
)
def test_unusable_security_settings_refused(tmp_path: Path, setting: str, value: int) -> None:
    path = write(tmp_path, f"[security]\n{setting} = {value}\n")
    with pytest.raises(ConfigError, match=rf"security\.{setting}"):
        load_settings(path, environ={})
