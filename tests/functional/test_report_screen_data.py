"""A small deterministic October 2026 for the Reports screen's Pilot and snapshot tests (data, no tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.core.clock import FrozenClock
from deskui.services.calls import CallInput

SH = ZoneInfo("Asia/Shanghai")
# (day, hour, category, unit, channel)
CALLS = (
    (1, 8, "repair", "3-2-1201", "phone"),
    (2, 9, "repair", "3-2-1202", "phone"),
    (3, 10, "complaint", "5-1-302", "walk_in"),
    (5, 14, "repair", "3-2-1201", "phone"),
    (8, 20, "inquiry", "B2车库", "phone"),
    (12, 11, "repair", "3-2-1201", "phone"),
    (15, 16, "help", "5-1-302", "phone"),
    (18, 9, "repair", "3-2-1202", "phone"),
    (22, 23, "complaint", "3-2-1201", "phone"),
    (27, 10, "suggestion", "5-1-302", "online"),
)


def seed_october(services, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """Ten calls, three tickets (one repair done and called back, one complaint overdue, one help request)."""
    keep = clock.current
    ids = []
    for day, hour, category, unit, channel in CALLS:
        clock.current = datetime(2026, 10, day, hour, 5, tzinfo=SH).astimezone(UTC)
        phone = "13812345678" if channel == "phone" else ""
        call = services.calls.record(
            CallInput(content=f"{unit} {category}", category=category, channel=channel, unit=unit, phone=phone)
        )
        ids.append(call.id)
    tk = services.tickets
    clock.current = datetime(2026, 10, 1, 8, 10, tzinfo=SH).astimezone(UTC)
    t1 = tk.open_from_call(ids[0])
    clock.advance(hours=1)
    t1 = tk.dispatch(t1.number, t1.version, "maintenance")
    clock.advance(hours=20)
    t1 = tk.mark_done(t1.number, t1.version)
    clock.advance(hours=24)
    tk.callback(t1.number, t1.version, "reached", satisfaction=4)
    clock.current = datetime(2026, 10, 3, 10, 10, tzinfo=SH).astimezone(UTC)
    t2 = tk.open_from_call(ids[2], severity="minor")
    clock.advance(minutes=30)
    tk.dispatch(t2.number, t2.version, "cleaning")
    clock.current = datetime(2026, 10, 15, 16, 10, tzinfo=SH).astimezone(UTC)
    t3 = tk.open_from_call(ids[6])
    clock.advance(minutes=2)
    tk.reply(t3.number, t3.version, "on the way")
    clock.current = keep + timedelta(0)
