"""Home's "Open items handed over" lists each thing once: a ticket both overdue and with its escalation not told
is one line, but two missed rounds of the same route (or two items whose titles share a first word) are two."""

from __future__ import annotations

from deskui.services.handover import OpenItem
from deskui.services.today._lines import handed_over_once


def test_each_thing_handed_over_is_listed_once() -> None:
    items = [
        OpenItem("ticket:7", "ticket_overdue", 7, "BX-20261203-007 漏水"),
        OpenItem("escalation:7", "escalation", 7, "BX-20261203-007 漏水 (supervisor not told yet)"),
        OpenItem("patrol_missed.estate:202612031500", "patrol_missed", 0, "Estate patrol 12-03 15:00"),
        OpenItem("patrol_missed.estate:202612031900", "patrol_missed", 0, "Estate patrol 12-03 19:00"),
        OpenItem("key:3", "key", 3, "K-12 → 张师傅"),
        OpenItem("key:4", "key", 4, "K-12 → 李师傅"),
    ]
    assert [i.id for i in handed_over_once(items)] == [
        "ticket:7",
        "patrol_missed.estate:202612031500",
        "patrol_missed.estate:202612031900",
        "key:3",
        "key:4",
    ]
