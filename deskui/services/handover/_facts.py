"""The duty-log entries deskui writes itself (a signed handover, a supervisor's review) store facts, not sentences
(issue 12): the entry's text is only what a person typed (the review's note; a handover's is empty), and its payload
holds the facts under FACTS_VERSION (shift key, names, counts, the items' keys and their office labels in both
languages, ticket numbers; a patrol item's route and checkpoint keys, `Named`). `render_entry` says them in the reader's language when the entry is read; an entry
written before (no FACTS_VERSION in its payload) reads exactly as stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from deskui.core.config import Choice
from deskui.core.config_help import ChecklistStep
from deskui.core.i18n import N_, get_language, t
from deskui.services.common.shifts import SHIFT_LABELS

FACTS_VERSION = 1
KEY_COUNT = "keys"  # the inventory's key count, counted with the equipment at handover (issue 13)
KEY_COUNT_LABEL = N_("Keys on their hooks")


def labels(choice: Choice | None) -> dict[str, str]:
    """A configured item's labels in both languages (office data), kept with the facts."""
    return {"en": choice.en, "zh": choice.zh} if choice is not None else {}


def has_facts(payload: Mapping[str, Any]) -> bool:
    return payload.get("facts") == FACTS_VERSION


def shift_name(key: str) -> str:
    return t(SHIFT_LABELS.get(key, key))


def reader_label(stored: Mapping[str, str], key: str) -> str:
    """A configured item's label in the reader's language, from the labels kept with its key (the key if none)."""
    language = get_language()
    if language.startswith("zh") and stored.get("zh"):
        return Choice(key, stored["zh"], stored.get("en", key)).label(language)
    return stored.get("en") or key


def _item(d: Mapping[str, Any], keys_count: Mapping[str, int] | None) -> str:
    if d["item"] == KEY_COUNT and keys_count:
        return t(
            "{item} ({held} held, {out} out)", item=t(KEY_COUNT_LABEL), held=keys_count["held"], out=keys_count["out"]
        )
    return reader_label(d.get("labels") or {}, str(d["item"]))


# How an item about a configured place says it: "{name}" is the place's label in the reader's language, "{title}"
# the rest of the item's title (a time, a note, a name: data), "{ref}" the item's ref_id (a round's number).
NAMED_TITLES = {
    "patrol_missed": "{name} {title}",
    "patrol_finding": "{name}: {title}",
    "patrol_open": "#{ref} {name} {title}",
}
TITLE_CHARS = 80


@dataclass(frozen=True)
class Named:
    """The configured place an open item is about (issue 12): a patrol route, or a checkpoint of one. The keys are
    the facts; the office labels in both languages are kept with them (the configuration may change after a
    handover is signed), and the label is said in the reader's language whenever the item is read."""

    route: str
    point: str = ""
    en: str = ""
    zh: str = ""

    @property
    def label(self) -> str:
        return reader_label({"en": self.en, "zh": self.zh}, self.point or self.route)

    def facts(self) -> dict[str, Any]:
        """As stored in a snapshot's item: the keys, and the labels of what is named (the checkpoint if any)."""
        return {"route": self.route, **({"point": self.point} if self.point else {}), "labels": labels_of(self)}

    @staticmethod
    def stored(d: Mapping[str, Any]) -> Named | None:
        """The place of a stored item; None for an item without one, and for one stored before keys were kept."""
        if not d.get("route"):
            return None
        names = dict(d.get("labels") or {})
        return Named(str(d["route"]), str(d.get("point") or ""), str(names.get("en", "")), str(names.get("zh", "")))


def labels_of(named: Named) -> dict[str, str]:
    return {"en": named.en, "zh": named.zh} if named.en or named.zh else {}


def named_title(kind: str, ref_id: int, title: str, named: Named | None) -> str:
    """An item's title with its place named in the reader's language: "Estate patrol 12-03 15:00", "东门: 门禁失灵"."""
    if named is None:
        return title
    text = NAMED_TITLES.get(kind, "{name} {title}").format(name=named.label, title=title, ref=ref_id)
    return " ".join(text.split())[:TITLE_CHARS]


STEPS_ARG = "steps"
"""The detail argument an open emergency's item names its checklist steps in ("open: {steps}")."""


def steps_arg(steps: tuple[ChecklistStep, ...]) -> tuple[str, str]:
    """The steps named in the reader's language, as the detail says them."""
    return (STEPS_ARG, ", ".join(step.label for step in steps))


def steps_facts(steps: tuple[ChecklistStep, ...]) -> list[dict[str, str]]:
    """As a snapshot's item stores them: each step's key and its labels (the configuration may change later)."""
    return [{"key": s.key, "en": s.en, **({"zh": s.zh} if s.zh else {})} for s in steps]


def stored_steps(d: Mapping[str, Any]) -> tuple[ChecklistStep, ...]:
    return tuple(
        ChecklistStep(str(s["key"]), str(s.get("en") or s["key"]), str(s.get("zh") or "")) for s in d.get("steps") or ()
    )


def stored_args(d: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """A stored item's detail arguments, its checklist steps (kept as facts) said in the reader's language."""
    args = tuple(
        (str(k), str(v)) for k, v in dict(d.get("detail_args") or {}).items() if k != STEPS_ARG or not d.get("steps")
    )
    steps = stored_steps(d)
    return (*args, steps_arg(steps)) if steps else args


def _decision(d: Mapping[str, Any]) -> str:
    from deskui.services.handover._types import DISPOSITION_LABELS  # _types imports the duty log, which reads here

    disposition = d.get("disposition")
    if not disposition:
        return t(DISPOSITION_LABELS["ticket"])
    text = t(DISPOSITION_LABELS.get(disposition, disposition))
    if d.get("ticket_number"):
        text += f" {d['ticket_number']}"
    return text + (f": {d['reason']}" if d.get("reason") else "")


def handover_lines(duty_date: date, shift_key: str, payload: Mapping[str, Any]) -> list[str]:
    """A signed handover's entry in the reader's language, one line per fact, as it was written before."""
    from deskui.services.handover._types import ITEM_KINDS, with_detail  # _types imports the duty log

    lines = [
        t(
            "Handover of the {shift} of {day}: {outgoing} to {incoming}",
            shift=shift_name(shift_key),
            day=duty_date.isoformat(),
            outgoing=payload["outgoing"]["name"],
            incoming=payload["incoming"]["name"],
        )
    ]
    for c in payload.get("discrepancies", ()):
        lines.append(
            t(
                "{item}: {counted} of {expected} ({explanation}; held by: {holder})",
                item=_item(c, payload.get("keys_count")),
                counted=c["counted"],
                expected=c["expected"],
                explanation=c.get("explanation", ""),
                holder=c.get("holder") or "-",
            )
            + (f" → {c['ticket_number']}" if c.get("ticket_number") else "")
        )
    for k in payload.get("keys", ()):
        lines.append(t("Key out: {title}", title=k["title"]) + (f" — {k['note']}" if k.get("note") else ""))
    for item in payload.get("items", ()):
        kind = t(ITEM_KINDS.get(item["kind"], item["kind"]))
        args = stored_args(item)
        named = named_title(item["kind"], item.get("ref_id", 0), item["title"], Named.stored(item))
        title = with_detail(named, item.get("detail", ""), args)
        lines.append(f"{kind}: {title}" + (f" — {item['note']}" if item.get("note") else ""))
    for nc in payload.get("night_calls", ()):
        lines.append(f"#{nc['call_id']} {_decision(nc)}")
    return lines


def render_entry(kind: str, duty_date: date, shift_key: str, text: str, payload: Mapping[str, Any]) -> str:
    """What an entry says, in the reader's language: a handover's or review's facts rendered now (what a person
    typed follows as typed); any other entry, and one written before facts were stored, exactly as stored."""
    if not has_facts(payload):
        return text
    if kind == "handover":
        head = "\n".join(handover_lines(duty_date, shift_key, payload))
    elif kind == "review":
        head = t("Duty log of {day} reviewed and signed", day=duty_date.isoformat())
    else:
        return text
    return head + (f"\n{text}" if text else "")
