"""Several terminals on one database: 3 writer processes doing mixed desk work through the services while a 4th
reads like the screens poll. Nothing "database is locked" (or any other error) reaches a person, no write is lost,
no ticket number is issued twice, and the database is intact; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from deskui.core.db import sqlite_path
from tests.reliability import checks
from tests.reliability.conftest import size, spawn, stop_all
from tests.reliability.workload import read_acks


@pytest.mark.slow
@pytest.mark.load
def test_three_writers_and_a_reader(backend_url: str, tmp_path: Path, open_url, record_property) -> None:  # type: ignore[no-untyped-def]
    writers, ops = size("DESKUI_LOAD_WRITERS", 3), size("DESKUI_LOAD_OPS", 1000)
    stop = tmp_path / "stop"
    reader_ack = tmp_path / "reader.jsonl"
    reader = spawn("reader", "--db", backend_url, "--stop", str(stop), "--ack", str(reader_ack))
    start_at = time.time() + 3.0  # every writer has opened its connection by then
    acks = [tmp_path / f"writer{i}.jsonl" for i in range(writers)]
    procs = [
        spawn(
            "writer",
            *("--db", backend_url, "--proc", str(i), "--ops", str(ops), "--seed", str(1000 + i)),
            *("--ack", str(acks[i]), "--start-at", str(start_at)),
        )
        for i in range(writers)
    ]
    started = time.monotonic()
    errs = stop_all(procs, timeout=max(600, ops * 0.6))
    elapsed = time.monotonic() - started
    stop.touch()
    errs += stop_all([reader], timeout=60)
    assert all(p.returncode == 0 for p in [*procs, reader]), "\n".join(errs)

    records = [r for path in acks for r in read_acks(path)]
    reader_records = read_acks(reader_ack)
    failures = [r for r in records + reader_records if "error" in r]
    refusals = Counter(r["refused"] for r in records if "refused" in r)
    done = Counter(r["op"] for r in records if "op" in r and "error" not in r and "refused" not in r)
    summary = [r for r in reader_records if "done" in r]
    assert len([r for r in records if "done" in r]) == writers, "a writer did not finish"
    print(
        f"\n{writers}x{ops} operations in {elapsed:.1f} s: {dict(done)}; refused (another terminal got there "
        f"first): {dict(refusals)}; reader: {summary[-1] if summary else None}"
    )
    record_property("operations", writers * ops)
    assert failures == [], json.dumps(failures[:5], ensure_ascii=False, indent=1)
    assert summary and summary[-1]["errors"] == 0 and summary[-1]["done"] > 0

    services = open_url(backend_url)
    checked, missing = checks.acknowledged(services, records)
    assert missing == []
    assert checked == sum(done.values()) and checked > writers * ops * 0.8
    path = sqlite_path(services.db.url)
    assert checks.everything(services, path) == []
    # Refusals are the rules working (a key already out, a ticket another terminal just changed), never "busy".
    assert set(refusals) <= {"TicketChanged", "Conflict", "NotFound", "ValidationError"}
