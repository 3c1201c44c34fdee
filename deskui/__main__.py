"""`deskui` and `python -m deskui`: the CLI, which opens the app when no command is given."""

from __future__ import annotations


def main() -> None:
    from deskui.cli import run

    run()


if __name__ == "__main__":
    main()
