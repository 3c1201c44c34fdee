"""services.anchors (the site key, seals, the anchor file) and services.admin (the expected triggers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskui.services.common.anchors import Head, Keeper, anchor_path, key_path, sidecar


@pytest.fixture
def keeper(tmp_path: Path) -> Keeper:
    return Keeper(tmp_path / "desk.db.key", tmp_path / "desk.db.anchor")


def test_paths_sit_beside_a_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKUI_KEY_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert key_path(url) == tmp_path / "desk.db.key"
    assert anchor_path(url) == tmp_path / "desk.db.anchor"
    assert sidecar(tmp_path / "b.db") == tmp_path / "b.db.anchor"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    pg = key_path("postgresql+psycopg://desk:secret@dbhost/deskui")
    assert pg.is_relative_to(tmp_path / "cfg" / "deskui" / "keys") and "secret" not in str(pg)
    assert key_path("postgresql+psycopg://desk:other@dbhost/deskui") == pg  # the password is not part of it
    monkeypatch.setenv("DESKUI_KEY_FILE", str(tmp_path / "shared.key"))
    assert key_path(url) == tmp_path / "shared.key"


def test_the_key_is_made_once_0600(keeper: Keeper) -> None:
    assert keeper.key() is None
    key = keeper.key(create=True)
    assert key is not None and len(key) == 32
    assert keeper.key_file.stat().st_mode & 0o777 == 0o600
    assert keeper.key(create=True) == key


def test_a_seal_holds_only_for_its_hash_and_key(keeper: Keeper, tmp_path: Path) -> None:
    seal = keeper.seal("a" * 64)
    assert keeper.sealed("a" * 64, seal)
    assert not keeper.sealed("b" * 64, seal)
    assert not keeper.sealed("a" * 64, None) and not keeper.sealed("a" * 64, "")
    other = Keeper(tmp_path / "other.key", None)
    other.key(create=True)
    assert not other.sealed("a" * 64, seal)


def test_the_anchor_only_rises_and_is_macced(keeper: Keeper) -> None:
    assert keeper.read_anchor() is None
    keeper.raise_anchor({1: Head(5, "e" * 64)})
    keeper.raise_anchor({1: Head(3, "c" * 64), 2: Head(1, "1" * 64)})  # a late writer with an older head
    found = keeper.read_anchor()
    assert found is not None and found.valid
    assert found.heads == {1: Head(5, "e" * 64), 2: Head(1, "1" * 64)}
    assert keeper.anchor_file is not None and keeper.anchor_file.stat().st_mode & 0o777 == 0o600
    data = json.loads(keeper.anchor_file.read_text(encoding="utf-8"))
    data["heads"]["1"]["seq"] = 2  # lowered by hand
    keeper.anchor_file.write_text(json.dumps(data), encoding="utf-8")
    forged = keeper.read_anchor()
    assert forged is not None and not forged.valid
    keeper.raise_anchor({1: Head(6, "f" * 64)})  # the next entry does not paper over it
    assert keeper.read_anchor() == forged
    keeper.anchor_file.write_text("not json", encoding="utf-8")
    broken = keeper.read_anchor()
    assert broken is not None and not broken.valid


def test_the_expected_triggers_are_what_the_migrations_make() -> None:
    """25 from 0002-0004, 8 REPLACE guards from 0005, and the registers' (0007 visitors, parcels, passes; 0008
    patrols; 0009 renovations; 0010 the key inventory; 0015 the archives written, issue 14): UPDATE, DELETE and
    REPLACE refused on each of their 22 tables; every one on an append-only table."""
    from deskui.core.db import code_head
    from deskui.services.admin import expected_sqlite_triggers

    expected = expected_sqlite_triggers(code_head())
    assert len(expected_sqlite_triggers("0004")) == 25
    assert len(expected_sqlite_triggers("0006")) == 33
    assert len(expected_sqlite_triggers("0007")) == 57
    assert len(expected_sqlite_triggers("0010")) == 96
    assert len(expected) == 99
    registers = ("visit", "visit_exit", "parcel", "parcel_notice", "parcel_pickup", "gate_pass", "gate_pass_use")
    later = ("patrol_round", "patrol_check", "patrol_end", "patrol_ticket", "renovation", "renovation_decision")
    later += ("renovation_worker_pass", "renovation_inspection", "renovation_ticket", "renovation_close")
    later += ("key_item", "key_retirement", "key_loan_authority", "archive")
    for table in (*registers, "gate_pass_void", *later):
        assert {f"{table}_refuse_{what}" for what in ("update", "delete", "replace")} <= set(expected)
    replace_guards = {name for name in expected if name.endswith("_refuse_replace")}
    assert len(replace_guards) == 32  # 0003's two, 0005's eight, 0007's eight, 0008-0010's thirteen, 0015's one
    assert all(sql.startswith("CREATE TRIGGER") for _, sql in expected.values())


def test_first_use_records_the_legacy_boundary_once(keeper: Keeper) -> None:
    keeper.ensure(lambda: {1: Head(40, "4" * 64)})
    assert keeper.legacy(1) == 40 and keeper.legacy(2) == 0
    keeper.ensure(lambda: {1: Head(90, "9" * 64)})  # files exist: nothing moves
    keeper.raise_anchor({1: Head(41, "5" * 64)})
    found = keeper.read_anchor()
    assert found is not None and found.valid and found.heads[1].seq == 41 and keeper.legacy(1) == 40
    assert keeper.anchor_file is not None
    data = json.loads(keeper.anchor_file.read_text(encoding="utf-8"))
    data["legacy"]["1"] = 1000  # moved by hand: the MAC no longer holds, nothing counts as legacy
    keeper.anchor_file.write_text(json.dumps(data), encoding="utf-8")
    assert keeper.legacy(1) == 0
