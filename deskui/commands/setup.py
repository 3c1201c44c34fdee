"""`deskui init`, `deskui demo` and `deskui doctor`: set a desk up and check that it is set up right."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from deskui.cli import cell, fail, out, require_database, state
from deskui.commands._formats import ShowFormat, print_json
from deskui.core.i18n import t


def init(ctx: typer.Context) -> None:
    """Create the database or upgrade its schema to this version of deskui."""
    from deskui.core.db import code_head, mask_url, open_database, schema_version

    st = state(ctx)
    require_database(st.settings.database_url, "init")  # a new file, yes; a folder nobody asked for, no
    # Peek at the version first (without migrating) so the message can say what changed.
    probe = open_database(st.settings.database_url or None, migrate=False)
    try:
        before = schema_version(probe)
    finally:
        probe.dispose()
    services = st.services()
    after = schema_version(services.db)
    out.print(t("Database: {url}", url=mask_url(services.db.url)), markup=False)
    if before is None:
        message = t("Schema created at version {version}", version=after)
    elif before != after:
        message = t("Schema upgraded from {old} to {new}", old=before, new=after)
    else:
        message = t("Schema version {version} is up to date", version=after)
    out.print(message + " " + t("(code head {head})", head=code_head()), markup=False)


def demo(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing.")] = False,
) -> None:
    """Load a demo property and one operator per role; running it again changes nothing."""
    from deskui.services.admin import DEMO_OPERATORS, load_demo, load_demo_activity
    from deskui.services.operators import ROLE_LABELS, Role

    summary = load_demo(state(ctx).services())
    load_demo_activity(state(ctx).services())
    if quiet:
        return
    counts = summary.counts
    out.print(
        t(
            "Demo property: {buildings} buildings, {units} units, {residents} residents",
            buildings=counts["buildings"],
            units=counts["units"],
            residents=counts["residents"],
        ),
        markup=False,
    )
    if not (summary.units_added or summary.residents_added or summary.operators_added):
        out.print(t("It was already loaded; nothing was added."), markup=False)
    table = Table(t("Name"), t("Role"), t("PIN"), title=t("Demo operators (change the PINs before real use)"))
    for op in DEMO_OPERATORS:
        table.add_row(cell(op.name), cell(t(ROLE_LABELS[Role(op.role)])), cell(op.pin))
    out.print(table)


def doctor(ctx: typer.Context, fmt: ShowFormat = "table") -> None:
    """Check SQLite, PRAGMAs, schema version, file permissions and configuration, and name every path deskui uses
    (database, key and anchor, data folder, backups, exports, config files); exit 1 if any check fails."""
    from deskui.services.admin import diagnose, doctor_paths, failed
    from deskui.services.common.masking import mask_secrets

    settings = state(ctx).settings
    require_database(settings.database_url, "doctor")  # a folder that does not exist: check --db, or init
    paths = doctor_paths(settings)
    rows = diagnose(settings)
    database_row = next((i for i, row in enumerate(rows) if row.check == t("Database")), len(rows) - 1)
    rows[database_row + 1 : database_row + 1] = _write_access_rows(settings.database_url)
    bad = failed(rows)
    if fmt == "json":
        print_json(
            {
                "paths": {
                    **{p.key: mask_secrets(p.value) for p in paths},
                    "config_files": list(settings.source_files),
                },
                "checks": [
                    {
                        "check": row.check,
                        "value": mask_secrets(row.value),
                        "status": "warning" if row.ok is None else ("ok" if row.ok else "failed"),
                        "note": mask_secrets(row.note),
                    }
                    for row in rows
                ],
                "ok": not bad,
            }
        )
    else:
        _print_doctor(paths, rows)
    if bad:
        fail(
            t(
                "{n} of {total} checks failed: {checks}",
                n=len(bad),
                total=len(rows),
                checks=", ".join(r.check for r in bad),
            )
        )


def _print_doctor(paths: list[Any], rows: list[Any]) -> None:
    """The paths, then the checks, as two tables; paths wrap, never cut with an ellipsis."""
    from deskui.services.common.masking import mask_secrets

    where = Table(title=t("Paths"))
    where.add_column(t("Path"))
    where.add_column(t("Where"), overflow="fold")
    where.add_column(t("Note"), overflow="fold")
    for path in paths:
        where.add_row(cell(path.label), cell(mask_secrets(path.value)), cell(path.note))
    out.print(where)
    table = Table()
    table.add_column(t("Check"))
    table.add_column(t("Value"), overflow="fold")
    table.add_column(t("Status"), no_wrap=True)
    table.add_column(t("Note"), overflow="fold")
    for row in rows:
        if row.ok is None:
            status = Text(t("warning"), style="yellow")
        elif row.ok:
            status = Text(t("ok"), style="green")
        else:
            status = Text(t("FAILED"), style="bold red")
        # A driver's error in a note may quote the URL, or a piece of a password it took for the host.
        table.add_row(cell(row.check), cell(mask_secrets(row.value)), status, cell(mask_secrets(row.note)))
    out.print(table)


def _write_access_rows(database_url: str | None) -> list[Any]:
    """Can this OS user write the database and create files beside it? SQLite makes its -journal (or -wal) in the
    database's folder for every write: a read-only folder is a desk that opens, reads and never saves. Effective
    ids, as SQLite's open() uses them (root may write anywhere; another account may not)."""
    import os

    from deskui.core.db import resolve_url, sqlite_path
    from deskui.services.admin import DoctorRow

    path = sqlite_path(resolve_url(database_url or None))
    if path is None or not path.is_file():
        return []
    effective = os.access in os.supports_effective_ids
    rows = []
    folder = path.parent
    if os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
        rows.append(DoctorRow(t("Database folder"), str(folder), True, t("writable (SQLite's journal goes here)")))
    else:
        note = t(
            "not writable: SQLite makes its journal beside the database, so nothing could be saved; "
            "let this user write in {folder}",
            folder=str(folder),
        )
        rows.append(DoctorRow(t("Database folder"), str(folder), False, note))
    if not os.access(path, os.R_OK | os.W_OK, effective_ids=effective):
        note = t("not writable by this user: nothing could be saved; check its owner and mode")
        rows.append(DoctorRow(t("Database file"), str(path), False, note))
    return rows


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("doctor")(doctor)
