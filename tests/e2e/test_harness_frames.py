"""The scenario suite reads whole frames, never a frame half written.

A fresh-clone CI run failed the day (defect 12, "the calls log does not show both the original and the
correction") on a screen that was half the search results and half the whole log: the harness had read the pty in
the middle of Textual writing a frame, and a wait matched the new frame's second line while its third line still
held the old one. A real terminal that supports synchronized output (DEC mode 2026) shows a frame only once it is
complete; the harness's terminal says it supports it and does the same.
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import SYNC_END, SYNC_QUERY, SYNC_START, Terminal


def frame(*lines: str) -> bytes:
    """A frame as Textual writes it when the terminal supports synchronized output: move, write, clear the rest, line by line."""
    body = b"".join(f"\x1b[{row};1H{text}\x1b[K".encode() for row, text in enumerate(lines, start=1))
    return SYNC_START + body + SYNC_END


def test_the_terminal_answers_that_it_supports_synchronized_output() -> None:
    terminal = Terminal(40, 5)
    assert terminal.feed(b"\x1b[?1049h" + SYNC_QUERY) == b"\x1b[?2026;2$y"


def test_a_query_split_across_two_reads_is_answered() -> None:
    terminal = Terminal(40, 5)
    assert terminal.feed(SYNC_QUERY[:4]) == b""
    assert terminal.feed(SYNC_QUERY[4:]) == b"\x1b[?2026;2$y"


def test_a_frame_is_shown_only_once_complete() -> None:
    terminal = Terminal(40, 5)
    terminal.feed(frame("20 walk-in", "17 walk-in", "9 permit"))
    whole = frame("20 walk-in", "19 noise", "18 leak")
    terminal.feed(whole[:-20])
    assert terminal.text().splitlines()[:3] == ["20 walk-in", "17 walk-in", "9 permit"]
    terminal.feed(whole[-20:])
    assert terminal.text().splitlines()[:3] == ["20 walk-in", "19 noise", "18 leak"]


@pytest.mark.parametrize("cut", range(1, len(SYNC_START)))
def test_a_frame_start_split_across_reads_still_holds_the_frame(cut: int) -> None:
    terminal = Terminal(40, 5)
    terminal.feed(frame("old"))
    new = frame("new")
    terminal.feed(new[:cut])
    terminal.feed(new[cut:-3])
    assert terminal.text().splitlines()[0] == "old"
    terminal.feed(new[-3:])
    assert terminal.text().splitlines()[0] == "new"


def test_output_outside_frames_is_shown_as_it_comes() -> None:
    """Before the answer reaches the program, and after it left (a traceback), nothing is held back."""
    terminal = Terminal(40, 5)
    terminal.feed(b"Traceback (most recent call last):")
    assert terminal.text().splitlines()[0] == "Traceback (most recent call last):"
