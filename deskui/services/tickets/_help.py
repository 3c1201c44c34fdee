"""Help requests (求助, issue 14): the seven kinds of 003 4.1.1 and the emergency checklist of 003 4.2.1.

A help request's kind is a key (HELP_KINDS), typed as the key or its name in either language. A medical emergency
and a disaster have a checklist from the configuration (`[help.checklists]`, core.config_help); each step ticked is
a `step` event of the ticket (append-only, with its time, operator and note), so the checklist is read back from the
events: no database here, the screens import it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.core.config import Settings
from deskui.core.config_help import ChecklistStep
from deskui.core.errors import ValidationError
from deskui.core.i18n import catalog, t
from deskui.services.tickets._replay import EventRecord
from deskui.services.tickets._types import HELP_KIND_LABELS, HELP_KINDS

if TYPE_CHECKING:
    from deskui.services.tickets._types import EventInfo


@dataclass(frozen=True)
class StepInfo:
    """One step of a ticket's checklist: done when a `step` event ticked it (its time, operator and note)."""

    key: str
    step: ChecklistStep | None  # None: ticked under a configuration that no longer lists it (kept, never lost)
    done_at: datetime | None = None
    operator: str = ""
    note: str = ""
    seq: int | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def label(self) -> str:
        return self.step.label if self.step is not None else self.key


def help_kind_label(key: str) -> str:
    return t(HELP_KIND_LABELS[key]) if key in HELP_KIND_LABELS else ""


def help_kind_key(value: str | None) -> str:
    """The help kind typed as its key (medical), its English or Chinese name (Medical emergency, 急救病人); "" when
    nothing was typed. A clear refusal naming the keys otherwise."""
    text = (value or "").strip()
    if not text:
        return ""
    folded = text.casefold()
    zh = catalog("zh-CN")
    for key in HELP_KINDS:
        names = {key, HELP_KIND_LABELS[key].casefold(), zh.get(HELP_KIND_LABELS[key], "").casefold()}
        if folded in names:
            return key
    raise ValidationError(
        t("Unknown help kind {value!r}; use one of: {keys}", value=text, keys=", ".join(HELP_KINDS)), field="help_kind"
    )


def checklist_kinds(settings: Settings) -> tuple[str, ...]:
    """The help kinds with a checklist (medical and disaster by default)."""
    return tuple(settings.help.checklists)


def _who(ev: EventRecord | EventInfo) -> str:
    return ev.operator_name if isinstance(ev, EventRecord) else ev.operator


def checklist(settings: Settings, help_kind: str, events: Iterable[EventRecord | EventInfo]) -> tuple[StepInfo, ...]:
    """The ticket's checklist: the configured steps in order, each with the event that ticked it; a step ticked
    under an earlier configuration follows them. Empty for a help kind without a checklist (and nothing ticked)."""
    done: dict[str, StepInfo] = {}
    for ev in events:
        if ev.kind != "step":
            continue
        key = str(ev.data.get("step") or "")
        if key and key not in done:
            done[key] = StepInfo(key, None, ev.at, _who(ev), ev.note, ev.seq)
    steps = []
    for step in settings.help.steps(help_kind):
        ticked = done.pop(step.key, None)
        steps.append(StepInfo(step.key, step) if ticked is None else StepInfo(step.key, step, *_facts(ticked)))
    steps += done.values()
    return tuple(steps)


def _facts(s: StepInfo) -> tuple[datetime | None, str, str, int | None]:
    return s.done_at, s.operator, s.note, s.seq


def step_label(settings: Settings, help_kind: str, key: str) -> str:
    """A step's label as the configuration names it now; its key when the configuration no longer lists it."""
    return next((s.label for s in settings.help.steps(help_kind) if s.key == key), key)


def next_step(steps: Iterable[StepInfo]) -> StepInfo | None:
    """The first configured step not ticked yet (what the ticket screen's key ticks)."""
    return next((s for s in steps if s.step is not None and not s.done), None)


def open_steps(steps: Iterable[StepInfo]) -> list[StepInfo]:
    return [s for s in steps if s.step is not None and not s.done]
