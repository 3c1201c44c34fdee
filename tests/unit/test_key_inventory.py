"""The key inventory 钥匙台账 (issue 13): keys the desk holds, their state from the key log, the rules lending
follows once the desk keeps an inventory, the handover's key count from it, and the tables append-only in the DB."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.services.handover import AuthorityNeeded

SH = ZoneInfo("Asia/Shanghai")
OWNER = "业主书面同意"


@pytest.fixture
def wang(services, clock: FrozenClock):  # type: ignore[no-untyped-def]
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=SH).astimezone(UTC)
    return services.operators.add("王芳", "receptionist", "1111")


@pytest.fixture
def held(services, wang):  # type: ignore[no-untyped-def]
    inv = services.key_inventory
    inv.add("机房A", "1号楼地下配电房", "A-01", operator=wang)
    inv.add("3-2-1201", "3栋2单元1201 入户门", "B-07", authority=OWNER, operator=wang)
    inv.add("天台", "1号楼天台门", "A-02", operator=wang)
    return inv


def counts(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    tables = ("key_item", "key_retirement", "key_loan_authority", "key_loan")
    with services.db.read() as s:
        return {t: int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}


def test_add_lists_keys_in_with_what_they_open(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    rows = held.listing()
    assert [(k.label, k.opens, k.hook, k.authority, k.state) for k in rows] == [
        ("机房A", "1号楼地下配电房", "A-01", "", "in"),
        ("天台", "1号楼天台门", "A-02", "", "in"),
        ("3-2-1201", "3栋2单元1201 入户门", "B-07", OWNER, "in"),
    ]  # by hook: the order they hang in
    assert all(k.added_by == "王芳" and k.in_inventory for k in rows)
    assert held.listing(out=True) == []


def test_label_unique_among_keys_held_in_any_spelling(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    before = counts(services)
    with pytest.raises(Conflict, match="A-01"):
        held.add("机房ａ", "别的门", "C-01", operator=wang)  # full-width a, lower case: the same tag
    assert counts(services) == before


@pytest.mark.parametrize(
    ("label", "opens", "hook", "field"),
    [("", "门", "A-09", "label"), ("新钥匙", "  ", "A-09", "opens"), ("新钥匙", "门", "", "hook")],
)
def test_bad_input_refused_and_nothing_written(services, held, wang, label, opens, hook, field) -> None:  # type: ignore[no-untyped-def]
    before = counts(services)
    with pytest.raises(ValidationError) as caught:
        held.add(label, opens, hook, operator=wang)
    assert caught.value.field == field
    assert counts(services) == before


def test_lent_key_shows_who_has_it_and_since(services, held, wang, clock) -> None:  # type: ignore[no-untyped-def]
    loan = services.keys.lend("机房a", "电工 老周", operator=wang, due="12:00", purpose="检修")
    clock.advance(minutes=5)
    out = held.listing(out=True)
    assert [(k.label, k.state, k.borrower, k.since, k.loan_id) for k in out] == [
        ("机房A", "out", "电工 老周", loan.lent_at, loan.id)
    ]
    assert out[0].since == datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    services.keys.take_back("机房A", operator=wang)
    assert held.get("机房A").state == "in"


def test_lending_a_key_not_held_is_refused(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    before = counts(services)
    with pytest.raises(NotFound, match="not in the key inventory"):
        services.keys.lend("车库", "保安 小李", operator=wang)
    assert counts(services) == before


def test_lending_a_key_already_out_is_refused(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("天台", "保洁 王姐", operator=wang)
    with pytest.raises(Conflict, match="already out"):
        services.keys.lend("天台", "电工 老周", operator=wang)
    assert counts(services)["key_loan"] == 1


def test_a_key_needing_authority_asks_for_the_note(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthorityNeeded) as caught:
        services.keys.lend("3-2-1201", "维修 小张", operator=wang, purpose="漏水")
    assert caught.value.authority == OWNER and caught.value.field == "authority"
    assert counts(services)["key_loan"] == 0
    services.keys.lend("3-2-1201", "维修 小张", operator=wang, purpose="漏水", authority="业主张三 微信书面同意 10:02")
    key = held.get("3-2-1201")
    assert (key.state, key.borrower, key.authority_note) == ("out", "维修 小张", "业主张三 微信书面同意 10:02")
    assert counts(services)["key_loan_authority"] == 1


def test_old_desks_without_an_inventory_lend_any_tag(services, wang) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("机房B", "电工 老周", operator=wang)
    assert services.key_inventory.keeps_inventory() is False
    rows = services.key_inventory.listing()
    assert [(k.label, k.state, k.borrower, k.in_inventory) for k in rows] == [("机房B", "out", "电工 老周", False)]
    assert services.key_inventory.count() is None


def test_retire_is_a_row_of_its_own_and_ends_lending(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("天台", "保洁 王姐", operator=wang)
    with pytest.raises(Conflict, match="take it back"):
        held.retire("天台", "钥匙丢失", operator=wang)
    services.keys.take_back("天台", operator=wang)
    with pytest.raises(ValidationError):
        held.retire("天台", "  ", operator=wang)
    held.retire("天台", "钥匙丢失，已换锁", operator=wang)
    assert [k.label for k in held.listing()] == ["机房A", "3-2-1201"]
    with pytest.raises(NotFound, match="retired"):
        services.keys.lend("天台", "保洁 王姐", operator=wang)
    with pytest.raises(NotFound):
        held.retire("天台", "again", operator=wang)
    # the label is free again: a new key under it is a new entry
    held.add("天台", "1号楼天台门（新锁）", "A-02", operator=wang)
    assert counts(services)["key_item"] == 4 and counts(services)["key_retirement"] == 1


def test_a_correction_is_a_new_entry(services, held, wang) -> None:  # type: ignore[no-untyped-def]
    fixed = held.correct("机房A", hook="A-05", operator=wang)
    assert (fixed.label, fixed.opens, fixed.hook) == ("机房A", "1号楼地下配电房", "A-05")
    assert [k.hook for k in held.listing() if k.label == "机房A"] == ["A-05"]
    assert counts(services)["key_item"] == 4  # the first entry stays as written


def test_handover_counts_keys_from_the_inventory(services, held, wang, clock) -> None:  # type: ignore[no-untyped-def]
    li = services.operators.add("李强", "maintenance", "2222")
    services.keys.lend("机房A", "电工 老周", operator=wang)
    count = held.count()
    assert count is not None and (count.held, count.expected) == (3, 2)
    assert [(k.label, k.borrower) for k in count.out] == [("机房A", "电工 老周")]
    st = services.handover.start(wang)
    row = next(c for c in st.counts if c.key == "keys")
    assert (row.expected, row.counted, row.label) == (2, None, "Keys on their hooks (3 held, 1 out)")
    assert st.keys_tally == (3, 1)
    assert [k.title for k in st.keys] == ["机房A → 电工 老周"]  # the keys step lists the one out, with who has it
    assert "keys" in {b.item for b in st.blockers if b.step == "equipment"}
    services.handover.arrive(st.id, li)
    st = services.handover.record_count(st.id, "keys", 2, operator=li)
    row = next(c for c in st.counts if c.key == "keys")
    assert row.complete and row.counted == 2
    st = services.handover.record_count(st.id, "keys", 1, operator=li)
    row = next(c for c in st.counts if c.key == "keys")
    assert not row.complete and row.missing == 1


def test_handover_without_inventory_has_no_key_count(services, wang) -> None:  # type: ignore[no-untyped-def]
    st = services.handover.start(wang)
    assert "keys" not in {c.key for c in st.counts}
    with pytest.raises(ValidationError):
        services.handover.record_count(st.id, "keys", 1, operator=wang)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE key_item SET hook = 'Z-99'",
        "DELETE FROM key_item",
        "INSERT OR REPLACE INTO key_item (site_id, id, label, tag, opens, hook, authority, added_at, operator_name) "
        "SELECT site_id, id, label, tag, '改', hook, authority, added_at, '' FROM key_item LIMIT 1",
        "UPDATE key_retirement SET reason = '改'",
        "DELETE FROM key_retirement",
        "UPDATE key_loan_authority SET note = '改'",
        "DELETE FROM key_loan_authority",
    ],
)
def test_tables_are_append_only_in_the_database(services, held, wang, statement) -> None:  # type: ignore[no-untyped-def]
    services.keys.lend("3-2-1201", "维修 小张", operator=wang, authority="业主电话同意")
    services.keys.take_back("3-2-1201", operator=wang)
    held.retire("天台", "丢失", operator=wang)
    before = counts(services)
    con = sqlite3.connect(services.db.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(statement)
    finally:
        con.close()
    assert counts(services) == before
    assert [k.hook for k in held.listing()] == ["A-01", "B-07"]


def test_the_demo_holds_keys_one_lent_one_in_trust(services) -> None:  # type: ignore[no-untyped-def]
    from deskui.services.admin import load_demo, load_demo_activity

    load_demo(services)
    load_demo_activity(services)
    keys = services.key_inventory.listing()
    assert len(keys) == 4 and all(k.in_inventory for k in keys)
    assert [(k.label, k.borrower) for k in keys if k.is_out] == [("K-07 配电房", "工程部 张师傅")]
    assert [k.label for k in keys if k.authority] == ["3-2-1201 业主托管"]
    count = services.key_inventory.count()
    assert count is not None and (count.held, count.expected) == (4, 3)


def test_a_backup_counts_the_key_inventory(services, held, wang, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A restore that would lose key entries says so: their tables are among the logs a backup measures."""
    from deskui.services.admin import backup_database

    services.keys.lend("3-2-1201", "维修 小张", operator=wang, authority="业主电话同意")
    held.retire("天台", "丢失", operator=wang)
    if services.db.backend != "sqlite":
        pytest.skip("backups are of SQLite files")
    marks = backup_database(services.db, tmp_path / "copy.db").high_water
    assert (marks["key_item"], marks["key_retirement"], marks["key_loan_authority"]) == (3, 1, 1)


def test_a_signed_handover_keeps_its_key_count(services, held, wang, clock) -> None:  # type: ignore[no-untyped-def]
    li = services.operators.add("李强", "maintenance", "2222")
    services.keys.lend("机房A", "电工 老周", operator=wang)
    st = services.handover.start(wang)
    services.handover.arrive(st.id, li)
    for eq in services.settings.equipment:
        services.handover.record_count(st.id, eq.key, eq.count, operator=li)
    services.handover.record_count(st.id, "keys", 2, operator=li)
    st = services.handover.state(st.id)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(st.id, item.id, operator=li)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(st.id, key, operator=li)
    services.handover.sign(st.id, wang, "1111")
    st = services.handover.sign(st.id, li, "2222")
    assert st.signed and st.keys_tally == (3, 1)
    services.keys.take_back("机房A", operator=wang)
    held.add("车库", "B1车库门", "A-03", operator=wang)
    after = services.handover.state(st.id)
    row = next(c for c in after.counts if c.key == "keys")
    assert (row.expected, row.counted, after.keys_tally) == (2, 2, (3, 1))  # as signed, not as now
