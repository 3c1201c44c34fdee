"""Search must give exactly the rows a plain substring scan gives, for 1-, 2- and longer terms, CJK or Latin."""

from __future__ import annotations

import itertools
import sqlite3
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskui.core import scriptfold
from deskui.models import Site
from deskui.services.calls import CallInfo, CallInput, CallService
from deskui.services.common.places import parse_unit
from deskui.services.context import DeskContext

_site_codes = itertools.count(1)


def fold(s: str) -> str:
    return scriptfold.fold(s)  # NFKC, Traditional → Simplified, casefold (issue 12)


def scan(calls: list[CallInfo], term: str) -> list[int]:
    """The reference: a plain substring check over caller, unit, phone (as typed and as digits) and content."""
    needle = fold(term.strip())
    unit = parse_unit(term)  # a term that reads as a unit also finds that unit's calls (issue 10 defect 4)
    hits = []
    for c in calls:
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", c.phone) if ch.isdigit())
        same_unit = unit is not None and c.unit_key == unit.key
        if same_unit or any(needle in fold(f) for f in (c.caller, c.unit, c.phone, digits, c.content)):
            hits.append(c.id)
    return sorted(hits, reverse=True)


def all_pages(svc: CallService, term: str, page: int = 7) -> list[int]:
    out: list[int] = []
    before = None
    while True:
        rows = svc.search(term, before_id=before, limit=page)
        out += [r.id for r in rows]
        if len(rows) < page:
            return out
        before = rows[-1].id


def fresh_site(services, merge_every: int = 100) -> CallService:  # type: ignore[no-untyped-def]
    """A new site in the same database: an empty call log without a new file (hypothesis runs many examples)."""
    with services.db.write() as s:
        site = Site(code=f"T{next(_site_codes)}", name="test", created_at=datetime(2026, 1, 1, tzinfo=UTC))
        s.add(site)
        s.flush()
        site_id = site.id
    settings = replace(services.settings, calls=replace(services.settings.calls, index_merge_calls=merge_every))
    return CallService(DeskContext(services.db, settings, services.clock, site_id), directory=services.directory)


CONTENTS = [
    "厨房水管漏水，楼下天花板也湿了",
    "卫生间漏水",
    "电梯故障，困人",
    "水",
    "停水通知什么时候结束",
    "Lift 3 broken, ABC company",
    "装修噪音太大 [bold]投诉[/bold]",
    "ＡＢＣ全角字母",
    "空调外机滴水到阳台",
    "漏 水（中间有空格）",
]


@pytest.fixture
def loaded(services):  # type: ignore[no-untyped-def]
    calls = services.calls
    for i, content in enumerate(CONTENTS):
        calls.record(
            CallInput(content=content, category="repair", caller=f"张{i}", unit="3-2-1201", phone=f"1380013{i:04d}")
        )
    calls.record(
        CallInput(content="来访咨询", category="inquiry", channel="walk_in", caller="Mr. Smith", unit="B2 car park")
    )
    return calls


@pytest.mark.parametrize(
    "term",
    [
        "水",
        "漏",
        "漏水",
        "水管",
        "厨房水管",
        "厨房水管漏水",
        "天花板",
        "电梯",
        "困",
        "[bold]",
        "[/",
        "abc",
        "ABC",
        "ａｂｃ",
        "lift",
        "LIFT 3",
        "138",
        "13800130003",
        "0013",
        "张1",
        "smith",
        "car park",
        "b2",
        "漏 水",
        "3-2-1201",
        "不存在",
        "水水",
        "，",
        "  水  ",
    ],
)
def test_search_equals_a_substring_scan(loaded, term: str) -> None:  # type: ignore[no-untyped-def]
    everything = loaded.list(limit=500)
    assert [c.id for c in loaded.search(term, limit=500)] == scan(everything, term)
    assert all_pages(loaded, term, page=3) == scan(everything, term)


def test_one_two_and_four_character_chinese_terms(loaded) -> None:  # type: ignore[no-untyped-def]
    contents = {c.id: c.content for c in loaded.list()}
    assert {contents[c.id] for c in loaded.search("水")} >= {"水", "卫生间漏水", "空调外机滴水到阳台"}
    assert {contents[c.id] for c in loaded.search("漏水")} == {"厨房水管漏水，楼下天花板也湿了", "卫生间漏水"}
    assert {contents[c.id] for c in loaded.search("厨房水管")} == {"厨房水管漏水，楼下天花板也湿了"}


def test_blank_term_lists_latest_and_control_characters_match_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    assert [c.id for c in loaded.search("")] == [c.id for c in loaded.list()]
    assert loaded.search("水\x1f水") == [] and loaded.search("漏\x00") == []
    assert loaded.search("\x1b[2J") == []


def test_search_filters_and_versions(services) -> None:  # type: ignore[no-untyped-def]
    calls = services.calls
    a = calls.record(CallInput(content="漏水", category="repair", unit="3-2-1201", phone="13800138000"))
    b = calls.record(CallInput(content="漏水了", category="repair", unit="5-1-302", phone="13800138000"))
    fixed = calls.amend(a.id, CallInput(content="渗水", category="repair", unit="3-2-1201", phone="13800138000"))
    assert [c.id for c in calls.search("漏水")] == [b.id]
    assert [c.id for c in calls.search("漏水", current_only=False)] == [b.id, a.id]
    assert [c.id for c in calls.search("水", unit="3栋2单元1201")] == [fixed.id]
    assert calls.search("水", since=datetime(2030, 1, 1, tzinfo=UTC)) == []
    assert [c.id for c in calls.search("水", until=datetime(2030, 1, 1))] == [fixed.id, b.id]


def test_sites_do_not_see_each_others_calls(services) -> None:  # type: ignore[no-untyped-def]
    services.calls.record(CallInput(content="漏水", category="repair", unit="3-2-1201", phone="13800138000"))
    other = fresh_site(services)
    assert other.search("漏水") == [] and other.list() == []


def test_bulk_insert_with_index_rebuild_is_searchable(services, db_path) -> None:  # type: ignore[no-untyped-def]
    calls = services.calls
    calls.record(CallInput(content="已有的漏水", category="repair", unit="3-2-1201", phone="13800138000"))
    small = CallService(
        DeskContext(
            services.db,
            replace(services.settings, calls=replace(services.settings.calls, import_reindex_rows=5)),
            services.clock,
            services.site_id,
        ),
        directory=services.directory,
    )
    checked = [
        small.check(
            CallInput(
                content=f"第{i}户漏水" if i % 3 else f"第{i}户停电", category="inquiry", time="-1h", channel="letter"
            )
        )
        for i in range(40)
    ]
    ids = small.insert_many(checked)
    assert len(ids) == 40 and ids == sorted(ids)
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_callchar_lookup'").fetchone() == (1,)
    finally:
        con.close()
    everything = calls.list(limit=500)
    for term in ("漏水", "停电", "第1", "户"):
        assert [c.id for c in calls.search(term, limit=500)] == scan(everything, term)


ALPHABET = "水漏电梯门锁坏了楼下噪音停车aB1 "


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    contents=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=12), min_size=1, max_size=25),
    terms=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_generated_contents_and_terms_match_the_scan(services, contents: list[str], terms: list[str]) -> None:  # type: ignore[no-untyped-def]
    calls = fresh_site(services, merge_every=3)  # saves merge the pending index often
    checked = []
    for i, content in enumerate(contents):
        if not content.strip():
            content = "空" + content
        checked.append(
            calls.check(CallInput(content=content, category="inquiry", caller=f"A{i % 3}", channel="letter"))
        )
    calls.insert_many(checked[: len(checked) // 2])
    for c in checked[len(checked) // 2 :]:
        calls.record(c)
    everything = calls.list(limit=500)
    assert len(everything) == len(contents)
    for term in [*terms, "水", "漏水", "电梯门锁"]:
        if not term.strip():
            continue
        assert [c.id for c in calls.search(term, limit=500)] == scan(everything, term), term
        assert all_pages(calls, term, page=4) == scan(everything, term), term


def test_pending_index_is_merged_in_batches_and_always_searched(services, db_path) -> None:  # type: ignore[no-untyped-def]
    calls = fresh_site(services, merge_every=4)
    saved = [calls.record(CallInput(content=f"第{i}次漏水", category="inquiry", channel="letter")) for i in range(11)]
    con = sqlite3.connect(db_path)
    try:
        pending = {r[0] for r in con.execute("SELECT call_id FROM callcharpending WHERE site_id = ?", (calls.site_id,))}
        merged = {r[0] for r in con.execute("SELECT call_id FROM callchar WHERE site_id = ?", (calls.site_id,))}
    finally:
        con.close()
    assert pending and merged and not pending & merged and len(pending) <= 4
    assert pending | merged == {c.id for c in saved}
    assert [c.id for c in calls.search("漏水")] == [c.id for c in reversed(saved)]
    assert [c.id for c in calls.search("第1")] == [saved[10].id, saved[1].id]
    assert all_pages(calls, "水", page=2) == [c.id for c in reversed(saved)]


# --- issue 10 defect 4: a term that reads as a unit finds that unit's calls, whatever spelling they were logged in


UNIT_SPELLINGS = ["3-2-1201", "3栋2单元1201", "3#2-1201", "三栋二单元1201", "３－２－１２０１", "3号楼2单元1201室"]


@pytest.mark.parametrize("term", UNIT_SPELLINGS)
def test_a_unit_term_finds_every_spelling_of_that_unit(services, term: str) -> None:  # type: ignore[no-untyped-def]
    calls = services.calls
    ids = [
        calls.record(CallInput(content=f"漏水{i}", category="repair", unit=spelling, phone="13800138000")).id
        for i, spelling in enumerate(UNIT_SPELLINGS)
    ]
    other = calls.record(CallInput(content="3-2-1201楼上漏水", category="repair", unit="3-2-1101", phone="110"))
    calls.record(CallInput(content="别的单元", category="repair", unit="3-2-1202", phone="110"))
    expected = sorted(ids, reverse=True)
    if fold(term) == "3-2-1201":
        expected = [other.id, *expected]  # also a plain text match in another unit's content
    assert [c.id for c in calls.search(term)] == expected
    assert all_pages(calls, term, page=2) == expected
    # the side panel and `calls list --unit` agree with it
    assert {c.id for c in calls.list(unit=term)} == set(ids)
