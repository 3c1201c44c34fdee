"""The call log service: saving, every refusal (and that it writes nothing), append-only, drafts, shifts."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.services.calls import CallInput

SH = ZoneInfo("Asia/Shanghai")
# The shared FrozenClock starts at 2026-11-23 02:00 UTC = 10:00 in Shanghai (day shift).


def repair(**kw: object) -> CallInput:
    base: dict[str, object] = {
        "content": "厨房水管漏水",
        "category": "repair",
        "caller": "张先生",
        "unit": "3栋2单元1201",
        "phone": "13800138000",
        "visit_time": "明天上午",
    }
    base.update(kw)
    return CallInput(**base)  # type: ignore[arg-type]


def counts(db_path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db_path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("call", "callchar", "calldraft"))  # type: ignore[return-value]
    finally:
        con.close()


@pytest.fixture
def svc(services):  # type: ignore[no-untyped-def]
    services.directory.add_unit("3-2-1201")
    services.directory.add_resident("张三", "3-2-1201", "13812345678")
    return services


# --- saving -----------------------------------------------------------------------------------------------------


def test_record_stores_every_field_and_derives_the_rest(svc) -> None:  # type: ignore[no-untyped-def]
    op = svc.operators.add("王芳", "receptionist", "1111")
    call = svc.calls.record(repair(time="-10m", urgent=True), operator=op)
    assert call.time == datetime(2026, 11, 23, 1, 50, tzinfo=UTC)
    assert (call.caller, call.unit, call.phone, call.category, call.channel) == (
        "张先生",
        "3栋2单元1201",
        "13800138000",
        "repair",
        "phone",
    )
    assert call.unit_key == "3-2-1201"
    assert call.unit_id == svc.directory.resolve_unit("3-2-1201").id
    assert call.ticket_wanted and call.urgent
    assert (call.operator_id, call.operator) == (op.id, "王芳")
    assert (call.shift, call.duty_date) == ("day", date(2026, 11, 23))
    assert svc.calls.get(call.id) == call


def test_public_place_is_free_text_without_unit_id(svc) -> None:  # type: ignore[no-untyped-def]
    call = svc.calls.record(repair(unit="B2 car park", content="地下车库灯坏了"))
    assert call.unit == "B2 car park" and call.unit_id is None and call.unit_key == "public:b2carpark"


def test_category_and_channel_by_any_case_or_chinese_label(svc) -> None:  # type: ignore[no-untyped-def]
    assert svc.calls.record(repair(category="REPAIR")).category == "repair"
    assert svc.calls.record(repair(category="投诉")).category == "complaint"
    assert svc.calls.record(repair(category="inquiry", channel="来访", phone="")).channel == "walk_in"
    assert not svc.calls.record(repair(category="Inquiry")).ticket_wanted


def test_walk_in_may_leave_no_phone_but_a_phone_call_may_not(svc, db_path) -> None:  # type: ignore[no-untyped-def]
    assert svc.calls.record(repair(channel="walk_in", phone="")).phone == ""
    with pytest.raises(ValidationError) as exc:
        svc.calls.record(repair(channel="phone", phone=""))
    assert exc.value.field == "phone"
    assert counts(db_path)[0] == 1


def test_landline_with_extension_is_accepted(svc) -> None:  # type: ignore[no-untyped-def]
    assert svc.calls.record(repair(phone="0755-8888 1234 转 123")).phone == "0755-8888 1234 转 123"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"content": ""}, "content", "required"),
        ({"content": "  \n\t "}, "content", "required"),
        ({"category": "plumbing"}, "category", "repair, complaint, inquiry"),
        ({"channel": "pigeon"}, "channel", "phone, walk_in, letter"),
        ({"time": "+10m"}, "time", "future"),
        ({"time": "明天 9:00"}, "time", "future"),
        ({"time": "later"}, "time", "later"),
        ({"phone": "138abc0000"}, "phone", "letters"),
        ({"phone": "call me"}, "phone", "letters"),
        ({"phone": "12"}, "phone", "12"),
        ({"content": "x" * 1_000_000}, "content", "too long"),
        ({"content": "x" * 10_001}, "content", "10,000"),
        ({"caller": "张" * 201}, "caller", "too long"),
        ({"content": "bad\x00byte"}, "content", "U+0000"),
        ({"content": "bell\x07"}, "content", "U+0007"),
        ({"content": "c1\x85next line"}, "content", "U+0085"),
        ({"content": "CR\r\nLF"}, "content", "line break"),
        ({"caller": "张\n先生"}, "caller", "line break"),
        ({"caller": "张\t先生"}, "caller", "U+0009"),
        ({"unit": "3-2\x1b-1201"}, "unit", "escape"),
        ({"content": "clear \x1b[2J screen"}, "content", "escape"),
        ({"caller": "\x1b]0;pwned\x07"}, "caller", "escape"),
        ({"content": "csi \x9b2J"}, "content", "escape"),
        ({"visit_time": "上午\x1b[31m"}, "visit_time", "escape"),
        ({"unit": ""}, "unit", "unit"),
        ({"content": "lone \ud800 surrogate"}, "content", "surrogate"),
    ],
)
def test_bad_input_is_refused_with_field_and_reason_and_nothing_written(svc, db_path, changes, field, words) -> None:  # type: ignore[no-untyped-def]
    before = counts(db_path)
    token = str(uuid.uuid4())
    with pytest.raises(ValidationError) as exc:
        svc.calls.record(repair(**changes), client_token=token)
    assert exc.value.field == field
    assert words.lower() in exc.value.message.lower()
    assert "\n" not in exc.value.message  # one line, for the CLI and the form
    assert counts(db_path) == before


def test_one_megabyte_paste_is_refused_quickly_with_a_clear_message(svc) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        svc.calls.check(repair(content="漏" * (1 << 20)))
    assert exc.value.message == "Content is too long: 1,048,576 characters, at most 10,000 are allowed"


def test_escape_message_names_the_field_and_why(svc) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        svc.calls.check(repair(content="ok\x1b[2J"))
    assert exc.value.message.startswith("Content holds a terminal escape sequence (ESC at character 3)")


def test_problems_reports_every_bad_field_at_once(svc) -> None:  # type: ignore[no-untyped-def]
    found = svc.calls.problems(CallInput(content="", category="nope", phone="abc", time="+2h"))
    assert set(found) == {"time", "phone", "category", "content"}
    assert svc.calls.problems(repair()) == {}


@pytest.mark.parametrize("text", ["[bold]red[/bold]", "[/", "[", "[link=http://x]点我[/link]", "\\[bold]", "[/]"])
def test_markup_is_plain_text_stored_byte_for_byte(svc, text) -> None:  # type: ignore[no-untyped-def]
    call = svc.calls.record(repair(content=text, caller=text))
    again = svc.calls.get(call.id)
    assert again.content == text and again.caller == text


_SPECIAL = st.sampled_from(
    ["[", "[/", "[bold]", "[/bold]", "漏水", "👍🏽", "e\u0301", "שלום", "مرحبا", "\u202e", "\n", "\t"]
)


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.one_of(st.text(), _SPECIAL), max_size=6).map("".join))
def test_any_text_that_passes_validation_round_trips(svc, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        checked = svc.calls.check(repair(content=text))
    except ValidationError:
        return
    call = svc.calls.record(checked)
    stored = svc.calls.get(call.id).content
    assert stored == text
    assert stored.encode("utf-8") == text.encode("utf-8")
    caller = text.strip()
    try:
        checked = svc.calls.check(repair(caller=text))
    except ValidationError:
        return
    assert svc.calls.get(svc.calls.record(checked).id).caller == caller


# --- time and shift -----------------------------------------------------------------------------------------------


def test_time_as_typed_with_frozen_clock(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    assert svc.calls.record(repair(time="昨天 23:40")).time == datetime(2026, 11, 22, 15, 40, tzinfo=UTC)
    assert svc.calls.record(repair(time="yesterday 23:40")).time == datetime(2026, 11, 22, 15, 40, tzinfo=UTC)
    assert svc.calls.record(repair(time="-10m")).time == clock.now() - timedelta(minutes=10)
    assert svc.calls.record(repair(time="09:55")).time == datetime(2026, 11, 23, 1, 55, tzinfo=UTC)
    assert svc.calls.record(repair(time=None)).time == clock.now()
    clock.advance(seconds=0.5)
    assert svc.calls.record(repair(time="+30s")).time.microsecond == 0


def test_night_calls_carry_the_night_shift_and_its_duty_date(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 11, 23, 23, 59, tzinfo=SH).astimezone(UTC)
    evening = svc.calls.record(repair(time="23:40"))
    clock.current = datetime(2026, 11, 24, 7, 0, tzinfo=SH).astimezone(UTC)
    after_midnight = svc.calls.record(repair(time="02:15", content="凌晨停电"))
    clock.current = datetime(2026, 11, 24, 9, 0, tzinfo=SH).astimezone(UTC)
    morning = svc.calls.record(repair(time="08:45", content="早上电梯坏"))
    assert (evening.shift, evening.duty_date) == ("night", date(2026, 11, 23))
    assert (after_midnight.shift, after_midnight.duty_date) == ("night", date(2026, 11, 23))
    assert (morning.shift, morning.duty_date) == ("day", date(2026, 11, 24))
    night = svc.calls.shift_calls(date(2026, 11, 23), "night")
    assert [c.id for c in night] == [evening.id, after_midnight.id]


def test_summer_night_starts_later(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 7, 1, 20, 0, tzinfo=SH).astimezone(UTC)
    assert svc.calls.record(repair(time="17:45")).shift == "day"
    assert svc.calls.record(repair(time="18:05")).shift == "night"


# --- append-only --------------------------------------------------------------------------------------------------


def test_amendment_keeps_the_original(svc) -> None:  # type: ignore[no-untyped-def]
    original = svc.calls.record(repair())
    fixed = svc.calls.amend(original.id, repair(content="厨房和卫生间水管漏水", time=original.time))
    assert fixed.amends_id == original.id and fixed.original_id == original.id and fixed.root_id == original.id
    assert svc.calls.get(original.id).content == "厨房水管漏水"
    assert svc.calls.get(original.id).superseded_by == fixed.id
    assert [c.id for c in svc.calls.list()] == [fixed.id]
    assert [c.id for c in svc.calls.list(current_only=False)] == [fixed.id, original.id]
    assert [c.id for c in svc.calls.versions(original.id)] == [original.id, fixed.id]
    assert [c.id for c in svc.calls.versions(fixed.id)] == [original.id, fixed.id]
    assert svc.calls.current(original.id).id == fixed.id
    third = svc.calls.amend(fixed.id, repair(content="三改", time=original.time))
    assert third.original_id == original.id and third.amends_id == fixed.id
    with pytest.raises(Conflict):
        svc.calls.amend(original.id, repair(content="从旧版本改"))
    with pytest.raises(ValidationError):
        svc.calls.amend(third.id, repair(content="三改", time=original.time))
    with pytest.raises(NotFound):
        svc.calls.amend(9999, repair())


def _raw(db_path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA recursive_triggers=ON")
    con.execute("PRAGMA foreign_keys=ON")
    return con


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE call SET content = 'changed' WHERE id = :id",
        "UPDATE call SET urgent = 1",
        "DELETE FROM call WHERE id = :id",
        "DELETE FROM call",
        "INSERT OR REPLACE INTO call SELECT * FROM call WHERE id = :id",
        "REPLACE INTO call SELECT * FROM call WHERE id = :id",
        "INSERT INTO call SELECT * FROM call WHERE id = :id ON CONFLICT(id) DO UPDATE SET content = 'upsert'",
        "INSERT INTO call SELECT * FROM call WHERE true ON CONFLICT DO UPDATE SET content = excluded.content || '!'",
    ],
)
def test_database_refuses_changing_a_saved_call(svc, db_path, sql) -> None:  # type: ignore[no-untyped-def]
    call = svc.calls.record(repair())
    con = _raw(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="calls are append-only"):
            con.execute(sql, {"id": call.id})
        assert con.execute("SELECT content, urgent FROM call WHERE id = ?", (call.id,)).fetchone() == (
            "厨房水管漏水",
            0,
        )
        assert con.execute("SELECT count(*) FROM call").fetchone()[0] == 1
    finally:
        con.close()


# --- idempotent save and drafts --------------------------------------------------------------------------------


def test_saving_the_same_draft_twice_stores_one_call_and_drops_the_draft(svc, db_path) -> None:  # type: ignore[no-untyped-def]
    token = str(uuid.uuid4())
    svc.calls.save_draft(token, {"content": "厨房水管", "unit": "3-2-1201"})
    assert [d.token for d in svc.calls.pending_drafts()] == [token]
    first = svc.calls.record(repair(), client_token=token)
    assert svc.calls.pending_drafts() == []
    again = svc.calls.record(repair(content="再点一次保存"), client_token=token)
    assert again.id == first.id and again.content == "厨房水管漏水"
    assert counts(db_path)[0] == 1
    assert svc.calls.save_draft(token, {"content": "late autosave"}) is None
    assert svc.calls.pending_drafts() == []


def test_a_failed_save_keeps_the_draft(svc) -> None:  # type: ignore[no-untyped-def]
    token = str(uuid.uuid4())
    svc.calls.save_draft(token, {"content": ""})
    with pytest.raises(ValidationError):
        svc.calls.record(repair(content=""), client_token=token)
    assert [d.token for d in svc.calls.pending_drafts()] == [token]


def test_drafts_upsert_per_operator_and_discard(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    wang = svc.operators.add("王芳", "receptionist", "1111")
    li = svc.operators.add("李强", "maintenance", "2222")
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    svc.calls.save_draft(a, {"content": "一"}, operator=wang)
    clock.advance(seconds=5)
    svc.calls.save_draft(a, {"content": "一二", "urgent": True}, operator=wang)
    svc.calls.save_draft(b, {"content": "[bold]夜班"}, operator=li)
    mine = svc.calls.pending_drafts(wang)
    assert len(mine) == 1 and mine[0].payload == {"content": "一二", "urgent": True}
    assert mine[0].updated_at == clock.now()
    assert [d.payload["content"] for d in svc.calls.pending_drafts(li, form="call")] == ["[bold]夜班"]
    assert svc.calls.pending_drafts(li, form="ticket") == []
    assert svc.calls.discard_draft(a) is True
    assert svc.calls.discard_draft(a) is False
    assert svc.calls.pending_drafts(wang) == []


def test_draft_rules(svc) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        svc.calls.save_draft("not-a-uuid", {})
    with pytest.raises(ValidationError) as exc:
        svc.calls.save_draft(str(uuid.uuid4()), {"content": "x" * 300_000})
    assert exc.value.field == "draft"


# --- lookups, history, duplicates, read-back ------------------------------------------------------------------


def test_duplicate_warning_same_unit_and_category_within_the_window(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    old = svc.calls.record(repair(content="上周漏水"))
    assert svc.calls.duplicate_warning("3-2-1201", "complaint") is None
    warning = svc.calls.duplicate_warning("3栋2单元1201室", "报修")
    assert warning is not None and [m.id for m in warning.matters] == [old.id]
    assert warning.matters[0].kind == "call"
    assert f"#{old.id}" in warning.message and "上周漏水" in warning.message
    assert svc.calls.duplicate_warning("3-2-1202", "repair") is None
    assert svc.calls.duplicate_warning("3-2-1201", "repair", exclude_ids=[old.id]) is None
    clock.advance(days=8)
    assert svc.calls.duplicate_warning("3-2-1201", "repair") is None


def test_duplicate_warning_counts_a_call_and_its_ticket_once(svc) -> None:  # type: ignore[no-untyped-def]
    """One earlier repair of a unit in the directory, with its ticket: "already has 1", not 2."""
    earlier = svc.calls.record(repair(content="厨房水管漏水", unit="3-2-1201"))
    svc.tickets.open_from_call(earlier.id)
    for spelling in ("3-2-1201", "3栋2单元1201"):
        warning = svc.calls.duplicate_warning(spelling, "repair")
        assert warning is not None and len(warning.matters) == 1, warning
        assert "already has 1 " in warning.message
    # Correcting that very call: nothing else is open at the unit, so no warning at all.
    assert svc.calls.duplicate_warning("3-2-1201", "repair", exclude_ids=[earlier.id]) is None
    # A second repair call at the unit, with no ticket yet: two matters.
    svc.calls.record(repair(content="门禁坏了"))
    warning = svc.calls.duplicate_warning("3-2-1201", "repair")
    assert warning is not None and len(warning.matters) == 2


def test_open_matter_sources_can_be_extended(svc) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.calls import OpenMatter

    def tickets(s, site_id, key, category, now, exclude):  # type: ignore[no-untyped-def]
        return [OpenMatter("ticket", 7, now, category, "open ticket", "WX-20261123-0007")] if key == "3-2-1201" else []

    svc.calls.open_matter_sources.append(tickets)
    warning = svc.calls.duplicate_warning("3-2-1201", "repair")
    assert warning is not None and [m.kind for m in warning.matters] == ["ticket"]
    assert "latest WX-20261123-0007 at " in warning.message and "#7" not in warning.message


def test_unit_history_newest_first_and_limited(svc) -> None:  # type: ignore[no-untyped-def]
    ids = [svc.calls.record(repair(content=f"第{i}次")).id for i in range(12)]
    svc.calls.record(repair(unit="5-1-302"))
    history = svc.calls.unit_history("3栋2单元1201")
    assert [c.id for c in history] == ids[::-1][:10]
    assert [c.id for c in svc.calls.unit_history("3-2-1201", limit=3)] == ids[::-1][:3]


def test_lookup_caller_by_phone(svc) -> None:  # type: ignore[no-untyped-def]
    known = svc.calls.lookup_caller("138 1234 5678")
    assert known.caller == "张三" and "1201" in known.unit and known.recent == ()
    call = svc.calls.record(repair(phone="13900001111", caller="王女士", unit="B2车库"))
    seen = svc.calls.lookup_caller("13900001111")
    assert seen.residents == () and [c.id for c in seen.recent] == [call.id]
    assert (seen.caller, seen.unit) == ("王女士", "B2车库")
    assert svc.calls.lookup_caller("").recent == ()


def test_read_back_in_both_languages(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 11, 23, 14, 30, tzinfo=SH).astimezone(UTC)
    call = svc.calls.record(repair(time="14:05", caller="张先生", unit="3-2-1201"))
    assert (
        svc.calls.read_back(call, "zh-CN")
        == "11月23日 14:05，3栋2单元1201 张先生（138…）来电报修：厨房水管漏水，希望上门时间：明天上午。"
    )
    assert svc.calls.read_back(call, "en") == (
        "23 Nov 14:05, 3-2-1201, 张先生 (138…) called — Repair: 厨房水管漏水; preferred visit time: 明天上午."
    )
    walk_in = svc.calls.record(
        repair(
            channel="walk_in", phone="", category="complaint", content="楼上装修太吵。\n晚上十点还在施工", urgent=True
        )
    )
    assert svc.calls.read_back(walk_in, "zh-CN").startswith("【紧急】11月23日 14:30，3栋2单元1201 张先生来访投诉：")
    assert "楼上装修太吵；晚上十点还在施工" in svc.calls.read_back(walk_in, "zh-CN")
    # Traditional UIs: the sentence's own words in Traditional, what was typed (张先生, the content) as typed
    assert (
        svc.calls.read_back(call, "zh-HK")
        == "11月23日 14:05，3棟2單元1201 张先生（138…）來電報修：厨房水管漏水，希望上門時間：明天上午。"
    )
    assert svc.calls.read_back(walk_in, "zh-TW").startswith("【緊急】11月23日 14:30，3棟2單元1201 张先生來訪投訴：")


def test_list_pages_by_id_without_gaps_or_repeats(svc) -> None:  # type: ignore[no-untyped-def]
    ids = [svc.calls.record(repair(content=f"第{i}次")).id for i in range(23)]
    seen: list[int] = []
    before = None
    while True:
        page = svc.calls.list(before_id=before, limit=5)
        if not page:
            break
        seen += [c.id for c in page]
        before = page[-1].id
    assert seen == ids[::-1]


def test_list_filters_by_time_and_unit(svc, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    a = svc.calls.record(repair(time="08:00"))
    b = svc.calls.record(repair(time="09:00", unit="5-1-302"))
    since = datetime(2026, 11, 23, 8, 30, tzinfo=SH)
    assert [c.id for c in svc.calls.list(since=since)] == [b.id]
    assert [c.id for c in svc.calls.list(until=since)] == [a.id]
    assert [c.id for c in svc.calls.list(since=datetime(2026, 11, 23, 8, 30))] == [b.id]  # naive = site time
    assert [c.id for c in svc.calls.list(unit="5栋1单元302")] == [b.id]


# --- issue 10 defect 11: one phone rule (services.places.check_phone) for the form, the CLI and every import ---

# What a front desk is given, and is refused: the same list runs through the form's service, the directory,
# `deskui calls add` and the CSV imports (tests/functional/test_cli_calls.py, test_cli_imports.py).
PHONES_ACCEPTED = [
    "13800138000",  # mainland mobile, 11 digits
    "138 0013 8000",
    "+86 138 0013 8000",
    "１３８００１３８０００",  # full width
    "0755-88881234",  # landline with area code
    "010-62345678",
    "(0571) 8888123",
    "0755-8888 1234 转 123",  # and an extension
    "021-62345678 ext 12",
    "8888 1234",  # local landline without area code, or Hong Kong
    "+852 2345 6789",
    "+44 20 7946 0958",  # abroad, with the country code
    "110",  # short service numbers
    "119",
    "120",
    "12345",
    "95598",
    "400-820-8820",
]
PHONES_REFUSED = [
    "12",
    "123",  # no such service number
    "1234",
    "138001",
    "1380013800",  # a mobile with a digit missing
    "138001380001",  # … or one too many
    "23800138000",
    "0755-123",  # area code and too short a number
    "1" * 20,
    "13800138000 转 12",  # a mobile has no extension
    "+86 123",
    "138abc00000",
]


def test_one_phone_rule_for_the_form_and_the_directory(svc) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.common.places import check_phone
    from deskui.services.directory import check_resident

    for phone in PHONES_ACCEPTED:
        assert svc.calls.problems(repair(phone=phone)) == {}, phone
        assert check_resident("张三", "3-2-1201", phone).phones == (check_phone(phone),)
    for phone in PHONES_REFUSED:
        problems = svc.calls.problems(repair(phone=phone))
        assert set(problems) == {"phone"} and repr(phone) in problems["phone"], phone
        with pytest.raises(ValidationError) as refused:
            check_phone(phone)
        assert refused.value.field == "phone" and refused.value.message == problems["phone"]
        with pytest.raises(ValidationError):
            check_resident("张三", "3-2-1201", phone)
