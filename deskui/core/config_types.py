"""The settings' shapes: frozen dataclasses for each part of deskui's configuration (site, shifts, PIN rules, the
configured choices with their labels in both languages, calls, reports, registers, patrols, renovations) and
`Settings` that holds them all; the languages of the UI and how a language name is read.

Built by deskui.core.config_parse from the TOML that deskui.core.config loads. The classes are frozen dataclasses
without a generated `__eq__` (`eq=False`; nothing compares settings by value, and each generated method costs an
`exec` at import: twelve classes, ~8 ms of the start-up budget of issue 11).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time
from typing import Any

from deskui.core.config_help import HelpSettings
from deskui.core.i18n import is_chinese, zh_text

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
