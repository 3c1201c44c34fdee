"""Live refresh across terminals: the screens poll cheap markers (tickets.last_change_marker / changes_since for the
ticket screens, calls.list(limit=1) for the call log) and reload when they move. On both backends:

- a change made by another terminal moves the marker and is reported;
- a marker never runs ahead of a change that is still committing: every row with an id at or below a marker a
  screen has seen was already visible when it saw it. On PostgreSQL ids come from a sequence, so without the
  writer lock (deskui.core.db.serialize_writers) a terminal that took id 10 and committed after another terminal's
  id 11 was never shown: the poller had already moved to 11.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from deskui.services.calls import CallInput
from deskui.services.tickets import TicketInput


def two_terminals(open_url, backend_url: str) -> tuple[Any, Any, Any]:  # type: ignore[no-untyped-def]
    """Terminal A and B writing, and a screen S polling; three engines, as three desks would have."""
    return open_url(backend_url), open_url(backend_url), open_url(backend_url)


def visible(screen: Any, table: str) -> set[int]:
    with screen.db.read() as s:
        return {r[0] for r in s.execute(text(f'SELECT id FROM "{table}"'))}


def test_another_terminals_changes_move_the_markers(open_url, backend_url: str) -> None:  # type: ignore[no-untyped-def]
    a, b, screen = two_terminals(open_url, backend_url)
    rec = a.operators.by_name("王芳")
    x = a.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="漏水"), operator=rec)
    marker = screen.tickets.last_change_marker()
    newest = screen.calls.list(limit=1)
    b.tickets.note(x.number, x.version, "师傅已出发", operator=rec)
    call = b.calls.record(CallInput(content="电梯异响", category="repair", unit="5-1-302", phone="13800138000"))
    assert screen.tickets.last_change_marker() > marker
    new_marker, changed = screen.tickets.changes_since(marker)
    assert new_marker == screen.tickets.last_change_marker() and changed == {x.id}
    latest = screen.calls.list(limit=1)
    assert latest[0].id == call.id and (not newest or latest[0].id > newest[0].id)
    assert screen.tickets.changes_since(new_marker) == (new_marker, frozenset())


def _hold_inside(service: Any, method: str, entered: threading.Event, release: threading.Event) -> None:
    """Make `service.method` (called inside its write transaction) stop until `release` is set."""
    original = getattr(service, method)

    def held(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        entered.set()
        assert release.wait(30)
        return result

    setattr(service, method, held)


@pytest.mark.parametrize("what", ["ticket", "call"])
def test_a_marker_never_passes_a_change_still_committing(open_url, backend_url: str, what: str) -> None:  # type: ignore[no-untyped-def]
    a, b, screen = two_terminals(open_url, backend_url)
    rec = a.operators.by_name("王芳")
    first = a.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="漏水"), operator=rec)
    second = a.tickets.create(TicketInput(kind="repair", unit="5-1-302", description="停电"), operator=rec)
    table = "ticketevent" if what == "ticket" else "call"

    def marker() -> int:
        if what == "ticket":
            return int(screen.tickets.last_change_marker())
        latest = screen.calls.list(limit=1)
        return latest[0].id if latest else 0

    entered, release = threading.Event(), threading.Event()
    if what == "ticket":
        _hold_inside(a.tickets._store, "save", entered, release)
        slow = lambda: a.tickets.note(first.number, first.version, "A 慢", operator=rec)  # noqa: E731
        fast = lambda: b.tickets.note(second.number, second.version, "B 快", operator=rec)  # noqa: E731
    else:
        _hold_inside(a.calls, "_insert", entered, release)
        slow = lambda: a.calls.record(CallInput(content="A 慢", category="inquiry", channel="walk_in"))  # noqa: E731
        fast = lambda: b.calls.record(CallInput(content="B 快", category="inquiry", channel="walk_in"))  # noqa: E731
    errors: list[BaseException] = []

    def run(fn: Any) -> None:
        try:
            fn()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    slow_thread = threading.Thread(target=run, args=(slow,))
    slow_thread.start()
    assert entered.wait(30), "terminal A never reached its write"
    fast_thread = threading.Thread(target=run, args=(fast,))
    fast_thread.start()
    fast_thread.join(1.0)  # B's write either waits for A (as it must) or commits now, ahead of A
    seen_marker, seen_rows = marker(), visible(screen, table)
    release.set()
    slow_thread.join(60)
    fast_thread.join(60)
    assert errors == []
    everything = visible(screen, table)
    late = sorted(i for i in everything - seen_rows if i <= seen_marker)
    assert late == [], f"rows {late} committed after a screen had already seen marker {seen_marker}"
    assert marker() == max(everything)
    time.sleep(0)  # the threads are done; nothing else to wait for
