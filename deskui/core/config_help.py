"""Help requests' settings (`[help]`, issue 14): the emergency checklists of 003 4.2.1, one list of steps per help
sub-kind that has one (medical emergency and disaster by default).

A step in the TOML is either the key of a step deskui knows (its label comes from the locale catalog, in the
reader's language) or a table `{ key = "...", zh = "...", en = "..." }` for a site's own step. Kept out of
config.py (the 600-line house rule); config_parse calls `help_settings`, the result is `Settings.help`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskui.core.i18n import N_, get_language, is_chinese, t, zh_text

# 003 4.1.1 a)-g): the seven kinds of help request (住户求助服务分为以下几类).
HELP_KINDS = ("medical", "repair", "complaint", "inquiry", "security", "disaster", "other")
STEP_KEY_CHARS = 32  # a step key is kept in the ticket's events and in a handover item key
# The steps deskui knows: 003 4.2.1 (急救病人), and the desk's part in a disaster (4.7 refers to the guards' manual;
# 4.1.3 g) and 4.1.5 b) say what the desk does: calls out the teams and reports at once).
KNOWN_STEPS = {
    "address_phone": N_("Address and phone recorded"),
    "wishes_asked": N_("Asked: hospital, 120 or someone to help"),
    "called_120": N_("120 called (or not)"),
    "guards_sent": N_("Guards sent"),
    "car_arranged": N_("Car arranged to the building"),
    "met_at_gate": N_("Met at the gate"),
    "result": N_("Result reported back and recorded"),
    "supervisor_told": N_("Supervisor told"),
    "place_phone": N_("Place and phone recorded"),
    "called_119": N_("119 / 110 called (or not)"),
    "teams_called": N_("Engineering and cleaning called out"),
}


@dataclass(frozen=True, eq=False)
class ChecklistStep:
    """One step of an emergency checklist: a key kept in the events, and its label."""

    key: str
    en: str
    zh: str = ""  # a site's own step; a known step's Chinese label is the catalog's

    @property
    def label(self) -> str:
        if self.zh and is_chinese(get_language()):
            return zh_text(self.zh, get_language())
        return t(self.en)


@dataclass(frozen=True, eq=False)
class HelpSettings:
    """`checklists`: help sub-kind → its steps, in the order they are ticked."""

    checklists: Mapping[str, tuple[ChecklistStep, ...]] = field(default_factory=dict)

    def steps(self, help_kind: str) -> tuple[ChecklistStep, ...]:
        return self.checklists.get(help_kind, ())


def _step(item: Any, where: str) -> ChecklistStep:
    from deskui.core.config import ConfigError

    if isinstance(item, str):
        key = item.strip()
        if key not in KNOWN_STEPS:
            raise ConfigError(
                f"{where}: unknown step {item!r}; use one of {', '.join(KNOWN_STEPS)} "
                '(or { key = "...", zh = "...", en = "..." } for a step of your own)'
            )
        return ChecklistStep(key, KNOWN_STEPS[key])
    if not isinstance(item, dict) or "key" not in item:
        raise ConfigError(f'{where}: a step is a known key or {{ key = "...", zh = "...", en = "..." }}')
    extra = sorted(set(item) - {"key", "zh", "en"})
    if extra:
        raise ConfigError(f"unknown setting {where}.{extra[0]}")
    key = str(item["key"]).strip()
    if not key or len(key) > STEP_KEY_CHARS or len(key.split()) > 1 or ":" in key:
        raise ConfigError(f"{where}.key: 1 to {STEP_KEY_CHARS} characters, no spaces or colons")
    if key in KNOWN_STEPS and "en" not in item and "zh" not in item:
        return ChecklistStep(key, KNOWN_STEPS[key])
    en = str(item.get("en") or item.get("zh") or key)
    return ChecklistStep(key, en, str(item.get("zh") or en))


def help_settings(raw: dict[str, Any]) -> HelpSettings:
    """`[help]` checked: only `checklists`, each named by a help sub-kind, each a non-empty list of distinct steps."""
    from deskui.core.config import ConfigError

    unknown = sorted(set(raw) - {"checklists"})
    if unknown:
        raise ConfigError(f"help: unknown setting {unknown[0]}")
    lists = raw.get("checklists", {})
    if not isinstance(lists, dict):
        raise ConfigError("help.checklists: a table of help sub-kind = [steps]")
    out: dict[str, tuple[ChecklistStep, ...]] = {}
    for kind, items in lists.items():
        where = f"help.checklists.{kind}"
        if kind not in HELP_KINDS:
            raise ConfigError(f"unknown setting {where}; a checklist is named by a help kind: {', '.join(HELP_KINDS)}")
        if not isinstance(items, list):
            raise ConfigError(f"{where}: a list of steps")
        steps = tuple(_step(item, f"{where}[{i}]") for i, item in enumerate(items))
        keys = [s.key for s in steps]
        if len(set(keys)) != len(keys):
            raise ConfigError(f"{where}: a step is listed twice")
        if steps:
            out[kind] = steps
    return HelpSettings(checklists=out)
