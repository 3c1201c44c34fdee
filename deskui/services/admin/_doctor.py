"""`deskui doctor`: is this desk's database set up the way the rest of the code assumes?

Every check reads the live state (PRAGMAs from a real connection, the file's mode bits, the schema row), never
the constants in the code, because what matters is what SQLite actually did with them. The database is opened
without migrating and a missing SQLite file is not created: the doctor looks, it does not treat.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from deskui.core.config import Settings
from deskui.core.db import (
    WAL_RESET_BACKPORTS,
    WAL_RESET_FIXED,
    Database,
    code_head,
    integrity_problem,
    known_revisions,
    library_version,
    mask_url,
    open_database,
    resolve_url,
    schema_version,
    sqlite_path,
    sqlite_pragmas,
    version_tuple,
    wal_reset_affected,
)
from deskui.core.errors import DatabaseUnavailable
from deskui.core.i18n import t

# The WAL-reset race (two connections checkpointing and writing at once can corrupt a WAL database) exists from
# 3.7.0 and is fixed in 3.51.3, with backports to the 3.44 and 3.50 lines. deskui.core.db decides the journal mode from
# it (WAL on a fixed library, the rollback journal on an affected one); the doctor shows the decision and checks
# that the file really is in that mode.
__all__ = ["WAL_RESET_BACKPORTS", "WAL_RESET_FIXED", "version_tuple", "wal_reset_affected"]
_BOOLEAN = {"on": "1", "true": "1", "yes": "1", "off": "0", "false": "0", "no": "0"}
_SYNCHRONOUS = {"off": "0", "normal": "1", "full": "2", "extra": "3"}
_WAL_FILES = ("-wal", "-shm")


class DoctorRow(NamedTuple):
    """One line of the report. `ok`: True passed, False failed (exit non-zero), None a warning only."""

    check: str
    value: str
    ok: bool | None
    note: str = ""


def expected_pragma(name: str, value: str) -> str:
    """The value SQLite reports back for a PRAGMA we set: `ON` reads back as 1, `FULL` as 2, `WAL` as wal."""
    v = value.strip().lower()
    if name == "synchronous":
        return _SYNCHRONOUS.get(v, v)
    return _BOOLEAN.get(v, v)


def file_mode_row(path: Path) -> DoctorRow:
    """A database file (or its -wal/-shm) must not be readable by others: it holds residents' phone numbers."""
    mode = path.stat().st_mode & 0o777
    ok = not mode & 0o007 and mode & 0o600 == 0o600
    note = "" if ok else t("expected 0600 or 0660; run: chmod 600 {path}", path=path)
    return DoctorRow(t("Permissions of {name}", name=path.name), f"{mode:04o}", ok, note)


def sqlite_library_rows() -> list[DoctorRow]:
    version = library_version()
    rows = [DoctorRow(t("SQLite library"), version, True)]
    if wal_reset_affected(version):
        rows.append(
            DoctorRow(
                t("WAL-reset race"),
                t("affected"),
                None,
                t(
                    "SQLite {version} may corrupt a WAL database when two terminals write at the same moment "
                    "(fixed in 3.51.3; backports 3.50.7, 3.44.6), so deskui uses the rollback journal (DELETE) "
                    "instead of WAL: several terminals are safe, commits wait a little longer",
                    version=version,
                ),
            )
        )
    else:
        rows.append(DoctorRow(t("WAL-reset race"), t("not affected"), True, t("deskui uses WAL")))
    return rows


def pragma_rows(db: Database) -> list[DoctorRow]:
    """Each required PRAGMA as read back from a new connection of the engine the app uses."""
    rows = []
    with db.engine.connect() as conn:
        for name, wanted in sqlite_pragmas():
            actual = conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            shown = str(actual).lower()
            ok = shown == expected_pragma(name, wanted)
            note = "" if ok else t("required {value}", value=wanted)
            if name == "journal_mode" and not ok and shown == "wal" and wal_reset_affected():
                note = t(
                    "required {value}: another terminal keeps this database open in WAL mode, which this SQLite "
                    "cannot share safely; close every deskui on it and start again",
                    value=wanted,
                )
            rows.append(DoctorRow(f"PRAGMA {name}", shown, ok, note))
    return rows


def schema_row(db: Database) -> DoctorRow:
    head = code_head()
    current = schema_version(db)
    if current == head:
        return DoctorRow(t("Schema version"), current, True, t("code head {head}", head=head))
    if current is None:
        return DoctorRow(t("Schema version"), t("none"), False, t("not initialised; run: deskui init"))
    if current in known_revisions():
        note = t("behind code head {head}; run: deskui init", head=head)
    else:
        note = t("ahead of code head {head}; upgrade deskui", head=head)
    return DoctorRow(t("Schema version"), current, False, note)


def trigger_row(db: Database) -> DoctorRow:
    """Every append-only trigger as the migrations made it (admin._guards): dropped ones let a shell edit."""
    from deskui.services.admin._guards import trigger_problems

    with db.engine.connect() as conn:
        problems = trigger_problems(conn, schema_version(db))
    if not problems:
        return DoctorRow(t("Append-only triggers"), t("as the migrations made them"), True)
    shown = "; ".join(p.message for p in problems[:3])
    more = len(problems) - 3
    note = shown if more <= 0 else t("{problems} (and {n} more)", problems=shown, n=more)
    return DoctorRow(t("Append-only triggers"), t("{n} not as made", n=len(problems)), False, note)


def key_rows(url: str) -> list[DoctorRow]:
    """The site key that seals signatures and the anchor file (common.anchors): private, and the anchor ours."""
    from deskui.services.common.anchors import keeper_for

    keeper = keeper_for(url)
    if not keeper.key_file.exists():
        return [DoctorRow(t("Site key"), str(keeper.key_file), None, t("not made yet; made with the first entry"))]
    rows = [file_mode_row(keeper.key_file)]
    if keeper.anchor_file is not None and keeper.anchor_file.exists():
        rows.append(file_mode_row(keeper.anchor_file))
        found = keeper.read_anchor()
        if found is not None and not found.valid:
            rows.append(
                DoctorRow(
                    t("Anchor file"),
                    str(found.path),
                    False,
                    t("not written by deskui on this site (its MAC does not match the site key)"),
                )
            )
    return rows


def integrity_row(path: Path) -> DoctorRow:
    """The whole-file check (every page read): opening checks only what does not grow with the file (issue 11)."""
    problem = integrity_problem(path)
    if problem is None:
        return DoctorRow(t("File integrity"), t("ok"), True, t("every page read (PRAGMA quick_check)"))
    return DoctorRow(
        t("File integrity"),
        t("damaged"),
        False,
        t("{problem}; stop using this file: keep a copy of it and restore the last backup", problem=problem),
    )


def server_rows(db: Database) -> list[DoctorRow]:
    if db.backend == "postgresql":
        with db.engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar())
        return [DoctorRow(t("PostgreSQL server"), version, True)]
    return []


def file_rows(path: Path) -> list[DoctorRow]:
    rows = [file_mode_row(path)]
    for suffix in _WAL_FILES:
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            rows.append(file_mode_row(extra))
    return rows


def diagnose(settings: Settings) -> list[DoctorRow]:
    """Every check, in the order a person reads them; never creates, migrates or changes the database."""
    url = resolve_url(settings.database_url or None)
    rows = [DoctorRow(t("Config files"), ", ".join(settings.source_files), True)]
    path = sqlite_path(url)
    backend_is_sqlite = url.startswith("sqlite")
    if backend_is_sqlite:
        rows += sqlite_library_rows()
    if path is not None:
        if not path.exists():
            # Not wrong yet: the first `deskui init` (or any command) creates it, if the folder lets it.
            parent = next((p for p in path.parents if p.exists()), path.parent)
            if os.access(parent, os.W_OK | os.X_OK):
                rows.append(DoctorRow(t("Database"), str(path), None, t("not created yet; run: deskui init")))
            else:
                rows.append(
                    DoctorRow(
                        t("Database"), str(path), False, t("cannot be created: {folder} is not writable", folder=parent)
                    )
                )
            return rows
        rows.append(DoctorRow(t("Database"), str(path), True))
    else:
        rows.append(DoctorRow(t("Database"), mask_url(url), True))
    try:
        db = open_database(url, migrate=False, keep_private=False)
    except DatabaseUnavailable as exc:
        rows[-1] = rows[-1]._replace(ok=False, note=str(exc))
        return rows
    try:
        rows += server_rows(db)
        if db.backend == "sqlite":
            rows += pragma_rows(db)
        rows.append(schema_row(db))
        rows.append(trigger_row(db))
        if path is not None:
            rows.append(integrity_row(path))
            rows += file_rows(path)
            rows += key_rows(url)
    except Exception as exc:  # a database that opened but fails a query: report, do not crash
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        rows.append(DoctorRow(t("Database"), mask_url(url), False, reason))
    finally:
        db.dispose()
    return rows


def failed(rows: list[DoctorRow]) -> list[DoctorRow]:
    return [r for r in rows if r.ok is False]


# --- the paths (issue 11: an installed deskui keeps its files in the user's folders; the doctor names them all) ----


class DoctorPath(NamedTuple):
    """One file or folder deskui uses: a stable key (JSON), a label, where, and a note (made yet, read or not)."""

    key: str
    label: str
    value: str
    note: str = ""


def doctor_paths(settings: Settings) -> list[DoctorPath]:
    """Every path this desk uses, whether it exists yet or not: the database (drafts are rows in it), its site key
    and anchor, the data folder with its backups and report exports, the configuration files read and the user's
    config folder. Looks only: nothing is created."""
    from deskui.core.config import backups_dir, config_dir, data_dir, exports_dir, user_config_file
    from deskui.services.common.anchors import anchor_path, key_path

    def made(path: Path) -> str:
        try:
            return "" if path.exists() else t("not made yet")
        except OSError as exc:  # a folder on the way this user may not enter
            return exc.strerror or type(exc).__name__

    url = resolve_url(settings.database_url or None)
    db_file = sqlite_path(url)
    database = str(db_file) if db_file is not None else mask_url(url)
    data = data_dir()
    user = user_config_file()
    if str(user) in settings.source_files:
        user_note = t("read: its settings override the defaults")
    elif len(settings.source_files) > 1:
        user_note = t("not read: --config or DESKUI_CONFIG names another file")
    else:
        user_note = t("none (optional)")
    key, anchor = key_path(url), anchor_path(url)
    exports = exports_dir()
    return [
        DoctorPath("database", t("Database"), database, made(db_file) if db_file is not None else ""),
        DoctorPath("drafts", t("Drafts"), database, t("kept in the database")),
        DoctorPath("key_file", t("Site key"), str(key), made(key)),
        DoctorPath("anchor_file", t("Anchor file"), str(anchor), made(anchor)),
        DoctorPath("data_dir", t("Data folder"), str(data), made(data)),
        DoctorPath("backups", t("Backups"), str(backups_dir()), made(backups_dir())),
        DoctorPath("exports", t("Report exports"), str(exports), made(exports)),
        DoctorPath("config_dir", t("Config folder"), str(config_dir())),
        DoctorPath("user_config", t("User config file"), str(user), user_note),
    ]
