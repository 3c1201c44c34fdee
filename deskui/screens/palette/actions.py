"""The palette's actions: every deskui command by its name in the UI language (issue 12).

`ActionSearch` takes the place of Textual's SystemCommandsProvider. It offers what `DeskApp.get_system_commands`
lists (the keys of the screen shown and the app's, Textual's own editing keys left out) and, from any screen, each
section's own actions ("Tickets › Awaiting callback"), which open the section and run there. A name is found by
any part of it, script-blind (`3棟` and `3栋` alike: deskui.core.scriptfold), in the UI language or in English, and
by a few words people use for it (配色 is also 主题, colour, theme). In a Chinese UI a name is also found by its
pinyin and its initials (开始交接: kaishijiaojie, ksjj; its section 交接班: jjb), for a keyboard not in Chinese input.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from deskui.core.i18n import N_, get_language, is_chinese, t
from deskui.sections import SECTIONS
from deskui.widgets.keynames import bound_key, key_label

if TYPE_CHECKING:
    from textual.screen import Screen

    from deskui.desk import Desk
    from deskui.sections import Section

KEYWORDS = {
    "Theme": N_("theme colour colours light dark"),
}
"""Words a command is also found by (message ids: each language's own words, in its catalog)."""


@dataclass(frozen=True)
class Action:
    title: str
    help: str
    run: Callable[[], Awaitable[None]]
    words: tuple[str, ...]
    """What it is found by: its name in the UI language, in English, and its keywords."""
    discover: bool = False
    """Listed before anything is typed."""


def folded(text: str) -> str:
    from deskui.core.scriptfold import fold

    return fold(text)


def pinyin_words(*names: str) -> tuple[str, ...]:
    """The names' pinyin and initials in a Chinese UI ("开始交接": kaishijiaojie, ksjj); none in English."""
    if not is_chinese(get_language()):
        return ()
    from deskui.services.common.pinyin import spellings

    return tuple(spelling for name in names for spelling in spellings(folded(name)) if spelling)


def score(query: str, words: tuple[str, ...]) -> float:
    """How well the folded `query` names a command: a name starting with it, else containing it, else each of its
    words found in the names (0: not at all)."""
    best = 0.0
    for word in words:
        if word.startswith(query):
            best = max(best, 1.0)
        elif query in word:
            best = max(best, 0.8)
    parts = query.split()
    if not best and len(parts) > 1 and all(any(p in w for w in words) for p in parts):
        best = 0.6
    return best


def section_screens() -> list[tuple[Section, type[Screen[None]]]]:
    """Each section's screen class, its module imported (in a thread at the palette's start: first time ~0.1 s)."""
    out = []
    for section in SECTIONS:
        module, _, name = section.screen.partition(":")
        out.append((section, getattr(importlib.import_module(module), name)))
    return out


class ActionSearch(Provider):
    """deskui's commands, found by name in the UI language."""

    screens: list[tuple[Section, type[Screen[None]]]] | None = None

    async def startup(self) -> None:
        self.screens = await asyncio.to_thread(section_screens)
        if is_chinese(get_language()):  # pypinyin loaded here, not on the first key typed (~0.2 s)
            await asyncio.to_thread(pinyin_words, "交接")

    def actions(self) -> Iterator[Action]:
        english = {t(b.description): b.description for _, b, _, _ in self.screen.active_bindings.values()}
        english |= {t(key): key for key in KEYWORDS}
        for command in self.app.get_system_commands(self.screen):
            msgid = english.get(command.title, command.title)
            keywords = f"{t(KEYWORDS[msgid])} {KEYWORDS[msgid]}" if msgid in KEYWORDS else ""
            run = cast("Callable[[], Awaitable[None]]", command.callback)
            words = (*(folded(w) for w in (command.title, msgid, keywords)), *pinyin_words(command.title))
            yield Action(command.title, command.help, run, words, command.discover)
        yield from self.section_actions()

    def section_actions(self) -> Iterator[Action]:
        """Each other section's own commands (its screen's bindings with an id and a name), run in the section."""
        desk = cast("Desk", self.app)
        current = getattr(self.screen, "SECTION", "")
        for section, screen_type in self.screens or ():
            if section.label == current or section.mode == "home":
                continue
            seen: set[str] = set()
            for binding in screen_type.BINDINGS:
                if not isinstance(binding, Binding) or not binding.id or not binding.description:
                    continue
                if binding.id.startswith("open-") or binding.action in seen:
                    continue
                seen.add(binding.action)
                title = f"{t(section.label)} › {t(binding.description)}"
                key = key_label(bound_key(self.app, binding.id, binding.key.split(",")[0]))
                yield Action(
                    title,
                    f"{key_label(bound_key(self.app, f'section-{section.mode}', section.key))} › {key}",
                    self.runner(desk, section.mode, binding.action),
                    (
                        folded(t(binding.description)),
                        folded(binding.description),
                        folded(title),
                        *pinyin_words(t(binding.description), t(section.label)),
                    ),
                )

    def runner(self, desk: Desk, mode: str, action: str) -> Callable[[], Awaitable[None]]:
        app = self.app

        async def run() -> None:
            await desk.switch_section(mode)
            await app.run_action(action, app.screen)

        return run

    async def discover(self) -> Hits:
        for action in sorted(self.actions(), key=lambda a: a.title):
            if action.discover:
                yield DiscoveryHit(action.title, action.run, help=action.help)

    async def search(self, query: str) -> Hits:
        wanted = folded(" ".join(query.split()))
        if not wanted:
            return
        for action in self.actions():
            found = score(wanted, action.words)
            if found:
                shown = self.shown(action.title, query.strip())
                yield Hit(found * 0.9, shown, action.run, text=action.title, help=action.help)

    def shown(self, title: str, query: str) -> Content:
        content = Content(title)
        at = folded(title).find(folded(query))
        if at >= 0 and len(folded(title)) == len(title):
            content = content.stylize(self.match_style or "", at, at + len(query))
        return content
