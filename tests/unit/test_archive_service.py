"""Issue 14: the help register per year (003 4.10, 4.2.2) and the archive of the years past retention (003 4.10:
《住户求助登记表》保存期2年; 003 4.1.8: 《值班记录》保存期3年). services.admin._help_register and _archive."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from deskui.core.clock import FrozenClock
from deskui.core.errors import ValidationError
from deskui.services.admin import ArchiveService, HelpRegister, read_member
from deskui.services.common.anchors import Keeper
from deskui.services.tickets import TicketInput


def at(clock: FrozenClock, *args: int) -> None:
    clock.current = datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def help_request(services, caller: str = "张先生", what: str = "老人摔倒,需要帮忙送医"):  # type: ignore[no-untyped-def]
    data = TicketInput(kind="help", unit="3-2-1201", caller=caller, phone="13812345678", description=what)
    return services.tickets.create(data)


def handled(services, number: str, result: str = "已送医院,家属陪同") -> None:  # type: ignore[no-untyped-def]
    x = services.tickets.get(number)
    x = services.tickets.dispatch(number, x.version, "security", note="两名护卫前往")
    services.tickets.mark_done(number, x.version, note=result)


@pytest.fixture
def old_years(services, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """Help requests in 2023 (two) and 2024 (one), duty log entries in 2022 (two) and 2023 (one); today is 2026."""
    at(clock, 2022, 5, 4, 2)
    services.dutylog.add("夜班巡查正常", operator=None)
    services.dutylog.add("3号楼电梯故障已报修", operator=None)
    at(clock, 2023, 3, 1, 2)
    first = help_request(services).number
    handled(services, first)
    services.dutylog.add("2023 年的记录", operator=None)
    at(clock, 2023, 12, 31, 15, 30)  # 23:30 in Shanghai: still 2023 there
    second = help_request(services, "李女士", "家中水管爆裂").number
    at(clock, 2024, 6, 1, 2)
    kept = help_request(services, "王先生", "咨询停车").number
    at(clock, 2026, 11, 23, 2)
    return first, second, kept


def test_help_register_of_a_year_has_the_papers_columns_003_4_10(services, old_years) -> None:  # type: ignore[no-untyped-def]
    """When, unit, caller, phone, what was asked, how it was handled, by whom, the result; a local calendar year."""
    first, second, kept = old_years
    rows = list(HelpRegister(services.ctx).year(2023))
    assert [r.number for r in rows] == [first, second]
    one = rows[0]
    assert (one.unit, one.caller, one.phone, one.request) == (
        "3-2-1201",
        "张先生",
        "13812345678",
        "老人摔倒,需要帮忙送医",
    )
    assert one.result == "已送医院,家属陪同"
    assert one.handled_by == "security"
    assert [s.kind for s in one.steps] == ["dispatched", "status"]
    assert one.steps[0].note == "两名护卫前往" and one.steps[0].department == "security"
    assert [r.number for r in HelpRegister(services.ctx).year(2024)] == [kept]


def test_help_register_export_keeps_stable_keys_003_4_10(services, old_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import io

    from deskui.services.admin import export_register

    buf = io.StringIO()
    n = export_register(HelpRegister(services.ctx).year(2023), "json", services.settings, output=None, stdout=buf)
    records = json.loads(buf.getvalue())
    assert n == 2 and len(records) == 2
    assert records[0]["time"] == "2023-03-01T10:00:00+08:00"
    assert records[0]["handling"][0]["kind"] == "dispatched"
    assert records[1]["time"].startswith("2023-12-31T23:30")
    out = tmp_path / "help.xlsx"
    assert (
        export_register(HelpRegister(services.ctx).year(2023), "xlsx", services.settings, output=out, stdout=buf) == 2
    )

    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "Date and time" in header and "How it was handled" in header


def test_plan_counts_whole_years_past_retention_003_4_10_and_4_1_8(services, old_years) -> None:  # type: ignore[no-untyped-def]
    """In 2026: 2 years keep the register of 2024 on, 3 years keep the duty log of 2023 on."""
    plan = ArchiveService(services.ctx, keeper=services.dutylog.keeper).plan()
    assert (plan.help_before, plan.dutylog_before) == (date(2024, 1, 1), date(2023, 1, 1))
    assert [(y.kind, y.year, y.rows) for y in plan.years] == [("help_register", 2023, 2), ("duty_log", 2022, 2)]
    assert plan.rows["ticket"] == 2 and plan.rows["dutylog"] == 2
    assert plan.rows["ticketevent"] == 1 + 3  # created + dispatched + done for the first, created for the second


def test_archive_written_verified_and_recorded(services, old_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archives = ArchiveService(services.ctx, keeper=services.dutylog.keeper)
    path = tmp_path / "old.zip"
    _plan, rec = archives.write(path, operator=None)
    assert (rec.help_requests, rec.dutylog_entries) == (2, 2)
    assert rec.help_before == date(2024, 1, 1) and rec.dutylog_before == date(2023, 1, 1)
    check = archives.verify(path)
    assert check.intact, check.problems
    assert check.recorded == rec
    assert [r["caller"] for r in read_member(path, "help-register.json")] == ["张先生", "李女士"]
    assert read_member(path, "help-register.json")[0]["phone"] == "13812345678"  # whole: the archive is the record
    assert [e["text"] for e in read_member(path, "dutylog.json")] == ["夜班巡查正常", "3号楼电梯故障已报修"]
    assert archives.archives() == [rec]
    # nothing removed: the rows are all still there
    assert len(list(HelpRegister(services.ctx).year(2023))) == 2
    with pytest.raises(ValidationError, match="never written over"):
        archives.write(path, operator=None)


def test_a_changed_archive_does_not_verify(services, old_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archives = ArchiveService(services.ctx, keeper=services.dutylog.keeper)
    path = tmp_path / "old.zip"
    archives.write(path, operator=None)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "help-register.json":
                data = data.replace("张先生".encode(), "赵先生".encode())
            dst.writestr(name, data)
    problems = archives.verify(tampered).problems
    assert problems == ("help-register.json does not match its SHA-256",)
    # a manifest rewritten to match, without the site key, has no valid seal
    with zipfile.ZipFile(tampered) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    import hashlib

    from deskui.services.admin._archive import content_sha256

    data = read_member(tampered, "help-register.json")
    member = next(m for m in manifest["members"] if m["name"] == "help-register.json")
    with zipfile.ZipFile(tampered) as zf:
        member["sha256"] = hashlib.sha256(zf.read("help-register.json")).hexdigest()
        rest = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    manifest["sha256"] = content_sha256(manifest)
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as zf:
        for name, body in rest.items():
            zf.writestr(name, body)
        zf.writestr("manifest.json", json.dumps(manifest))
    assert data[0]["caller"] == "赵先生"
    assert archives.verify(forged).problems == ("The seal does not match this site's key",)
    other = ArchiveService(services.ctx, keeper=Keeper(tmp_path / "other.key", None))
    other.keeper.key(create=True)
    assert other.verify(path).problems == ("The seal does not match this site's key",)


def test_nothing_past_retention_writes_nothing(services, clock: FrozenClock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    help_request(services)
    archives = ArchiveService(services.ctx, keeper=services.dutylog.keeper)
    assert archives.plan().empty
    with pytest.raises(ValidationError, match="Nothing is past retention"):
        archives.write(tmp_path / "none.zip", operator=None)
    assert not (tmp_path / "none.zip").exists() and archives.archives() == []


def test_the_archive_table_is_append_only_and_the_archived_rows_stay(services, old_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Migration 0015: the record of an archive is never changed; the archived tables still refuse deletes."""
    ArchiveService(services.ctx, keeper=services.dutylog.keeper).write(tmp_path / "a.zip", operator=None)
    for statement in (
        "UPDATE archive SET sha256 = 'x'",
        "DELETE FROM archive",
        "DELETE FROM ticketevent",
        "DELETE FROM dutylog",
    ):
        with pytest.raises(Exception, match=r"append-only|refuse"), services.db.write() as s:
            s.execute(text(statement))
    with services.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM archive")).scalar_one() == 1


def test_the_retention_settings_are_used(services, old_years) -> None:  # type: ignore[no-untyped-def]
    """retention.help_register_years and retention.duty_log_years (core/defaults.toml) move the boundaries."""
    from dataclasses import replace

    from deskui.services.context import DeskContext

    settings = replace(services.settings, retention={"help_register_years": 1, "duty_log_years": 4})
    ctx = DeskContext(services.db, settings, services.clock, services.site_id)
    plan = ArchiveService(ctx, keeper=services.dutylog.keeper).plan()
    assert (plan.help_before, plan.dutylog_before) == (date(2025, 1, 1), date(2022, 1, 1))
    assert plan.rows["ticket"] == 3 and plan.rows["dutylog"] == 0
    bad = replace(services.settings, retention={"help_register_years": 0, "duty_log_years": 3})
    with pytest.raises(ValidationError, match="at least 1 year"):
        ArchiveService(
            DeskContext(services.db, bad, services.clock, services.site_id), keeper=Keeper(Path("k"), None)
        ).plan()


def test_verify_relinks_the_archived_duty_log_003_4_1_8(services, old_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An entry whose predecessor is archived names that entry's hash (不得撕页: a page taken out shows)."""
    from deskui.services.admin._archive import _chain_problems

    ArchiveService(services.ctx, keeper=services.dutylog.keeper).write(tmp_path / "a.zip", operator=None)
    entries = read_member(tmp_path / "a.zip", "dutylog.json")
    assert _chain_problems(entries) == []
    entries[1]["prev_hash"] = "0" * 64
    assert _chain_problems(entries) == [f"Duty log entry #{entries[1]['seq']} does not follow the one before it"]
