"""Records deskui writes itself store facts, not sentences in someone's UI language (issue 12): the handover's and
the review's duty-log entries, and the tickets deskui opens for itself (a shortage at handover, a patrol finding).
The same scripted day, played once with the UI in English and once in Chinese, leaves the same rows byte for byte;
each record is rendered in the reader's language when it is read. Old rows written as sentences read as stored."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.i18n import set_language, t
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput
from deskui.services.tickets import TicketInput

SH = ZoneInfo("Asia/Shanghai")
NIGHT = date(2026, 11, 23)
MORNING = date(2026, 11, 24)
START = datetime(2026, 11, 23, 20, 0, tzinfo=SH).astimezone(UTC)

# Columns that differ between two databases for reasons other than language: random salts and keys.
RANDOM_COLUMNS = {"pin_hash", "seal"}


def at(day: date, h: int, m: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


def play_day(services: Any, clock: FrozenClock) -> dict[str, Any]:
    """A night and its morning through the services: a log entry, a call, a key lent, a patrol finding made a
    ticket, the handover with a walkie-talkie short (its ticket opened at sign-off), both signatures, and the
    supervisor's review of the night with a note."""
    clock.current = at(NIGHT, 20)
    add = services.operators.add
    wang, li, chen = (
        add("王芳", "receptionist", "1111"),
        add("李强", "maintenance", "2222"),
        add("陈静", "supervisor", "3333"),
    )
    services.roster.set_assignment(NIGHT, "night", li, chen)
    services.roster.set_assignment(MORNING, "day", wang, chen)
    services.dutylog.add("22:00 巡查B2车库，照明正常", operator=li)
    call = services.calls.record(
        CallInput(content="厨房水管漏水", category="repair", caller="张先生", unit="3-2-1201", phone="13800138000"),
        operator=li,
    )
    services.keys.lend("机房A", "电工 老周", operator=li, due="23:30")
    complaint = TicketInput(kind="complaint", severity="important", unit="3-2-1202", description="楼上装修噪音到深夜")
    services.tickets.create(complaint, operator=chen)  # its supervisor not told: an escalation item at handover
    clock.current = at(NIGHT, 23, 0)
    r = services.patrols.start("estate")
    r = services.patrols.check(r.id, "east_gate", ok=False, note="东门门禁失灵")
    finding = services.patrols.open_ticket(r.checks[0].id, operator=chen)
    clock.current = at(MORNING, 8, 10)
    st = services.handover.start(li)
    services.handover.arrive(st.id, wang)
    for eq in services.settings.equipment:
        extra = {"explanation": "夜里借给保安巡逻", "holder": "保安 老赵"} if eq.key == "walkie_talkie" else {}
        n = eq.count - 1 if eq.key == "walkie_talkie" else eq.count
        services.handover.record_count(st.id, eq.key, n, operator=wang, **extra)
    st = services.handover.state(st.id)
    for item in st.items:
        if item.important:
            services.handover.note(st.id, item.id, "已电话告知主管", operator=li)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(st.id, item.id, operator=wang)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(st.id, key, operator=wang, note="东门灯不亮" if key == "area_checked" else "")
    services.handover.dispose(st.id, call.id, "handled", operator=wang, reason="夜里已修好")
    services.handover.sign(st.id, li, "2222")
    st = services.handover.sign(st.id, wang, "1111")
    clock.current = at(MORNING, 9, 0)
    services.review.sign(NIGHT, chen, "3333", note="夜班记录完整")
    return {"handover": st, "finding": finding}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order, without the columns that are random by design."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if r[1] not in RANDOM_COLUMNS]
            if not cols:
                continue
            names = ", ".join(f'"{c}"' for c in cols)
            out[table] = [tuple(zip(cols, row, strict=True)) for row in con.execute(f'SELECT {names} FROM "{table}"')]
            out[table].sort(key=repr)
        return out
    finally:
        con.close()


@pytest.fixture
def second_desk(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> Iterator[tuple[Any, FrozenClock, Path]]:
    """Another desk like the `services` fixture's, on a database file of its own."""
    from deskui.services import open_services

    path = tmp_path / "second.db"
    shutil.copy2(request.getfixturevalue("migrated_template"), path)
    clock = FrozenClock()
    svc = open_services(settings.with_overrides(database_url=f"sqlite:///{path}"), clock)
    yield svc, clock, path
    svc.close()


def test_the_same_day_in_english_and_chinese_writes_the_same_rows(services, clock, db_path, second_desk) -> None:
    set_language("en")
    play_day(services, clock)
    other, other_clock, other_path = second_desk
    set_language("zh-CN")
    play_day(other, other_clock)
    set_language("en")
    english, chinese = dump(db_path), dump(other_path)
    assert english.keys() == chinese.keys()
    found = differences(english, chinese)
    assert not found, "\n".join(found)
    assert verify_log(services.dutylog).intact and verify_log(other.dutylog).intact


def differences(a: dict[str, list[tuple[Any, ...]]], b: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Each cell that differs, as "table.column: 'en value' != 'zh value'" (rows in the same order)."""
    out = []
    for table in a:
        if len(a[table]) != len(b[table]):
            out.append(f"{table}: {len(a[table])} rows != {len(b[table])} rows")
            continue
        for row_a, row_b in zip(a[table], b[table], strict=True):
            out += [f"{table}.{x[0]}: {x[1]!r} != {y[1]!r}" for x, y in zip(row_a, row_b, strict=True) if x != y]
    return out


def test_the_records_read_in_the_readers_language(services, clock) -> None:
    """Signed in English, read in Chinese (and back): the handover's and the review's entries say their facts in the
    reader's language; what people typed (the note, the explanation, the reason) stays as typed."""
    set_language("en")
    played = play_day(services, clock)
    number = played["handover"].discrepancies[0].ticket_number
    handover, review = (e for e in services.dutylog.entries(NIGHT) if e.kind in ("handover", "review"))
    assert (handover.stored_text, review.stored_text) == ("", "夜班记录完整")
    assert handover.text.splitlines()[:2] == [
        "Handover of the Night shift of 2026-11-23: 李强 to 王芳",
        f"Walkie-talkie: 3 of 4 (夜里借给保安巡逻; held by: 保安 老赵) → {number}",
    ]
    assert "#1 Handled: 夜里已修好" in handover.text.splitlines()
    assert review.text == "Duty log of 2026-11-23 reviewed and signed\n夜班记录完整"
    set_language("zh-CN")
    handover, review = (e for e in services.dutylog.entries(NIGHT) if e.kind in ("handover", "review"))
    assert handover.text.splitlines()[:2] == [
        "2026-11-23 夜班交接：李强 交给 王芳",
        f"对讲机：3/4（夜里借给保安巡逻；物品在：保安 老赵） → {number}",
    ]
    assert "#1 已处理: 夜里已修好" in handover.text.splitlines() and "night" not in handover.text
    assert review.text == "2026-11-23 的值班记录已审核并签字\n夜班记录完整"
    assert services.review.review(NIGHT).entries[-1].text == review.text  # the review screen reads the same
    # The signed handover's items (its snapshot) with deskui's own words in the reader's language too.
    escalation = f"TS-20261123-0001 3-2-1202 楼上装修噪音到深夜 ({t('supervisor not told yet')})"
    assert services.handover.state(played["handover"].id).items[0].title == escalation
    assert f"{t('Escalation not acknowledged')}: {escalation} — 已电话告知主管" in handover.text.splitlines()
    set_language("en")
    escalation = "TS-20261123-0001 3-2-1202 楼上装修噪音到深夜 (supervisor not told yet)"
    assert services.handover.state(played["handover"].id).items[0].title == escalation


def test_an_entry_written_as_a_sentence_before_reads_as_stored(services, clock) -> None:
    """Rows written before facts were stored (their payload has no facts version) keep showing what they say."""
    from deskui.services.handover._dutylog_chain import append_entry

    play_day(services, clock)
    old = "2026-11-23 night 班交接：李强 交给 王芳\n对讲机：3/4（夜里借给保安巡逻；物品在：保安 老赵）"
    with services.db.write() as s:
        append_entry(
            s,
            services.site_id,
            kind="handover",
            duty_date=NIGHT,
            shift_key="night",
            written_at=clock.now(),
            operator=None,
            text=old,
            ref_key="handover:old",
            payload={"handover_id": 99, "outgoing": {"id": 1, "name": "李强"}, "incoming": {"id": 2, "name": "王芳"}},
        )
    set_language("zh-CN")
    entry = services.dutylog.entries(NIGHT)[-1]
    assert entry.ref_key == "handover:old" and entry.text == entry.stored_text == old
    set_language("en")
    assert services.dutylog.entries(NIGHT)[-1].text == old


def test_the_export_keeps_the_stored_text_and_shows_the_facts(services, clock) -> None:
    """The JSON export keeps `text` exactly as hashed (the chain re-checks from it); `shown` is the entry in the
    exporter's language."""
    import io
    import json

    from deskui.services.handover import export
    from deskui.services.handover._chain import entry_hash

    play_day(services, clock)
    set_language("zh-CN")
    buf = io.StringIO()
    export(list(services.dutylog.between()), "json", services.settings, output=None, stdout=buf)
    rows = json.loads(buf.getvalue())
    handover = next(r for r in rows if r["kind"] == "handover")
    assert handover["text"] == "" and handover["shown"].startswith("2026-11-23 夜班交接：李强 交给 王芳")
    stored = services.dutylog.by_seq(handover["seq"])
    assert (
        entry_hash(
            {
                "site_id": services.site_id,
                "seq": stored.seq,
                "kind": stored.kind,
                "duty_date": stored.duty_date,
                "shift_key": stored.shift_key,
                "written_at": stored.time,
                "operator_id": stored.operator_id,
                "operator_name": stored.operator,
                "text": handover["text"],
                "amends_id": stored.amends_id,
                "ref_key": stored.ref_key,
                "payload": handover["payload"],
            },
            handover["prev_hash"],
        )
        == handover["hash"]
    )


def test_the_tickets_deskui_opened_read_in_the_readers_language(services, clock) -> None:
    """Stored in the site's language (English here), read in Chinese: the shortage's and the patrol finding's
    tickets say their facts in the reader's language, what people typed as typed."""
    set_language("en")
    played = play_day(services, clock)
    shortage = played["handover"].discrepancies[0].ticket_id
    finding = played["finding"].ticket_id
    route = next(r for r in services.settings.patrols.routes if r.key == "estate")
    gate = next(p for p in route.checkpoints if p.key == "east_gate")
    set_language("zh-CN")
    assert services.tickets.get(shortage).description == (
        "2026-11-23 夜班交接：对讲机缺少（清点 3 件，应有 4 件）；夜里借给保安巡逻；物品在：保安 老赵"
    )
    patrol = f"巡查（{route.label('zh-CN')}，#1，2026-11-23 23:00），{gate.label('zh-CN')}：东门门禁失灵"
    assert services.tickets.get(finding).description == patrol
    set_language("en")
    assert services.tickets.get(shortage).description == (
        "Handover of the Night shift of 2026-11-23: Walkie-talkie missing (3 of 4); 夜里借给保安巡逻; held by: 保安 老赵"
    )
