"""The duty log's hash chain (deskui.services.handover._chain): pure, no database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskui.services.handover import _chain as chain
from deskui.services.handover._chain import GENESIS, ChainRow, canonical, entry_hash, verify_rows

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def build(texts: list[str], *, site_id: int = 1) -> list[ChainRow]:
    """A valid chain of plain entries, as DutyLogService would write it."""
    rows: list[ChainRow] = []
    prev = GENESIS
    for i, text in enumerate(texts, start=1):
        fields = {
            "site_id": site_id,
            "seq": i,
            "kind": "entry",
            "duty_date": date(2026, 11, 23),
            "shift_key": "night",
            "written_at": T0 + timedelta(minutes=i),
            "operator_id": 2,
            "operator_name": "李强",
            "text": text,
            "amends_id": None,
            "ref_key": None,
            "payload": "{}",
        }
        digest = entry_hash(fields, prev)
        rows.append(ChainRow(id=i * 10, prev_hash=prev, hash=digest, **fields))
        prev = digest
    return rows


def test_intact_chain() -> None:
    rows = build(["巡查", "来电", "交接"])
    report = verify_rows(rows)
    assert report.intact and report.first_problem is None
    assert (report.entries, report.head_seq, report.head_hash) == (3, 3, rows[-1].hash)


def test_empty_chain_is_intact() -> None:
    report = verify_rows([])
    assert report.intact and (report.entries, report.head_seq, report.head_hash) == (0, 0, GENESIS)


def test_edited_field_is_named() -> None:
    rows = build(["巡查", "来电", "交接"])
    rows[1] = dataclasses.replace(rows[1], text="来电（改）")
    report = verify_rows(rows)
    assert report.first_problem == chain.ChainProblem(2, 20, "edited")
    assert len(report.problems) == 1  # the next entry still links to the stored hash


@pytest.mark.parametrize(
    "change",
    [
        {"operator_name": "王芳"},
        {"written_at": T0},
        {"duty_date": date(2026, 11, 24)},
        {"shift_key": "day"},
        {"kind": "amendment"},
        {"payload": '{"x":1}'},
        {"ref_key": "handover:1"},
        {"amends_id": 10},
        {"operator_id": 1},
        {"site_id": 2},
    ],
)
def test_every_field_is_covered(change: dict[str, object]) -> None:
    rows = build(["a", "b"])
    rows[0] = dataclasses.replace(rows[0], **change)  # type: ignore[arg-type]
    assert verify_rows(rows).first_problem == chain.ChainProblem(1, 10, "edited")


def test_edited_and_rehashed_entry_breaks_the_next_link() -> None:
    rows = build(["巡查", "来电", "交接"])
    forged = dataclasses.replace(rows[1], text="伪造")
    forged = dataclasses.replace(forged, hash=entry_hash(chain.row_fields(forged), forged.prev_hash))
    rows[1] = forged
    assert verify_rows(rows).first_problem == chain.ChainProblem(3, 30, "broken_link", "2")


def test_deleted_middle_entry_is_named() -> None:
    rows = build(["a", "b", "c", "d"])
    del rows[1]
    report = verify_rows(rows)
    assert report.first_problem == chain.ChainProblem(2, None, "missing", "2")
    assert len(report.problems) == 1


def test_deleted_run_is_one_problem() -> None:
    rows = build(["a", "b", "c", "d", "e"])
    del rows[1:3]
    assert verify_rows(rows).problems == (chain.ChainProblem(2, None, "missing", "2-3"),)


def test_deleted_first_entry() -> None:
    rows = build(["a", "b"])
    assert verify_rows(rows[1:]).first_problem == chain.ChainProblem(1, None, "missing", "1")


def test_deleted_and_renumbered_entries_no_longer_match() -> None:
    rows = build(["a", "b", "c"])
    renumbered = [rows[0], dataclasses.replace(rows[2], seq=2)]
    assert verify_rows(renumbered).first_problem == chain.ChainProblem(2, 30, "edited")


def test_swapped_pair_is_reordered() -> None:
    rows = build(["a", "b", "c", "d"])
    b, c = rows[1], rows[2]
    rows[1], rows[2] = dataclasses.replace(c, seq=2), dataclasses.replace(b, seq=3)
    report = verify_rows(rows)
    assert report.first_problem is not None
    assert report.first_problem.reason == "reordered" and report.first_problem.seq == 2


def test_rows_written_out_of_order_are_reordered() -> None:
    rows = build(["a", "b", "c"])
    # Same content, but the row written first (smaller id) now sits later: ids swapped.
    rows[0], rows[1] = dataclasses.replace(rows[0], id=25), dataclasses.replace(rows[1], id=5)
    assert verify_rows(rows).first_problem == chain.ChainProblem(2, 5, "reordered", "1")


def test_canonical_form_is_stable_json() -> None:
    fields = chain.row_fields(build(["a"])[0])
    body = canonical(fields, GENESIS).decode()
    assert body.startswith("{") and '"text":"a"' in body and '"v":1' in body
    assert '"written_at":"2026-11-23T12:01:00.000000Z"' in body
    # The same instant in another zone hashes the same.
    other = dict(fields, written_at=fields["written_at"].astimezone(ZoneInfo("Asia/Shanghai")))
    assert entry_hash(other, GENESIS) == entry_hash(fields, GENESIS)


def test_naive_time_is_refused() -> None:
    fields = chain.row_fields(build(["a"])[0])
    with pytest.raises(ValueError):
        canonical(dict(fields, written_at=datetime(2026, 1, 1)), GENESIS)


@given(st.text(), st.text())
def test_no_two_texts_share_a_hash(a: str, b: str) -> None:
    """JSON, not concatenation: no text can be shifted into another field to collide."""
    fields = chain.row_fields(build(["x"])[0])
    if a != b:
        assert entry_hash(dict(fields, text=a), GENESIS) != entry_hash(dict(fields, text=b), GENESIS)
    assert entry_hash(dict(fields, text=a + "|", operator_name="x"), GENESIS) != entry_hash(
        dict(fields, text=a, operator_name="|x"), GENESIS
    )


def test_digest_depends_on_order_and_content() -> None:
    one = [{"id": 1, "value": "a"}, {"id": 2, "value": "b"}]
    assert chain.digest(one) == chain.digest([dict(r) for r in one])
    assert chain.digest(one) != chain.digest(list(reversed(one)))
    assert chain.digest(one) != chain.digest([{"id": 1, "value": "a"}, {"id": 2, "value": "c"}])
