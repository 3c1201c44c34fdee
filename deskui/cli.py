"""The command line: everything scriptable, plus `deskui` alone to open the app.

Every failure a person can cause prints one line to stderr and exits non-zero; no tracebacks.
Heavy modules (SQLAlchemy, services) are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from deskui.config import ConfigError, Settings, load_settings
from deskui.i18n import set_language, t

if TYPE_CHECKING:
    from deskui.services import Services

app = typer.Typer(
    help="deskui — the front desk of a property-management office (物业客服中心).",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class CliError(Exception):
    """A failure to report as one line on stderr."""


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"deskui: {message}", markup=False)
    raise typer.Exit(code)


@dataclass
class CliState:
    settings: Settings
    _services: Services | None = field(default=None)

    def services(self) -> Services:
        """Open (and upgrade) the database on first use."""
        if self._services is None:
            from deskui.services import open_services

            self._services = open_services(self.settings)
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Database path or SQLAlchemy URL (env DESKUI_DB).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh-CN or en (env DESKUI_LANG).")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="A TOML file overriding deskui/defaults/defaults.toml (env DESKUI_CONFIG)."),
    ] = None,
) -> None:
    """Open the app when no command is given."""
    settings = load_settings(config, database_url=db, language=lang)
    set_language(settings.language)
    ctx.obj = CliState(settings)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from deskui.app import make_app

        make_app(settings).run()


def _register_commands() -> None:
    """Command groups live in deskui/commands/, one module each, and add themselves to `app`."""
    import importlib
    import pkgutil

    import deskui.commands

    for mod in pkgutil.iter_modules(deskui.commands.__path__):
        importlib.import_module(f"deskui.commands.{mod.name}").register(app)


def _click_errors() -> tuple[type[Exception], type[Exception]]:
    """Click's usage-error classes: recent Typer vendors Click as `typer._click`, older Typer depends on it."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older Typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions.ClickException, getattr(exceptions, "NoArgsIsHelpError", exceptions.ClickException)


def run(argv: list[str] | None = None) -> None:
    """Run the CLI and always exit through SystemExit; every failure is one "deskui: …" line on stderr."""
    from deskui.services.errors import DatabaseUnavailable, DeskError

    ClickException, NoArgsIsHelpError = _click_errors()
    try:
        code = app(args=argv, prog_name="deskui", standalone_mode=False)
    except (ConfigError, DatabaseUnavailable, DeskError, CliError) as exc:
        err.print(f"deskui: {exc}", markup=False)
        sys.exit(1)
    except ClickException as exc:
        if isinstance(exc, NoArgsIsHelpError):  # `deskui operators` alone: the help is the answer
            exc.show()
            sys.exit(exc.exit_code)
        command = getattr(getattr(exc, "ctx", None), "command_path", "deskui")
        err.print(f"deskui: {exc.format_message()} ({command} --help)", markup=False)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        err.print("deskui: " + t("interrupted"), markup=False)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


_register_commands()
