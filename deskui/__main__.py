"""`deskui` and `python -m deskui`: the CLI, which opens the app when no command is given.

Opening the app is the common case and must be fast, so a command line made only of the app's own options
(--db, --lang, --config) goes straight to the app without building the Typer CLI. A shell asking for completions
also runs `deskui` with no arguments, with _DESKUI_COMPLETE set: that goes to the CLI, which answers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

APP_OPTIONS = ("--db", "--lang", "--config")
COMPLETE_VAR = "_DESKUI_COMPLETE"  # Typer's (Click's) `_{PROG}_COMPLETE`, set by the completion script of a shell


def completion_request(environ: Mapping[str, str] | None = None) -> bool:
    """A shell asking for completions: it runs `deskui` with no arguments (the words are in COMP_WORDS and the
    like) and this variable set, so an empty argv must go to the CLI, which answers, not open the app."""
    return bool((os.environ if environ is None else environ).get(COMPLETE_VAR))


def app_options(argv: list[str]) -> dict[str, str] | None:
    """The options when `argv` only opens the app; None when it names a command or anything else."""
    options: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, sep, value = arg.partition("=")
        if name not in APP_OPTIONS:
            return None
        if not sep:
            value = next(args, "")
            if not value:
                return None
        options[name.lstrip("-")] = value
    return options


def main() -> None:
    options = None if completion_request() else app_options(sys.argv[1:])
    if options is None:
        from deskui.cli import run

        run()
        return
    from deskui.core.config import ConfigError, load_settings
    from deskui.core.dbpath import check_database_argument, require_database
    from deskui.core.errors import DatabaseUnavailable
    from deskui.core.i18n import set_language

    try:
        settings = load_settings(options.get("config"), database_url=options.get("db"), language=options.get("lang"))
        set_language(settings.language)
        # As the CLI does: a mistyped --db is one line offering `deskui init`, not a new, empty database.
        check_database_argument(settings.database_url)
        require_database(settings.database_url, None)
    except (ConfigError, DatabaseUnavailable) as exc:
        from deskui.core.urls import mask_secrets

        print(f"deskui: {mask_secrets(str(exc))}", file=sys.stderr)
        sys.exit(1)
    from deskui.app import make_app
    from deskui.core.userstate import state_file

    make_app(settings, state_file=state_file()).run()


if __name__ == "__main__":
    main()
