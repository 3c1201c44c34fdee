"""Screens, one module each (a feature's screens in its folder). They call services (in threads) and never touch the
database themselves."""

from pathlib import Path

STYLES = Path(__file__).resolve().parent.parent / "styles"


def stylesheet(name: str) -> str:
    """A stylesheet's absolute path: Textual reads a relative CSS_PATH from the file of the screen's own class, so a
    subclass in another folder (or a screen moved into one) would look in the wrong place."""
    return str(STYLES / name)
