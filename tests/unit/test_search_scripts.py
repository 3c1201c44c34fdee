"""Script-blind search (issue 12): calls and tickets found in either Chinese script, exactly as a substring scan over
the folded text (core.scriptfold.fold) finds them.

The data: the demo's call contents and names (Simplified) and real San Francisco 311 status notes
(../shared/data/, English, when present), every other row written in Traditional (Hong Kong and Taiwan forms, by
OpenCC's s2hk and s2tw). Queries: fixed terms in both scripts, and terms cut from the data (hypothesis, derandomized
by the suite's default profile) then written in the other script.
"""

from __future__ import annotations

import csv
import gzip
import unicodedata
from itertools import islice
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskui.core.scriptfold import fold
from deskui.services.admin._demo import DEMO_CALLS, GIVEN, SURNAMES
from deskui.services.calls import CallInfo
from deskui.services.common.places import parse_unit
from tests.unit.test_tickets_helpers import Desk, make_desk

ROOT = Path(__file__).resolve().parents[2]
SF311 = ROOT.parent / "shared" / "data" / "sf_311_sample_2008_2018.csv.gz"
TO_HK = opencc.OpenCC("s2hk")
TO_TW = opencc.OpenCC("s2tw")

# Rows of our own, as offices write them.
OWN = [
    ("陈大文", "电梯门关不上，困了一个人"),
    ("陳大文", "電梯門關不上"),
    ("單小雨", "衞生間漏水到樓下"),
    ("单小雨", "卫生间地漏返水"),
    ("曾志明", "台面裂了，要换枱面"),
    ("區家豪", "走廊裡的燈不亮"),
    ("仇德华", "睡着了没听到门铃"),
    ("解晓东", "電綫老化，有焦味"),
]


def other_script(text: str, i: int) -> str:
    return (TO_HK if i % 2 else TO_TW).convert(text)


def sf311_notes(n: int) -> list[str]:
    if not SF311.exists():
        return []
    with gzip.open(SF311, "rt", encoding="utf-8", newline="") as f:
        rows = (r for r in csv.DictReader(f) if r["status_notes"].strip())
        return [" ".join(r["status_notes"].split())[:200] for r in islice(rows, n)]


def rows() -> list[tuple[str, str]]:
    """(caller, content): our own, the demo's contents, real notes; every other one in Traditional."""
    contents = [c[4] for c in DEMO_CALLS] + sf311_notes(20)
    names = [SURNAMES[i * 7 % len(SURNAMES)] + GIVEN[i * 5 % len(GIVEN)] for i in range(len(contents))]
    out = list(OWN)
    for i, (name, content) in enumerate(zip(names, contents, strict=True)):
        out.append((other_script(name, i), other_script(content, i)) if i % 2 else (name, content))
    return out


def digits(phone: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())


def scan_calls(calls: list[CallInfo], term: str) -> list[int]:
    needle = fold(term.strip())
    return sorted(
        (
            c.id
            for c in calls
            if any(needle in fold(f) for f in (c.caller, c.unit, c.phone, digits(c.phone), c.content))
        ),
        reverse=True,
    )


def scan_tickets(tickets: list[Any], term: str) -> list[str]:
    needle = fold(term.strip())
    fields = lambda x: (x.number, x.unit, x.caller, x.phone, digits(x.phone), x.description)  # noqa: E731
    return sorted(x.number for x in tickets if any(needle in fold(f) for f in fields(x)))


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    d = make_desk(services)
    for i, (caller, content) in enumerate(rows()):
        call_id = d.call(content, caller=caller, unit=f"{i % 3 + 1}-1-{i + 101}", phone=f"1380013{i:04d}")
        if i % 3 == 0:
            d.tickets.open_from_call(call_id, operator=d.rec)
    return d


def ticket_numbers(d: Desk, term: str) -> list[str]:
    found = []
    for queue in ("open", "closed"):
        found += [x.number for x in d.tickets.queue(queue, text=term, limit=500).rows]
    return sorted(found)


def all_tickets(d: Desk) -> list[Any]:
    return [*d.tickets.queue("open", limit=500).rows, *d.tickets.queue("closed", limit=500).rows]


def check(d: Desk, term: str) -> None:
    calls = d.svc.calls.list(limit=500)
    assert [c.id for c in d.svc.calls.search(term, limit=500)] == scan_calls(calls, term)
    assert ticket_numbers(d, term) == scan_tickets(all_tickets(d), term)


@pytest.mark.parametrize(
    ("term", "contents"),
    [
        ("电梯", {"电梯门关不上，困了一个人", "電梯門關不上"}),
        ("電梯門", {"电梯门关不上，困了一个人", "電梯門關不上"}),
        ("门关", {"电梯门关不上，困了一个人", "電梯門關不上"}),
        ("門關", {"电梯门关不上，困了一个人", "電梯門關不上"}),
        ("卫生间", {"衞生間漏水到樓下", "卫生间地漏返水"}),  # a Hong Kong variant (衞)
        ("枱面", {"台面裂了，要换枱面"}),
        ("裡的燈", {"走廊裡的燈不亮"}),
        ("里的灯", {"走廊裡的燈不亮"}),
        ("睡著", {"睡着了没听到门铃"}),  # Taiwan's 著 for 着
        ("电线", {"電綫老化，有焦味"}),
    ],
)
def test_either_script_finds_both(desk: Desk, term: str, contents: set[str]) -> None:
    found = {c.content for c in desk.svc.calls.search(term, limit=500)}
    assert contents <= found
    check(desk, term)


@pytest.mark.parametrize("name", ["陈大文", "陳大文"])
def test_a_name_in_either_script(desk: Desk, name: str) -> None:
    assert {c.caller for c in desk.svc.calls.search(name, limit=500)} == {"陈大文", "陳大文"}
    check(desk, name)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_terms_cut_from_the_data_match_a_folded_scan(desk: Desk, data: st.DataObject) -> None:
    caller, content = data.draw(st.sampled_from(rows()))
    text = data.draw(st.sampled_from([caller, content]))
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    term = text[start : start + data.draw(st.integers(1, 4))]
    term = data.draw(st.sampled_from([term, TO_HK.convert(term), TO_TW.convert(term), fold(term)]))
    if not term.strip() or parse_unit(term) is not None:  # a whole unit means that unit, not a substring
        return
    check(desk, term)
