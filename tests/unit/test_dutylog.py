"""The duty log service: entries, amendments, the shift view, refusals, the chain check against a tampered file,
concurrent writers, and the export."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import NotFound, ValidationError
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput
from deskui.services.handover import export
from deskui.services.handover._chain import GENESIS

SH = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 11, 23, 22, 0, tzinfo=SH).astimezone(UTC)  # the night shift of 2026-11-23


@pytest.fixture
def li(services, clock: FrozenClock):  # type: ignore[no-untyped-def]
    clock.current = NIGHT
    return services.operators.add("李强", "maintenance", "2222")


def raw(db_path: Path) -> sqlite3.Connection:
    """What someone with the file and a SQLite shell has: no deskui in the way."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA recursive_triggers=ON")
    return con


def three_entries(services, li, clock: FrozenClock) -> list[int]:  # type: ignore[no-untyped-def]
    seqs = []
    for text in ("22:00 巡查B2车库，照明正常", "23:10 5-1-302 告知水管工明天上门", "02:00 东门岗亭一切正常"):
        seqs.append(services.dutylog.add(text, operator=li).seq)
        clock.advance(minutes=30)
    return seqs


# --- writing and reading ------------------------------------------------------------------------------------------


def test_entries_are_chained_in_the_shift_of_the_clock(services, li, clock) -> None:  # type: ignore[no-untyped-def]
    first = services.dutylog.add("巡查B2车库，照明正常", operator=li)
    clock.current = datetime(2026, 11, 24, 3, 0, tzinfo=SH).astimezone(UTC)  # after midnight: still that night
    second = services.dutylog.add("03:00 东门岗亭一切正常", operator=li)
    assert (first.seq, first.kind, first.duty_date, first.shift_key) == (1, "entry", date(2026, 11, 23), "night")
    assert (second.seq, second.duty_date, second.shift_key) == (2, date(2026, 11, 23), "night")
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert first.operator == "李强" and first.time == NIGHT
    assert services.dutylog.head() == (2, second.hash)
    assert [e.seq for e in services.dutylog.entries(date(2026, 11, 23))] == [1, 2]
    assert services.dutylog.by_seq(2) == services.dutylog.get(second.id)


def test_text_is_kept_exactly_and_markup_is_just_text(services, li) -> None:  # type: ignore[no-untyped-def]
    text = "  [bold]告知[/bold] 5-1-302：\n  水管工明天上门  "
    assert services.dutylog.add(text, operator=li).text == text


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("\x1b[2J清屏", "escape"),
        ("a" * 10_001, "too long"),
        ("bad\x00byte", "control character"),
    ],
)
def test_bad_text_is_refused_and_nothing_written(services, li, db_path, text, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=match) as err:
        services.dutylog.add(text, operator=li)
    assert err.value.field == "text"
    assert services.dutylog.head() == (0, GENESIS)


def test_amendment_points_at_the_original_and_both_are_shown(services, li, clock) -> None:  # type: ignore[no-untyped-def]
    original = services.dutylog.add("23:10 告知5-1-302水管工明天上门", operator=li)
    clock.advance(minutes=5)
    fixed = services.dutylog.amend(original.id, "23:10 告知5-1-303水管工明天上门", operator=li, reason="房号写错")
    assert (fixed.kind, fixed.amends_id, fixed.duty_date, fixed.shift_key) == (
        "amendment",
        original.id,
        *[
            original.duty_date,
            original.shift_key,
        ],
    )
    assert fixed.payload == {"reason": "房号写错"}
    shown = services.dutylog.entries(original.duty_date, "night")
    assert [(e.id, e.text) for e in shown] == [(original.id, original.text), (fixed.id, fixed.text)]
    assert shown[0].amended_by == (fixed.id,) and shown[0].is_amended
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.dutylog.amend(original.id, original.text, operator=li)
    with pytest.raises(NotFound):
        services.dutylog.amend(999, "x", operator=li)
    assert services.dutylog.head()[0] == 2


def test_shift_view_holds_entries_calls_and_ticket_events(services, li, clock) -> None:  # type: ignore[no-untyped-def]
    services.dutylog.add("巡查", operator=li)
    call = services.calls.record(
        CallInput(content="厨房漏水", category="repair", caller="张", unit="3-2-1201", phone="13800138000"),
        operator=li,
    )
    clock.advance(minutes=10)
    ticket = services.tickets.open_from_call(call.id, operator=None)
    clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=SH).astimezone(UTC)
    services.dutylog.add("白班记录", operator=li)  # another shift: not in the night's view
    view = services.dutylog.shift_view(date(2026, 11, 23), "night")
    assert [e.text for e in view.entries] == ["巡查"]
    assert [c.id for c in view.calls] == [call.id]
    assert [(ev.number, ev.kind) for ev in view.ticket_events][:1] == [(ticket.number, "created")]
    assert view.start == datetime(2026, 11, 23, 17, 30, tzinfo=SH)
    assert [kind for _, kind, _ in view.timeline] == ["call", "log", "ticket"]


def test_retention_is_three_years(services) -> None:  # type: ignore[no-untyped-def]
    assert services.dutylog.retention_years == 3


# --- the chain against tampering ----------------------------------------------------------------------------------


def test_intact_log_verifies(services, li, clock) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    result = verify_log(services.dutylog)
    assert result.intact and result.entries == 3 and result.head_seq == 3


def test_edited_field_is_caught(services, li, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    con = raw(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE dutylog SET text = '一切正常' WHERE seq = 2")
    con.execute("DROP TRIGGER dutylog_refuse_update")  # what an attacker with the file would do
    con.execute("UPDATE dutylog SET text = '一切正常' WHERE seq = 2")
    con.close()
    result = verify_log(services.dutylog)
    assert not result.intact
    first = result.first_problem
    assert first is not None and (first.seq, first.reason) == (2, "edited")
    assert "Entry #2" in first.message and "李强" in first.message and "changed" in first.message


def test_edited_operator_name_is_caught(services, li, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    con = raw(db_path)
    con.execute("DROP TRIGGER dutylog_refuse_update")
    con.execute("UPDATE dutylog SET operator_name = '王芳' WHERE seq = 1")
    con.close()
    assert verify_log(services.dutylog).first_problem.seq == 1  # type: ignore[union-attr]


def test_deleted_middle_entry_is_caught(services, li, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    con = raw(db_path)
    con.execute("DROP TRIGGER dutylog_refuse_delete")
    con.execute("DELETE FROM dutylog WHERE seq = 2")
    con.close()
    first = verify_log(services.dutylog).first_problem
    assert first is not None and (first.seq, first.reason) == (2, "missing")
    assert "Entry #2 is missing" in first.message


def test_reordered_pair_is_caught(services, li, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    con = raw(db_path)
    con.execute("DROP TRIGGER dutylog_refuse_update")
    con.execute("UPDATE dutylog SET seq = -1 WHERE seq = 2")
    con.execute("UPDATE dutylog SET seq = 2 WHERE seq = 3")
    con.execute("UPDATE dutylog SET seq = 3 WHERE seq = -1")
    con.close()
    first = verify_log(services.dutylog).first_problem
    assert first is not None and (first.seq, first.reason) == (2, "reordered")
    assert "out of order" in first.message


def test_inserted_forgery_at_the_head_is_refused(services, li, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    three_entries(services, li, clock)
    con = raw(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="chain head"):
        con.execute(
            "INSERT INTO dutylog (site_id, seq, kind, duty_date, shift_key, written_at, operator_name, text, payload, "
            "prev_hash, hash) SELECT site_id, 7, kind, duty_date, shift_key, written_at, operator_name, 'x', payload, "
            "hash, hash FROM dutylog WHERE seq = 3"
        )
    con.close()
    assert verify_log(services.dutylog).intact


# --- concurrent terminals -----------------------------------------------------------------------------------------


def _writer(db_url: str, count: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    from deskui.core.config import load_settings
    from deskui.services import open_services

    services = open_services(load_settings(database_url=db_url, language="en", environ={}))
    errors: list[str] = []
    barrier.wait()
    for i in range(count):
        try:
            services.dutylog.add(f"terminal entry {i}", operator=None)
        except Exception as exc:
            errors.append(repr(exc))
    services.close()
    results.put(errors)


@pytest.mark.slow
def test_concurrent_terminals_do_not_fork_the_chain(services, db_path) -> None:  # type: ignore[no-untyped-def]
    services.close()
    processes, per_process = 3, 15
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_writer, args=(str(db_path), per_process, barrier, results)) for _ in range(processes)
    ]
    for w in workers:
        w.start()
    try:
        outcomes = [results.get(timeout=120) for _ in workers]
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():
                w.terminate()
                w.join()
    assert [e for errs in outcomes for e in errs] == []
    con = sqlite3.connect(db_path)
    seqs = [r[0] for r in con.execute("SELECT seq FROM dutylog ORDER BY seq")]
    con.close()
    assert seqs == list(range(1, processes * per_process + 1))
    from deskui.services import open_services

    again = open_services(services.settings)
    try:
        assert verify_log(again.dutylog).intact
    finally:
        again.close()


# --- export -------------------------------------------------------------------------------------------------------


def test_export_csv_json_xlsx_with_formula_safe_cells(services, li, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.dutylog.add('=HYPERLINK("http://x")', operator=li)
    services.dutylog.add("巡查正常", operator=li)
    entries = list(services.dutylog.between())
    buf = io.StringIO()
    assert export(entries, "csv", services.settings, output=None, stdout=buf) == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")' and rows[1]["text"] == "巡查正常"
    assert rows[0]["seq"] == "1" and rows[0]["time"].startswith("2026-11-23T22:00:00+08:00")
    buf = io.StringIO()
    export(entries, "json", services.settings, output=None, stdout=buf)
    data = json.loads(buf.getvalue())
    assert data[0]["text"] == '=HYPERLINK("http://x")'  # JSON keeps the value exactly
    assert data[1]["prev_hash"] == data[0]["hash"]
    path = tmp_path / "log.xlsx"
    assert export(entries, "xlsx", services.settings, output=path, stdout=io.StringIO()) == 2
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:3] == ["#", "Entry id", "Kind"] and values[1][7] == '\'=HYPERLINK("http://x")'
    with pytest.raises(ValidationError, match="Unknown export format"):
        export(entries, "pdf", services.settings, output=None, stdout=io.StringIO())
    with pytest.raises(ValidationError, match="xlsx"):
        export(entries, "xlsx", services.settings, output=None, stdout=io.StringIO())


def test_between_filters_by_duty_date(services, li, clock) -> None:  # type: ignore[no-untyped-def]
    services.dutylog.add("一", operator=li)
    clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=SH).astimezone(UTC)
    services.dutylog.add("二", operator=li)
    assert [e.text for e in services.dutylog.between(date(2026, 11, 24))] == ["二"]
    assert [e.text for e in services.dutylog.between(None, date(2026, 11, 23))] == ["一"]


# --- the supervisor's review: the days waiting for a signature ----------------------------------------------------


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


def test_days_waiting_for_the_review_are_the_days_over_since_the_first_record(  # type: ignore[no-untyped-def]
    services, li, clock
) -> None:
    """The supervisor signs each day's duty log the next morning (003 4.3). A day waits for that signature once it
    is over (its night ended, the moment sign() accepts it) and the desk was keeping its records in deskui: from the
    first duty date with a call, a log entry or a handover. The demo's shape: calls on the last nights, the log's
    only entry written tonight; the screen said 'Every day is signed.' over yesterday's unsigned review."""
    chen = services.operators.add("陈静", "supervisor", "3333")
    for when, content in ((sh(21, 22), "快递柜在哪里"), (sh(23, 3), "物业费怎么交"), (sh(23, 21), "停车费多少")):
        clock.current = when
        call = CallInput(content=content, category="inquiry", caller="张", unit="3-2-1201", phone="13800138000")
        services.calls.record(call, operator=li)
    clock.current = sh(24, 21)
    services.dutylog.add("巡查B2车库：3号排风机异响", operator=li)  # the log's first entry: tonight's
    clock.current = sh(24, 23)
    waiting = [date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]  # 11-22: a day at the desk all the same
    assert services.review.unsigned_days(date(2026, 1, 1)) == waiting  # nothing before the desk's first record
    assert services.review.unsigned_days() == waiting  # by default the screen's look-back, 31 days
    assert services.review.unsigned_days(date(2026, 11, 22)) == waiting[1:]
    assert not services.review.review(date(2026, 11, 23)).signed  # what the screen opens on: in the list
    services.review.sign(date(2026, 11, 23), chen, "3333")
    assert services.review.unsigned_days() == waiting[:2]
    # Today (11-24) is not over until its night ends at 08:30 tomorrow, and cannot be signed before: not waiting.
    clock.current = sh(25, 3)
    assert services.review.unsigned_days() == waiting[:2]
    clock.current = sh(25, 9)
    assert services.review.unsigned_days() == [*waiting[:2], date(2026, 11, 24)]


def test_no_record_no_day_waits(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = sh(24, 23)
    assert services.review.unsigned_days(date(2026, 11, 1)) == []
    assert services.review.unsigned_days() == []
