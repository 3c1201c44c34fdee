"""Online backup and checked restore of a desk's SQLite database (`deskui backup PATH`, `deskui restore PATH`).

Backup: SQLite's online backup API on the engine's own connection, inside one read transaction. The read
transaction is the snapshot: every page comes from the same moment, while other terminals keep working (in WAL
mode they keep committing; with the rollback journal their COMMIT waits the few milliseconds the copy takes, within
the busy timeout and the retries of core.retry). Never a file copy: a copy taken while a terminal commits can
be torn. The copy is written beside the target, checked (quick_check), fsynced and renamed into place, 0600.

Restore: the backup is first copied to a scratch file (the backup itself is never changed), which must pass
`PRAGMA integrity_check`, have a schema this deskui knows (an older one is upgraded), and a duty-log chain that
verifies for every site. Then it replaces the database through the backup API as well, so terminals that have the
file open see the restored content instead of a file swapped under them. The database it replaces is kept beside
it (`NAME.before-restore-YYYYmmdd-HHMMSS`).

"Newer" (restore refuses without --force): the current database holds something the backup does not, i.e. a
higher last id in any append-only log (calls, ticket events, duty log, key loans and returns, handover records,
dispositions, roster changes) or a later schema revision. Restoring over it would lose those rows. Ids rather than
clocks: ids only grow, while a desk's clock can be wrong.

PostgreSQL: refused with a pointer to pg_dump / pg_restore, which do this properly for a server.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import (
    BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    Database,
    code_head,
    known_revisions,
    make_private,
    open_database,
    resolve_url,
    sqlite_path,
)
from deskui.core.errors import DeskError
from deskui.core.i18n import t
from deskui.services.common import anchors

# The append-only logs whose last id says how far a database got.
LOG_TABLES = (
    "call",
    "ticketevent",
    "dutylog",
    "key_loan",
    "key_return",
    "handover_record",
    "call_disposition",
    "roster_change",
    "visit",
    "visit_exit",
    "parcel",
    "parcel_notice",
    "parcel_pickup",
    "gate_pass",
    "gate_pass_use",
    "gate_pass_void",
    "patrol_round",
    "patrol_check",
    "patrol_end",
    "patrol_ticket",
    "renovation",
    "renovation_decision",
    "renovation_worker_pass",
    "renovation_inspection",
    "renovation_ticket",
    "renovation_close",
    "key_item",
    "key_retirement",
    "key_loan_authority",
)
PAGES_PER_STEP = 256

Progress = Callable[[int, int], None]  # (pages copied, pages in all)


class BackupRefused(DeskError):
    """A backup or restore that cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database file holds, as far as "which one is newer" and "can it be used" go."""

    path: Path
    integrity: str
    schema: str | None
    high_water: dict[str, int] = field(default_factory=dict)
    chain_entries: int = 0
    chain_problem: str = ""
    trigger_problems: tuple[str, ...] = ()

    @property
    def chain_ok(self) -> bool:
        return not self.chain_problem


@dataclass(frozen=True)
class BackupResult:
    path: Path
    pages: int
    bytes: int
    seconds: float
    high_water: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    source: Path
    kept: Path | None
    schema: str
    high_water: dict[str, int]
    forced: bool


def refuse_postgresql(db_url: str) -> None:
    if not resolve_url(db_url).startswith("sqlite"):
        raise BackupRefused(
            t(
                "deskui backup and restore work on a SQLite database; for PostgreSQL use the server's own tools: "
                "pg_dump --format=custom --file=FILE DBNAME to back up, pg_restore --clean --dbname=DBNAME FILE "
                "to restore"
            )
        )


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _scratch(near: Path, tag: str) -> Path:
    return near.with_name(f".{near.name}.{tag}-{os.getpid()}-{time.monotonic_ns()}")


def _new_private_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))


def high_water(con: sqlite3.Connection) -> dict[str, int]:
    """The last id of each append-only log that exists in this database."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {
        name: int(con.execute(f'SELECT coalesce(max(id), 0) FROM "{name}"').fetchone()[0])
        for name in LOG_TABLES
        if name in tables
    }


def _schema(con: sqlite3.Connection) -> str | None:
    found = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not found:
        return None
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _revision_order() -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from deskui.core.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [rev.revision for rev in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def schema_later(a: str | None, b: str | None) -> bool:
    """True when revision `a` comes after revision `b` (None: no schema yet)."""
    order = _revision_order()
    rank = {rev: i for i, rev in enumerate(order)}
    return a is not None and rank.get(a, -1) > (rank.get(b, -1) if b is not None else -1)


# --- backup ----------------------------------------------------------------------------------------------------------


def backup_database(db: Database, target: str | os.PathLike[str], *, progress: Progress | None = None) -> BackupResult:
    """A consistent copy of the live database at `target` (a file, or a folder for a dated name in it)."""
    refuse_postgresql(db.url)
    source = db.path
    assert source is not None
    dest = Path(target).expanduser()
    if dest.is_dir():
        dest = dest / f"{source.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"
    dest = dest.resolve()
    if dest == source.resolve():
        raise BackupRefused(t("The backup cannot be written over the database itself: {path}", path=dest))
    if not dest.parent.is_dir():
        raise BackupRefused(t("No such folder: {path}", path=dest.parent))
    scratch = _scratch(dest, "partial")
    started = time.monotonic()
    try:
        _new_private_file(scratch)
        raw = db.engine.raw_connection()
        try:
            con = raw.driver_connection
            assert isinstance(con, sqlite3.Connection)  # refuse_postgresql let only SQLite through
            copy = sqlite3.connect(scratch)
            try:
                con.execute("BEGIN")
                try:
                    con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
                    marks = high_water(con)

                    def step(_status: int, remaining: int, total: int) -> None:
                        if progress is not None:
                            progress(total - remaining, total)

                    con.backup(copy, pages=PAGES_PER_STEP, progress=step)
                finally:
                    con.execute("ROLLBACK")
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
                try:  # the whole-file check opening no longer makes (issue 11): a damaged source is found here
                    check = copy.execute("PRAGMA quick_check").fetchone()[0]
                except sqlite3.DatabaseError as exc:
                    check = str(exc)
            finally:
                copy.close()
        finally:
            raw.close()
        if check != "ok":
            raise BackupRefused(t("The copy failed its check ({result}); nothing was written", result=check))
        _fsync_file(scratch)
        os.replace(scratch, dest)
        _fsync_dir(dest.parent)
    finally:
        scratch.unlink(missing_ok=True)
    _anchor_backup(db, dest)
    return BackupResult(dest, pages, dest.stat().st_size, time.monotonic() - started, marks)


def chain_heads(path: Path) -> dict[int, anchors.Head]:
    """Each site's duty-log head (sequence number, hash) in a database file."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = con.execute(
            "SELECT site_id, seq, hash FROM dutylog d WHERE seq = (SELECT max(seq) FROM dutylog WHERE site_id = "
            "d.site_id)"
        ).fetchall()
    except sqlite3.DatabaseError:
        rows = []
    finally:
        con.close()
    return {int(site): anchors.Head(int(seq), str(h)) for site, seq, h in rows}


def _anchor_backup(db: Database, dest: Path) -> None:
    """The copy's heads in a MACed `.anchor` file beside it (restore checks the copy still reaches them), and the
    live anchor file raised to them."""
    heads = chain_heads(dest)
    keeper = anchors.keeper_for(db.url)
    assert db.path is not None
    source = db.path
    keeper.ensure(lambda: chain_heads(source))
    keeper.write_anchor(heads, anchors.sidecar(dest))  # with the live anchor's legacy boundary
    with contextlib.suppress(OSError):
        keeper.raise_anchor(heads)


# --- checking a copy ------------------------------------------------------------------------------------------------


def inspect_file(path: Path, settings: Settings, keeper: anchors.Keeper | None = None) -> DatabaseFacts:
    """Integrity, schema, last ids and the duty-log chain of a database file, which must not be in use (a scratch
    copy). An older schema is upgraded first, so the chain check runs with this deskui's code. `keeper`: the site
    key the signatures are checked with and the anchor the chain must reach (a restore's: its target's key, the
    backup's own anchor file)."""
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRefused(t("{path} is not a SQLite database", path=path))
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            integrity = "; ".join(str(r[0]) for r in rows[:5])
            schema = _schema(con)
        except sqlite3.DatabaseError as exc:
            integrity, schema = str(exc), None
    finally:
        con.close()
    if integrity != "ok":
        return DatabaseFacts(path, integrity, schema)
    if schema is not None and schema not in known_revisions():
        return DatabaseFacts(path, integrity, schema)
    db = open_database(str(path))  # upgrades an older schema, in the scratch copy only
    try:
        triggers = _triggers(db)
        entries, problem = _chain(db, settings, keeper)
        con = sqlite3.connect(path)
        try:
            marks = high_water(con)
        finally:
            con.close()
    finally:
        db.dispose()
    # the schema as it was in the file
    return DatabaseFacts(path, integrity, schema, marks, entries, problem, triggers)


def _triggers(db: Database) -> tuple[str, ...]:
    """What is wrong with the append-only triggers (admin._guards), as messages."""
    from deskui.core.db import schema_version
    from deskui.services.admin._guards import trigger_problems

    with db.engine.connect() as conn:
        return tuple(p.message for p in trigger_problems(conn, schema_version(db)))


def _chain(db: Database, settings: Settings, keeper: anchors.Keeper | None = None) -> tuple[int, str]:
    """(entries, the first problem or "") of every site's duty-log chain. A missing site key is not a problem
    here (a desk rebuilt after a disk failure restores before its key file): verify says so afterwards."""
    from sqlalchemy import text

    from deskui.services.admin.verify import verify_log
    from deskui.services.context import DeskContext
    from deskui.services.handover import ChainCheck

    with db.read() as s:
        sites = [r[0] for r in s.execute(text("SELECT id FROM site ORDER BY id"))]
    entries = 0
    for site_id in sites:
        check = ChainCheck(DeskContext(db, settings, Clock(), site_id))
        check.keeper = keeper or anchors.Keeper(anchors.key_path(db.url), None)
        report = verify_log(check, triggers=False)  # the triggers are checked apart
        entries += report.entries
        problems = [p for p in report.problems if p.reason != "key_missing"]
        if problems:
            return entries, problems[0].message
    return entries, ""


def _snapshot_copy(source: Path, dest: Path) -> None:
    """`source` copied to `dest` through the backup API from a read-only connection (the source is not changed)."""
    _new_private_file(dest)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(dest)
        try:
            src.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(
            t("{path} cannot be read as a SQLite database: {reason}", path=source, reason=exc)
        ) from None
    finally:
        src.close()


def current_facts(path: Path) -> tuple[str | None, dict[str, int]]:
    """The schema and last ids of the database about to be replaced (empty when there is none yet)."""
    if not path.exists() or path.stat().st_size == 0:
        return None, {}
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return _schema(con), high_water(con)
    except sqlite3.DatabaseError:
        return None, {}
    finally:
        con.close()


def newer_than(current: tuple[str | None, dict[str, int]], backup: DatabaseFacts) -> list[str]:
    """Why the current database is newer than the backup (empty: it is not)."""
    schema, marks = current
    reasons = [
        t(
            "{table}: last id {current} here, {backup} in the backup",
            table=name,
            current=n,
            backup=backup.high_water.get(name, 0),
        )
        for name, n in marks.items()
        if n > backup.high_water.get(name, 0)
    ]
    if schema_later(schema, backup.schema):
        reasons.append(t("schema {current} here, {backup} in the backup", current=schema, backup=backup.schema))
    return reasons


# --- restore --------------------------------------------------------------------------------------------------------


def restore_database(
    settings: Settings,
    backup: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    """Replace the configured database with a checked backup; see the module's docstring for the rules."""
    url = resolve_url(settings.database_url or None)
    refuse_postgresql(url)
    target = sqlite_path(url)
    assert target is not None
    source = Path(backup).expanduser().resolve()
    if not source.is_file():
        raise BackupRefused(t("No backup file at {path}", path=source))
    if source == target.resolve():
        raise BackupRefused(t("That is the database itself, not a backup: {path}", path=source))
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = _scratch(target, "restoring")
    try:
        _snapshot_copy(source, scratch)
        key_file = anchors.key_path(url)
        backup_anchor = anchors.sidecar(source)
        known = key_file.is_file() and backup_anchor.is_file()  # without the key its anchor cannot be trusted
        facts = inspect_file(scratch, settings, anchors.Keeper(key_file, backup_anchor if known else None))
        if facts.integrity != "ok":
            raise BackupRefused(
                t("The backup {path} is damaged ({result}); nothing was restored", path=source, result=facts.integrity)
            )
        if facts.schema is None or facts.schema not in known_revisions():
            raise BackupRefused(
                t(
                    "The backup {path} has schema {schema}, which this deskui does not know (head {head}); "
                    "nothing was restored",
                    path=source,
                    schema=facts.schema or t("none"),
                    head=code_head(),
                )
            )
        if not facts.chain_ok:
            raise BackupRefused(
                t(
                    "The duty log in the backup {path} does not verify: {problem}; nothing was restored",
                    path=source,
                    problem=facts.chain_problem,
                )
            )
        if facts.trigger_problems:
            raise BackupRefused(
                t(
                    "The backup {path} lacks the triggers that keep its logs append-only ({problem}; {n} in all); "
                    "nothing was restored",
                    path=source,
                    problem=facts.trigger_problems[0],
                    n=len(facts.trigger_problems),
                )
            )
        current = current_facts(target)
        reasons = newer_than(current, facts)
        if reasons and not force:
            raise BackupRefused(
                t(
                    "The database {path} is newer than the backup ({reasons}); restoring would lose that. "
                    "Use --force to restore anyway (the current file is kept beside it)",
                    path=target,
                    reasons="; ".join(reasons),
                )
            )
        kept = None
        db = open_database(str(target), migrate=False)
        try:
            if current[0] is not None or current[1]:
                kept = target.with_name(f"{target.name}.before-restore-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
                backup_database(db, kept)
            _copy_into(scratch, db, progress)
        finally:
            db.dispose()
        make_private(target)
        # Going back is deliberate here: the anchor file now follows the restored chain (its heads, not higher),
        # keeping the legacy boundary (common.anchors.Keeper.ensure) of this desk, else the backup's.
        live = anchors.keeper_for(url)
        here = live.read_anchor()
        there = anchors.Keeper(key_file, backup_anchor).read_anchor() if known else None
        legacy = here.legacy if here is not None and here.valid else (there.legacy if there is not None else {})
        live.write_anchor(chain_heads(target), legacy=legacy)
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return RestoreResult(target, source, kept, str(facts.schema), facts.high_water, bool(reasons))


def _copy_into(scratch: Path, db: Database, progress: Progress | None) -> None:
    """The checked scratch copy written over the live database through the backup API (the destination is locked
    while it is written; other terminals' connections then read the restored pages)."""
    raw = db.engine.raw_connection()
    try:
        dest = raw.driver_connection
        assert isinstance(dest, sqlite3.Connection)  # a restore is refused on PostgreSQL
        src = sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            src.backup(dest, pages=PAGES_PER_STEP, progress=step)
        finally:
            src.close()
        result = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        raw.close()
    if result != "ok":  # pragma: no cover - the copy was checked; this would be the disk
        raise BackupRefused(t("The restored database failed its check: {result}", result=result))


__all__ = [
    "LOG_TABLES",
    "BackupRefused",
    "BackupResult",
    "DatabaseFacts",
    "RestoreResult",
    "backup_database",
    "inspect_file",
    "newer_than",
    "refuse_postgresql",
    "restore_database",
]
