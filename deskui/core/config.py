"""Settings: one object built from deskui/core/defaults.toml, a user file, the environment and CLI options.

Every number from the office manuals (docs/DOMAIN.md) lives in the TOML defaults, never as a literal in code.
Loading is cheap (tomllib + dataclasses) because it runs before the first frame is painted: the settings classes
are frozen dataclasses without a generated `__eq__` (`eq=False`; nothing compares settings by value, and each
generated method costs an `exec` at import: twelve classes, ~8 ms of the start-up budget of issue 11).
"""

from __future__ import annotations

import locale
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import Any

from deskui.core.config_help import HelpSettings, help_settings
from deskui.core.i18n import is_chinese, zh_text

# Package data (pyproject's `core/*.toml`), so a wheel installed away from the checkout finds it.
DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.toml"
APP_NAME = "deskui"
DB_NAME = "deskui.db"
USER_CONFIG_NAME = "config.toml"
DATA_DIR_ENV = "DESKUI_DATA_DIR"
# The UI languages, in the order F9 cycles through them: Simplified, Traditional (Hong Kong, Taiwan), English.
LANGUAGES = ("zh-CN", "zh-HK", "zh-TW", "en")
PIN_MAX_DIGITS = 12  # the longest PIN services.operators accepts


class ConfigError(ValueError):
    """A configuration file or value that cannot be used."""


@dataclass(frozen=True, eq=False)
class Choice:
    """A configured option with a stable key and labels in both languages (department, category, …)."""

    key: str
    zh: str
    en: str
    ticket: bool = False
    count: int = 0
    urgent: bool = False
    """A category whose every call is urgent: its ticket opens the moment the call is saved (like the form's 紧急)."""

    def label(self, language: str) -> str:
        return zh_text(self.zh, language) if is_chinese(language) else self.en


@dataclass(frozen=True, eq=False)
class ShiftDef:
    """One shift of the duty day; `cover` shifts overlap another (midday cover) and are not logging shifts."""

    key: str
    start: time
    end: time
    summer_start: time | None = None
    summer_end: time | None = None
    cover: bool = False

    def times(self, summer: bool) -> tuple[time, time]:
        if summer:
            return (self.summer_start or self.start, self.summer_end or self.end)
        return (self.start, self.end)


@dataclass(frozen=True, eq=False)
class Shifts:
    shifts: tuple[ShiftDef, ...]
    summer_start: tuple[int, int]
    summer_end: tuple[int, int]
    handover_early_minutes: int

    def is_summer(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.summer_start <= self.summer_end:
            return self.summer_start <= md <= self.summer_end
        return md >= self.summer_start or md <= self.summer_end


@dataclass(frozen=True, eq=False)
class Security:
    pin_max_attempts: int
    pin_lockout_minutes: int
    idle_lock_minutes: float
    pin_min_length: int


@dataclass(frozen=True, eq=False)
class CallSettings:
    """The call log's limits ([calls] in defaults.toml); the defaults here only cover an old user file."""

    future_tolerance_seconds: int = 60
    time_of_day_rollback_hours: int = 6
    duplicate_days: int = 7
    history_limit: int = 10
    page_size: int = 50
    max_content_chars: int = 10_000
    max_line_chars: int = 200
    max_draft_bytes: int = 262_144
    phone_required_channels: tuple[str, ...] = ("phone",)
    readback_phone_digits: int = 3
    search_max_chars: int = 4
    search_rarity_cap: int = 20_000
    import_reindex_rows: int = 20_000
    index_merge_calls: int = 100
    urgent_complaint_severity: str = "major"


@dataclass(frozen=True, eq=False)
class ReportSettings:
    """The monthly report's thresholds ([reports] in defaults.toml); the defaults here only cover an old user file."""

    recurring_unit_calls: int = 3  # same category from one unit in a month: a recurring problem
    recurring_riser_calls: int = 3  # … from one riser (same building, entrance and room position, any floor)
    recurring_building_calls: int = 10  # … from one building
    recurring_calls_listed: int = 20  # calls listed under each recurring problem
    list_limit: int = 50  # longest list in a report: problems per level, overdue tickets, discrepancies, late reliefs


@dataclass(frozen=True, eq=False)
class RegisterSettings:
    """The desk's registers ([registers] in defaults.toml: visitors, parcels, goods-release passes, issue 13); the
    defaults here only cover an old user file."""

    pass_prefix: str = "FX"  # a pass number: FX-20261203-007
    pass_valid_hours: int = 24  # a pass lets goods out until this many hours after it was issued
    parcel_old_hours: int = 48  # a parcel waiting longer is listed at handover and in the morning review
    unpaid_flags: tuple[str, ...] = ("欠费", "未缴", "拖欠", "unpaid", "arrears")  # in a resident's notes
    id_tail_chars: int = 4  # a visitor's ID card: only this many last characters are kept
    list_limit: int = 500  # longest register list shown or printed


@dataclass(frozen=True, eq=False)
class PatrolPoint:
    """One checkpoint of a patrol route: a stable key (what a round's record stores) and its labels."""

    key: str
    zh: str
    en: str

    def label(self, language: str) -> str:
        return zh_text(self.zh, language) if is_chinese(language) else self.en


@dataclass(frozen=True, eq=False)
class PatrolRoute:
    """A patrol route ([[patrols.route]]): its checkpoints in walking order and the local times a round is due."""

    key: str
    zh: str
    en: str
    times: tuple[time, ...]
    checkpoints: tuple[PatrolPoint, ...]

    def label(self, language: str) -> str:
        return zh_text(self.zh, language) if is_chinese(language) else self.en


@dataclass(frozen=True, eq=False)
class PatrolSettings:
    """Patrols ([patrols] in defaults.toml, issue 13): the routes and when a scheduled round counts as missed."""

    routes: tuple[PatrolRoute, ...] = ()
    grace_minutes: int = 60  # a round not started within this many minutes of its time is missed
    finding_open_days: int = 2  # an abnormal finding without a ticket is listed at handover this many days


@dataclass(frozen=True, eq=False)
class RenovationSettings:
    """Renovation permits 装修 ([renovations] in defaults.toml, issue 13); the defaults only cover an old user file."""

    number_prefix: str = "ZXXK"  # a permit number: ZXXK-20261203-001
    inspection_days: int = 3  # an active renovation not inspected for this many days is overdue
    longest_days: int = 180  # longest planned renovation


@dataclass(frozen=True, eq=False)
class Settings:
    """Everything configurable about one desk; immutable so it can be shared across threads."""

    site_code: str
    site_name: str
    time_zone: str
    language: str
    database_url: str
    security: Security
    shifts: Shifts
    targets: dict[str, float]
    retention: dict[str, int]
    departments: tuple[Choice, ...]
    categories: tuple[Choice, ...]
    channels: tuple[Choice, ...]
    equipment: tuple[Choice, ...]
    source_files: tuple[str, ...] = field(default=())
    calls: CallSettings = field(default_factory=CallSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    registers: RegisterSettings = field(default_factory=RegisterSettings)
    renovations: RenovationSettings = field(default_factory=RenovationSettings)
    patrols: PatrolSettings = field(default_factory=PatrolSettings)
    help: HelpSettings = field(default_factory=HelpSettings)  # issue 14: emergency checklists (config_help)
    keys: tuple[tuple[str, str], ...] = field(default=())
    """The user's keymap ([keys]: binding id → keys, e.g. call-save = "ctrl+s,f11"), in file order (issue 12)."""
    desk_place: str = ""
    """Where the desk is (site.desk_place; default the site's name): the place of the tickets the desk opens for
    itself, e.g. a walkie-talkie missing at a handover."""

    def with_overrides(self, *, database_url: str | None = None, language: str | None = None) -> Settings:
        changes: dict[str, Any] = {}
        if database_url:
            changes["database_url"] = database_url
        if language:
            changes["language"] = normalize_language(language)
        return replace(self, **changes)

    def target(self, name: str) -> float:
        try:
            return self.targets[name]
        except KeyError:
            raise ConfigError(f"missing target setting: targets.{name}") from None


def normalize_language(value: str) -> str:
    """A language as --lang, DESKUI_LANG, site.language or a locale name it: zh_HK.UTF-8, zh-Hant-TW, en_US…"""
    v = value.strip().lower().replace("_", "-").split(".")[0].split("@")[0]
    if v.startswith("zh"):
        parts = set(v.split("-")[1:])
        if parts & {"hk", "mo"}:  # Hong Kong and Macau
            return "zh-HK"
        if "tw" in parts or parts == {"hant"}:  # Taiwan; Traditional without a region (zh-Hant) reads as Taiwan's
            return "zh-TW"
        return "zh-CN"  # zh, zh-CN, zh-SG, zh-Hans
    if v.startswith("en"):
        return "en"
    raise ConfigError(f"unknown language {value!r}; use {', '.join(LANGUAGES)}")


def language_from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The UI language of the user's locale (LC_ALL, LC_MESSAGES, LANG): any Chinese one, else English."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return _locale_language(value)
    return _locale_language(locale.getlocale()[0] or "")


def _locale_language(name: str) -> str:
    return normalize_language(name) if name.lower().startswith("zh") else "en"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# Keys an array item may carry beyond those the defaults happen to show (a shift's summer times, a choice's flags).
_ITEM_KEYS = {
    "shifts.shift": {"key", "start", "end", "summer_start", "summer_end", "cover"},
    "choice": {"key", "zh", "en", "ticket", "count", "urgent"},
    "patrols.route": {"key", "zh", "en", "times", "checkpoints"},
}


def _check_known(user: dict[str, Any], known: dict[str, Any], where: str = "") -> None:
    """Refuse a user file's key that the defaults do not have: a misspelt setting would otherwise be ignored and
    its default silently kept. Arrays of tables are checked item by item."""
    for key, value in user.items():
        path = f"{where}.{key}" if where else key
        if path == "keys":  # binding ids: the app checks them against its bindings (deskui.screens.palette)
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {path}")
        default = known[key]
        if isinstance(value, dict) and isinstance(default, dict):
            _check_known(value, default, path)
        elif isinstance(value, list) and isinstance(default, list) and all(isinstance(d, dict) for d in default):
            allowed = _ITEM_KEYS.get(path, _ITEM_KEYS["choice"]) | {k for d in default for k in d}
            for i, item in enumerate(value):
                extra = sorted(set(item) - allowed) if isinstance(item, dict) else []
                if extra:
                    raise ConfigError(f"unknown setting {path}[{i}].{extra[0]}")


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


def _hhmm(value: str, where: str) -> time:
    try:
        hh, mm = str(value).split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: expected HH:MM, got {value!r}") from None


def _shift_time(shift: dict[str, Any], name: str) -> time | None:
    """An optional time of one [[shifts.shift]]; errors name the shift, not the MM-DD [shifts].summer_start."""
    return _hhmm(shift[name], f"shifts.{shift['key']}.{name}") if name in shift else None


def _mmdd(value: str, where: str) -> tuple[int, int]:
    try:
        mm, dd = str(value).split("-")
        date(2024, int(mm), int(dd))
        return (int(mm), int(dd))
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: expected MM-DD, got {value!r}") from None


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(f"site.time_zone: unknown time zone {value!r}; use an IANA name like Asia/Shanghai") from None
    return value


def _choices(raw: list[dict[str, Any]], where: str) -> tuple[Choice, ...]:
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(
                Choice(
                    key=str(item["key"]),
                    zh=str(item.get("zh", item["key"])),
                    en=str(item.get("en", item["key"])),
                    ticket=bool(item.get("ticket", False)),
                    count=int(item.get("count", 0)),
                    urgent=bool(item.get("urgent", False)),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigError(f"{where}[{i}]: {exc}") from None
    keys = [c.key for c in out]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{where}: duplicate key")
    return tuple(out)


def _call_settings(raw: dict[str, Any]) -> CallSettings:
    known = CallSettings.__dataclass_fields__
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"calls: unknown setting {unknown[0]}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "phone_required_channels":
            values[key] = tuple(str(v) for v in value)
        elif key == "urgent_complaint_severity":
            values[key] = str(value)
            if values[key] not in ("major", "important", "minor"):
                raise ConfigError(f"calls.{key}: use major, important or minor, not {value!r}")
        else:
            values[key] = int(value)
            if values[key] < 0:
                raise ConfigError(f"calls.{key}: must not be negative")
    return CallSettings(**values)


def _report_settings(raw: dict[str, Any]) -> ReportSettings:
    unknown = sorted(set(raw) - set(ReportSettings.__dataclass_fields__))
    if unknown:
        raise ConfigError(f"reports: unknown setting {unknown[0]}")
    values = {key: int(value) for key, value in raw.items()}
    for key, value in values.items():
        if value < 1:
            raise ConfigError(f"reports.{key}: must be at least 1")
    return ReportSettings(**values)


def _register_settings(raw: dict[str, Any]) -> RegisterSettings:
    unknown = sorted(set(raw) - set(RegisterSettings.__dataclass_fields__))
    if unknown:
        raise ConfigError(f"registers: unknown setting {unknown[0]}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "unpaid_flags":
            values[key] = tuple(str(v).strip() for v in value if str(v).strip())
        elif key == "pass_prefix":
            values[key] = str(value).strip().upper()
            if not values[key].isalnum() or len(values[key]) > 8:
                raise ConfigError(f"registers.{key}: 1 to 8 letters or digits, not {value!r}")
        else:
            values[key] = int(value)
            if values[key] < 1:
                raise ConfigError(f"registers.{key}: must be at least 1")
    if values.get("id_tail_chars", 0) > 8:  # the column keeps 8 (models.registers.Visit.id_tail)
        raise ConfigError("registers.id_tail_chars: at most 8")
    return RegisterSettings(**values)


_POINT_KEYS = {"key", "zh", "en"}
ROUTE_KEY_CHARS = 24  # a handover item "patrol_missed.<route>:<time>" stays within its 64 characters
POINT_KEY_CHARS = 40  # models.patrols.PatrolCheck.point_key


def _patrol_points(raw: Any, where: str) -> tuple[PatrolPoint, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: a route needs at least one checkpoint")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "key" not in item:
            raise ConfigError(f"{where}[{i}]: a checkpoint is {{ key = ..., zh = ..., en = ... }}")
        extra = sorted(set(item) - _POINT_KEYS)
        if extra:
            raise ConfigError(f"unknown setting {where}[{i}].{extra[0]}")
        key = str(item["key"]).strip()
        if len(key) > POINT_KEY_CHARS:
            raise ConfigError(f"{where}[{i}].key: at most {POINT_KEY_CHARS} characters")
        out.append(PatrolPoint(key, str(item.get("zh") or key), str(item.get("en") or key)))
    keys = [p.key for p in out]
    if "" in keys or len(set(keys)) != len(keys):
        raise ConfigError(f"{where}: every checkpoint needs a key of its own")
    return tuple(out)


def _patrol_settings(raw: dict[str, Any]) -> PatrolSettings:
    unknown = sorted(set(raw) - {"route", "grace_minutes", "finding_open_days"})
    if unknown:
        raise ConfigError(f"patrols: unknown setting {unknown[0]}")
    routes = []
    for i, item in enumerate(raw.get("route", [])):
        where = f"patrols.route[{i}]"
        if not isinstance(item, dict) or "key" not in item:
            raise ConfigError(f"{where}: a route needs a key")
        key = str(item["key"]).strip()
        if len(key) > ROUTE_KEY_CHARS or ":" in key or len(key.split()) > 1:
            raise ConfigError(f"{where}.key: at most {ROUTE_KEY_CHARS} characters, no spaces or colons")
        times = tuple(sorted(_hhmm(v, f"{where}.times") for v in item.get("times", [])))
        if len(set(times)) != len(times):
            raise ConfigError(f"{where}.times: a time is listed twice")
        points = _patrol_points(item.get("checkpoints"), f"{where}.checkpoints")
        routes.append(PatrolRoute(key, str(item.get("zh") or key), str(item.get("en") or key), times, points))
    keys = [r.key for r in routes]
    if "" in keys or len(set(keys)) != len(keys):
        raise ConfigError("patrols.route: every route needs a key of its own")
    values = {k: int(raw[k]) for k in ("grace_minutes", "finding_open_days") if k in raw}
    for k, v in values.items():
        if v < 1:
            raise ConfigError(f"patrols.{k}: must be at least 1")
    return PatrolSettings(routes=tuple(routes), **values)


def _renovation_settings(raw: dict[str, Any]) -> RenovationSettings:
    unknown = sorted(set(raw) - set(RenovationSettings.__dataclass_fields__))
    if unknown:
        raise ConfigError(f"renovations: unknown setting {unknown[0]}")
    values: dict[str, Any] = {key: int(value) for key, value in raw.items() if key != "number_prefix"}
    if any(value < 1 for value in values.values()):
        raise ConfigError("renovations: inspection_days and longest_days must be at least 1")
    if "number_prefix" in raw:
        values["number_prefix"] = str(raw["number_prefix"]).strip().upper()
        if not values["number_prefix"].isalnum() or len(values["number_prefix"]) > 8:
            raise ConfigError(f"renovations.number_prefix: 1 to 8 letters or digits, not {raw['number_prefix']!r}")
    return RenovationSettings(**values)


def _key_name(key: str) -> bool:
    """A key as Textual names it: "f11", "ctrl+s", "question_mark", or one character."""
    return len(key) == 1 or (bool(key) and all(ch.isascii() and (ch.isalnum() or ch in "_+") for ch in key))


def _keymap(raw: Any) -> tuple[tuple[str, str], ...]:
    """[keys]: each binding id with one key or several, comma-separated ("ctrl+s", "f11,ctrl+s")."""
    if not isinstance(raw, dict):
        raise ConfigError('keys: expected a table of binding id = "key"')
    out = []
    for binding_id, value in raw.items():
        keys = [k.strip() for k in value.split(",")] if isinstance(value, str) else []
        if not keys or not all(_key_name(k) for k in keys):
            raise ConfigError(f'keys.{binding_id}: expected keys like "ctrl+s" or "f11,ctrl+s", got {value!r}')
        out.append((str(binding_id), ",".join(keys)))
    return tuple(out)


def _build(raw: dict[str, Any], sources: tuple[str, ...], environ: Mapping[str, str]) -> Settings:
    try:
        site = raw["site"]
        sec = raw["security"]
        sh = raw["shifts"]
        shifts = tuple(
            ShiftDef(
                key=str(s["key"]),
                start=_hhmm(s["start"], f"shifts.{s['key']}.start"),
                end=_hhmm(s["end"], f"shifts.{s['key']}.end"),
                summer_start=_shift_time(s, "summer_start"),
                summer_end=_shift_time(s, "summer_end"),
                cover=bool(s.get("cover", False)),
            )
            for s in sh["shift"]
        )
        language = str(site.get("language") or "")
        settings = Settings(
            site_code=str(site["code"]),
            site_name=str(site["name"]),
            desk_place=str(site.get("desk_place") or site["name"]),
            keys=_keymap(raw.get("keys", {})),
            time_zone=_zone(str(site.get("time_zone", "Asia/Shanghai"))),
            language=normalize_language(language) if language else language_from_locale(environ),
            database_url=str(raw.get("database", {}).get("url", "")),
            security=Security(
                pin_max_attempts=int(sec["pin_max_attempts"]),
                pin_lockout_minutes=int(sec["pin_lockout_minutes"]),
                idle_lock_minutes=float(sec["idle_lock_minutes"]),
                pin_min_length=int(sec.get("pin_min_length", 4)),
            ),
            shifts=Shifts(
                shifts=shifts,
                summer_start=_mmdd(sh["summer_start"], "shifts.summer_start"),
                summer_end=_mmdd(sh["summer_end"], "shifts.summer_end"),
                handover_early_minutes=int(sh.get("handover_early_minutes", 15)),
            ),
            targets={k: float(v) for k, v in raw["targets"].items()},
            retention={k: int(v) for k, v in raw.get("retention", {}).items()},
            departments=_choices(raw["departments"], "departments"),
            categories=_choices(raw["categories"], "categories"),
            channels=_choices(raw["channels"], "channels"),
            equipment=_choices(raw.get("equipment", []), "equipment"),
            source_files=sources,
            calls=_call_settings(raw.get("calls", {})),
            reports=_report_settings(raw.get("reports", {})),
            registers=_register_settings(raw.get("registers", {})),
            renovations=_renovation_settings(raw.get("renovations", {})),
            patrols=_patrol_settings(raw.get("patrols", {})),
            help=help_settings(raw.get("help", {})),
        )
    except KeyError as exc:
        raise ConfigError(f"missing configuration key: {exc.args[0]}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(f"bad configuration value: {exc}") from None
    if not [s for s in settings.shifts.shifts if not s.cover]:
        raise ConfigError("shifts: at least one shift that is not a cover shift is needed")
    sec = settings.security
    for name, ok, rule in (
        ("pin_max_attempts", sec.pin_max_attempts >= 1, "at least 1"),
        ("pin_lockout_minutes", sec.pin_lockout_minutes >= 0, "0 or more"),
        ("idle_lock_minutes", sec.idle_lock_minutes > 0, "more than 0"),
        ("pin_min_length", 1 <= sec.pin_min_length <= PIN_MAX_DIGITS, f"1 to {PIN_MAX_DIGITS}"),
    ):
        if not ok:
            raise ConfigError(f"security.{name}: must be {rule}, got {getattr(sec, name)}")
    return settings


# --- where deskui keeps its files ----------------------------------------------------------------------------------
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


def load_settings(
    config_file: str | Path | None = None,
    *,
    database_url: str | None = None,
    language: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Defaults, then `config_file` (--config) or DESKUI_CONFIG or else the user's config.toml if there is one, then
    DESKUI_DB / DESKUI_LANG, then explicit arguments. `environ={}` (tests): the defaults alone."""
    env = _env(environ)
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
        _check_known(user, raw)
        raw = _merge(raw, user)
        sources.append(str(user_file))
    settings = _build(raw, tuple(sources), env)
    return settings.with_overrides(
        database_url=database_url or env.get("DESKUI_DB") or None,
        language=language or env.get("DESKUI_LANG") or None,
    )
