"""What the register commands share (visitors, parcels, passes): one way to print a list as a table, CSV or JSON.

JSON and CSV carry the stored facts under stable English keys (times ISO in the site's zone, states as keys); the
table is for people: translated headers and states, local times, user text never read as markup.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskui.cli import cell, out, stdout
from deskui.commands._duty import local_text, plain
from deskui.commands._formats import print_json_array
from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.services import Services

# A column: (key in the JSON/CSV record, header message id, how the table shows the record's value)
Column = tuple[str, str, Callable[[Any], str]]


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def when(services: Services) -> Callable[[Any], str]:
    """A time as the table shows it: local, to the minute; empty when there is none."""

    def show(value: Any) -> str:
        return local_text(services, value, "%m-%d %H:%M") if isinstance(value, datetime) else ""

    return show


def emit(services: Services, rows: Sequence[Any], fmt: str, columns: Sequence[Column], *, empty: str) -> None:
    """Print register rows (frozen dataclasses) in `fmt`: table, csv (these columns) or json (every field)."""
    if fmt == "json":
        print_json_array(plain(services, row) for row in rows)
        return
    if fmt == "csv":
        from deskui.services.common.exportfiles import neutralise

        writer = csv.writer(stdout())
        writer.writerow([key for key, _, _ in columns])
        for row in rows:
            record = plain(services, row)
            writer.writerow([neutralise(as_text(record.get(key))) for key, _, _ in columns])
        return
    if not rows:
        out.print(empty, markup=False)
        return
    from rich.table import Table

    table = Table(*(t(header) for _, header, _ in columns))
    for row in rows:
        table.add_row(*(cell(show(getattr(row, key)), one_line=True) for key, _, show in columns))
    out.print(table)
