"""Issue 11: a command imports only what it uses. The root group loads a command's module when the command is
named (deskui.cli.LazyGroup); --help, a typo's suggestions and completion still see every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Loaded by `deskui calls list` before issue 11 and not needed to print calls: the other commands' modules (the
# report's charts, the exports' workbooks behind them), Alembic (no migration to run on a database at head).
NOT_FOR_CALLS_LIST = (
    "alembic",
    "openpyxl",
    "plotext",
    "reportlab",
    "textual",
    "deskui.commands.report",
    "deskui.commands.tickets",
    "deskui.commands.export",
    "deskui.commands.setup",
)

RUN = textwrap.dedent(
    """
    import json, sys
    from deskui.cli import run
    try:
        run(sys.argv[2:])
    except SystemExit:
        pass
    with open(sys.argv[1], "w") as fh:
        json.dump(sorted(sys.modules), fh)
    """
)


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESKUI_", "_DESKUI"))}
    env.update(DESKUI_DB=str(db), DESKUI_LANG="en")
    return env


def modules_after(tmp_path: Path, *argv: str) -> set[str]:
    db = tmp_path / "desk.db"
    if not db.exists():
        subprocess.run([sys.executable, "-m", "deskui", "init"], env=_env(db), check=True, capture_output=True)
    seen = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(seen), *argv], env=_env(db), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(seen.read_text()))


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_calls_list_imports_only_what_it_uses(tmp_path: Path) -> None:
    modules = modules_after(tmp_path, "calls", "list", "--limit", "20")
    assert "deskui.commands.calls" in modules
    assert [name for name in NOT_FOR_CALLS_LIST if loaded(modules, name)] == []


def _eager_and_lazy() -> tuple[list[str], list[str], dict[str, str]]:
    """In a process of its own (registering every module twice would add `export dutylog` twice here)."""
    script = textwrap.dedent(
        """
        import json
        import typer, typer.main
        import typer._click as click
        from deskui.cli import app, register_all

        eager = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
        register_all(eager)
        eager_group = typer.main.get_group(eager)
        lazy_group = typer.main.get_command(app)
        root = click.Context(lazy_group, info_name="deskui")

        def helps(group):
            out = {}
            def walk(cmd, path, ctx):
                out[" ".join(path)] = cmd.get_help(ctx)
                for name in getattr(cmd, "list_commands", lambda ctx: [])(ctx):
                    sub = cmd.get_command(ctx, name)
                    walk(sub, path + [name], click.Context(sub, parent=ctx, info_name=name))
            for name in group.list_commands(root):
                cmd = group.get_command(root, name)
                walk(cmd, [name], click.Context(cmd, parent=root, info_name=name))
            return out

        print(json.dumps([list(eager_group.commands), lazy_group.list_commands(root), helps(eager_group) == helps(lazy_group)]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    eager, lazy, same = json.loads(done.stdout)
    return eager, lazy, same


def test_the_lazy_root_lists_and_helps_every_command_as_registering_them_all_does() -> None:
    eager, lazy, same = _eager_and_lazy()
    assert lazy == eager  # deskui.cli.COMMANDS: names and order as Typer lists them
    assert same is True  # every command's and group's help, at every level, word for word


def test_a_mistyped_command_still_gets_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.functional.cli import invoke

    result = invoke(capsys, "cals", "list")
    assert result.code == 2
    assert "No such command 'cals'" in result.err and "calls" in result.err.split("Did you mean")[-1]
