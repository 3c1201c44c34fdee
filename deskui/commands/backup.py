"""`deskui backup PATH` and `deskui restore PATH [--force]` (SQLite; PostgreSQL is refused with pg_dump's name).

Both show a progress bar on stderr (stdout stays for the one-line result) and never open the app's services, so a
restore does not first create or migrate the database it is about to replace.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deskui.cli import out, output_file, require_database, state
from deskui.core.i18n import t


@contextmanager
def _bar(label: str) -> Any:
    """A Rich progress bar on stderr, shown from the first page copied (a refusal before any copying stays the one
    line on stderr); yields the (pages done, pages in all) callback. A copy that fails takes its bar away (erased on
    a terminal, never printed to a pipe or a log), so the failure is the one line left on stderr."""
    console = Console(stderr=True, highlight=False)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(t("pages")),
        TimeElapsedColumn(),
        console=console,
    )
    task = progress.add_task(label, total=None)
    shown = False

    def update(done: int, total: int) -> None:
        nonlocal shown
        if not shown:
            progress.start()
            shown = True
        progress.update(task, completed=done, total=total)

    try:
        yield update
    except BaseException:
        progress.live.transient = True
        raise
    finally:
        if shown:
            progress.stop()


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def backup(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="The backup file to write (a folder: a dated file in it; default: the backups folder that "
            "`deskui doctor` names)."
        ),
    ] = None,
) -> None:
    """Copy the database while other terminals keep working (SQLite's online backup: one consistent moment)."""
    from deskui.core.db import mask_url, open_database
    from deskui.services.admin import backup_database, refuse_postgresql

    settings = state(ctx).settings
    refuse_postgresql(settings.database_url or "")
    require_database(settings.database_url, "backup")  # never back up a new, empty file made by a typo
    if path is None:  # the data folder's backups/ (core.config: DESKUI_DATA_DIR or the user's data directory)
        from deskui.core.config import backups_dir

        folder = backups_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = str(folder)
    output_file(path, folder_allowed=True)  # a missing folder, a FIFO or a device: one line before any copying
    db = open_database(settings.database_url or None)
    try:
        with _bar(t("Backing up")) as update:
            result = backup_database(db, path, progress=update)
        out.print(
            t(
                "Backup of {db} written to {path}: {size}, {pages} pages, {seconds} s",
                db=mask_url(db.url),
                path=result.path,
                size=_size(result.bytes),
                pages=result.pages,
                seconds=f"{result.seconds:.1f}",
            ),
            markup=False,
        )
    finally:
        db.dispose()


def restore(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A backup made by `deskui backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that is newer than the backup (it is kept beside).")
    ] = False,
) -> None:
    """Check a backup (integrity, schema, duty-log chain) and put it in place of the database."""
    from deskui.services.admin import restore_database

    settings = state(ctx).settings
    require_database(settings.database_url, "restore")  # a new file, yes (a new PC); a mistyped folder, no
    with _bar(t("Restoring")) as update:
        result = restore_database(settings, path, force=force, progress=update)
    out.print(t("Restored {path} from {source}", path=result.path, source=result.source), markup=False)
    if result.kept is not None:
        out.print(t("The database it replaced is kept as {path}", path=result.kept), markup=False)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
