"""Hostile input into every service entry point, and pasted into the call form through Pilot.

Any Unicode (CJK, emoji ZWJ sequences, combining marks, right-to-left text, C0/C1 controls, ESC/CSI/OSC sequences,
"[" and "[/" and Rich markup, lone surrogates, pastes of up to 1 MB): the only exception allowed is a DeskError with
a message; what is accepted comes back byte for byte (one-line fields trimmed, as the form does); nothing is taken
for markup; no escape byte reaches the terminal. DESKUI_FUZZ_EXAMPLES examples per entry point (default 200).
"""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.core.errors import DeskError
from deskui.services.calls import CallInput
from deskui.services.common.places import fold as place_fold
from deskui.services.common.places import phone_digits
from deskui.services.common.search import fold
from deskui.services.tickets import TicketInput
from tests.reliability.conftest import size

EXAMPLES = size("DESKUI_FUZZ_EXAMPLES", 200)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
RUN: dict[str, int] = {}  # examples run per entry point, printed at the end of the module

SPECIAL = [
    "[",
    "[/",
    "[/]",
    "[bold red]x[/]",
    "[link=file:///etc/passwd]y[/link]",
    "[@click=app.quit]q[/]",
    ":warning:",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x1bP+q\x1b\\",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x00",
    "\x07",
    "\x08",
    "\r\n",
    "\r",
    "\t",
    "\n",
    "\u2028",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "مرحبا",
    "שלום",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "👍🏽",
    "e\u0301\u0302\u0303",
    "Z\u0336\u0337",
    "水管漏水",
    "３栋２单元１２０１",
    "𠀀𪚥",
    "\ud800",
    "\udfff",
    "\uffff",
    " ",
    "%s%(x)s{0}",
    "'; DROP TABLE call; --",
]
PIECES = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=6))
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.lists(PIECES, max_size=12).map("".join),
    st.builds(
        lambda piece, n: (piece * (n // len(piece) + 1))[:n],
        st.sampled_from(["水", "a[/", "\x1b]0;x\x07", "👨‍👩‍👧"]),
        st.integers(10_001, 1_048_576),
    ),
)
SHORT = st.one_of(st.text(max_size=20), st.lists(PIECES, max_size=5).map("".join))


def count(name: str) -> None:
    RUN[name] = RUN.get(name, 0) + 1


def refused_cleanly(exc: DeskError) -> None:
    assert isinstance(exc.message, str) and exc.message.strip(), f"{type(exc).__name__} without a message"
    assert "\x1b" not in exc.message and "\x9b" not in exc.message, "a message would put an ESC on the screen"


def attempt(fn: Callable[[], Any]) -> Any | None:
    """fn(), or None when it refused with a DeskError that carries a message; anything else fails the test."""
    try:
        return fn()
    except DeskError as exc:
        refused_cleanly(exc)
        return None


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One desk for the whole module (hypothesis runs hundreds of examples against it)."""
    from deskui.core.i18n import set_language
    from deskui.services import open_services
    from tests.functional.conftest import seed_desk

    set_language("en")
    path = tmp_path_factory.mktemp("fuzz") / "desk.db"
    services = seed_desk(open_services(load_settings(database_url=str(path), language="en", environ={}), FrozenClock()))
    services.fuzz_dir = path.parent  # type: ignore[attr-defined]
    yield services
    services.close()
    print(f"\nfuzz examples run: {dict(sorted(RUN.items()))}, {sum(RUN.values())} in all")


@FUZZ
@given(content=HOSTILE, caller=SHORT, unit=SHORT, phone=SHORT, visit=SHORT, category=SHORT, channel=SHORT)
def test_calls_check_and_record(svc, content, caller, unit, phone, visit, category, channel) -> None:  # type: ignore[no-untyped-def]
    count("calls.record")
    for cat, chan in ((category, channel), ("repair", "walk_in")):
        data = CallInput(
            content=content, category=cat, channel=chan, caller=caller, unit=unit, phone=phone, visit_time=visit
        )
        checked = attempt(lambda data=data: svc.calls.check(data))
        if checked is None:
            assert attempt(lambda data=data: svc.calls.record(data)) is None, "record accepted what check refused"
            continue
        saved = svc.calls.record(data)
        got = svc.calls.get(saved.id)
        assert got.content == content  # exactly as typed, markup and all
        assert (got.caller, got.unit, got.phone, got.visit_time) == (
            caller.strip(),
            checked.unit_text,
            checked.phone,
            checked.visit_time,
        )
        assert checked.unit_text == unit.strip() and checked.visit_time == visit.strip()
        term = content.strip()[:12]
        if term and fold(term) == fold(term).strip() and "\x1f" not in term:
            assert saved.id in {c.id for c in svc.calls.search(term, limit=5)}


@FUZZ
@given(term=HOSTILE)
def test_calls_search(svc, term: str) -> None:  # type: ignore[no-untyped-def]
    count("calls.search")
    found = attempt(lambda: svc.calls.search(term, limit=10))
    folded = fold(term[: svc.settings.calls.max_content_chars].strip())
    for call in found or []:
        assert folded in fold("\x1f".join((call.caller, call.unit, call.phone, call.content))) or folded.isdigit()


@FUZZ
@given(description=HOSTILE, unit=SHORT, caller=SHORT, note=HOSTILE, kind=st.sampled_from(["repair", "inquiry", "x"]))
def test_tickets_create_and_note(svc, description, unit, caller, note, kind) -> None:  # type: ignore[no-untyped-def]
    count("tickets.create+note")
    rec = svc.operators.by_name("王芳")
    made = attempt(
        lambda: svc.tickets.create(
            TicketInput(kind=kind, unit=unit or "3-2-1201", caller=caller, description=description), operator=rec
        )
    )
    if made is None:
        return
    got = svc.tickets.get(made.number)
    assert got.description == description and got.caller == caller.strip()
    noted = attempt(lambda: svc.tickets.note(made.number, made.version, note, operator=rec))
    if noted is not None:
        assert svc.tickets.events(made.number)[-1].note == note.strip()
    assert attempt(lambda: svc.tickets.queue("open", text=note[:30], limit=5)) is not None or True


@FUZZ
@given(text=HOSTILE)
def test_dutylog_add(svc, text: str) -> None:  # type: ignore[no-untyped-def]
    count("dutylog.add")
    entry = attempt(lambda: svc.dutylog.add(text, operator=svc.operators.by_name("王芳")))
    if entry is not None:
        assert svc.dutylog.get(entry.id).text == text


@FUZZ
@given(tag=SHORT, borrower=SHORT, purpose=HOSTILE, due=st.one_of(st.none(), SHORT))
def test_keys_lend(svc, tag, borrower, purpose, due) -> None:  # type: ignore[no-untyped-def]
    count("keys.lend")
    rec = svc.operators.by_name("王芳")
    loan = attempt(lambda: svc.keys.lend(tag, borrower, operator=rec, purpose=purpose, due=due))
    if loan is None:
        return
    assert svc.keys.get(loan.id) == loan
    assert loan.borrower == borrower.strip() and loan.purpose == purpose.strip()
    assert attempt(lambda: svc.keys.take_back(loan.tag, operator=rec)) is not None


@FUZZ
@given(name=SHORT, notes=HOSTILE, phone=SHORT, query=HOSTILE)
@example(name="0\r0", notes="", phone="", query="0\r0")  # a fresh clone's `make test` found it
@example(name="0", notes="\ud800", phone="", query="")  # reached the driver: UnicodeEncodeError
@example(name="0", notes="\x1b]0;pwned\x07", phone="", query="")
@example(name="0", notes="a\r\nb\rc", phone="", query="")  # CRLF from a CSV cell: kept as line breaks
def test_directory_add_resident_and_search(svc, name, notes, phone, query) -> None:  # type: ignore[no-untyped-def]
    count("directory.add_resident+search")
    added = attempt(lambda: svc.directory.add_resident(name, "3-2-1202", phone, notes=notes))
    if added is not None:
        # A name is one line: every run of whitespace, line breaks (CR, LF, CRLF) included, is one space, as the
        # search reads its query; so the name as typed finds the resident.
        assert added.name == " ".join(name.split())
        assert added.notes == notes.replace("\r\n", "\n").replace("\r", "\n").strip() and not re.search(
            r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", added.notes
        )
        again = [r for r in svc.directory.unit_residents(added.unit_id) if r.id == added.id]
        assert again == [added]
        digits = phone_digits(added.name)
        if not (
            len(digits) >= 4 and digits == place_fold(added.name).replace(" ", "").replace("-", "")
        ):  # not a number
            assert added.id in {r.id for r in svc.directory.search_residents(name, limit=100_000)}
    attempt(lambda: svc.directory.search_residents(query))
    attempt(lambda: svc.directory.search_units(query))


@FUZZ
@given(
    rows=st.lists(st.tuples(SHORT, SHORT, SHORT), min_size=1, max_size=4), encoding=st.sampled_from(["utf-8", "gbk"])
)
def test_imports(svc, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    """A residents file (name, unit, phone, role, notes) with hostile cells: all of it or none of it."""
    from deskui.services.directory import import_residents

    count("import residents")
    path = Path(svc.fuzz_dir) / f"residents-{uuid.uuid4().hex}.csv"
    try:
        with path.open("w", encoding=encoding, errors="replace", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name", "unit", "phone", "role", "notes"])
            for name, phone, notes in rows:
                writer.writerow([name, "5-1-302", phone, "owner", notes])
    except (UnicodeEncodeError, ValueError):
        return
    unit = svc.directory.resolve_unit("5-1-302")
    before = len(svc.directory.unit_residents(unit.id))
    added = attempt(lambda: import_residents(svc.directory, path))
    after = len(svc.directory.unit_residents(unit.id))
    assert after - before == (added or 0)  # all or nothing
    path.unlink(missing_ok=True)


# --- the call form, through Pilot ----------------------------------------------------------------------------------


def screen_output(screen: Any) -> str:
    """Every character the screen would send to the terminal now (the compositor's full update)."""
    update = screen._compositor.render_update(full=True)
    return "".join(segment.text for strip in update.strips for segment in strip)


async def paste_into_call_form(services: Any, settings: Any, clock: Any, pasted: str) -> tuple[str, str, str]:
    """Sign in, open F3, paste into the content (as a terminal delivers a paste: to the app), Ctrl+S, Enter.
    Returns (what the content field holds, what the screen shows, the saved content or "")."""
    from textual import events
    from textual.widgets import TextArea

    from deskui.app import make_app
    from deskui.screens.calls import CallsScreen
    from deskui.screens.calls.readback import ReadBackScreen
    from tests.functional.helpers import sign_in, wait_for

    app = make_app(settings, clock=clock, services=services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        await pilot.press(*"13800138000", "tab", "tab", "tab", "r")  # phone, caller, unit, category: repair
        area = screen.query_one("#call-content", TextArea)
        await wait_for(pilot, lambda: screen.focused is area)
        app.post_message(events.Paste(pasted))
        await pilot.pause(0.2)
        held = area.text
        shown = screen_output(screen)
        before = {c.id for c in services.calls.list(limit=50)}
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        if isinstance(app.screen, ReadBackScreen):
            shown += screen_output(app.screen)
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(services.calls.list(limit=50)) > len(before), timeout=10)
        else:
            shown += screen_output(screen)
        new = [c for c in services.calls.list(limit=50) if c.id not in before]
        return held, shown, new[0].content if new else ""


@pytest.mark.slow
@pytest.mark.load
@settings(
    max_examples=max(5, EXAMPLES // 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(pasted=st.one_of(st.lists(PIECES, min_size=1, max_size=10).map("".join), HOSTILE))
def test_the_call_form_takes_any_paste(tmp_path_factory: pytest.TempPathFactory, pasted: str) -> None:
    from deskui.services import open_services
    from tests.functional.conftest import seed_desk

    count("call form paste (Pilot)")
    folder = tmp_path_factory.mktemp("form")
    settings_ = load_settings(database_url=str(folder / "desk.db"), language="en", environ={})
    clock = FrozenClock()
    services = seed_desk(open_services(settings_, clock))
    try:
        held, shown, saved = asyncio.run(paste_into_call_form(services, settings_, clock, pasted))
    finally:
        services.close()
        shutil.rmtree(folder, ignore_errors=True)
    assert "\x1b" not in shown and "\x9b" not in shown and "\x9d" not in shown and "\x07" not in shown
    if saved:
        assert saved == held  # what the form held is what was saved, byte for byte
    if "[bold red]x[/]" in held and saved:
        assert "[bold red]x[/]" in saved
