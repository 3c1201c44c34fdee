"""An open emergency's checklist steps in a handover's open items are facts (issue 12): the signed snapshot keeps
the steps' keys with their labels in both languages, not the labels in the signer's UI language, and says them in
the reader's language whenever the handover or its duty-log entry is read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.i18n import set_language
from tests.unit.test_tickets_helpers import Desk, make_desk

ENGLISH_STEPS = "open: Asked: hospital, 120 or someone to help, 120 called (or not), Guards sent"


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


def test_open_steps_are_stored_as_keys_and_read_in_the_readers_language(desk: Desk, clock: FrozenClock) -> None:
    from deskui.services.handover._facts import render_entry
    from deskui.services.handover._items import item_dict, item_from

    sh = ZoneInfo("Asia/Shanghai")
    day = date(2026, 11, 23)
    desk.svc.roster.set_assignment(day, "day", desk.rec, desk.sup)
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=sh).astimezone(UTC)
    x = desk.ticket("help", content="老人摔倒昏迷，需要急救", help_kind="medical")
    desk.tickets.help.step(x.number, x.version, "address_phone", operator=desk.rec)
    clock.current = datetime(2026, 11, 23, 17, 15, tzinfo=sh).astimezone(UTC)
    set_language("zh-CN")  # the one who signs reads Chinese
    st = desk.svc.handover.start(desk.rec)
    item = next(i for i in st.items if i.kind == "checklist_open")
    assert "询问" in item.title or "120" in item.title
    stored = item_dict(item)
    assert [s["key"] for s in stored["steps"]][:3] == ["wishes_asked", "called_120", "guards_sent"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in str(stored.get("detail_args", {})))

    set_language("en")
    assert ENGLISH_STEPS in item_from(stored).title
    payload = {"facts": 1, "outgoing": {"name": "王芳"}, "incoming": {"name": "李强"}, "items": [stored]}
    assert ENGLISH_STEPS in render_entry("handover", day, "day", "", payload)
    set_language("zh-HK")
    assert "Guards" not in item_from(stored).title
