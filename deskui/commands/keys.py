"""`deskui keys add|retire|list`: the key inventory 钥匙台账 — the keys the desk holds, where each hangs, whose
authority lending it needs, and who has each lent one since when (issue 13).

The `keys` group is this module's; the key log's `keys lend|return` join it from deskui.commands.keylog. `keys list`
lists the inventory with each key in or out (and keys out in the key log that the inventory does not hold);
`--out` only the keys out; `--all` the whole key log instead, every loan returned or not, newest first.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import operator_named
from deskui.commands._formats import ListFormat
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

keys_group = typer.Typer(
    help="Keys (钥匙): the inventory the desk holds, keys lent and returned.", no_args_is_help=True
)


@keys_group.command("add")
def keys_add(
    ctx: typer.Context,
    label: Annotated[str, typer.Option("--label", help="The key's label, unique among the keys held (e.g. 3-2-1201).")],
    opens: Annotated[str, typer.Option("--opens", help="What it opens (e.g. 3-2-1201 front door).")],
    hook: Annotated[str, typer.Option("--hook", help="Where it hangs: its hook or box.")],
    authority: Annotated[
        str, typer.Option("--authority", help="Whose authority lending it needs (e.g. the owner's written consent).")
    ] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who adds it.")] = None,
) -> None:
    """Add a key the desk now holds."""
    services = state(ctx).services()
    key = services.key_inventory.add(
        label, opens, hook, authority=authority, operator=operator_named(services, operator)
    )
    out.print(t("Key {label} added, hook {hook}", label=key.label, hook=key.hook), markup=False)


@keys_group.command("retire")
def keys_retire(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(metavar="LABEL", help="The key's label.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (lost, given back to its owner, lock changed…).")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who retires it.")] = None,
) -> None:
    """Record that the desk no longer holds a key (its entry stays; the retirement is a row of its own)."""
    services = state(ctx).services()
    key = services.key_inventory.retire(label, reason, operator=operator_named(services, operator))
    out.print(t("Key {label} retired", label=key.label), markup=False)


@keys_group.command("list")
def keys_list(
    ctx: typer.Context,
    out_only: Annotated[bool, typer.Option("--out", help="Only the keys lent out.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="The whole key log instead: every loan (newest first).")] = False,
    fmt: ListFormat = "table",
) -> None:
    """The keys held, in or out (lent: to whom, since when; "!" past its return time); or with --all the key log."""
    services = state(ctx).services()
    show = when(services)
    if all_:
        loans = services.keys.history()
        log_columns = [
            ("tag", N_("Key tag"), as_text),
            ("borrower", N_("Borrower"), as_text),
            ("lent_at", N_("Lent"), show),
            ("due_at", N_("Due back"), show),
            ("returned_at", N_("Returned"), show),
            ("lent_by", N_("By"), as_text),
        ]
        emit(services, loans, fmt, log_columns, empty=t("No entries"))
        return
    rows = services.key_inventory.listing(out=out_only)
    columns = [
        ("label", N_("Key label"), as_text),
        ("opens", N_("Opens"), as_text),
        ("hook", N_("Hook"), as_text),
        ("authority", N_("Authority needed"), as_text),
        ("state", N_("State"), state_label),
        ("borrower", N_("Borrower"), as_text),
        ("since", N_("Since"), show),
        ("due_at", N_("Due back"), show),
        ("overdue", N_("Overdue"), as_text),
    ]
    if fmt == "table":  # for people: what fits a terminal (the authority shows when lending asks for it)
        columns = [c for c in columns if c[0] in ("label", "hook", "opens", "state", "borrower", "since")]
    empty = t("No keys out") if out_only or not services.key_inventory.keeps_inventory() else t("No keys held")
    emit(services, rows, fmt, columns, empty=empty)
    if fmt == "table" and any(r.overdue for r in rows):  # JSON and CSV carry `overdue`
        out.print(t("! past its return time: {keys}", keys=", ".join(r.label for r in rows if r.overdue)), markup=False)


STATE_LABELS = {"in": N_("In the key box"), "out": N_("Lent out")}


def state_label(key: str) -> str:
    return t(STATE_LABELS[key]) if key in STATE_LABELS else key


def register(app: typer.Typer) -> None:
    app.add_typer(keys_group, name="keys")
