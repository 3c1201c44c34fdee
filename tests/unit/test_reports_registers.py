"""The monthly report's registers section (issue 13), against a small hand-built October 2026 (Asia/Shanghai):

  visitors     10-03 (3-2-1201), 10-20 (5-1-302); 09-30 23:50 and 11-01 00:10 are not October's
  parcels      received 10-05 (3-2-1201, picked up 10-06), 10-30 (5-1-302, still waiting), 09-28 (3-2-1201, picked
               up 10-02: a pickup in October of a September parcel)
  passes       issued 10-08 (3-2-1201, used 10-08), 10-09 (5-1-302, voided 10-09), 10-10 (3-2-1201, neither)
  patrols      the first round ever 10-31 09:00 (estate, ended): done 1; that day's 10:30 supervisor's round and
               15:00 estate round never happened: missed 2
  renovations  applied for 10-12 (3-2-1201, closed 10-25), 10-15 (5-1-302)
  keys         lent 10-04 and 10-18
The answers are worked out here by hand, not by the code under test.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.services.reports import ReportService, to_dict

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 1, tzinfo=UTC))


@pytest.fixture
def october(services, clock):  # type: ignore[no-untyped-def]
    def at(month: int, day: int, hour: int, minute: int = 0) -> None:
        clock.current = local(month, day, hour, minute)

    chen = services.operators.add("陈静", "supervisor", "3333")
    at(9, 30, 23, 50)
    services.visitors.sign_in("九月访客", "3-2-1201", "探亲")
    at(10, 3, 10)
    services.visitors.sign_in("刘先生", "3-2-1201", "探亲")
    at(10, 20, 15)
    services.visitors.sign_in("送水工", "5-1-302", "送水")
    at(9, 28, 10)
    september = services.parcels.receive("3-2-1201", "顺丰")
    at(10, 2, 18)
    services.parcels.pick_up(september.id, "张三")
    at(10, 5, 10)
    first = services.parcels.receive("3-2-1201", "中通")
    at(10, 6, 19)
    services.parcels.pick_up(first.id, "张三")
    at(10, 30, 11)
    services.parcels.receive("5-1-302", "邮政")
    at(10, 8, 9)
    used = services.passes.issue("3-2-1201", "张三", "沙发一张")
    services.passes.use(used.number)
    at(10, 9, 9)
    voided = services.passes.issue("5-1-302", "王五", "冰箱")
    services.passes.void(voided.number, "写错了")
    at(10, 10, 9)
    services.passes.issue("3-2-1201", "张三", "纸箱三个")
    at(10, 4, 9)
    services.keys.lend("机房A", "电工 老周", operator=None)
    at(10, 18, 9)
    services.keys.lend("天台", "保洁 王姐", operator=None)
    at(10, 31, 9)
    round_ = services.patrols.start("estate")
    at(10, 31, 9, 40)
    services.patrols.end(round_.id)
    if hasattr(services, "renovations"):
        at(10, 12, 10)
        done = services.renovations.open(
            "3-2-1201", "张三", "美家装饰", date(2026, 10, 13), date(2026, 10, 24), "厨房翻新"
        )
        services.renovations.approve(done.number, operator=chen)
        at(10, 25, 10)
        services.renovations.close(done.number, operator=chen)
        at(10, 15, 10)
        services.renovations.open("5-1-302", "王五", "美家装饰", date(2026, 10, 16), date(2026, 10, 30), "刷墙")
    at(11, 1, 0, 10)
    services.visitors.sign_in("十一月访客", "3-2-1201", "探亲")
    clock.current = NOW
    return ReportService.of(services)


def figures(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.key: c.n for c in report.registers}


def test_the_months_register_counts(october: ReportService, services) -> None:  # type: ignore[no-untyped-def]
    got = figures(october.monthly("2026-10"))
    expected = {
        "visitors": 2,
        "parcels_received": 2,
        "parcels_picked_up": 2,
        "parcels_waiting": 1,
        "passes_issued": 3,
        "passes_used": 1,
        "passes_voided": 1,
        "patrol_rounds_done": 1,
        "patrol_rounds_missed": 2,
        "key_loans": 2,
    }
    if hasattr(services, "renovations"):
        expected |= {"renovations_opened": 2, "renovations_closed": 1}
    assert got == expected
    assert list(got)[:3] == ["visitors", "parcels_received", "parcels_picked_up"]  # the report's order


def test_september_and_a_building(october: ReportService) -> None:
    september = figures(october.monthly("2026-09"))
    assert (september["visitors"], september["parcels_received"], september["parcels_picked_up"]) == (1, 1, 0)
    assert september["parcels_waiting"] == 1  # the 09-28 parcel was still waiting when September ended
    assert september["patrol_rounds_missed"] == 0  # before the desk's first round: no schedule yet
    three = figures(october.monthly("2026-10", building="3"))
    assert (three["visitors"], three["parcels_received"], three["parcels_waiting"], three["passes_issued"]) == (
        1,
        1,
        0,
        2,
    )
    assert "patrol_rounds_done" not in three and "key_loans" not in three  # the whole desk's, not a building's


def test_json_xlsx_and_cli_carry_them(october: ReportService, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from deskui.core.i18n import set_language
    from deskui.services.reports import write_xlsx

    report = october.monthly("2026-10")
    data = json.loads(json.dumps(to_dict(report)))
    assert data["registers"]["visitors"] == 2 and data["registers"]["patrol_rounds_missed"] == 2
    set_language("zh-CN")
    try:
        path = tmp_path / "report.xlsx"
        write_xlsx(report, path, services.settings)
        sheet = load_workbook(path)["登记簿"]
        rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
        assert rows["来访登记"] == 2 and rows["巡查漏巡"] == 2
    finally:
        set_language("en")
