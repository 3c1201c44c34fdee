"""`deskui keys list|lend|return`: the key log (钥匙借用), keys lent and returned, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import cell, out, state
from deskui.commands._duty import local_text, operator_named, plain
from deskui.commands._formats import ShowFormat, print_json_array
from deskui.core.i18n import t

keys_group = typer.Typer(help="The key log (钥匙借用): keys lent and returned.", no_args_is_help=True)


@keys_group.command("list")
def keys_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every loan, returned or not (newest first).")] = False,
    fmt: ShowFormat = "table",
) -> None:
    """Keys still out (overdue ones marked "!"), or with --all the whole key log."""
    from rich.table import Table
    from rich.text import Text

    services = state(ctx).services()
    loans = services.keys.history() if all_ else services.keys.out()
    if fmt == "json":
        print_json_array(plain(services, loans))
        return
    if not loans:
        out.print(t("No keys out") if not all_ else t("No entries"), markup=False)
        return
    table = Table(t("Key"), t("Borrower"), t("Lent"), t("Due back"), t("Returned"), t("By"))
    for k in loans:
        returned = local_text(services, k.returned_at) if k.returned_at else ("!" if k.overdue else "")
        table.add_row(
            cell(k.tag),
            cell(k.borrower),
            Text(local_text(services, k.lent_at)),
            Text(local_text(services, k.due_at)),
            Text(returned),
            cell(k.lent_by),
        )
    out.print(table)


@keys_group.command("lend")
def keys_lend(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help="The key's tag, e.g. 3-2-1201 or 机房A.")],
    to: Annotated[str, typer.Option("--to", help="Who borrows it.")],
    due: Annotated[
        str | None, typer.Option("--due", help="Back by: HH:MM or YYYY-MM-DD HH:MM (default: end of shift).")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="What for.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who lends it.")] = None,
) -> None:
    """Lend a key."""
    services = state(ctx).services()
    loan = services.keys.lend(tag, to, operator=operator_named(services, operator), due=due, purpose=purpose)
    out.print(
        t(
            "Key {tag} lent to {borrower}, due back {when}",
            tag=loan.tag,
            borrower=loan.borrower,
            when=local_text(services, loan.due_at),
        ),
        markup=False,
    )


@keys_group.command("return")
def keys_return(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help="The key's tag.")],
    note: Annotated[str, typer.Option("--note", help="Anything to note about the return.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who takes it back.")] = None,
) -> None:
    """Take a key back."""
    services = state(ctx).services()
    loan = services.keys.take_back(tag, operator=operator_named(services, operator), note=note)
    out.print(t("Key {tag} is back", tag=loan.tag), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_group, name="keys")
