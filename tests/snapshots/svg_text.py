"""The text of a snapshot picture, line by line: what a failing snapshot prints so that a CI log says what differed
(the HTML report stays on the machine that ran it)."""

from __future__ import annotations

import difflib
import html
import re

_TEXT = re.compile(r'<text class="([^"]*)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


def svg_lines(svg: str) -> list[str]:
    """The terminal's rows as text, empty rows kept, trailing blanks dropped."""
    rows = _runs(svg)
    last = max(rows, default=-1)
    return ["".join(text for _, text in rows.get(i, [])).rstrip() for i in range(last + 1)]


def _runs(svg: str) -> dict[int, list[tuple[str, str]]]:
    """Each row's runs of text with their style class (the class names a colour and weight in the picture)."""
    rows: dict[int, list[tuple[str, str]]] = {}
    for match in _TEXT.finditer(svg):
        text = html.unescape(match.group(3)).replace("\xa0", " ")
        rows.setdefault(int(match.group(2)), []).append((match.group(1), text))
    return rows


def svg_text_diff(expected: str, actual: str) -> str:
    """A unified diff of the two pictures' text; when only styles differ, the rows whose styled runs differ."""
    diff = "\n".join(
        difflib.unified_diff(svg_lines(expected), svg_lines(actual), "expected", "actual", lineterm="", n=1)
    )
    if diff:
        return diff
    old, new = _runs(expected), _runs(actual)
    rows = [str(i) for i in sorted(set(old) | set(new)) if old.get(i) != new.get(i)]
    # class names are numbered per picture, so a picture drawn in the same colours can still list rows here
    return "same text; styled runs differ on rows " + ", ".join(rows) if rows else "same text and styled runs"
