"""Issue 16 item 2 with a real failing write, not an injected one: a process whose files cannot grow.

`RLIMIT_FSIZE` set to the database's size (and SIGXFSZ ignored, so the write fails with EFBIG instead of killing the
process) makes every write that needs more room fail inside SQLite the way a full disk does; no root and no tmpfs
needed. The draft autosave's service call must then raise a DeskError (StorageFailed) with a message, roll back, and
succeed once the limit is lifted ("space is back"). The TUI's handling of that DeskError is in test_faults_tui.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

CHILD = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from deskui.core.clock import FrozenClock
    from deskui.core.config import load_settings
    from deskui.services import open_services
    from deskui.core.errors import DeskError

    path = sys.argv[1]
    services = open_services(load_settings(database_url=path, language="en", environ={}), FrozenClock())
    services.calls.list(limit=1)
    size = max(os.path.getsize(path), 1)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    out = {}
    payload = {"phone": "13812345678", "content": "漏水" * 20000}
    try:
        services.calls.save_draft("00000000-0000-4000-8000-000000000016", payload, form="call")
        out["full"] = "saved"
    except DeskError as exc:
        out["full"] = [type(exc).__name__, exc.message, getattr(exc, "reason", None)]
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space is back
    out["after"] = [d.token for d in services.calls.pending_drafts(None, form="call")]
    services.calls.save_draft("00000000-0000-4000-8000-000000000016", payload, form="call")
    out["retried"] = [d.token for d in services.calls.pending_drafts(None, form="call")]
    services.close()
    print(json.dumps(out))
    """
)


@pytest.mark.load
def test_a_write_the_disk_refuses_is_a_desk_error_and_a_retry_works(services, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.close()  # the child opens the file itself
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    name, message, reason = out["full"]
    assert name == "StorageFailed" and reason in ("full", "io"), out
    assert "nothing was saved" in message
    assert out["after"] == [], "the refused write left nothing behind"
    assert out["retried"] == ["00000000-0000-4000-8000-000000000016"], "the same save works once the file may grow"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("database or disk is full", "full"),
        ("attempt to write a readonly database", "readonly"),
        ("disk I/O error", "io"),
        ("database is locked", None),  # busy is DatabaseBusy's, not a storage failure
        ("no such table: call", None),
    ],
)
def test_storage_failures_are_told_apart(message: str, reason: str | None) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from deskui.core.retry import StorageFailed, storage_error, storage_problem

    raw = sqlite3.OperationalError(message)
    wrapped = OperationalError("INSERT INTO calldraft …", {}, raw)
    assert storage_problem(raw) == reason and storage_problem(wrapped) == reason
    error = storage_error(wrapped)
    if reason is None:
        assert error is None
    else:
        assert isinstance(error, StorageFailed) and error.reason == reason and "nothing was saved" in error.message

    class PgDiskFull(Exception):
        sqlstate = "53100"

    assert storage_problem(OperationalError("INSERT …", {}, PgDiskFull())) == "full"
