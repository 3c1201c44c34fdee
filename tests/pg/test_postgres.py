"""PostgreSQL for several desks or sites: migrations, append-only enforcement (TRUNCATE too), ticket numbers from three
processes, and the call paths first written for SQLite (search, drafts, bulk insert and import, corrections) run
on a real server. Needs DESKUI_TEST_PG (skipped with the reason otherwise; `bash .ci/run` starts a server)."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.db import code_head, open_database, schema_version
from deskui.core.errors import Conflict, DeskError
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput, CallService
from deskui.services.context import DeskContext
from deskui.services.tickets import TicketInput
from tests.reliability.checks import ticket_numbers
from tests.reliability.conftest import spawn, stop_all, workload
from tests.reliability.workload import read_acks

pytestmark = pytest.mark.pg

APPEND_ONLY = {
    "call": "content",
    "ticketevent": "note",
    "ticketcall": "call_id",
    "dutylog": "text",
    "handover": "outgoing_name",
    "handover_record": "value",
    "call_disposition": "reason",
    "key_loan": "borrower",
    "key_return": "note",
    "roster_change": "reason",
}
REFUSED = r"append-only|chain head|signed handover"


@pytest.fixture
def pg(settings: Settings, pg_url: str, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    svc = open_services(dataclasses.replace(settings, database_url=pg_url), clock)
    yield svc
    svc.close()


def test_migrations_run_on_an_empty_database(pg_new_database) -> None:  # type: ignore[no-untyped-def]
    url = pg_new_database(empty=True)
    db = open_database(url)
    try:
        assert db.backend == "postgresql"
        assert schema_version(db) == code_head()
    finally:
        db.dispose()
    again = open_database(url)  # at head: nothing to do, nothing refused
    again.dispose()


def test_every_append_only_table_refuses_update_delete_and_truncate(pg, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.test_handover_immutability import fill

    fill(pg, clock)
    call = pg.calls.list(limit=1)[0]
    pg.tickets.open_from_call(call.id, kind="repair", operator=None)
    with pg.db.read() as s:
        counts = {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in APPEND_ONLY}
    assert all(counts.values()), counts
    for table, column in APPEND_ONLY.items():
        for sql in (
            f'UPDATE "{table}" SET {column} = {column}',
            f'DELETE FROM "{table}"',
            f'TRUNCATE "{table}" CASCADE',
        ):
            with pytest.raises(DBAPIError, match=REFUSED), pg.db.write() as s:
                s.execute(text(sql))
    with pg.db.read() as s:
        assert {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in APPEND_ONLY} == counts
    assert verify_log(pg.dutylog).intact


@pytest.mark.slow
@pytest.mark.load
def test_three_processes_get_unique_gapless_ticket_numbers(pg_new_database, tmp_path: Path, open_url) -> None:  # type: ignore[no-untyped-def]
    url = pg_new_database(empty=True)
    workload("prepare", "--db", url)
    acks = [tmp_path / f"w{i}.jsonl" for i in range(3)]
    import time

    start_at = time.time() + 2.0
    procs = [
        spawn(
            "writer",
            *("--db", url, "--proc", str(i), "--ops", "150", "--seed", str(i), "--ack", str(acks[i])),
            *("--start-at", str(start_at), "--only", "ticket"),
        )
        for i in range(3)
    ]
    errs = stop_all(procs, timeout=600)
    assert all(p.returncode == 0 for p in procs), "\n".join(errs)
    records = [r for a in acks for r in read_acks(a)]
    assert [r for r in records if "error" in r or "refused" in r] == []
    made = [r["number"] for r in records if r.get("op") == "ticket"]
    assert len(made) == 450 and len(set(made)) == 450
    assert ticket_numbers(open_url(url)) == []


def test_call_search_on_postgresql(pg) -> None:  # type: ignore[no-untyped-def]
    small = CallService(
        DeskContext(
            pg.db,
            dataclasses.replace(pg.settings, calls=dataclasses.replace(pg.settings.calls, index_merge_calls=3)),
            pg.clock,
            pg.site_id,
        ),
        directory=pg.directory,
    )
    contents = ["厨房水管漏水", "电梯按键失灵", "漏水 again", "ＡＢＣ full width", "100% 满意", "单字 水"]
    ids = [
        small.record(CallInput(content=c, category="inquiry", channel="walk_in", phone="13912345678")).id
        for c in contents
    ]
    with pg.db.read() as s:
        pending = s.execute(text("SELECT count(DISTINCT call_id) FROM callcharpending")).scalar()
        merged = s.execute(text("SELECT count(DISTINCT call_id) FROM callchar")).scalar()
    assert merged >= 3 and pending >= 1  # both the main index and the pending table are searched
    found = lambda term: [c.id for c in pg.calls.search(term)]  # noqa: E731
    assert found("漏水") == [ids[2], ids[0]]
    assert found("水") == [ids[5], ids[2], ids[0]]
    assert found("abc") == [ids[3]]
    assert found("100%") == [ids[4]]  # a percent sign is data, not a placeholder
    assert found("12345678") == ids[::-1]  # the phone's digits
    assert found("没有这种事") == []
    page = pg.calls.search("水", limit=2)
    assert [c.id for c in page] == [ids[5], ids[2]]
    assert [c.id for c in pg.calls.search("水", before_id=page[-1].id)] == [ids[0]]
    since = pg.clock.now().replace(hour=0)
    assert [c.id for c in pg.calls.search("漏水", since=since, until=pg.clock.now())] == []  # `until` is exclusive
    assert [c.id for c in pg.calls.search("漏水", unit="")] == [ids[2], ids[0]]


def test_drafts_on_postgresql(pg) -> None:  # type: ignore[no-untyped-def]
    token = str(uuid.uuid4())
    assert pg.calls.save_draft(token, {"content": "半句话"}) is not None
    assert pg.calls.save_draft(token, {"content": "半句话，写完了 [/"}) is not None  # the upsert
    drafts = pg.calls.pending_drafts(None, form="call")
    assert [d.payload for d in drafts] == [{"content": "半句话，写完了 [/"}]
    call = pg.calls.record(CallInput(content="写完了", category="inquiry", channel="walk_in"), client_token=token)
    assert pg.calls.pending_drafts(None) == []
    again = pg.calls.record(CallInput(content="写完了", category="inquiry", channel="walk_in"), client_token=token)
    assert again.id == call.id  # one form, one call
    assert pg.calls.save_draft(token, {"content": "late"}) is None  # already saved as a call
    other = str(uuid.uuid4())
    pg.calls.save_draft(other, {"content": "x"})
    assert pg.calls.discard_draft(other) and not pg.calls.discard_draft(other)


def test_bulk_insert_and_import_on_postgresql(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.calls import import_calls

    pg.directory.add_unit("3-2-1201")
    pg.calls.record(CallInput(content="已有的漏水", category="repair", unit="3-2-1201", phone="13800138000"))
    small = CallService(
        DeskContext(
            pg.db,
            dataclasses.replace(pg.settings, calls=dataclasses.replace(pg.settings.calls, import_reindex_rows=5)),
            pg.clock,
            pg.site_id,
        ),
        directory=pg.directory,
    )
    checked = [
        small.check(
            CallInput(
                content=f"第{i}户漏水" if i % 3 else f"第{i}户停电",
                category="inquiry",
                time="-1h",
                channel="letter",
                unit="3-2-1201",
            )
        )
        for i in range(40)
    ]
    ids = small.insert_many(checked)  # large enough to drop and rebuild the character index in the transaction
    assert len(ids) == 40 and ids == sorted(ids)
    with pg.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_callchar_lookup'")).scalar() == 1
        assert s.execute(text("SELECT count(*) FROM call WHERE unit_id IS NOT NULL")).scalar() == 41
    assert len(pg.calls.search("停电", limit=100)) == 14
    assert len(pg.calls.search("漏水", limit=100)) == 27
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text(
        "time,channel,caller,unit,phone,category,content\n"
        "2026-11-20 09:00,电话,张三,3-2-1201,13800138000,报修,导入的漏水\n"
        '2026-11-20 10:00,walk_in,李四,,,inquiry,"含逗号, 和 [bold] 的内容"\n',
        encoding="utf-8",
    )
    assert import_calls(pg.calls, csv_path) == 2
    assert [c.content for c in pg.calls.search("导入")] == ["导入的漏水"]
    assert [c.content for c in pg.calls.search("[bold]")] == ["含逗号, 和 [bold] 的内容"]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "time,channel,caller,unit,phone,category,content\n2026-11-20 09:00,电话,张三,,abc,报修,x\n", encoding="utf-8"
    )
    before = len(pg.calls.list(limit=200))
    with pytest.raises(DeskError):
        import_calls(pg.calls, bad)
    assert len(pg.calls.list(limit=200)) == before  # all or nothing


def test_one_correction_wins_when_two_terminals_correct_a_call(pg, pg_url: str, settings: Settings, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    call = pg.calls.record(CallInput(content="原话", category="inquiry", channel="walk_in"))
    others = [open_services(dataclasses.replace(settings, database_url=pg_url), clock) for _ in range(3)]
    barrier = threading.Barrier(3)
    outcomes: list[Any] = []

    def correct(svc: Any, i: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                svc.calls.amend(call.id, CallInput(content=f"更正{i}", category="inquiry", channel="walk_in"))
            )
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=correct, args=(svc, i)) for i, svc in enumerate(others)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    for svc in others:
        svc.close()
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(wins) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if isinstance(o, Exception)), outcomes
    assert [v.id for v in pg.calls.versions(call.id)] == [call.id, wins[0].id]


def test_three_terminals_acting_on_one_ticket(pg, pg_url: str, settings: Settings, clock) -> None:  # type: ignore[no-untyped-def]
    from deskui.services import open_services
    from deskui.services.tickets import TicketChanged

    x = pg.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="漏水"))
    others = [open_services(dataclasses.replace(settings, database_url=pg_url), clock) for _ in range(3)]
    barrier = threading.Barrier(3)
    outcomes: list[Any] = []

    def dispatch(svc: Any) -> None:
        barrier.wait()
        try:
            outcomes.append(svc.tickets.dispatch(x.number, x.version, "maintenance"))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=dispatch, args=(svc,)) for svc in others]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    for svc in others:
        svc.close()
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(wins) == 1 and all(isinstance(o, TicketChanged) for o in outcomes if o not in wins), outcomes
    assert [e.kind for e in pg.tickets.events(x.number)] == ["created", "dispatched"]
