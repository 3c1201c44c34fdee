"""Lines of Chinese broken the way a reader expects: no line starts with closing punctuation (。，、；：！？）」』…) and
no line ends with an opening bracket (（「『…): kinsoku, which Rich does not know (it wraps by cell: a "，" or a "）"
can open the next line).

Rich finds the breaks (`rich._wrap.divide_line`: between words, and between any two wide characters); `wrap` moves a
break that would start a line with closing punctuation one character earlier, so the character before it goes down
with it, as a typesetter does. Lines only get shorter, so they still fit.
"""

from __future__ import annotations

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Label

NO_START = "。，、；：！？）」』】》〉〕”’%…·.,;:!?)]}"
NO_END = "（「『【《〈〔“‘([{"
PAUSES = "、，；："  # a Chinese line may end after one of these
PHRASE = 5  # how far back a break looks for one


def breaks(plain: str, width: int) -> list[int]:
    """Where one line of `plain` is broken to fit `width` cells, with kinsoku applied (each line found after the
    previous break moved, so a line that took a character from the one before still fits)."""
    found: list[int] = []
    previous = 0
    while True:
        following = divide_line(plain[previous:], max(1, width), fold=True)
        if not following:
            return found
        offset = previous + following[0]
        moved = offset
        while moved - 1 > previous and (plain[moved] in NO_START or plain[moved - 1] in NO_END):
            moved -= 1
        if moved <= previous + 1:
            moved = offset  # a whole line of punctuation: break where Rich did
        elif cell_len(plain[moved - 1]) > 1 and cell_len(plain[moved]) > 1:
            # Inside a run of Chinese: after a list's "、" or a "，" just before, rather than inside a short word
            # ("放行/装" and "修" on two lines).
            for back in range(1, PHRASE + 1):
                if moved - back <= previous + 1:
                    break
                if plain[moved - back] in PAUSES:
                    moved -= back - 1
                    break
        found.append(moved)
        previous = moved


def wrap(text: Text, width: int) -> Text:
    """`text` with its line breaks put in (each line at most `width` cells), kinsoku applied; styles kept."""
    out = Text(end="", no_wrap=True, justify=text.justify)
    for n, line in enumerate(text.split("\n", allow_blank=True)):
        if n:
            out.append("\n")
        for m, piece in enumerate(line.divide(breaks(line.plain, width))):
            if m:
                out.append("\n")
            piece.rstrip()
            out.append_text(piece)
    return out


class WrappedLabel(Label):
    """A Label whose lines break with kinsoku (a form's message under its field, issue 12)."""

    source: Text = Text()
    """What the label says, before it is broken into lines at its width."""

    def update(self, content: object = "") -> None:  # type: ignore[override]
        self.source = content if isinstance(content, Text) else Text(str(content))
        super().update(self.source)

    def render(self) -> Text:
        return wrap(self.source, self.content_region.width or 10_000)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap(self.source, width).plain.split("\n")) if self.source.plain else 0
