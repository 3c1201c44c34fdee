"""Chinese lines break as a reader expects (issue 12): no line starts with closing punctuation, none ends with an
opening bracket, a list breaks after its "、"; every line still fits."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from deskui.widgets.wrapping import NO_END, NO_START, wrap

MESSAGES = [
    "电话号码只能包含数字（可以有空格、短横线或加号），请重新输入。",
    "未知的类别 ''；可选：报修、投诉、咨询、求助、建议/意见、有偿/便民服务、放行/装修、其他",
    "一二三四五六七八九十。一二三四五六七八九十、一二三四五六七八九十！",
    "Phone numbers may only hold digits, spaces, dashes or a plus sign (e.g. +86 138-0000-0000).",
]


@pytest.mark.parametrize("message", MESSAGES)
@pytest.mark.parametrize("width", [12, 19, 20, 21, 30, 44, 60])
def test_no_line_starts_with_closing_punctuation(message: str, width: int) -> None:
    lines = wrap(Text(message), width).plain.split("\n")
    assert "".join(lines).replace(" ", "") == message.replace(" ", "")
    for n, line in enumerate(lines):
        assert cell_len(line) <= width, (width, line)
        if n:
            assert line[0] not in NO_START, (width, lines)
        if n < len(lines) - 1:
            assert line[-1] not in NO_END, (width, lines)


def test_a_list_breaks_after_its_comma_not_inside_a_word() -> None:
    lines = wrap(Text(MESSAGES[1]), 60).plain.split("\n")
    assert lines[-1] == "放行/装修、其他", lines


def test_rich_alone_would_start_a_line_with_a_full_stop() -> None:
    """Why widgets.wrapping exists: Rich wraps by cell."""
    from rich.console import Console

    plain = [line.plain for line in Text(MESSAGES[2]).wrap(Console(width=20), 20)]
    assert any(line.startswith("。") for line in plain), plain
    assert not any(line.startswith("。") for line in wrap(Text(MESSAGES[2]), 20).plain.split("\n"))
