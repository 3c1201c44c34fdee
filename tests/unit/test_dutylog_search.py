"""Duty log search (issue 12): entries found in either Chinese script, the same as a substring scan over the folded
text of every entry as shown; newest first, paged through the whole chain."""

from __future__ import annotations

import opencc
import pytest

from deskui.core.scriptfold import fold
from deskui.services import Services
from deskui.services.handover import _dutylog_search, search_log

TEXTS = ["3号楼电梯门关不上，已报修", "夜班巡查正常", "東門閘機故障，已通知維修", "陳先生來電：走廊裡的燈不亮"]
TO_HK = opencc.OpenCC("s2hk")


@pytest.fixture
def log(services: Services) -> Services:
    for i, text in enumerate(TEXTS * 3):
        services.dutylog.add(TO_HK.convert(text) if (i + i // len(TEXTS)) % 2 else text, operator=None)
    return services


@pytest.mark.parametrize(
    "term", ["电梯", "電梯門", "门关", "东门", "閘機", "陈先生", "里的灯", "巡查", "维修", "不存在"]
)
def test_search_equals_a_folded_scan(log: Services, term: str) -> None:
    everything = list(log.dutylog.between())
    expected = [e.seq for e in reversed(everything) if fold(term) in fold(e.text)]
    assert [e.seq for e in search_log(log.dutylog, term)] == expected


def test_both_scripts_find_both(log: Services) -> None:
    assert {e.text for e in search_log(log.dutylog, "门关")} == {
        "3号楼电梯门关不上，已报修",
        "3號樓電梯門關不上，已報修",
    }


def test_pages_and_limit(log: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dutylog_search, "PAGE", 2)  # the whole chain read two entries at a time
    found = search_log(log.dutylog, "电梯", limit=100)
    assert len(found) == 3 and [e.seq for e in found] == sorted((e.seq for e in found), reverse=True)
    assert [e.seq for e in search_log(log.dutylog, "电梯", limit=2)] == [e.seq for e in found][:2]
    assert search_log(log.dutylog, "   ") == []
