"""`deskui keys lend|return`: the key log (钥匙借用), keys lent and returned, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import local_text, operator_named
from deskui.commands.keys import keys_group
from deskui.core.i18n import t

# The key log joins the key inventory's `keys` group (deskui.commands.keys, which also has `keys list`).


@keys_group.command("lend")
def keys_lend(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help="The key's tag, e.g. 3-2-1201 or 机房A.")],
    to: Annotated[str, typer.Option("--to", help="Who borrows it.")],
    due: Annotated[
        str | None, typer.Option("--due", help="Back by: HH:MM or YYYY-MM-DD HH:MM (default: end of shift).")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="What for.")] = "",
    authority: Annotated[
        str, typer.Option("--authority", help="How the authority the key needs was given (e.g. the owner's consent).")
    ] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who lends it.")] = None,
) -> None:
    """Lend a key."""
    services = state(ctx).services()
    loan = services.keys.lend(
        tag, to, operator=operator_named(services, operator), due=due, purpose=purpose, authority=authority
    )
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
    """The commands joined `keys_group` on import; deskui.commands.keys adds the group to the app."""
