"""The key log: lending, taking back (a new row), keys out with overdue flags, refusals that write nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.services.handover import normalize_tag

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def wang(services, clock: FrozenClock):  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=SH).astimezone(UTC)
    return services.operators.add("王芳", "receptionist", "1111")


def loans(db_path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(db_path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("key_loan", "key_return"))  # type: ignore[return-value]
    finally:
        con.close()


def test_tags_are_normalised() -> None:
    assert normalize_tag(" ３-２-１２０１ ") == "3-2-1201"
    assert normalize_tag("机房 a") == "机房 A"
    with pytest.raises(ValidationError):
        normalize_tag("  ")


def test_lend_and_take_back(services, wang, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    loan = services.keys.lend("3-2-1201", "维修 小张", operator=wang, due="12:00", purpose="换水龙头")
    assert (loan.tag, loan.borrower, loan.purpose, loan.lent_by, loan.is_out) == (
        "3-2-1201",
        "维修 小张",
        "换水龙头",
        "王芳",
        True,
    )
    assert loan.due_at == datetime(2026, 11, 23, 12, 0, tzinfo=SH)
    assert [k.id for k in services.keys.out()] == [loan.id]
    clock.advance(hours=1)
    back = services.keys.take_back("3-2-1201", operator=wang, note="完好")
    assert (back.id, back.is_out, back.returned_by, back.return_note) == (loan.id, False, "王芳", "完好")
    assert services.keys.out() == []
    assert loans(db_path) == (1, 1)  # the loan row stays as written; the return is a row of its own
    assert [k.returned_at for k in services.keys.history(tag="3-2-1201")] == [clock.now()]


def test_default_due_is_the_end_of_the_shift(services, wang) -> None:  # type: ignore[no-untyped-def]
    loan = services.keys.lend("机房A", "电工", operator=wang)
    assert loan.due_at == datetime(2026, 11, 23, 17, 30, tzinfo=SH)


def test_overdue_keys_are_flagged(services, wang, clock) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("1号楼天台", "保洁 王姐", operator=wang, due="11:00")
    services.keys.lend("机房A", "电工", operator=wang, due="2026-11-24 09:00")
    clock.advance(hours=2)
    assert [(k.tag, k.overdue) for k in services.keys.out()] == [("1号楼天台", True), ("机房A", False)]


def test_a_key_cannot_go_out_twice_or_come_back_twice(services, wang, db_path) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("3-2-1201", "维修 小张", operator=wang)
    with pytest.raises(Conflict, match="already out"):
        services.keys.lend("３-２-１２０１", "另一人", operator=wang)
    services.keys.take_back("3-2-1201", operator=wang)
    with pytest.raises(NotFound, match="not out"):
        services.keys.take_back("3-2-1201", operator=wang)
    assert loans(db_path) == (1, 1)
    services.keys.lend("3-2-1201", "另一人", operator=wang)  # back in: may go out again
    assert loans(db_path) == (2, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tag": "", "borrower": "x"}, "tag"),
        ({"tag": "A", "borrower": " "}, "borrower"),
        ({"tag": "A", "borrower": "x", "due": "9:99"}, "due"),
        ({"tag": "A", "borrower": "x", "due": "明天"}, "due"),
        ({"tag": "A", "borrower": "x", "due": "2026-11-23 09:00"}, "due"),  # in the past
        ({"tag": "A\x1b[31m", "borrower": "x"}, "tag"),
        ({"tag": "A", "borrower": "x" * 201}, "borrower"),
    ],
)
def test_bad_input_is_refused(services, wang, db_path, kwargs, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        services.keys.lend(operator=wang, **kwargs)
    assert err.value.field == field
    assert loans(db_path) == (0, 0)
