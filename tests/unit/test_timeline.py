"""One unit's whole story (issue 13 item 7): each source, newest first, filters by kind and time, any spelling of
the unit (also inside free text, in any script), an unknown unit, and the indexes each source's query walks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.core.errors import NotFound, ValidationError
from deskui.services.timeline import (
    GROUPS,
    TimelineEntry,
    TimelineService,
    TimelineSource,
    expand_kinds,
    like_patterns,
    mentions,
)
from tests.unit.test_tickets_helpers import Desk, make_desk

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(services, clock) -> Desk:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=SH).astimezone(UTC)
    return make_desk(services)


def story(desk: Desk) -> dict[str, int]:
    """A morning at the desk for 3-2-1201 (and a neighbour), one minute apart; what was made, by name."""
    svc, clock = desk.svc, desk.svc.clock
    made: dict[str, int] = {}
    made["call"] = desk.call("厨房水管漏水", unit="3栋2单元1201室")
    clock.advance(minutes=1)
    desk.call("楼上噪音", "complaint", unit="3-2-1101")  # the neighbour: never in 3-2-1201's story
    clock.advance(minutes=1)
    x = svc.tickets.open_from_call(made["call"], operator=desk.rec)
    made["ticket"] = x.id
    clock.advance(minutes=1)
    x = svc.tickets.dispatch(x.number, x.version, "maintenance", operator=desk.rec)
    clock.advance(minutes=1)
    x = svc.tickets.mark_done(x.number, x.version, operator=desk.mnt)
    clock.advance(minutes=1)
    x = svc.tickets.callback(x.number, x.version, "reached", satisfaction=5, comment="很满意", operator=desk.rec)
    clock.advance(minutes=1)
    made["log"] = svc.dutylog.add("3#2-1201 业主反映楼道灯坏了，已报修", operator=desk.rec).id
    svc.dutylog.add("13栋2单元1201 与本户无关", operator=desk.rec)  # another building's 1201
    clock.advance(minutes=1)
    made["visit"] = svc.visitors.sign_in("李四", "3-2-1201", "探亲").id
    clock.advance(minutes=1)
    made["parcel"] = svc.parcels.receive("3栋2单元1201", "顺丰", tracking="SF1", shelf="A3").id
    clock.advance(minutes=1)
    made["pass"] = svc.passes.issue("3-2-1201", "张三", "旧沙发一张", consent="业主电话确认").id
    clock.advance(minutes=1)
    return made


def test_every_source_newest_first_in_any_spelling(desk: Desk) -> None:
    made = story(desk)
    timeline = TimelineService.of(desk.svc)
    for spelling in ("3-2-1201", "3栋2单元1201", "3#2-1201", "三栋二单元1201室", "３栋２单元１２０１"):
        got = timeline.timeline(spelling)
        assert got.key == "3-2-1201"
        kinds = [e.kind for e in got.entries]
        assert kinds == [
            "pass",
            "parcel",
            "visit",
            "log",
            "callback",
            "ticket_event",
            "ticket_event",
            "ticket",
            "call",
        ], spelling
        times = [e.at for e in got.entries]
        assert times == sorted(times, reverse=True)
    by_kind = {e.kind: e for e in got.entries}
    assert (by_kind["call"].id, by_kind["call"].call_id, by_kind["call"].unit) == (
        made["call"],
        made["call"],
        "3栋2单元1201室",
    )
    assert "厨房水管漏水" in by_kind["call"].summary
    ticket = by_kind["ticket"]
    assert (ticket.id, ticket.ticket_id, ticket.number[:2], ticket.state) == (
        made["ticket"],
        made["ticket"],
        "WX",
        "done",
    )
    callback = by_kind["callback"]
    assert (callback.ticket_id, callback.number, callback.state) == (made["ticket"], ticket.number, "reached")
    assert "很满意" in callback.summary and "5/5" in callback.summary
    assert (by_kind["log"].id, by_kind["log"].number[0], by_kind["log"].state) == (made["log"], "#", "entry")
    assert (by_kind["visit"].id, by_kind["visit"].state) == (made["visit"], "inside")
    assert (by_kind["parcel"].id, by_kind["parcel"].state) == (made["parcel"], "waiting")
    assert "顺丰" in by_kind["parcel"].summary
    assert (by_kind["pass"].id, by_kind["pass"].number[:2], by_kind["pass"].state) == (made["pass"], "FX", "valid")
    assert all(e.at.tzinfo is not None for e in got.entries)


def test_the_neighbour_has_its_own_story(desk: Desk) -> None:
    story(desk)
    got = TimelineService.of(desk.svc).timeline("3-2-1101")
    assert [e.kind for e in got.entries] == ["call"]
    assert "楼上噪音" in got.entries[0].summary


def test_filters_by_kind_and_group(desk: Desk) -> None:
    story(desk)
    timeline = TimelineService.of(desk.svc)
    assert [e.kind for e in timeline.timeline("3-2-1201", kinds=["calls"]).entries] == ["call"]
    assert {e.kind for e in timeline.timeline("3-2-1201", kinds=["tickets"]).entries} == {
        "ticket",
        "ticket_event",
        "callback",
    }
    assert [e.kind for e in timeline.timeline("3-2-1201", kinds=["callback", "PARCEL"]).entries] == [
        "parcel",
        "callback",
    ]
    assert [e.kind for e in timeline.timeline("3-2-1201", kinds=["registers"]).entries] == ["pass", "parcel", "visit"]
    assert [e.kind for e in timeline.timeline("3-2-1201", kinds=["log"]).entries] == ["log"]
    with pytest.raises(ValidationError, match="Unknown kind"):
        timeline.timeline("3-2-1201", kinds=["nonsense"])
    assert expand_kinds([]) == frozenset(GROUPS["all"])


def test_filters_by_time_and_limit(desk: Desk) -> None:
    story(desk)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
    timeline = TimelineService.of(desk.svc)
    after_log = timeline.timeline("3-2-1201", since=start + timedelta(minutes=6))
    assert [e.kind for e in after_log.entries] == ["pass", "parcel", "visit", "log"]
    before_ticket = timeline.timeline("3-2-1201", until=start + timedelta(minutes=2))
    assert [e.kind for e in before_ticket.entries] == ["call"]
    # A naive time is read in the site's zone.
    naive = timeline.timeline("3-2-1201", since=datetime(2026, 12, 1, 9, 7))
    assert [e.kind for e in naive.entries] == ["pass", "parcel", "visit"]
    two = timeline.timeline("3-2-1201", limit=2)
    assert ([e.kind for e in two.entries], two.more) == (["pass", "parcel"], True)
    with pytest.raises(ValidationError):
        timeline.timeline("3-2-1201", limit=0)


def test_a_corrected_call_shows_once_as_its_correction(desk: Desk) -> None:
    from deskui.services.calls import CallInput

    first = desk.call("水管漏水", unit="3-2-1201")
    fixed = desk.svc.calls.amend(
        first, CallInput(content="水管漏水（厨房）", category="repair", unit="3-2-1201", phone="13812345678")
    )
    got = TimelineService.of(desk.svc).timeline("3-2-1201", kinds=["call"])
    assert [(e.id, e.state) for e in got.entries] == [(fixed.id, "corrected")]


def test_an_unknown_unit(desk: Desk) -> None:
    timeline = TimelineService.of(desk.svc)
    with pytest.raises(NotFound, match="9-9-9999"):
        timeline.timeline("9-9-9999", strict=True)
    assert timeline.timeline("9-9-9999").entries == ()
    # A place the directory does not list, but which records name, has a story.
    desk.call("东门栏杆坏了", unit="东门")
    got = timeline.timeline("东 门", strict=True)
    assert (got.known, [e.kind for e in got.entries]) == (False, ["call"])
    with pytest.raises(ValidationError):
        timeline.timeline("  ")


def test_a_source_is_one_function(desk: Desk) -> None:
    """Adding a source (renovations, keys) is a function and a TimelineSource: the service merges it in."""

    def renovations(services, query):  # type: ignore[no-untyped-def]
        return [
            TimelineEntry("renovation", 1, "ZX-1", "3-2-1201", query.key, services.clock.now(), "厨房改造", "active")
        ]

    timeline = TimelineService(
        desk.svc.ctx, services=desk.svc, sources=[TimelineSource("r", ("renovation",), renovations)]
    )
    assert [e.kind for e in timeline.timeline("3栋2单元1201").entries] == ["renovation"]
    assert timeline.timeline("3-2-1201", kinds=["calls"]).entries == ()


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("3栋2单元1201室漏水", "3-2-1201", True),
        ("3#2-1201 业主来电", "3-2-1201", True),
        ("业主三栋二单元1201反映", "3-2-1201", True),
        ("３栋２单元１２０１", "3-2-1201", True),
        ("3 号楼 2 单元 1201 室", "3-2-1201", True),
        ("见 3-2-1201。", "3-2-1201", True),
        ("13栋2单元1201", "3-2-1201", False),
        ("3栋2单元12015", "3-2-1201", False),
        ("3栋2单元11201", "3-2-1201", False),
        ("3栋2单元1201", "2-1201", False),
        ("电话 13800001201", "3-2-1201", False),
        ("1栋里的3栋2单元1201", "3-2-1201", True),
        ("A座12樓C室冷氣滴水", "A-12B", False),
        ("B座12樓B室", "A-12B", False),
        ("A座2樓B室", "A-12B", False),
        ("A座12樓B室", "2期-A-12B", False),
        ("3棟2單元12樓01室", "3-2-1202", False),
        ("东门栏杆", "public:东门", True),
        ("西门栏杆", "public:东门", False),
        ("", "3-2-1201", False),
    ],
)
def test_a_unit_named_in_free_text(text: str, key: str, expected: bool) -> None:
    assert mentions(text, key) is expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("A座12樓B室冷氣滴水", "A-12B"),
        ("住戶反映A座12楼B室门铃坏了", "A-12B"),
        ("A座 12/F B室 業主來電", "A-12B"),
        ("A座十二樓B室", "A-12B"),
        ("2期A座12樓B室", "2期-A-12B"),
        ("3棟2單元12樓01室漏水", "3-2-1201"),
        ("A座12F之3 住戶", "A-1203"),
        ("3栋2单元1201室；A座12樓B室", "A-12B"),
    ],
)
def test_a_unit_written_floor_and_flat_apart(text: str, key: str) -> None:
    """Hong Kong and Taiwan write the floor and the flat apart; the room is the two together (services.common.places)."""
    assert mentions(text, key)
    assert any(_like(text, p) for p in like_patterns(key)), "the SQL filter lets the line through"


def _like(text: str, pattern: str) -> bool:
    """SQL LIKE with backslash escapes, case-sensitive (as PostgreSQL), for the patterns of `like_patterns`."""
    import re

    parts = re.split(r"(\\.|%|_)", pattern)
    rx = "".join(
        ".*" if p == "%" else "." if p == "_" else re.escape(p[1:] if p.startswith("\\") else p) for p in parts
    )
    return re.fullmatch(rx, text, re.DOTALL) is not None


def test_duty_log_written_hong_kong_style_is_in_the_units_story(desk: Desk) -> None:
    svc = desk.svc
    found = svc.dutylog.add("A座12樓B室 冷氣滴水，已通知維修", operator=desk.rec).id
    svc.dutylog.add("A座12樓C室 鄰居投訴噪音", operator=desk.rec)  # the neighbour's flat on the same floor
    also = svc.dutylog.add("a座12/f b室 門鈴壞了", operator=desk.rec).id
    timeline = TimelineService.of(desk.svc)
    for asked in ("A-12B", "A座12楼B室", "A座12樓B室"):
        assert [e.id for e in timeline.timeline(asked, kinds=["log"]).entries] == [also, found], asked


def test_like_patterns_cover_full_width_digits() -> None:
    assert set(like_patterns("3-2-1201")) >= {"%1201%", "%１２０１%"}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("since", [None, datetime(2026, 11, 1, tzinfo=UTC)])
def test_each_source_walks_an_index(desk: Desk, since: datetime | None) -> None:
    """The unit's calls come off ix_call_site_unit_key (no sort: the index is in id order) and its tickets off
    ix_ticket_unit, never a scan of the table (the call log holds a million rows), with or without a time range."""
    from sqlalchemy import text

    from deskui.services.timeline import TimelineQuery
    from deskui.services.timeline._sources import calls_statement, tickets_statement

    query = TimelineQuery("3-2-1201", "3-2-1201", None, expand_kinds(()), since, None, 500)
    engine = desk.svc.db.engine

    def plan(statement) -> str:  # type: ignore[no-untyped-def]
        sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as con:
            return " | ".join(str(r[-1]) for r in con.execute(text("EXPLAIN QUERY PLAN " + sql)))

    calls_plan = plan(calls_statement(desk.svc.site_id, query))
    assert "ix_call_site_unit_key" in calls_plan and "TEMP B-TREE" not in calls_plan, calls_plan
    assert "SCAN call" not in calls_plan.replace("SCAN call USING", ""), calls_plan
    tickets_plan = plan(tickets_statement(desk.svc.site_id, query))
    assert "ix_ticket_unit" in tickets_plan, tickets_plan


def test_a_public_place_by_its_key(desk: Desk) -> None:
    desk.call("东门栏杆坏了", unit="东门")
    desk.svc.visitors.sign_in("送水工", "东门", "送水")
    got = TimelineService.of(desk.svc).timeline("public:东门")
    assert (got.key, [e.kind for e in got.entries]) == ("public:东门", ["visit", "call"])


def test_renovations_with_their_inspections(desk: Desk) -> None:
    svc, clock = desk.svc, desk.svc.clock
    permit = svc.renovations.open("3栋2单元1201", "张三", "好家装饰", "2026-12-02", "2026-12-20", "厨房改造")
    svc.renovations.open("3-2-1101", "王五", "别家装饰", "2026-12-02", "2026-12-20", "卫生间")
    clock.advance(minutes=5)
    svc.renovations.approve(permit.number, operator=desk.sup)
    clock.advance(days=1)
    svc.renovations.inspect(permit.number, "issue", "阳台违规开洞", operator=desk.rec)
    got = TimelineService.of(desk.svc).timeline("3-2-1201", kinds=["renovation"]).entries
    assert [(e.kind, e.number, e.state) for e in got] == [
        ("renovation", permit.number, "issue"),
        ("renovation", permit.number, "active"),  # approved and begun: works in progress
    ]
    assert "阳台违规开洞" in got[0].summary and "好家装饰" in got[1].summary
    assert "registers" in GROUPS and "renovation" in GROUPS["registers"]


def test_patrol_findings_that_name_the_unit(desk: Desk) -> None:
    svc = desk.svc
    round_ = svc.patrols.start("estate", operator=desk.rec)
    svc.patrols.check(round_.id, "east_gate", ok=False, note="3栋2单元1201门口堆放装修垃圾", operator=desk.rec)
    svc.patrols.check(round_.id, "garden", ok=False, note="13栋2单元1201外墙脱落", operator=desk.rec)
    svc.patrols.check(round_.id, "lift_1", ok=True, operator=desk.rec)
    got = TimelineService.of(desk.svc).timeline("3-2-1201", kinds=["patrol"]).entries
    assert [(e.kind, e.state) for e in got] == [("patrol", "abnormal")]
    assert "East gate" in got[0].summary and "装修垃圾" in got[0].summary


def test_keys_that_open_the_unit_and_their_loans(desk: Desk) -> None:
    svc, clock = desk.svc, desk.svc.clock
    svc.key_inventory.add(
        "3-2-1201", "3栋2单元1201 入户门（业主寄存）", "A-12", authority="业主书面同意", operator=desk.rec
    )
    svc.key_inventory.add("配电房", "1栋配电房", "B-1", operator=desk.rec)
    clock.advance(minutes=5)
    svc.keys.lend("3-2-1201", "李强", operator=desk.rec, purpose="入户查漏水", authority="业主电话同意")
    got = TimelineService.of(desk.svc).timeline("3栋2单元1201", kinds=["key"]).entries
    assert [(e.kind, e.state) for e in got] == [("key", "out"), ("key", "held")]
    assert "李强" in got[0].summary and "A-12" in got[1].summary
