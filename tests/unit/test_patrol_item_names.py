"""Patrol routes and checkpoints in a handover's open items are facts (issue 12): an item keeps the route's and
checkpoint's keys with their office labels in both languages, and names them in the reader's language when it is
read. A zh-CN site's live handover read with the UI in English says the English names; the signed snapshot and the
duty-log entry hold the keys, and read back in either language name the routes in that language. A snapshot signed
before (its titles sentences in the site's language) reads as stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.i18n import set_language
from deskui.models import HandoverRecord

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 3)


def at(h: int, m: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def zh_site(settings: Settings, clock: FrozenClock) -> Iterator[Any]:
    """A desk whose site speaks zh-CN (settings.language), on the unit suite's database."""
    from deskui.services import open_services

    svc = open_services(settings.with_overrides(language="zh-CN"), clock)
    yield svc
    svc.close()


def day_shift(services: Any, clock: FrozenClock) -> dict[str, Any]:
    """The day shift walks the estate round with one abnormal finding (no ticket), starts the supervisor's round and
    does not end it, misses the 15:00 estate round, and starts its handover at 17:15 (the UI in English)."""
    set_language("en")
    wang = services.operators.add("王芳", "receptionist", "1111")
    li = services.operators.add("李强", "maintenance", "2222")
    clock.current = at(9, 10)
    walked = services.patrols.start("estate", operator=wang)
    walked = services.patrols.check(walked.id, "east_gate", ok=False, note="东门门禁失灵", operator=wang)
    services.patrols.end(walked.id, operator=wang)
    clock.current = at(10, 35)
    open_round = services.patrols.start("supervisor", operator=wang)
    clock.current = at(17, 15)
    st = services.handover.start(wang)
    return {"wang": wang, "li": li, "handover": st, "finding": walked.checks[0].id, "round": open_round.id}


def titles(items: Any) -> dict[str, str]:
    return {i.kind: i.title for i in items if i.kind.startswith("patrol")}


ENGLISH = {
    "patrol_missed": "Estate patrol 12-03 15:00",
    "patrol_finding": "East gate: 东门门禁失灵",
    "patrol_open": "#{round} Supervisor's round 王芳",
}
CHINESE = {
    "patrol_missed": "园区巡查 12-03 15:00",
    "patrol_finding": "东门: 东门门禁失灵",
    "patrol_open": "#{round} 主管巡视 王芳",
}


def expected(names: dict[str, str], played: dict[str, Any]) -> dict[str, str]:
    return {k: v.format(round=played["round"]) for k, v in names.items()}


def sign(services: Any, played: dict[str, Any]) -> Any:
    wang, li, st = played["wang"], played["li"], played["handover"]
    services.handover.arrive(st.id, li)
    st = services.handover.state(st.id)
    for c in st.counts:
        services.handover.record_count(st.id, c.key, c.expected, operator=li)
    for item in st.items:
        if item.important:
            services.handover.note(st.id, item.id, "已告知主管", operator=wang)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(st.id, item.id, operator=li)
    for check in st.checks:
        services.handover.check(st.id, check.key, operator=li)
    services.handover.sign(st.id, wang, "1111")
    return services.handover.sign(st.id, li, "2222")


def test_a_zh_site_read_in_english_names_the_routes_in_english(zh_site, clock) -> None:  # type: ignore[no-untyped-def]
    played = day_shift(zh_site, clock)
    assert titles(played["handover"].items) == expected(ENGLISH, played)
    set_language("zh-CN")
    assert titles(zh_site.handover.state(played["handover"].id).items) == expected(CHINESE, played)
    set_language("en")
    review = zh_site.review.review(DAY)
    assert titles(review.registers) == expected(ENGLISH, played)


def test_the_signed_handover_keeps_the_keys_and_reads_in_either_language(zh_site, clock) -> None:  # type: ignore[no-untyped-def]
    played = day_shift(zh_site, clock)
    st = sign(zh_site, played)
    assert st.signed
    with zh_site.db.read() as s:
        value = s.execute(
            select(HandoverRecord.value).where(HandoverRecord.handover_id == st.id, HandoverRecord.step == "snapshot")
        ).scalar_one()
    stored = {d["kind"]: d for d in json.loads(value)["items"] if d["kind"].startswith("patrol")}
    assert (stored["patrol_missed"]["route"], stored["patrol_missed"]["title"]) == ("estate", "12-03 15:00")
    assert (stored["patrol_finding"]["route"], stored["patrol_finding"]["point"]) == ("estate", "east_gate")
    assert stored["patrol_finding"]["title"] == "东门门禁失灵"
    assert (stored["patrol_open"]["route"], stored["patrol_open"]["title"]) == ("supervisor", "王芳")
    assert not [
        d["title"] for d in stored.values() for name in ("园区巡查", "主管巡视", "patrol") if name in d["title"]
    ]
    entry = next(e for e in zh_site.dutylog.entries(DAY) if e.kind == "handover")
    logged = {d["kind"]: d for d in entry.payload["items"] if d["kind"].startswith("patrol")}
    assert logged["patrol_missed"]["route"] == "estate" and logged["patrol_missed"]["title"] == "12-03 15:00"
    for language, names in (("en", ENGLISH), ("zh-CN", CHINESE), ("en", ENGLISH)):
        set_language(language)
        assert titles(zh_site.handover.state(st.id).items) == expected(names, played)
        text = next(e for e in zh_site.dutylog.entries(DAY) if e.kind == "handover").text
        assert all(title in text for title in expected(names, played).values()), text
    set_language("zh-HK")
    assert "園區巡查 12-03 15:00" in titles(zh_site.handover.state(st.id).items).values()


def test_a_snapshot_signed_before_reads_as_stored() -> None:
    """An item of a snapshot written before the keys were kept: its title, in the site's language, as stored."""
    from deskui.services.handover._facts import render_entry
    from deskui.services.handover._items import item_from

    old = {
        "id": "patrol_missed.estate:202612031500",
        "kind": "patrol_missed",
        "ref_id": 0,
        "title": "园区巡查 12-03 15:00",
        "due_at": None,
        "important": True,
        "overdue": True,
    }
    set_language("en")
    assert item_from(old).title == "园区巡查 12-03 15:00"
    payload = {"facts": 1, "outgoing": {"name": "王芳"}, "incoming": {"name": "李强"}, "items": [old]}
    assert "Patrol round missed: 园区巡查 12-03 15:00" in render_entry("handover", DAY, "day", "", payload)
