"""Charts for the Reports screen: bars per category drawn with Rich (Chinese labels are two cells wide, which
plotext does not measure), and plotext plots for the numeric axes (a line per day, an hour-of-day histogram)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget
from textual_plotext import PlotextPlot

from deskui.widgets.plain import safe


class BarList(Widget):
    """Horizontal bars, one per (label, count), scaled to the widest; the labels are data (shown literally)."""

    DEFAULT_CSS = """
    BarList {
        height: auto;
        width: 1fr;
    }
    BarList > .bar--fill {
        color: $accent;
    }
    BarList > .bar--title {
        text-style: bold;
    }
    BarList > .bar--zero {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--fill", "bar--title", "bar--zero"}

    rows: reactive[tuple[tuple[str, int], ...]] = reactive((), layout=True)
    """(label, count) in the order shown."""
    title: reactive[str] = reactive("")
    """Shown above the bars (already translated)."""

    def __init__(self, title: str = "", rows: Sequence[tuple[str, int]] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(BarList.title, title)
        self.set_reactive(BarList.rows, tuple(rows))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.rows) + (1 if self.title else 0)

    def render(self) -> Text:
        fill = self.get_component_rich_style("bar--fill")
        zero = self.get_component_rich_style("bar--zero")
        out = Text()
        if self.title:
            out.append(self.title + "\n", self.get_component_rich_style("bar--title"))
        labels = [Text(safe(label, one_line=True)) for label, _ in self.rows]
        label_width = min(max((x.cell_len for x in labels), default=0), max(8, self.size.width // 3))
        numbers = [str(n) for _, n in self.rows]
        number_width = max((len(x) for x in numbers), default=1)
        room = max(1, self.size.width - label_width - number_width - 3)
        top = max((n for _, n in self.rows), default=0) or 1
        for i, ((_, n), text) in enumerate(zip(self.rows, labels, strict=True)):
            text.truncate(label_width, overflow="ellipsis", pad=True)
            out.append_text(text)
            out.append(" ")
            length = round(n / top * room)
            out.append("█" * length, fill)
            out.append(" " * (room - length + 1))
            out.append(numbers[i].rjust(number_width), zero if n == 0 else "")
            if i < len(self.rows) - 1:
                out.append("\n")
        return out


def _count_ticks(top: int) -> list[float]:
    """Whole-number ticks for counts (plotext would label 0.33, 0.67 … on a small month). The values are ints; the
    list is typed as the list[float] plotext's yticks declares."""
    step = max(1, -(-top // 4))
    ticks: list[float] = list(range(0, top + step, step))
    return ticks


class DayLine(PlotextPlot):
    """Calls (or tickets) per day of the month as a line. No legend: plotext sizes text one cell a character, so a
    Chinese label would break its frame; the title says what the line is."""

    def show(self, title: str, values: Sequence[int]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        n = len(values)
        plt.plot(list(range(1, n + 1)), list(values), marker="braille")
        plt.xticks([d for d in (1, 5, 10, 15, 20, 25, n) if d <= n])
        plt.yticks(_count_ticks(max(values, default=0)))
        self.refresh()


class HourHistogram(PlotextPlot):
    """Calls by local hour of day as vertical bars."""

    def show(self, title: str, hours: Sequence[int]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        shown = [(h, n) for h, n in enumerate(hours) if n]  # plotext draws a zero bar as a row at the axis
        plt.bar([h for h, _ in shown] or [0], [n for _, n in shown] or [0], width=0.6)
        plt.xlim(-0.5, 23.5)
        plt.xticks(list(range(0, 24, 3)))
        plt.yticks(_count_ticks(max(hours, default=0)))
        self.refresh()
