"""The command line: everything scriptable, plus `deskui` alone to open the app.

Every failure a person can cause prints one line to stderr and exits non-zero; no tracebacks.
Heavy modules (SQLAlchemy, services) are imported inside the commands that need them.

Output is safe whoever wrote the rows (deskui.core.safetext, the sanitiser the TUI uses too): `out` and `err` are
SafeConsoles, which show a control or bidi code as a visible picture (ESC → ␛) in every string, Text and table
they print; `cell()` makes a table cell's Text safe before Rich measures it; `stdout()` is sys.stdout for CSV and
JSON with the same rule (JSON escapes those code points itself, losslessly: safetext.dumps). Error lines also
mask credentials (core.urls.mask_secrets).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text
from typer.core import TyperGroup

from deskui.core.config import ConfigError, Settings, load_settings
from deskui.core.dbpath import check_database_argument, require_database
from deskui.core.i18n import set_language, t
from deskui.core.safetext import SafeWriter, safe

if TYPE_CHECKING:
    from typer._click.core import Command
    from typer._click.exceptions import ClickException

    from deskui.services import Services

# The modules of deskui/commands/, in the order `deskui --help` lists their commands and groups (`export dutylog`
# joins the export group from its own module). A new module is added here and to COMMANDS.
COMMAND_MODULES = (
    "backup",
    "calls",
    "export",
    "dutylog",
    "handover",
    "keys",
    "keylog",
    "roster",
    "review",
    "imports",
    "operators",
    "report",
    "setup",
    "tickets",
    "ticket_actions",
    "ticket_help",
    "ticket_complaints",
    "visitors",
    "parcels",
    "passes",
    "patrols",
    "renovations",
    "units",
    "workers",
    "paper",
    "archive",
)

# Every command and group of `deskui`, in the order --help lists them (Typer's: the commands, then the groups,
# each in the order of COMMAND_MODULES), with the modules that make it. A command line loads only the modules of
# the command it names (issue 11: `deskui calls list` does not import the report's plotext or the exports'
# openpyxl); --help, a mistyped name and shell completion of a command's name load them all.
# tests/functional/test_cli_lazy.py checks this table against registering every module.
COMMANDS: dict[str, tuple[str, ...]] = {
    "backup": ("backup",),
    "restore": ("backup",),
    "verify": ("dutylog",),
    "init": ("setup",),
    "demo": ("setup",),
    "doctor": ("setup",),
    "calls": ("calls",),
    "export": ("export", "dutylog", "archive"),
    "dutylog": ("dutylog",),
    "handover": ("handover", "paper"),
    "keys": ("keys", "keylog"),
    "roster": ("roster",),
    "review": ("review",),
    "import": ("imports",),
    "operators": ("operators",),
    "report": ("report",),
    "tickets": ("tickets", "ticket_actions", "ticket_help", "ticket_complaints", "paper"),
    "visitors": ("visitors",),
    "parcels": ("parcels",),
    "passes": ("passes",),
    "patrols": ("patrols",),
    "renovations": ("renovations",),
    "units": ("units",),
    "workers": ("workers",),
    "archive": ("archive",),
}


def register_all(target: typer.Typer) -> None:
    """Every command module registered on `target`, eagerly (the tests compare the lazy root against this)."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"deskui.commands.{name}").register(target)


class _Registry:
    """The command modules registered so far, on one Typer of their own, each module once: a module's register()
    may add to another's group (dutylog adds `export dutylog`), so registering it twice would add it twice."""

    def __init__(self) -> None:
        self.typer = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
        self.done: set[str] = set()

    def command(self, name: str) -> Command:
        """The Click command or group `name`, made from its modules (registered now if not yet)."""
        import importlib

        import typer.main

        for module in COMMAND_MODULES:
            if module in COMMANDS[name] and module not in self.done:
                importlib.import_module(f"deskui.commands.{module}").register(self.typer)
                self.done.add(module)
        return typer.main.get_group(self.typer).commands[name]


_REGISTRY = _Registry()  # one per process, however many times Typer builds the root group (tests build it often)


class LazyCommands(MutableMapping[str, "Command"]):
    """The root group's commands: every name known from the start (COMMANDS), each made when first looked up.
    Click's and Typer's own code (help, resolving a name, suggestions for a typo, completion) reads the group's
    `commands` mapping, so they all work unchanged, and only what they look at is imported."""

    def __init__(self, registry: _Registry, made: Mapping[str, Command]) -> None:
        self._registry = registry
        self._made: dict[str, Command] = dict(made)

    def __getitem__(self, name: str) -> Command:
        if name not in self._made:
            if name not in COMMANDS:
                raise KeyError(name)
            self._made[name] = self._registry.command(name)
        return self._made[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        del self._made[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._made if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(1 for name in self._made if name not in COMMANDS)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._made


class LazyGroup(TyperGroup):
    """`deskui`'s root group, its commands loaded on first use (the lazy-loading subcommands pattern of Click's
    documentation, on Typer's group class so help, completion and usage errors stay Typer's)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(_REGISTRY, self.commands)


app = typer.Typer(
    cls=LazyGroup,
    help="deskui — the front desk of a property-management office (物业客服中心).",
    no_args_is_help=False,
    add_completion=True,  # --install-completion, --show-completion; the bare launcher passes requests on (__main__)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class SafeConsole(Console):
    """A Rich console that never sends a control or bidi code it did not make itself.

    Strings are made safe before Rich parses and measures them (render_str), and every segment of text that reaches
    the terminal is made safe again (render): a Text or a table cell built from a stored row cannot slip through.
    Rich's own styling and cursor moves are not text segments (they carry `control`) and pass unchanged. A Text
    made safe only here may be measured one column short per code replaced: build cells with `cell()`."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(safe(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and segment.text:
                cleaned = safe(segment.text)
                if cleaned != segment.text:
                    segment = Segment(cleaned, segment.style, segment.control)
            yield segment


out = SafeConsole(highlight=False)
err = SafeConsole(stderr=True, highlight=False, soft_wrap=True)


def cell(value: str, style: str = "", *, one_line: bool = False) -> Text:
    """User text (a caller, a unit, a log entry) as a table cell: never markup, controls shown as pictures."""
    return Text(safe(value, one_line=one_line), style=style)


def stdout() -> IO[str]:
    """sys.stdout for CSV and JSON printed there: controls become pictures (CSV's CRLF stays). Files written with
    -o keep the exact stored text instead (services.common.exportfiles says why)."""
    return cast(IO[str], SafeWriter(sys.stdout))


class CliError(Exception):
    """A failure to report as one line on stderr."""


def error_line(message: str) -> None:
    """One "deskui: …" line on stderr: credentials masked, controls shown as pictures (err is a SafeConsole)."""
    from deskui.core.urls import mask_secrets

    err.print(f"deskui: {mask_secrets(message)}", markup=False)


def fail(message: str, code: int = 1) -> NoReturn:
    error_line(message)
    raise typer.Exit(code)


@dataclass
class CliState:
    settings: Settings
    command: str | None = None
    _services: Services | None = field(default=None)

    def services(self) -> Services:
        """Open (and upgrade) the database on first use; only init and demo may make a new file."""
        if self._services is None:
            from deskui.services import open_services

            require_database(self.settings.database_url, self.command)

            self._services = open_services(self.settings)
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def show_version(value: bool) -> None:
    """`--version`: answered before any setting is read or any database opened."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("deskui")
        except PackageNotFoundError:  # pragma: no cover - a checkout run without installing
            number = "unknown"
        typer.echo(f"deskui {number}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    _version: Annotated[
        bool,
        typer.Option("--version", help="Print deskui's version and exit.", callback=show_version, is_eager=True),
    ] = False,
    db: Annotated[str | None, typer.Option("--db", help="Database path or SQLAlchemy URL (env DESKUI_DB).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh-CN, zh-HK, zh-TW or en (env DESKUI_LANG).")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="A TOML file overriding deskui/core/defaults.toml (env DESKUI_CONFIG; default: config.toml in the "
            "user config directory, if there; `deskui doctor` shows where).",
        ),
    ] = None,
) -> None:
    """Open the app when no command is given."""
    settings = load_settings(config, database_url=db, language=lang)
    from deskui.core.urls import remember_url

    remember_url(settings.database_url)  # its password never shows, even where a driver's error quotes a piece
    set_language(settings.language)
    check_database_argument(settings.database_url)
    ctx.obj = CliState(settings, ctx.invoked_subcommand)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from deskui.app import make_app
        from deskui.core.userstate import state_file

        require_database(settings.database_url, None)

        make_app(settings, state_file=state_file()).run()


def output_file(path: Path | str, *, folder_allowed: bool = False) -> Path:
    """Where a command is told to write a file (`backup PATH`, `export -o FILE`), checked before any work: the
    folder exists and this user may write in it; an existing target is a regular file (or, with `folder_allowed`,
    a folder); never a device or a FIFO (writing would block or vanish). CliError otherwise, nothing written."""
    target = Path(path).expanduser()
    if target.is_dir():
        if folder_allowed:
            folder = target
        else:
            raise CliError(t("{path} is a folder; give a file name in it", path=str(target)))
    elif target.exists() and not target.is_file():
        raise CliError(t("{path} is not a regular file (a device or a FIFO); nothing was written", path=str(target)))
    else:
        folder = target.parent
    if not folder.is_dir():
        raise CliError(t("No such folder: {path}; nothing was written", path=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        raise CliError(t("Cannot write in {path} (permission denied); nothing was written", path=str(folder)))
    return target


def output_option(value: Path | None) -> Path | None:
    """Typer callback of every `--output/-o FILE`: checked by output_file() before the command does any work.
    `-` is stdout, as if no -o were given (None); a file named "-" is `./-`."""
    if value is None or str(value) == "-":
        return None
    return output_file(value)


def _first_line(exc: BaseException) -> str:
    """An exception's own message, first line only (SQLAlchemy appends the SQL and its parameters after it)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if isinstance(orig, BaseException) else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def failure_message(exc: BaseException) -> str:
    """What a person reads for a failure no command turned into a DeskError: the storage refusing a write, a
    file that cannot be written, a number out of range, or a fault of deskui itself. One line, never a traceback
    (a traceback's locals can hold a PIN). `DESKUI_DEBUG=1` re-raises instead, for a developer."""
    import errno
    import sqlite3

    from deskui.core.retry import busy_error, is_busy, storage_error

    failed = storage_error(exc)
    if failed is not None:
        return str(failed)
    if is_busy(exc):
        return str(busy_error(exc))
    if isinstance(exc, OSError):
        where = exc.filename or ""
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return t("The disk is full writing {file}; nothing was written", file=where)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return t("Cannot write {file} (permission denied or read-only); nothing was written", file=where)
        return t("{file}: {reason}", file=where, reason=exc.strerror or _first_line(exc))
    if isinstance(exc, OverflowError):
        return t("A number or a date is out of range ({reason}); nothing was changed", reason=_first_line(exc))
    if isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("sqlalchemy"):
        return t("Database error: {reason}; nothing was saved", reason=_first_line(exc))
    return t(
        "Unexpected error ({kind}: {reason}); nothing more was done. Please report it (DESKUI_DEBUG=1 shows where)",
        kind=type(exc).__name__,
        reason=_first_line(exc),
    )


def _click_errors() -> tuple[type[ClickException], type[ClickException]]:
    """Click's usage-error classes: recent Typer vendors Click as `typer._click`, older Typer depends on it."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older Typer
        from click import exceptions  # type: ignore[no-redef]
    return exceptions.ClickException, getattr(exceptions, "NoArgsIsHelpError", exceptions.ClickException)


def run(argv: list[str] | None = None) -> None:
    """Run the CLI and always exit through SystemExit; every failure is one "deskui: …" line on stderr."""
    from deskui.core.errors import DatabaseUnavailable, DeskError

    ClickException, NoArgsIsHelpError = _click_errors()
    try:
        code = app(args=argv, prog_name="deskui", standalone_mode=False)
    except (ConfigError, DatabaseUnavailable, DeskError, CliError) as exc:
        error_line(str(exc))
        sys.exit(1)
    except ClickException as exc:
        if isinstance(exc, NoArgsIsHelpError):  # `deskui operators` alone: the help is the answer
            exc.show()
            sys.exit(exc.exit_code)
        command = getattr(getattr(exc, "ctx", None), "command_path", "deskui")
        error_line(f"{exc.format_message()} ({command} --help)")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        error_line(t("interrupted"))
        sys.exit(130)
    except Exception as exc:  # the one place every other failure becomes a line (issue 16 item 15)
        if os.environ.get("DESKUI_DEBUG"):
            raise
        error_line(failure_message(exc))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
