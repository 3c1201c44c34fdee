"""`deskui dutylog|handover|keys|roster|review|verify|export dutylog` in-process through `deskui.cli.run`."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    """The same database opened by "another terminal", with operators, at a fixed time two hours ago."""
    from deskui.services import open_services

    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}), clock)
    for name, role, pin in (("王芳", "receptionist", "1111"), ("李强", "maintenance", "2222")):
        svc.operators.add(name, role, pin)
    yield svc
    svc.close()


def one_line(result: Result) -> str:
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def test_dutylog_add_and_show(cli, desk) -> None:  # type: ignore[no-untyped-def]
    first = cli("dutylog", "add", "--text", "巡查B2车库，照明正常", "--operator", "李强")
    assert (first.code, first.out) == (0, "1\n"), first.err
    assert cli("dutylog", "add", "--text", "[red]告知[/red] 5-1-302 水管工明天上门").out == "2\n"
    fixed = cli("dutylog", "amend", "1", "--text", "巡查B2车库，一盏灯不亮", "--reason", "看错")
    assert (fixed.code, fixed.out) == (0, "3\n")
    shown = cli("dutylog", "show")
    assert shown.code == 0
    flat = re.sub(r"[│\s]", "", shown.out)  # an entry wraps in its column (the whole of it, Chinese too)
    assert "巡查B2车库，照明正常" in flat and "[red]告知[/red]" in flat  # markup shown as typed
    assert "Corrects#1" in flat and "李强" in shown.out
    data = json.loads(cli("dutylog", "show", "--format", "json").out)
    assert [(e["seq"], e["kind"], e["amends_id"]) for e in data] == [
        (1, "entry", None),
        (2, "entry", None),
        (3, "amendment", data[0]["id"]),
    ]
    assert data[2]["payload"] == {"reason": "看错"} and data[0]["operator"] == "李强"


def test_dutylog_show_a_shift_with_its_calls(cli, desk) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.calls import CallInput
    from deskui.services.common.shifts import shift_at

    desk.calls.record(
        CallInput(content="厨房漏水", category="repair", caller="张", unit="3-2-1201", phone="13800138000")
    )
    desk.dutylog.add("巡查", operator=None)
    slot = shift_at(desk.settings, desk.clock.now())
    out = cli("dutylog", "show", "--date", slot.duty_date.isoformat(), "--shift", slot.key)
    assert out.code == 0 and "厨房漏水" in out.out and "巡查" in out.out
    data = json.loads(
        cli("dutylog", "show", "--date", slot.duty_date.isoformat(), "--shift", slot.key, "--format", "json").out
    )
    assert [c["content"] for c in data["calls"]] == ["厨房漏水"] and [e["text"] for e in data["entries"]] == ["巡查"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("dutylog", "add", "--text", "  "), "empty log entry"),
        (("dutylog", "add", "--text", "x", "--operator", "无名"), "No operator named 无名"),
        (("dutylog", "show", "--date", "2026-13-01"), "--date: not a date"),
        (("dutylog", "show", "--date", "2026-11-23", "--shift", "evening"), "Unknown shift"),
        (("dutylog", "amend", "9", "--text", "x"), "No duty log entry #9"),
        (("export", "dutylog", "--format", "xlsx"), "--output"),
    ],
)
def test_bad_input_is_one_line(cli, desk, args, message) -> None:  # type: ignore[no-untyped-def]
    assert message in one_line(cli(*args))


def test_messages_follow_the_language(cli, desk) -> None:  # type: ignore[no-untyped-def]
    assert "空白的值班记录不会保存" in one_line(cli("dutylog", "add", "--text", "", lang="zh-CN"))


# --- verify -------------------------------------------------------------------------------------------------------


def tamper(db_path: Path, *statements: str) -> None:
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


@pytest.fixture
def three(cli, desk):  # type: ignore[no-untyped-def]
    for text in ("一", "二", "三"):
        assert cli("dutylog", "add", "--text", text, "--operator", "王芳").code == 0


def test_verify_passes_on_an_intact_log(cli, three) -> None:  # type: ignore[no-untyped-def]
    result = cli("verify")
    assert result.code == 0 and "Duty log intact: 3 entries, head #3" in result.out


def test_verify_passes_on_an_empty_log(cli, desk) -> None:  # type: ignore[no-untyped-def]
    assert cli("verify").code == 0


def test_verify_names_an_edited_entry(cli, three, db_path) -> None:  # type: ignore[no-untyped-def]
    tamper(db_path, "DROP TRIGGER dutylog_refuse_update", "UPDATE dutylog SET text = '二（改）' WHERE seq = 2")
    line = one_line(cli("verify"))
    assert "Entry #2" in line and "王芳" in line and "changed after it was written" in line


def test_verify_names_a_deleted_entry(cli, three, db_path) -> None:  # type: ignore[no-untyped-def]
    tamper(db_path, "DROP TRIGGER dutylog_refuse_delete", "DELETE FROM dutylog WHERE seq = 2")
    assert "Entry #2 is missing" in one_line(cli("verify"))


def test_verify_names_a_reordered_pair(cli, three, db_path) -> None:  # type: ignore[no-untyped-def]
    tamper(
        db_path,
        "DROP TRIGGER dutylog_refuse_update",
        "UPDATE dutylog SET seq = -1 WHERE seq = 2",
        "UPDATE dutylog SET seq = 2 WHERE seq = 3",
        "UPDATE dutylog SET seq = 3 WHERE seq = -1",
    )
    result = cli("verify")
    assert "Entry #2" in one_line(result) and "out of order" in result.err


# --- handover, keys, roster, review -------------------------------------------------------------------------------


def test_handover_show(cli, desk) -> None:  # type: ignore[no-untyped-def]
    assert "No handover in progress" in cli("handover", "show").out
    assert "No signed handover yet" in cli("handover", "show", "--last").out
    assert json.loads(cli("handover", "show", "--format", "json").out) is None
    wang, li = desk.operators.by_name("王芳"), desk.operators.by_name("李强")
    desk.handover.tickets = None
    st = desk.handover.start(wang)
    for eq in desk.settings.equipment:
        n = eq.count - 1 if eq.key == "walkie_talkie" else eq.count
        desk.handover.record_count(
            st.id,
            eq.key,
            n,
            operator=li,
            explanation="借出" if n < eq.count else "",
            holder="保安" if n < eq.count else "",
        )
    shown = cli("handover", "show")
    assert shown.code == 0 and f"Handover #{st.id}" in shown.out and "Walkie-talkie: 3/4" in shown.out
    assert "Before sign-off:" in shown.out
    data = json.loads(cli("handover", "show", "--format", "json").out)
    assert data["id"] == st.id and data["signed"] is False and data["incoming"]["name"] == "李强"
    assert next(c for c in data["counts"] if c["key"] == "walkie_talkie")["counted"] == 3
    st = desk.handover.state(st.id)
    for item in (*st.keys, *st.items):
        desk.handover.acknowledge(st.id, item.id, operator=li)
    for n in st.night_calls:
        desk.handover.dispose(st.id, n.call.id, "handled", operator=li, reason="ok")
    for key in ("desk_tidy", "log_read", "area_checked"):
        desk.handover.check(st.id, key, operator=li)
    desk.handover.sign(st.id, wang, "1111")
    desk.handover.sign(st.id, li, "2222")
    last = cli("handover", "show", "--last")
    assert last.code == 0 and "Signed at" in last.out
    assert json.loads(cli("handover", "show", "--last", "--format", "json").out)["signed"] is True
    assert cli("verify").code == 0


def test_cli_names_tickets_by_number(cli, desk) -> None:  # type: ignore[no-untyped-def]
    """A walkie-talkie short at sign-off becomes a ticket: handover show, review show and dutylog show give its
    number (WX-…), never the internal id."""
    wang, li = desk.operators.by_name("王芳"), desk.operators.by_name("李强")
    st = desk.handover.start(wang)
    for eq in desk.settings.equipment:
        n = eq.count - 1 if eq.key == "walkie_talkie" else eq.count
        extra = {"explanation": "借出", "holder": "保安"} if n < eq.count else {}
        desk.handover.record_count(st.id, eq.key, n, operator=li, **extra)
    st = desk.handover.state(st.id)
    for item in (*st.keys, *st.items):
        desk.handover.acknowledge(st.id, item.id, operator=li)
    for n in st.night_calls:
        desk.handover.dispose(st.id, n.call.id, "handled", operator=li, reason="ok")
    for key in ("desk_tidy", "log_read", "area_checked"):
        desk.handover.check(st.id, key, operator=li)
    desk.handover.sign(st.id, wang, "1111")
    st = desk.handover.sign(st.id, li, "2222")
    walkie = next(c for c in st.counts if c.key == "walkie_talkie")
    number = desk.tickets.get(walkie.ticket_id).number
    assert number.startswith("WX-")
    shown = cli("handover", "show", "--last")
    assert shown.code == 0 and number in shown.out
    review = cli("review", "show", "--date", st.duty_date.isoformat())
    assert review.code == 0 and number in review.out and f"#{walkie.ticket_id}" not in review.out
    log = cli("dutylog", "show", "--date", st.duty_date.isoformat())
    assert log.code == 0 and number in log.out


def test_keys_lend_list_return(cli, desk) -> None:  # type: ignore[no-untyped-def]
    assert "No keys out" in cli("keys", "list").out
    desk.keys.lend("1号楼天台", "保洁 王姐", operator=None, due=desk.clock.now() + timedelta(minutes=30))  # overdue now
    lent = cli("keys", "lend", "机房A", "--to", "电工 老周", "--operator", "王芳")
    assert lent.code == 0 and "机房A" in lent.out
    listed = cli("keys", "list")
    assert "1号楼天台" in listed.out and "机房A" in listed.out and "!" in listed.out
    data = json.loads(cli("keys", "list", "--format", "json").out)
    assert [(k["tag"], k["overdue"]) for k in data] == [("1号楼天台", True), ("机房A", False)]
    assert "already out" in one_line(cli("keys", "lend", "机房A", "--to", "x"))
    assert cli("keys", "return", "机房A").code == 0
    assert "not out" in one_line(cli("keys", "return", "机房A"))
    assert len(json.loads(cli("keys", "list", "--all", "--format", "json").out)) == 2


def test_roster_and_review(cli, desk) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.common.shifts import local_time

    today = local_time(desk.settings, datetime.now(UTC)).date()
    desk.roster.set_assignment(today, "day", desk.operators.by_name("王芳"), None)
    shown = cli("roster", "show", "--month", f"{today:%Y-%m}")
    assert shown.code == 0 and "王芳" in shown.out
    assert "Not a month" in one_line(cli("roster", "show", "--month", "2026-13"))
    assert (
        json.loads(cli("roster", "show", "--month", f"{today:%Y-%m}", "--format", "json").out)["month"] == today.month
    )
    review = cli("review", "show")
    assert review.code == 0 and "not signed" in review.out
    data = json.loads(cli("review", "show", "--format", "json").out)
    assert data["day"] == (today - timedelta(days=1)).isoformat() and data["signature"] is None
    yesterday = today - timedelta(days=1)
    unsigned = cli("review", "unsigned", "--since", yesterday.isoformat())
    assert (unsigned.code, unsigned.out) == (0, "")  # the desk has no record yet: no day to sign


def waiting_days(services, clock: FrozenClock) -> list[str]:  # type: ignore[no-untyped-def]
    """What the review service says waits for a signature now (the CLI runs on the real clock)."""
    clock.current = datetime.now(UTC)
    return [d.isoformat() for d in services.review.unsigned_days()]


async def test_review_screen_and_cli_list_the_same_unsigned_days(cli, desk_services, clock) -> None:  # type: ignore[no-untyped-def]
    """The demo's shape at any hour: calls on nights four and three days back, the duty log's only entry written
    today. The review screen (F5 → v) flagged nothing ('Every day is signed.') over yesterday's unsigned review,
    and `review unsigned --since` listed every day since --since, before the desk had any record too."""
    from textual.widgets import Static

    from deskui.app import make_app
    from deskui.screens.handover import HandoverScreen
    from deskui.screens.handover.review import ReviewScreen
    from deskui.services.calls import CallInput
    from deskui.services.common.shifts import local_time
    from tests.functional.helpers import sign_in, wait_for

    services = desk_services
    li = services.operators.by_name("李强")
    today = local_time(services.settings, datetime.now(UTC)).date()
    first = today - timedelta(days=4)
    for day, content in ((first, "快递柜在哪里"), (first + timedelta(days=1), "物业费怎么交")):
        clock.current = datetime(day.year, day.month, day.day, 22, tzinfo=SH).astimezone(UTC)
        call = CallInput(content=content, category="inquiry", caller="张", unit="3-2-1201", phone="13800138000")
        services.calls.record(call, operator=li)
    clock.current = datetime.now(UTC)
    services.dutylog.add("巡查B2车库：3号排风机异响", operator=li)

    async with make_app(services.settings, clock=clock, services=services).run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "3333", index=2)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.loaded)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.review_data)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        flag = str(screen.query_one("#rv-unsigned", Static).render())
    assert f"{first:%m-%d}, {first + timedelta(days=1):%m-%d}" in flag, flag
    # The screen's clock has not moved since: the service's answer at that moment, the same days, the same count.
    shown = [d.strftime("%m-%d") for d in services.review.unsigned_days()]
    assert flag == "⚑ Days without a signature: " + ", ".join(shown), flag

    before = waiting_days(services, clock)
    since_january = cli("review", "unsigned", "--since", f"{today.year - 1}-01-01")
    listed = cli("review", "unsigned")  # no --since: the screen's look-back
    after = waiting_days(services, clock)
    assert since_january.code == 1 and since_january.out.split() in (before, after), since_january
    assert listed.code == 1 and listed.out == since_january.out
    assert before[:2] == [first.isoformat(), (first + timedelta(days=1)).isoformat()]


# --- export -------------------------------------------------------------------------------------------------------


def test_export_dutylog(cli, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("dutylog", "add", "--text", "=cmd|' /C calc'!A0")
    cli("dutylog", "add", "--text", "巡查")
    out = cli("export", "dutylog")
    assert out.code == 0
    rows = list(csv.DictReader(io.StringIO(out.out)))
    assert [r["text"] for r in rows] == ["'=cmd|' /C calc'!A0", "巡查"] and rows[1]["prev_hash"] == rows[0]["hash"]
    data = json.loads(cli("export", "dutylog", "--format", "json").out)
    assert data[0]["text"] == "=cmd|' /C calc'!A0"
    path = tmp_path / "log.xlsx"
    result = cli("export", "dutylog", "--format", "xlsx", "--output", str(path))
    assert result.code == 0 and path.exists() and "Exported 2 duty log entries" in result.err
    csv_path = tmp_path / "log.csv"
    assert cli("export", "dutylog", "--output", str(csv_path)).code == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads UTF-8
    assert json.loads(cli("export", "dutylog", "--format", "json", "--since", "2999-01-01").out) == []
