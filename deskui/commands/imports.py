"""`deskui import units|residents FILE.csv`: load the directory from spreadsheets, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.core.i18n import t

group = typer.Typer(
    help="Load data from CSV files (UTF-8 or GBK). A bad row refuses the whole file.", no_args_is_help=True
)


@group.command("units")
def units(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with the header unit,kind (kind: residence, shop or public).")],
) -> None:
    """Add units 房号 (3-2-1201), shops 商铺 and public areas 公共区域."""
    from deskui.services.directory import import_units

    n = import_units(state(ctx).services().directory, file)
    out.print(t("Imported {n} units", n=n), markup=False)


@group.command("residents")
def residents(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with the header name,unit,phone,role,notes.")],
) -> None:
    """Add residents to units already in the directory; several phones in one cell are separated by ; or 、."""
    from deskui.services.directory import import_residents

    n = import_residents(state(ctx).services().directory, file)
    out.print(t("Imported {n} residents", n=n), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="import")
