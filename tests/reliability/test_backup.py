"""`deskui backup` / `deskui restore`: consistent online copies while three terminals write, checked restores."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskui.core.config import load_settings
from deskui.core.db import open_database
from deskui.services.admin import BackupRefused, backup_database, restore_database
from tests.reliability import checks
from tests.reliability.conftest import ROOT, child_env, size, spawn, stop_all, workload
from tests.reliability.workload import read_acks

pytestmark = pytest.mark.sqlite_only


def settings_for(path: Path):  # type: ignore[no-untyped-def]
    return load_settings(database_url=str(path), language="en", environ={})


def deskui(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**child_env(), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "deskui", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    workload("prepare", "--db", str(path))
    return path


def fill(path: Path, ops: int = 40, seed: int = 7) -> None:
    workload("writer", "--db", str(path), "--proc", "9", "--ops", str(ops), "--seed", str(seed), "--ack", os.devnull)


@pytest.mark.slow
@pytest.mark.load
def test_twenty_backups_under_three_writers_each_restores_intact(desk: Path, tmp_path: Path, open_url) -> None:  # type: ignore[no-untyped-def]
    backups, writers = size("DESKUI_BACKUPS", 20), size("DESKUI_LOAD_WRITERS", 3)
    stop = tmp_path / "stop"
    acks = [tmp_path / f"w{i}.jsonl" for i in range(writers)]
    start_at = time.time() + 2.0
    procs = [
        spawn(
            "writer",
            *("--db", str(desk), "--proc", str(i), "--ops", "100000", "--seed", str(50 + i), "--ack", str(acks[i])),
            *("--start-at", str(start_at), "--stop", str(stop)),
        )
        for i in range(writers)
    ]
    db = open_database(str(desk), migrate=False)
    taken = []
    try:
        while time.time() < start_at + 0.5:
            time.sleep(0.05)
        for i in range(backups):
            before = [r for a in acks for r in read_acks(a)]  # committed before the backup started
            result = backup_database(db, tmp_path / f"backup{i:02d}.db")
            taken.append((result, before))
            assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
            time.sleep(0.15)
        running = sum(p.poll() is None for p in procs)
    finally:
        db.dispose()
        stop.touch()  # the writers stop after the last backup
        errs = stop_all(procs, timeout=300)
    assert all(p.returncode == 0 for p in procs), "\n".join(errs)
    assert running == writers, "a writer had stopped before the last backup: no load to back up under"
    records = [r for a in acks for r in read_acks(a)]
    assert [r for r in records if "error" in r] == []

    previous: dict[str, int] = {}
    for i, (result, before) in enumerate(taken):
        assert all(result.high_water.get(k, 0) >= v for k, v in previous.items()), "a later backup went back"
        previous = result.high_water
        target = tmp_path / f"restored{i:02d}.db"
        restored = restore_database(settings_for(target), result.path)
        assert restored.kept is None and not restored.forced
        services = open_url(str(target))
        _, missing = checks.acknowledged(services, before)
        assert missing == [], f"backup {i} lacks writes acknowledged before it began"
        assert checks.everything(services, target) == [], f"backup {i}"
    print(f"\n{len(taken)} backups under {writers} writers; the last one has {taken[-1][0].high_water}")


def test_restore_refuses_a_newer_database_unless_forced(desk: Path, tmp_path: Path) -> None:
    fill(desk, 30, seed=1)
    db = open_database(str(desk))
    try:
        old = backup_database(db, tmp_path / "old.db")
    finally:
        db.dispose()
    fill(desk, 10, seed=2)  # the desk goes on after the backup
    settings = settings_for(desk)
    before = desk.read_bytes()
    with pytest.raises(BackupRefused, match="newer than the backup") as err:
        restore_database(settings, old.path)
    assert "--force" in err.value.message and "last id" in err.value.message
    assert desk.read_bytes() == before  # refused: nothing changed
    forced = restore_database(settings, old.path, force=True)
    assert forced.forced and forced.kept is not None and forced.kept.exists()
    con = sqlite3.connect(desk)
    try:
        assert con.execute("SELECT max(id) FROM call").fetchone()[0] == old.high_water["call"]
    finally:
        con.close()
    kept = sqlite3.connect(forced.kept)
    try:
        assert kept.execute("SELECT max(id) FROM call").fetchone()[0] > old.high_water["call"]
    finally:
        kept.close()
    # The same backup again is not "newer": it restores without --force.
    assert not restore_database(settings, old.path).forced


def test_restore_refuses_damaged_copies_and_a_broken_chain(desk: Path, tmp_path: Path) -> None:
    fill(desk, 30, seed=3)
    db = open_database(str(desk))
    try:
        good = backup_database(db, tmp_path / "good.db").path
    finally:
        db.dispose()
    target = tmp_path / "target.db"
    settings = settings_for(target)

    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for p in range(2, len(data) // page):
        data[p * page + 8 : p * page + 40] = b"\xa5" * 32
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupRefused, match=r"damaged|cannot be read"):
        restore_database(settings, damaged)

    notes = tmp_path / "notes.db"
    notes.write_text("业主名单\n", encoding="utf-8")
    with pytest.raises(BackupRefused, match=r"not a SQLite database|cannot be read"):
        restore_database(settings, notes)

    tampered = tmp_path / "tampered.db"
    shutil.copy(good, tampered)
    con = sqlite3.connect(tampered)
    try:
        con.execute("DROP TRIGGER dutylog_refuse_update")
        con.execute("UPDATE dutylog SET text = text || ' (changed)' WHERE seq = 1")
        con.commit()
    finally:
        con.close()
    with pytest.raises(BackupRefused, match="does not verify"):
        restore_database(settings, tampered)
    assert not target.exists() or target.stat().st_size == 0

    restored = restore_database(settings, good)
    assert restored.schema and target.exists()
    assert good.read_bytes() == good.read_bytes()  # the backup itself is never changed
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0


def test_cli_backup_and_restore(desk: Path, tmp_path: Path) -> None:
    fill(desk, 20, seed=4)
    copy = tmp_path / "copy.db"
    made = deskui("--db", str(desk), "backup", str(copy))
    assert made.returncode == 0, made.stderr
    assert "copy.db" in made.stdout and "pages" in made.stderr  # the result on stdout, the progress bar on stderr
    refused = deskui("--db", str(desk), "restore", str(tmp_path / "missing.db"))
    assert refused.returncode == 1 and refused.stderr.startswith("deskui: No backup file")
    fill(desk, 5, seed=5)
    newer = deskui("--db", str(desk), "restore", str(copy))
    assert newer.returncode == 1 and "--force" in newer.stderr
    forced = deskui("--db", str(desk), "restore", str(copy), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Restored" in forced.stdout and "before-restore" in forced.stdout
    assert deskui("--db", str(desk), "verify").returncode == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    assert deskui("--db", str(desk), "backup", str(folder)).returncode == 0
    assert len(list(folder.glob("desk-*.db"))) == 1


def test_postgresql_is_refused_with_pg_dump_named() -> None:
    url = "postgresql+psycopg://desk@127.0.0.1:1/deskui"
    for args in (("backup", "/tmp/x.db"), ("restore", "/tmp/x.db")):
        result = deskui("--db", url, *args)
        assert result.returncode == 1
        assert "pg_dump" in result.stderr and "pg_restore" in result.stderr
        assert result.stderr.count("\n") == 1
