"""What every command that prints data shares: its `--format` choice, the JSON it prints, and a progress bar.

`--format` is a real choice (a Literal: Typer checks it, case-insensitively, lists the values in the help as
`<table|csv|json>`, and an unknown value is a usage error, exit 2, naming them): one Annotated type per set of
values below, so a command says `fmt: ListFormat = "table"` instead of repeating the option.

JSON has one style: a list is one JSON array of objects with stable English keys (streamed, one object per line);
a command that shows a single record prints one object. No command prints JSON Lines.

Progress: a long job (an export, the XLSX report) draws a Rich bar on stderr only when stderr is a terminal and
the data is not going to that same terminal: scripts, pipes and `-o -` get nothing but their data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

import typer

T = TypeVar("T")

ListFormat = Annotated[
    Literal["table", "csv", "json"],
    typer.Option("--format", case_sensitive=False, help="A table for people; csv or json for programs."),
]
ShowFormat = Annotated[
    Literal["table", "json"],
    typer.Option("--format", case_sensitive=False, help="A table for people; json for programs."),
]
TextFormat = Annotated[
    Literal["text", "json"],
    typer.Option("--format", case_sensitive=False, help="Text for people; json for programs."),
]
ExportFormat = Annotated[
    Literal["csv", "json", "xlsx"],
    typer.Option("--format", case_sensitive=False, help="csv, json or xlsx (xlsx needs --output FILE)."),
]
ReportFormat = Annotated[
    Literal["table", "json", "xlsx"],
    typer.Option("--format", case_sensitive=False, help="table, json or xlsx (xlsx needs --output FILE)."),
]

# The help of every export's --output/-o (deskui.cli.output_option: "-" is stdout).
OUTPUT_HELP = "File to write; without it, or with -, csv and json go to stdout."


def print_json(data: Any) -> None:
    """One record (an object) for programs: the exact stored text, with what a terminal would act on escaped."""
    from deskui.core.safetext import dumps

    sys.stdout.write(dumps(data, indent=2) + "\n")


def print_json_array(records: Iterable[dict[str, Any]]) -> int:
    """A list for programs: one JSON array of objects, one per line (services.common.exportfiles.write_json_array)."""
    from deskui.services.common.exportfiles import write_json_array

    return write_json_array(records, sys.stdout)


class Job:
    """A long job's bar: `track(rows)` counts the rows as they go by, `phase(text)` names what comes next."""

    STEP = 256  # rows per update of the bar: Rich's advance costs some microseconds, a million rows would feel it

    def __init__(self, advance: Callable[[int], None], describe: Callable[[str], None], *, shown: bool) -> None:
        self._advance = advance
        self.phase = describe
        self.shown = shown

    def track(self, rows: Iterable[T]) -> Iterator[T]:
        if not self.shown:  # no bar: the rows pass through untouched
            yield from rows
            return
        n = 0
        for row in rows:
            yield row
            n += 1
            if n == self.STEP:
                self._advance(n)
                n = 0
        self._advance(n)


@contextmanager
def progress(label: str, *, to_stdout: bool = False) -> Iterator[Job]:
    """A Rich progress bar on stderr (the CLI's `err` console) while the block runs, taken away when it ends.

    Drawn only when stderr is a terminal and, when the data goes to stdout (`to_stdout`), stdout is not that
    terminal too: a script, a log, a pipe or `-o -` sees no bar at all. A count and the time taken: an export
    streams, so the number of rows is known only at the end."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from deskui import cli

    console = cli.err
    shown = console.is_terminal and not (to_stdout and sys.stdout.isatty())
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not shown,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield Job(lambda n: bar.advance(task, n), lambda text: bar.update(task, description=text), shown=shown)
