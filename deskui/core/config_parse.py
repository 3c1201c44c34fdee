"""From the merged TOML tables to `Settings`: each section read and checked, with a clear refusal (ConfigError)
naming the setting for anything deskui cannot use, and a user file's unknown keys refused (`check_known`).

deskui.core.config reads the files and merges them; the shapes are in deskui.core.config_types.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from deskui.core.config_help import help_settings
from deskui.core.config_types import (
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


# Keys an array item may carry beyond those the defaults happen to show (a shift's summer times, a choice's flags).
_ITEM_KEYS = {
    "shifts.shift": {"key", "start", "end", "summer_start", "summer_end", "cover"},
    "choice": {"key", "zh", "en", "ticket", "count", "urgent"},
    "patrols.route": {"key", "zh", "en", "times", "checkpoints"},
}


def only(section: str, raw: Mapping[str, Any], known: Iterable[str]) -> None:
    """Refuse a setting `section` does not have, naming the first one (alphabetically) it found."""
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{section}: unknown setting {unknown[0]}")


def check_known(user: dict[str, Any], known: dict[str, Any], where: str = "") -> None:
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
            check_known(value, default, path)
        elif isinstance(value, list) and isinstance(default, list) and all(isinstance(d, dict) for d in default):
            allowed = _ITEM_KEYS.get(path, _ITEM_KEYS["choice"]) | {k for d in default for k in d}
            for i, item in enumerate(value):
                extra = sorted(set(item) - allowed) if isinstance(item, dict) else []
                if extra:
                    raise ConfigError(f"unknown setting {path}[{i}].{extra[0]}")


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
    only("calls", raw, CallSettings.__dataclass_fields__)
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
    only("reports", raw, ReportSettings.__dataclass_fields__)
    values = {key: int(value) for key, value in raw.items()}
    for key, value in values.items():
        if value < 1:
            raise ConfigError(f"reports.{key}: must be at least 1")
    return ReportSettings(**values)


def _register_settings(raw: dict[str, Any]) -> RegisterSettings:
    only("registers", raw, RegisterSettings.__dataclass_fields__)
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
    only("patrols", raw, {"route", "grace_minutes", "finding_open_days"})
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
    only("renovations", raw, RenovationSettings.__dataclass_fields__)
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


def build_settings(raw: dict[str, Any], sources: tuple[str, ...], environ: Mapping[str, str]) -> Settings:
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
