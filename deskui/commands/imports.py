"""`deskui import units|residents|calls FILE`: load the directory and past calls from spreadsheets, all-or-nothing.

FILE is a CSV file (UTF-8, GB18030/GBK, Big5 or UTF-16: detected, or given with --encoding), an Excel workbook
(.xlsx; its first sheet, or --sheet), or `-` for standard input (either kind). Every import shows a progress bar on
stderr when stderr is a terminal. The reading itself is services.common.tabular's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskui.cli import fail, out, state
from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.services.common.tabular import InputBytes

group = typer.Typer(
    help="Load data from CSV files (UTF-8, GBK/GB18030, Big5, UTF-16) or Excel workbooks (.xlsx); - is stdin. "
    "A bad row refuses the whole file.",
    no_args_is_help=True,
)

Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="The CSV file's text encoding: utf-8, gb18030 (gbk), big5 or utf-16; detected when not given.",
    ),
]
Sheet = Annotated[
    str | None, typer.Option("--sheet", help="A workbook's sheet, by name or number (1 is the first); default first.")
]


def source(file: Path) -> Path | InputBytes:
    """The file to read; `-` is standard input, read whole (its encoding is detected on the bytes, as a file's)."""
    if str(file) != "-":
        return file
    from deskui.services.common.tabular import InputBytes

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        fail(t("- reads standard input, but there is none"))
    return InputBytes(stream.read())


@contextmanager
def progress_bar(saving: str) -> Iterator[Callable[[str, int], None]]:
    """A progress callback `(phase "check" | "save", rows)` drawn on stderr, only when stderr is a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from deskui.cli import err  # looked up now: tests put a terminal in its place

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        tasks = {
            "check": progress.add_task(t("Checking rows"), total=None),
            "save": progress.add_task(saving, total=None, visible=False),
        }

        def advance(phase: str, n: int) -> None:
            if phase == "save":
                check_task = progress.tasks[tasks["check"]]
                progress.update(tasks["save"], visible=True, total=check_task.completed)
            progress.advance(tasks[phase], n)

        yield advance


@group.command("units")
def units(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="CSV or .xlsx with the header unit,kind (kind: residence, shop or public); - is stdin."),
    ],
    encoding: Encoding = None,
    sheet: Sheet = None,
) -> None:
    """Add units 房号 (3-2-1201), shops 商铺 and public areas 公共区域."""
    from deskui.services.directory import import_units

    directory = state(ctx).services().directory
    with progress_bar(t("Saving units")) as advance:
        n = import_units(directory, source(file), encoding=encoding, sheet=sheet, progress=advance)
    out.print(t("Imported {n} units", n=n), markup=False)


@group.command("residents")
def residents(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx with the header name,unit,phone,role,notes; - is stdin.")],
    encoding: Encoding = None,
    sheet: Sheet = None,
) -> None:
    """Add residents to units already in the directory; several phones in one cell are separated by ; or 、."""
    from deskui.services.directory import import_residents

    directory = state(ctx).services().directory
    with progress_bar(t("Saving residents")) as advance:
        n = import_residents(directory, source(file), encoding=encoding, sheet=sheet, progress=advance)
    out.print(t("Imported {n} residents", n=n), markup=False)


@group.command("calls")
def calls(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or .xlsx with the header time,channel,caller,unit,phone,category,content; - is stdin."
        ),
    ],
    operator: Annotated[str | None, typer.Option("--operator", help="Record these calls as taken by…")] = None,
    encoding: Encoding = None,
    sheet: Sheet = None,
    allow_duplicates: Annotated[
        bool,
        typer.Option(
            "--allow-duplicates",
            help="Import rows even when the log already has a call with the same time, caller, unit, phone, "
            "category and content (refused by default: the file was most likely imported before).",
        ),
    ] = False,
) -> None:
    """Add past calls; category and channel as keys (repair) or Chinese labels (报修); naive times are site time.

    A file whose rows are already in the call log is refused, nothing imported: the log is append-only.
    """
    from deskui.services.calls import import_calls

    services = state(ctx).services()
    op = services.operators.by_name(operator.strip()) if operator and operator.strip() else None
    with progress_bar(t("Saving calls")) as advance:
        n = import_calls(
            services.calls,
            source(file),
            operator=op,
            encoding=encoding,
            sheet=sheet,
            progress=advance,
            allow_duplicates=allow_duplicates,
        )
    out.print(t("Imported {n} calls", n=n), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="import")
