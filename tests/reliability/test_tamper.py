"""The append-only promise against a plain sqlite3 shell (issue 16, items 5-9).

Every tamper here goes through Python's own sqlite3 module with its default settings, like the sqlite3 shell:
no recursive_triggers, no foreign keys, autocommit. The desk is built once per module through the services (calls,
a ticket, a key loan and return, a roster change, duty log entries, a handover signed by both, the supervisor's
review of the day), then copied for each test with the files beside it (key, anchor).

What each kind of tamper must meet:
- item 5: INSERT OR REPLACE / UPSERT on an append-only table is refused by the schema itself;
- item 6: a review or handover entry appended by script (valid hash, no PIN) is reported by verify and not counted
  as signed; rewriting entries before a real review with recomputed hashes is reported;
- item 7: deleting the last entries (or all) is reported as truncation against the newest anchor;
- item 8: dropped or altered triggers fail doctor and verify, and restore refuses such a backup;
- item 9: verify covers tickets (rows equal the replay of their events) and calls (unchanged since indexed).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import argon2
import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.services.admin.verify import verify_log
from tests.conftest import BACKEND

# 2026-11-20 10:00 in Shanghai: the day shift.
START = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Desk:
    path: Path
    review_day: date
    unsigned_day: date
    now: datetime


def _cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = lambda: argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # noqa: E731
    monkeypatch.setattr("deskui.services.operators.PasswordHasher", cheap)


def open_desk(path: Path | str, clock: FrozenClock | None = None) -> Any:
    from deskui.services import open_services

    settings = load_settings(database_url=str(path), language="en", environ={})
    return open_services(settings, clock or FrozenClock(START))


def _build(path: Path) -> Desk:
    from deskui.services.calls import CallInput

    clock = FrozenClock(START)
    svc = open_desk(path, clock)
    try:
        wang = svc.operators.add("王芳", "receptionist", "1111")
        li = svc.operators.add("李强", "maintenance", "2222")
        chen = svc.operators.add("陈静", "supervisor", "3333")
        call = svc.calls.record(
            CallInput(
                content="厨房水管漏水，滴水不止",
                category="repair",
                caller="张三",
                unit="3栋2单元1201",
                phone="13812345678",
            ),
            operator=wang,
        )
        svc.calls.record(
            CallInput(content="快递柜位置", category="inquiry", channel="walk_in", caller="王先生"), operator=wang
        )
        svc.tickets.open_from_call(call.id, operator=wang)
        svc.keys.lend("K-07 配电房", "工程部 张师傅", operator=wang, purpose="更换配电箱开关")
        svc.keys.lend("K-08 天台", "保洁 王姐", operator=wang)
        svc.keys.take_back("K-08 天台", operator=wang, note="ok")
        day = START.astimezone(svc.dutylog.tz).date()
        svc.roster.set_assignment(day, "night", li, chen, reason="排班")
        for text in ("巡查B2车库，照明正常", "告知 5-1-302 水管工明天上门", "东门道闸故障已报修"):
            svc.dutylog.add(text, operator=wang)
        svc.handover.tickets = None  # no shortage tickets: every count is full
        st = svc.handover.start(wang)
        for eq in svc.settings.equipment:
            svc.handover.record_count(st.id, eq.key, eq.count, operator=li)
        st = svc.handover.state(st.id)
        for item in (*st.keys, *st.items):
            svc.handover.acknowledge(st.id, item.id, operator=li)
        for n in st.night_calls:
            svc.handover.dispose(st.id, n.call.id, "handled", operator=li, reason="ok")
        for key in ("desk_tidy", "log_read", "area_checked"):
            svc.handover.check(st.id, key, operator=li)
        svc.handover.sign(st.id, wang, "1111")
        st = svc.handover.sign(st.id, li, "2222")
        assert st.signed
        review_day = st.duty_date
        clock.current = START + timedelta(days=3)
        svc.dutylog.add("第三天巡查", operator=wang)
        svc.review.sign(review_day, chen, "3333", note="已阅")
        now = clock.now()
        unsigned = review_day + timedelta(days=1)
        assert unsigned in svc.review.unsigned_days()
        assert verify_log(svc.dutylog).intact
    finally:
        svc.close()
    # A disposition outside a handover (the table is append-only; nothing else here writes one).
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(
            "INSERT INTO call_disposition (site_id, call_id, handover_id, action, reason, ticket_id, operator_id, "
            "operator_name, recorded_at) SELECT site_id, id, NULL, 'handled', '已回访', NULL, operator_id, "
            "operator_name, recorded_at FROM call ORDER BY id DESC LIMIT 1"
        )
    finally:
        con.close()
    return Desk(path, review_day, unsigned, now)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    mp = pytest.MonkeyPatch()
    _cheap_hasher(mp)
    try:
        folder = tmp_path_factory.mktemp("tamper-template")
        yield _build(folder / "desk.db")
    finally:
        mp.undo()


@pytest.fixture
def desk(template: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """A copy of the template desk (the database and every file beside it) in this test's folder."""
    if BACKEND == "postgresql":
        pytest.skip("tampers with a SQLite file; the PostgreSQL checks are in test_postgresql_*")
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    for f in template.path.parent.iterdir():
        if f.is_file():
            shutil.copy2(f, tmp_path / f.name)
    return Desk(tmp_path / template.path.name, template.review_day, template.unsigned_day, template.now)


def shell(path: Path) -> sqlite3.Connection:
    """Like the sqlite3 shell: default settings (no recursive_triggers), autocommit."""
    con = sqlite3.connect(path, isolation_level=None)
    assert con.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    return con


def run_sql(path: Path, *statements: str) -> None:
    con = shell(path)
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def all_triggers(path: Path) -> list[str]:
    con = shell(path)
    try:
        return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    finally:
        con.close()


def drop_triggers(path: Path, *names: str) -> None:
    run_sql(path, *(f"DROP TRIGGER {n}" for n in (names or all_triggers(path))))


def verify(desk: Desk) -> Any:
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        return verify_log(svc.dutylog)
    finally:
        svc.close()


def reasons(result: Any) -> set[str]:
    return {p.reason for p in result.problems}


def cli(capsys: pytest.CaptureFixture[str], desk: Desk, *args: str) -> tuple[int, str, str]:
    from tests.functional.cli import invoke

    result = invoke(capsys, "--lang", "en", "--db", str(desk.path), *args)
    return result.code, result.out, result.err


def test_the_template_verifies(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    result = verify(desk)
    assert result.intact, [p.message for p in result.problems]
    code, out, err = cli(capsys, desk, "verify")
    assert code == 0 and "Duty log intact" in out, err


# --- item 5: INSERT OR REPLACE ----------------------------------------------------------------------------------

# table -> the text column a forger rewrites (the row keeps its key).
REPLACED = {
    "call": "content",
    "key_loan": "borrower",
    "roster_change": "reason",
    "dutylog": "text",
    "handover": "outgoing_name",
    "handover_record": "value",
    "call_disposition": "reason",
    "key_return": "note",
    "ticketevent": "note",
    "ticketcall": "linked_at",
}
KEY = {"ticketcall": "ticket_id, call_id"}
# Each table's BEFORE INSERT trigger refuses a row meeting an existing key (0003 for the ticket history, 0005 for
# the rest). An UPSERT's DO UPDATE fires the UPDATE trigger on any connection.


@pytest.mark.parametrize("how", ["INSERT OR REPLACE", "REPLACE", "UPSERT"])
@pytest.mark.parametrize("table", list(REPLACED))
def test_replace_is_refused_without_recursive_triggers(desk: Desk, table: str, how: str) -> None:
    column = REPLACED[table]
    con = shell(desk.path)
    try:
        con.row_factory = sqlite3.Row
        rowid, *_ = con.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid LIMIT 1').fetchone() or (None,)
        row = con.execute(f'SELECT * FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
        assert row is not None, f"the template has no {table} row"
        before = dict(row)
        forged = dict(before, **{column: "改过的内容"})
        names = ", ".join(f'"{k}"' for k in forged)
        marks = ", ".join("?" for _ in forged)
        if how == "UPSERT":
            sql = (
                f'INSERT INTO "{table}" ({names}) VALUES ({marks}) '
                f"ON CONFLICT({KEY.get(table, 'id')}) DO UPDATE"
                f'  SET "{column}" = excluded."{column}"'
            )
        else:
            sql = f'{how} INTO "{table}" ({names}) VALUES ({marks})'
        with pytest.raises(sqlite3.DatabaseError):
            con.execute(sql, list(forged.values()))
        after = dict(con.execute(f'SELECT * FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone())
        assert after == before
    finally:
        con.close()


def test_replace_with_a_new_key_still_appends(desk: Desk) -> None:
    """The refusal is about meeting an existing row: INSERT OR REPLACE of a brand-new row is just an insert."""
    con = shell(desk.path)
    try:
        n = con.execute("SELECT count(*) FROM key_loan").fetchone()[0]
        con.execute(
            "INSERT OR REPLACE INTO key_loan (site_id, id, tag, borrower, purpose, lent_at, due_at, operator_id, "
            "operator_name) SELECT site_id, 1000, 'K-99', 'x', '', lent_at, due_at, NULL, '' FROM key_loan LIMIT 1"
        )
        assert con.execute("SELECT count(*) FROM key_loan").fetchone()[0] == n + 1
    finally:
        con.close()


# --- item 6: forged signatures ----------------------------------------------------------------------------------


def _append_by_script(path: Path, **changes: Any) -> None:
    """A new chain entry written by script: the head's next seq, the head's hash, a hash recomputed with deskui's
    own canonical form. No PIN, no key."""
    from deskui.services.handover import _chain as chain

    con = shell(path)
    try:
        con.row_factory = sqlite3.Row
        head = dict(con.execute("SELECT * FROM dutylog ORDER BY seq DESC LIMIT 1").fetchone())
        fields: dict[str, Any] = {name: head[name] for name in chain.HASHED_FIELDS}
        fields.update(seq=head["seq"] + 1, **changes)
        typed = dict(fields)
        typed["duty_date"] = date.fromisoformat(str(fields["duty_date"]))
        typed["written_at"] = datetime.fromisoformat(str(fields["written_at"])).replace(tzinfo=UTC)
        row_hash = chain.entry_hash(typed, head["hash"])
        cols = [*fields, "prev_hash", "hash"]
        con.execute(
            f"INSERT INTO dutylog ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [*fields.values(), head["hash"], row_hash],
        )
    finally:
        con.close()


def _forge_review(desk: Desk) -> None:
    con = shell(desk.path)
    try:
        seq, head_hash = con.execute("SELECT seq, hash FROM dutylog ORDER BY seq DESC LIMIT 1").fetchone()
        chen = con.execute("SELECT id FROM operator WHERE name = '陈静'").fetchone()[0]
    finally:
        con.close()
    payload = json.dumps(
        {"head_seq": seq, "head_hash": head_hash, "note": ""}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    _append_by_script(
        desk.path,
        kind="review",
        duty_date=desk.unsigned_day.isoformat(),
        shift_key="",
        operator_id=chen,
        operator_name="陈静",
        text=f"Duty log of {desk.unsigned_day.isoformat()} reviewed and signed",
        amends_id=None,
        ref_key=f"review:{desk.unsigned_day.isoformat()}",
        payload=payload,
    )


def test_a_review_appended_by_script_is_not_a_signature(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    _forge_review(desk)
    result = verify(desk)
    assert "unsealed" in reasons(result), [p.message for p in result.problems]
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        assert svc.review.signature(desk.unsigned_day) is None
        assert desk.unsigned_day in svc.review.unsigned_days()
        assert svc.review.signature(desk.review_day) is not None  # the real one still counts
    finally:
        svc.close()
    code, out, _ = cli(capsys, desk, "review", "show", "--date", desk.unsigned_day.isoformat())
    assert code == 0 and "signed by 陈静" not in out
    code, out, _ = cli(capsys, desk, "review", "unsigned", "--since", desk.unsigned_day.isoformat())
    assert code == 1 and desk.unsigned_day.isoformat() in out
    code, _, err = cli(capsys, desk, "verify")
    assert code == 1 and "#" in err
    # The forged entry keeps the day's name in the log; the supervisor's real signature still goes in.
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        chen = svc.operators.by_name("陈静")
        real = svc.review.sign(desk.unsigned_day, chen, "3333")
        assert svc.review.signature(desk.unsigned_day) == real
        assert desk.unsigned_day not in svc.review.unsigned_days()
        assert [p.reason for p in verify_log(svc.dutylog).problems] == ["unsealed"]
    finally:
        svc.close()


def test_a_handover_signature_appended_by_script_is_reported(desk: Desk) -> None:
    con = shell(desk.path)
    try:
        con.row_factory = sqlite3.Row
        real = dict(con.execute("SELECT * FROM dutylog WHERE kind = 'handover'").fetchone())
    finally:
        con.close()
    _append_by_script(desk.path, kind="handover", ref_key="handover:999", payload=real["payload"], text=real["text"])
    assert "unsealed" in reasons(verify(desk))


def test_reviews_signed_before_seals_existed_still_count(desk: Desk) -> None:
    """A database upgraded from before seals: no key, no anchor file, reviews without a seal. The first use makes
    the key and anchors the heads as they are: those signatures count; one appended after that does not."""
    for suffix in (".key", ".anchor"):
        desk.path.with_name(desk.path.name + suffix).unlink()
    _forge_review(desk)  # what the old deskui wrote: a valid hash, no seal
    assert verify(desk).intact
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        assert svc.review.signature(desk.unsigned_day) is not None
    finally:
        svc.close()
    later = desk.unsigned_day + timedelta(days=1)
    _forge_review(Desk(desk.path, desk.review_day, later, desk.now))
    assert "unsealed" in reasons(verify(desk))


def test_entries_rewritten_before_a_review_with_fresh_hashes_are_reported(desk: Desk) -> None:
    """Entry #1 edited and every hash after it recomputed (the triggers dropped for it): the chain itself is
    consistent again, but the review's seal no longer matches the head it signed."""
    from deskui.services.handover import _chain as chain

    drop_triggers(desk.path, "dutylog_refuse_update")
    con = shell(desk.path)
    try:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM dutylog ORDER BY seq")]
        prev = chain.GENESIS
        for r in rows:
            if r["seq"] == 1:
                r["text"] = "巡查B2车库，一切正常（改）"
            typed = dict(r)
            typed["duty_date"] = date.fromisoformat(str(r["duty_date"]))
            typed["written_at"] = datetime.fromisoformat(str(r["written_at"])).replace(tzinfo=UTC)
            if r["kind"] == "review":
                payload = json.loads(r["payload"])
                payload["head_hash"] = prev
                r["payload"] = typed["payload"] = json.dumps(
                    payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
                )
            new = chain.entry_hash(typed, prev)
            con.execute(
                "UPDATE dutylog SET text = ?, payload = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (r["text"], r["payload"], prev, new, r["id"]),
            )
            prev = new
        con.execute(
            "CREATE TRIGGER dutylog_refuse_update BEFORE UPDATE ON dutylog\n"
            "    BEGIN SELECT RAISE(ABORT, 'dutylog is append-only'); END"
        )
    finally:
        con.close()
    result = verify(desk)
    assert not result.intact
    assert reasons(result) & {"unsealed", "head_mismatch", "anchor_mismatch"}, [p.message for p in result.problems]
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        assert svc.review.signature(desk.review_day) is None
    finally:
        svc.close()


def test_a_review_recording_a_head_the_chain_does_not_have_is_reported(desk: Desk) -> None:
    """Verify checks the head each review records (here forged by script, so unsealed too)."""
    con = shell(desk.path)
    try:
        seq = con.execute("SELECT max(seq) FROM dutylog").fetchone()[0]
    finally:
        con.close()
    payload = json.dumps({"head_seq": seq, "head_hash": "f" * 64, "note": ""}, sort_keys=True, separators=(",", ":"))
    _append_by_script(desk.path, kind="review", ref_key=f"review:{desk.unsigned_day}", payload=payload)
    assert "head_mismatch" in reasons(verify(desk))


# --- item 7: truncation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [3, 0], ids=["last-entries", "all"])
def test_deleting_the_last_entries_is_reported(desk: Desk, keep: int, capsys: pytest.CaptureFixture[str]) -> None:
    drop_triggers(desk.path, "dutylog_refuse_delete")
    run_sql(
        desk.path,
        f"DELETE FROM dutylog WHERE seq > {keep}",
        "CREATE TRIGGER dutylog_refuse_delete BEFORE DELETE ON dutylog\n"
        "    BEGIN SELECT RAISE(ABORT, 'dutylog is append-only'); END",
    )
    result = verify(desk)
    assert "truncated" in reasons(result), [p.message for p in result.problems]
    code, out, _ = cli(capsys, desk, "verify")
    assert code == 1 and "intact" not in out, out


def test_the_anchor_file_is_private_and_follows_the_head(desk: Desk) -> None:
    anchor = desk.path.with_name(desk.path.name + ".anchor")
    assert anchor.is_file() and anchor.stat().st_mode & 0o777 == 0o600
    data = json.loads(anchor.read_text(encoding="utf-8"))
    con = shell(desk.path)
    try:
        seq, head = con.execute("SELECT seq, hash FROM dutylog ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    heads = data["heads"]
    assert [(h["seq"], h["hash"]) for h in heads.values()] == [(seq, head)]


def test_an_anchor_file_lowered_by_hand_or_deleted_is_reported(desk: Desk) -> None:
    """Deleting entries and lowering the anchor to match: the anchor's MAC no longer holds (and the next entry
    written does not paper over it); deleting the anchor file is reported too."""
    drop_triggers(desk.path, "dutylog_refuse_delete")
    run_sql(desk.path, "DELETE FROM dutylog WHERE seq > 4")
    anchor = desk.path.with_name(desk.path.name + ".anchor")
    data = json.loads(anchor.read_text(encoding="utf-8"))
    con = shell(desk.path)
    try:
        seq, head = con.execute("SELECT seq, hash FROM dutylog ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    for h in data["heads"].values():
        h.update(seq=seq, hash=head)
    anchor.write_text(json.dumps(data), encoding="utf-8")
    assert "anchor_invalid" in reasons(verify(desk))
    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        svc.dutylog.add("之后的记录", operator=None)
    finally:
        svc.close()
    assert "anchor_invalid" in reasons(verify(desk))
    anchor.unlink()
    assert "anchor_missing" in reasons(verify(desk))


def test_a_truncated_backup_is_refused_by_restore(desk: Desk, tmp_path: Path) -> None:
    from deskui.services.admin import BackupRefused, backup_database, restore_database

    svc = open_desk(desk.path, FrozenClock(desk.now))
    try:
        result = backup_database(svc.db, tmp_path / "copy.db")
    finally:
        svc.close()
    copy = result.path
    assert copy.with_name(copy.name + ".anchor").is_file()
    drop_triggers(copy, "dutylog_refuse_delete")
    run_sql(
        copy,
        "DELETE FROM dutylog WHERE seq > 2",
        "CREATE TRIGGER dutylog_refuse_delete BEFORE DELETE ON dutylog\n"
        "    BEGIN SELECT RAISE(ABORT, 'dutylog is append-only'); END",
    )
    settings = load_settings(database_url=str(desk.path), language="en", environ={})
    with pytest.raises(BackupRefused, match=r"anchor|deleted"):
        restore_database(settings, copy, force=True)


def test_each_signed_handover_records_the_chain_head(desk: Desk) -> None:
    """The head is anchored in each handover's own records too (a table apart from the duty log)."""
    con = shell(desk.path)
    try:
        snap = con.execute("SELECT value FROM handover_record WHERE step = 'snapshot'").fetchone()[0]
    finally:
        con.close()
    head = json.loads(snap)["chain_head"]
    assert head["seq"] >= 1 and len(head["hash"]) == 64


# --- item 8: dropped triggers -----------------------------------------------------------------------------------


def test_dropping_every_trigger_fails_doctor_and_verify(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    from deskui.services.admin import diagnose, failed

    drop_triggers(desk.path)
    run_sql(desk.path, "UPDATE call SET content = '改过的内容' WHERE id = 1")  # what the triggers stopped
    settings = load_settings(database_url=str(desk.path), language="en", environ={})
    rows = failed(diagnose(settings))
    assert any("trigger" in (r.check + r.note).lower() for r in rows), rows
    assert "trigger_missing" in reasons(verify(desk))
    code, out, err = cli(capsys, desk, "verify")
    assert code == 1 and "Call #1" in err and "trigger" in out + err  # what changed first, then the triggers


def test_an_altered_trigger_is_reported(desk: Desk) -> None:
    """Dropped and made again with a condition that never holds: present by name, but not as the migration made it."""
    run_sql(
        desk.path,
        "DROP TRIGGER call_refuse_update",
        "CREATE TRIGGER call_refuse_update BEFORE UPDATE ON call WHEN 0\n"
        "    BEGIN SELECT RAISE(ABORT, 'calls are append-only'); END",
    )
    assert "trigger_changed" in reasons(verify(desk))


def test_restore_refuses_a_backup_without_its_triggers(desk: Desk, tmp_path: Path) -> None:
    from deskui.services.admin import BackupRefused, restore_database

    copy = tmp_path / "no-triggers.db"
    src = shell(desk.path)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    drop_triggers(copy)
    settings = load_settings(database_url=str(desk.path), language="en", environ={})
    with pytest.raises(BackupRefused, match="trigger"):
        restore_database(settings, copy, force=True)
    con = shell(desk.path)
    try:
        assert len(all_triggers(desk.path)) >= 25
        with pytest.raises(sqlite3.DatabaseError):
            con.execute("UPDATE call SET content = 'x' WHERE id = 1")
    finally:
        con.close()


# --- item 9: tickets and calls ----------------------------------------------------------------------------------


def test_a_ticket_closed_without_a_close_event_is_reported(desk: Desk) -> None:
    run_sql(desk.path, "UPDATE ticket SET status = 'closed', is_open = 0, closed_at = updated_at")
    assert "ticket_differs" in reasons(verify(desk))


def test_an_edited_ticket_event_is_reported(desk: Desk) -> None:
    drop_triggers(desk.path, "ticketevent_refuse_update")
    run_sql(desk.path, "UPDATE ticketevent SET status = 'cancelled', kind = 'cancelled' WHERE seq = 1")
    assert "ticket_differs" in reasons(verify(desk))


def test_an_edited_call_is_reported(desk: Desk) -> None:
    drop_triggers(desk.path, "call_refuse_update")
    run_sql(desk.path, "UPDATE call SET content = '卫生间灯不亮', phone = '13900000000' WHERE id = 1")
    assert "call_changed" in reasons(verify(desk))


# --- PostgreSQL: the same checks where the server has them ------------------------------------------------------


@pytest.mark.pg
def test_postgresql_triggers_dropped_or_disabled_are_reported(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UPSERT meets the UPDATE trigger; a dropped trigger and a disabled one (ALTER TABLE … DISABLE TRIGGER) are
    named by verify and the doctor."""
    import psycopg
    from sqlalchemy.engine import make_url

    from deskui.services.admin import diagnose, failed

    monkeypatch.setenv("DESKUI_KEY_FILE", str(tmp_path / "site.key"))
    svc = open_desk(pg_url, FrozenClock(START))
    try:
        from deskui.services.calls import CallInput

        svc.dutylog.add("巡查B2车库", operator=None)
        svc.calls.record(CallInput(content="快递柜位置", category="inquiry", channel="walk_in"))
        assert verify_log(svc.dutylog).intact
    finally:
        svc.close()
    raw = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw, autocommit=True) as con:
        with pytest.raises(psycopg.Error, match="append-only"):
            con.execute(
                'INSERT INTO "call" SELECT * FROM "call" LIMIT 1 ON CONFLICT (id) DO UPDATE SET content = \'x\''
            )
        con.execute("DROP TRIGGER call_refuse_update_delete ON call")
        con.execute("ALTER TABLE dutylog DISABLE TRIGGER dutylog_refuse_update_delete")
    svc = open_desk(pg_url, FrozenClock(START))
    try:
        found = {(p.reason, p.message.split()[3]) for p in verify_log(svc.dutylog).problems}
    finally:
        svc.close()
    assert ("trigger_missing", "call_refuse_update_delete") in found, found
    assert ("trigger_disabled", "dutylog_refuse_update_delete") in found, found
    settings = load_settings(database_url=pg_url, language="en", environ={})
    assert any("trigger" in r.check.lower() for r in failed(diagnose(settings)))
