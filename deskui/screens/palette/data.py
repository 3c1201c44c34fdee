"""The palette finds data (issue 12): a ticket by its number, a unit in any spelling, a resident by name or pinyin,
a call by its number; Enter opens it.

`DataSearch` asks the services in a thread (`found`), a few of each kind, and offers them: a ticket opens its
detail, a call its detail (every version), a unit or a resident the Directory searched for it. The services
compare script-blind (deskui.core.scriptfold): `3棟2單元1201` finds 3-2-1201, `陳` finds 陈. Unit spellings are the
directory's to read (services.common.places). Nothing is searched before sign-in or on
the lock screen.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.desk import Desk
    from deskui.services import Services

LIMIT = 5
"""Results offered per kind."""


@dataclass(frozen=True)
class Found:
    kind: str
    """"ticket", "call", "unit" or "resident"."""
    text: str
    """The line shown: its number or name first."""
    detail: str
    """The line under it."""
    target: Any
    """What opening it needs: a ticket's id, a call's id, the text the Directory searches for."""
    exact: bool = False


def found(services: Services, term: str) -> list[Found]:
    """Runs in a thread: what `term` names, tickets and calls by number first, then units and residents. The
    services compare script-blind themselves (scriptfold), so the text is asked once, as typed. A text shaped like
    a ticket number ("TS-20261201-0001") or a call's ("#12") is not looked for in the directory."""
    from deskui.core.errors import NotFound

    out: list[Found] = []
    if looks_numbered(term):
        wanted = term.strip().upper()
        out += [
            Found("ticket", ticket.number, f"{ticket.unit}  {ticket.description}", ticket.id, exact=True)
            for ticket in services.tickets.numbered(wanted, LIMIT)
        ]
    digits = term.removeprefix("#")
    if digits.isdigit() and len(digits) <= 9:
        try:
            call = services.calls.current(int(digits))
        except NotFound:
            pass
        else:
            out.append(Found("call", f"#{call.root_id}", f"{call.unit}  {call.caller}  {call.content}", call.id))
    if term.startswith("#") or TICKET_NUMBER.fullmatch(term):
        return out
    out += [Found("unit", u.label, u.key, u.key) for u in services.directory.search_units(term, LIMIT)]
    out += [
        Found("resident", r.name, f"{r.unit_label}  {', '.join(r.phones)}", r.name)
        for r in services.directory.search_residents(term, LIMIT)
    ]
    return out


TICKET_NUMBER = re.compile(r"[A-Za-z]{1,8}-\d{6,8}-\d{1,6}")
"""A whole ticket number, as services.tickets numbers them: site code, date, sequence."""


def looks_numbered(term: str) -> bool:
    """A text that may be (part of) a ticket number: letters, digits and dashes, with a dash and a digit
    ("WX-20261203-0001", "20261203-0001", "QZ-20261203")."""
    term = term.strip()
    return (
        4 <= len(term) <= 40
        and "-" in term
        and term.isascii()
        and term.replace("-", "").isalnum()
        and any(c.isdigit() for c in term)
    )


KIND_LABELS = {"ticket": "Ticket", "call": "Call", "unit": "Unit", "resident": "Resident"}


class DataSearch(Provider):
    """Tickets, calls, units and residents by number, spelling, name or pinyin."""

    async def search(self, query: str) -> Hits:
        desk = cast("Desk", self.app)
        term = " ".join(query.split())
        if desk.services is None or desk.operator is None or not term or self.locked():
            return
        for item in await asyncio.to_thread(found, desk.services, term):
            yield Hit(
                1.0 if item.exact else 0.85,
                Content(f"{item.text}  ").append(Content.styled(item.detail, "dim")),
                self.opener(item),
                text=item.text,
                help=t(KIND_LABELS[item.kind]),
            )

    def locked(self) -> bool:
        from deskui.screens.signin import SignInScreen

        return isinstance(self.screen, SignInScreen)

    def opener(self, item: Found) -> Callable[[], Awaitable[None]]:
        app = cast("Desk", self.app)

        async def open_item() -> None:
            await open_found(app, item)

        return open_item


async def open_found(desk: Desk, item: Found) -> None:
    """A ticket's or a call's detail over the screen shown; a unit or a resident in the Directory."""
    if item.kind == "ticket":
        await desk.show_ticket(int(item.target))
    elif item.kind == "call":
        await show_call(desk, int(item.target))
    else:
        from deskui.screens.directory import DirectoryScreen

        await desk.switch_section("directory")
        screen = cast("Any", desk).screen
        if isinstance(screen, DirectoryScreen):
            screen.find(str(item.target))


async def show_call(desk: Desk, call_id: int) -> None:
    from deskui.screens.calls.detail import CallDetailScreen
    from deskui.services.common.shifts import local_time

    services = desk.services
    if services is None:
        return
    settings = desk.settings
    versions = await asyncio.to_thread(services.calls.versions, call_id)
    describe = {f"channel:{c.key}": c.label(settings.language) for c in settings.channels}
    describe |= {f"category:{c.key}": c.label(settings.language) for c in settings.categories}
    when = [local_time(settings, v.time).strftime("%Y-%m-%d %H:%M") for v in versions]
    await cast("Any", desk).push_screen(CallDetailScreen(versions, describe, when))
