"""The command palette finds register entries: a pass number, a visitor's name, a parcel's tracking number, a
renovation's permit number, applicant or company.

`RegisterSearch` is one of the app's palette providers (DeskApp.COMMANDS, imported when the palette first opens).
It asks the registers' services (`find`, in a thread) and offers each entry found; choosing one opens the Registers
section at that register with the cursor on the entry, listed even where the view would not list it (a visitor
who has left, a parcel picked up). Nothing is searched before sign-in or on the lock screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from deskui.core.i18n import t
from deskui.screens.registers.switch import BY_NAME, RegisterKeys, open_register

if TYPE_CHECKING:
    from textual.style import Style

    from deskui.desk import Desk
    from deskui.services import Services

LIMIT = 5
"""Entries offered per register."""


def found(services: Services, term: str) -> list[tuple[str, Any]]:
    """Runs in a thread: (register, entry) for every entry the term finds, passes first (a number is exact)."""
    hits: list[tuple[str, Any]] = [("passes", p) for p in services.passes.find(term, LIMIT)]
    hits += [("visitors", v) for v in services.visitors.find(term, LIMIT)]
    hits += [("parcels", p) for p in services.parcels.find(term, LIMIT)]
    hits += [("renovations", r) for r in services.renovations.find(term, LIMIT)]
    return hits


def shown(text: str, term: str, style: Style | None) -> Content:
    """`text` as plain text (a name is never markup), the part `term` matched highlighted."""
    content = Content(text)
    at = text.casefold().find(term.casefold())
    if style is not None and term and at >= 0:
        content = content.stylize(style, at, at + len(term))
    return content


class RegisterSearch(Provider):
    """Register entries by pass number, visitor's name, tracking number, or a renovation's number or people."""

    async def search(self, query: str) -> Hits:
        desk = cast("Desk", self.app)
        term = query.strip()
        if desk.services is None or desk.operator is None or not term or self.locked():
            return
        services, tz = desk.services, desk.settings.time_zone
        for register, entry in await asyncio.to_thread(found, services, term):
            text, matched = describe(register, entry)
            help_text = f"{t(BY_NAME[register].label)} · {when(register, entry, tz)} · {state(register, entry)}"
            yield Hit(
                1.0 if matched.casefold().startswith(term.casefold()) else 0.8,
                shown(text, term if term.casefold() in text.casefold() else matched, self.match_style),
                self.opener(register, entry),
                text=text,
                help=help_text,
            )

    def locked(self) -> bool:
        from deskui.screens.signin import SignInScreen

        return isinstance(self.screen, SignInScreen)

    def opener(self, register: str, entry: Any) -> Callable[[], Awaitable[None]]:
        app = self.app

        async def open_entry() -> None:
            await show_entry(app, register, entry)

        return open_entry


def describe(register: str, entry: Any) -> tuple[str, str]:
    """The entry in one line, and the part of it the search matched (number, name or tracking number)."""
    if register == "passes":
        return f"{entry.number}  {entry.unit}  {entry.bearer}", entry.number
    if register == "visitors":
        return f"{entry.name}  {entry.unit}  {entry.purpose}", entry.name
    if register == "renovations":
        return f"{entry.number}  {entry.unit}  {entry.applicant}  {entry.company}", entry.number
    return f"{entry.tracking}  {entry.unit}  {entry.carrier}", entry.tracking


def when(register: str, entry: Any, tz: str) -> str:
    from zoneinfo import ZoneInfo

    fields = {"passes": "issued_at", "visitors": "entered_at", "parcels": "received_at", "renovations": "applied_at"}
    field = fields[register]
    moment: datetime = getattr(entry, field)
    return moment.astimezone(ZoneInfo(tz)).strftime("%m-%d %H:%M")


def state(register: str, entry: Any) -> str:
    from deskui.services.registers import PARCEL_STATES, PASS_STATES, RENOVATION_STATES, VISIT_STATES, label

    states = {"passes": PASS_STATES, "visitors": VISIT_STATES, "parcels": PARCEL_STATES}.get(register)
    states = states or RENOVATION_STATES
    return label(states, entry.state)


async def show_entry(app: Any, register: str, entry: Any) -> None:
    """The Registers section, at `register`, the cursor on `entry`. A dialog open there (a half-filled form) is
    left as it is: the entry is not worth losing what was typed."""
    await app.switch_mode("registers")
    if isinstance(app.screen, RegisterKeys):
        await open_register(app, register, entry)
    else:
        app.bell()
