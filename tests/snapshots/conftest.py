"""Snapshot fixtures: a frozen clock, no cursor blink, data that never changes between runs.

A picture is taken once the screen has settled (`settle`): a signal, never a time and never a retry. On a loaded
machine the work behind the picture only takes longer; the picture is the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, TextArea

from deskui.app import DeskApp, make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import Settings, load_settings
from deskui.widgets.settling import settled, unsettled
from tests.functional.conftest import seed_desk
from tests.functional.helpers import operators_listed, sign_in


@pytest.fixture(autouse=True)
def no_waiting_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that takes over a second says "Waiting for another terminal…"; on a loaded machine a plain write can
    take that long, and the toast then lands in the picture (seen once in CI on the tickets queue). The pictures are
    of the screens, not of the machine's speed: the notice has its own tests (tests/functional/test_faults_tui.py)."""
    monkeypatch.setattr("deskui.widgets.background.WAIT_NOTICE_SECONDS", 3600.0)


@pytest.fixture(autouse=True)
def no_background_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole-file check starts 3 s after the database opens, in a thread, and reads every page: on a loaded
    machine a picture was still being taken by then, and what it can say (damage, or the file busy) is not part of
    any screen's picture. It has its own tests (tests/functional/test_open_checks*.py)."""
    monkeypatch.setattr(DeskApp, "integrity_delay_seconds", property(lambda self: 86_400.0))


@pytest.fixture
def snap_app(db_path, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """An app factory per language over one seeded database. The site's language is the picture's, as at a desk
    configured in it: what deskui says in the site's language (configured patrol route names in handover items,
    issue 12) is then said in the picture's."""
    from deskui.services import open_services

    base = load_settings(database_url=str(db_path), language="en", environ={})
    opened = {"en": seed_desk(open_services(base, clock))}

    def factory(language: str) -> DeskApp:
        settings: Settings = base.with_overrides(language=language)
        if language not in opened:
            opened[language] = open_services(settings, clock)
        return make_app(settings, clock=clock, services=opened[language])

    yield factory
    for services in opened.values():
        services.close()


MAX_ROUNDS = 500
"""A screen that is still not settled after this many rounds of waiting never will be (a poll that always finds
work, a widget that never draws): say so rather than hang."""


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the screen shows what it was asked for.

    The messages queued so far are handled first (a key's Changed message is what starts a lookup), then the
    screen's counted work ends (its loads and lookups, the header's duty line: deskui.widgets.settling), then
    whatever else the app runs (an input's suggester); once more, until the queue is empty and nothing is pending.
    """
    app = pilot.app
    running: list[object] = []
    drawing: list[Widget] = []
    for _ in range(MAX_ROUNDS):
        await pilot.pause()
        stack = list(app.screen_stack)  # a dialog's picture shows the screen under it too
        for screen in stack:
            await settled(screen)
        for worker in list(app.workers):
            with contextlib.suppress(Exception):  # cancelled or failed: ended all the same
                await worker.wait()
        await pilot.pause()
        running = [w for screen in stack for w in unsettled(screen)]
        # and a load not counted (a screen's @work without @settles) that a message handled meanwhile started
        nodes = {id(n) for screen in stack for n in screen.walk_children(with_self=True)}
        running += [w for w in app.workers if not w.is_finished and id(w.node) in nodes]
        drawing = [w for screen in stack for w in undrawn(screen)]
        if list(app.screen_stack) == stack and not running and not drawing:
            return
    raise AssertionError(f"the screen never settled: running {running}, not drawn {drawing}")


def undrawn(screen: Screen[object]) -> list[Widget]:
    """Widgets whose last change is not drawn yet.

    Drawing takes several hops through the message queues (a table measures the rows added in its idle handler,
    then asks for a layout, which the screen does on its next update); one pause can end midway on a loaded
    machine, and the picture then showed a table with its columns as narrow as their labels. Textual's own flags
    (8.2.8, pinned) say what is still to do.
    """
    flags = ("_layout_required", "_repaint_required", "_refresh_styles_required", "_scroll_required")
    table_flags = ("_require_update_dimensions", "_updated_cells", "_new_rows")
    return [
        w
        for w in screen.walk_children(with_self=False)
        if isinstance(w, Widget)
        and w.display
        and (
            any(getattr(w, f, False) for f in flags)
            or (isinstance(w, DataTable) and any(getattr(w, f) for f in table_flags))
        )
    ]


def still(action: Callable[[Pilot[None]], Awaitable[None]]) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Run `action`, let the screen settle, then stop every cursor blinking so the picture is the same every time."""

    async def run(pilot: Pilot[None]) -> None:
        await action(pilot)
        await settle(pilot)
        screens = pilot.app.screen_stack  # a dialog's picture shows the screen under it too
        for field in (f for screen in screens for f in screen.query(Input)):
            field.cursor_blink = False
        for area in (a for screen in screens for a in screen.query(TextArea)):
            area.cursor_blink = False
            area.highlight_cursor_line = False  # drawn or not depending on when focus settled: not part of the picture
            # A text area keeps its rendered lines, and neither setting is part of that cache's key: the picture
            # showed whatever phase of the blink and highlight the lines were last drawn in. Redraw them.
            area.notify_style_update()
            area.refresh()
        await pilot.pause()

    return run


at_sign_in = still(operators_listed)
at_home = still(sign_in)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failing snapshot's report carries the text that differed, so a CI log explains a failure seen only there."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    import pickle

    from pytest_textual_snapshot import node_to_report_path

    from tests.snapshots.svg_text import svg_text_diff

    path = node_to_report_path(item)
    with contextlib.suppress(OSError, pickle.UnpicklingError, AttributeError, EOFError):
        data = pickle.loads(path.read_bytes())
        expected, actual = data[1], data[2]
        diff = svg_text_diff(expected, actual)
        report.sections.append(("snapshot text diff", diff))
