"""Issue 12, the command palette finds things and the keys shown are the keys bound: Textual's editing commands
are not offered, deskui's actions are found by their Chinese names (回访, 主题), a ticket by its number, a resident
by pinyin initials, a unit in Traditional spelling; Enter opens what was found. A user keymap moves a key and the
footer, the help and the header say so; a keymap naming a binding that does not exist changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from deskui.app import DeskApp, make_app
from deskui.core.clock import FrozenClock
from deskui.screens.calls import CallsScreen
from deskui.screens.directory import DirectoryScreen
from deskui.screens.help import HelpScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_help_screen import help_rows
from tests.functional.test_tickets_screen import record_call, type_text

EDITING = {"Delete left to start of word", "Move cursor left", "Select all", "Paste text from the clipboard", "palette"}


def offered(app: DeskApp) -> list[str]:
    """The palette's entries as shown (their first line)."""
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def palette(pilot: Pilot[None], term: str, wanted: str) -> list[str]:
    """Ctrl+P and `term` typed; the entries once one containing `wanted` is listed."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await type_text(pilot, term)
    await wait_for(pilot, lambda: any(wanted in entry for entry in offered(app)))
    return offered(app)


async def choose(pilot: Pilot[None], wanted: str) -> None:
    """Enter on the palette's entry containing `wanted`."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    options = app.screen.query_one(CommandList)
    options.highlighted = next(i for i, entry in enumerate(offered(app)) if wanted in entry)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_no_textual_editing_commands_on_the_call_screen(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not EDITING & set(titles)
        assert {"Save", "New call", "Calls", "Theme"} <= set(titles)
        assert len(titles) < 30
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = [(k.plain, a.plain) for k, a in help_rows(app.screen)]
        assert not EDITING & {a for _, a in rows}
        assert [a for _, a in rows].count("Command palette") == 1
        assert len({k for k, _ in rows}) == len(rows), "each key once"


async def test_actions_found_by_their_chinese_names(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f9")  # 中文
        entries = await palette(pilot, "主题", "配色")
        assert "配色" in entries
        await pilot.press("escape")
        entries = await palette(pilot, "回访", "待回访")
        await choose(pilot, "工单 › 待回访")  # from Home: the tickets' callback queue, in the Tickets section
        assert app.current_mode == "tickets"
        await wait_for(pilot, lambda: getattr(app.screen, "queue_name", "callback") == "callback")


async def test_actions_found_by_pinyin_in_a_chinese_ui(app: DeskApp) -> None:
    """A receptionist whose keyboard is not in Chinese input finds 开始交接 by "kaishi", by its initials "ksjj", and
    every handover command by its section's initials "jjb"; English words still find it."""
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f9")  # 中文
        for term in ("kaishi", "ksjj", "jjb"):
            entries = await palette(pilot, term, "交接班 › 开始交接")
            assert "交接班 › 开始交接" in entries
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_nothing_found_is_said_in_the_ui_language(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f9")  # 中文
        await palette(pilot, "qqqxyz", "没有找到")


async def test_a_ticket_by_its_number_opens(app: DeskApp) -> None:
    assert app.services is not None
    ticket = app.services.tickets.open_from_call(record_call(app, "厨房水管漏水"))
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await palette(pilot, ticket.number.lower(), ticket.number)
        await choose(pilot, ticket.number)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        detail = app.screen
        assert isinstance(detail, TicketDetailScreen) and detail.ticket_id == ticket.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not detail)
        shown = ticket.number.partition("-")[2]  # without its kind's letters: "20261123-0001"
        await palette(pilot, shown, ticket.number)
        await choose(pilot, ticket.number)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))


async def test_a_resident_by_pinyin_initials_and_a_unit_in_traditional_spelling(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f9")  # 中文
        entries = await palette(pilot, "zs", "张三")
        assert any(e.startswith("张三") for e in entries)
        await choose(pilot, "张三")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        directory = app.screen
        assert isinstance(directory, DirectoryScreen)
        await wait_for(pilot, lambda: [r.name for r in directory.residents] == ["张三"])  # searched, listed
        await palette(pilot, "3棟2單元1201", "3-2-1201")
        await choose(pilot, "3-2-1201")
        await wait_for(pilot, lambda: [u.key for u in directory.units] == ["3-2-1201"])
        assert app.screen is directory


async def test_a_keymap_moves_a_key_and_the_screens_say_so(app: DeskApp, clock: FrozenClock) -> None:
    settings = replace(app.settings, keys=(("call-new", "f11"), ("section-calls", "ctrl+3")))
    moved = make_app(settings, clock=clock, services=app.services)
    async with moved.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: moved.keymap_checked)
        await sign_in(pilot)
        assert "Ctrl+3 Calls" in moved.screen.query_one(DeskHeader).tabs(120).plain
        await pilot.press("ctrl+3")
        await wait_for(pilot, lambda: isinstance(moved.screen, CallsScreen))
        calls = moved.screen
        keys = {b.binding.action: key for key, b in calls.active_bindings.items()}
        assert keys["new_call"] == "f11" and "ctrl+n" not in calls.active_bindings  # what the footer lists
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(moved.screen, HelpScreen))
        assert ("F11", "New call") in [(k.plain, a.plain) for k, a in help_rows(moved.screen)]


async def test_an_unknown_binding_id_is_told_and_no_key_changes(app: DeskApp, clock: FrozenClock) -> None:
    settings = replace(app.settings, keys=(("call-new", "f11"), ("call-nwe", "f12")))
    refused = make_app(settings, clock=clock, services=app.services)
    async with refused.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: refused.keymap_checked, timeout=15)
        assert refused.keymap == {}
        await wait_for(pilot, lambda: len(refused._notifications) == 1)  # posted as a message
        (note,) = refused._notifications
        assert "call-nwe" in str(note.message) and "call-new" not in str(note.message)
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(refused.screen, CallsScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(refused.screen, HelpScreen))
        assert ("Ctrl+N", "New call") in [(k.plain, a.plain) for k, a in help_rows(refused.screen)]
