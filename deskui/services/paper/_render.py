"""A `Sheet` laid out as an A4 PDF with reportlab: the only module of deskui that imports it.

Every string is set in STSong-Light, one of the CID fonts every PDF reader has (Adobe's Asian font packs): the
file names the font and carries no glyphs, so Chinese prints without a font file on this machine or a system
font. Free text is escaped for reportlab's paragraph markup (a resident's "<b>" prints as typed) and made safe
(a control character shows as its picture); CJK line breaking lets a long content wrap inside its cell. The
output is invariant (no creation date or random id): the same sheet gives the same bytes.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from deskui.core.safetext import safe
from deskui.services.paper._sheets import Box, Grid, Sheet

FONT = "STSong-Light"
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
LABEL_WIDTH = 44 * mm
LINE = 8 * mm  # one handwritten line in a box
TALL = 150 * mm  # a table row taller than this flows as paragraphs instead (a row never splits across pages)
LIGHT = colors.Color(0.9, 0.9, 0.9)


@cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def _style(size: float) -> ParagraphStyle:
    return ParagraphStyle(f"paper-{size}", fontName=_font(), fontSize=size, leading=size * 1.35, wordWrap="CJK")


def _para(text: str, size: float = 10) -> Paragraph:
    """`text` as printed: exactly as stored, markup characters escaped, line breaks kept."""
    return Paragraph(escape(safe(text, keep_crlf=False)).replace("\n", "<br/>"), _style(size))


def _grid_style(*, header: bool) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    commands.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT) if header else ("BACKGROUND", (0, 0), (0, -1), LIGHT))
    return TableStyle(commands)


def _tall(cells: list[Paragraph], widths: list[float]) -> bool:
    """A table row too tall to stay in one piece: a table row never splits across pages (reportlab refuses to lay
    out a row taller than the page), so a long text (a content of up to 10,000 characters) flows on its own."""
    return any(cell.wrap(width - 12, A4[1])[1] > TALL for cell, width in zip(cells, widths, strict=True))


def _rows(
    header: list[Paragraph], rows: list[list[Paragraph]], labels: list[str], widths: list[float]
) -> list[Flowable]:
    """`rows` as tables of `widths` (`header` on top, repeated on every page), except a row too tall for a page: it
    flows between them as its cells' paragraphs, each under its column's label."""
    out: list[Flowable] = []
    batch: list[list[Paragraph]] = []

    def flush() -> None:
        if batch or not out:
            table = Table([header, *batch], colWidths=widths, repeatRows=1)
            table.setStyle(_grid_style(header=True))
            out.append(table)
            batch.clear()

    for row in rows:
        if not _tall(row, widths):
            batch.append(row)
            continue
        flush()
        for label, cell in zip(labels, row, strict=True):
            out += [Spacer(1, 2 * mm), _para(label, 9), Spacer(1, 1 * mm), cell]
        out.append(Spacer(1, 2 * mm))
    if batch:
        flush()
    return out


def _facts(rows: tuple[tuple[str, str], ...]) -> list[Flowable]:
    """Label and value, one row each; a long value (the content) flows under its label instead."""
    out: list[Flowable] = []
    widths = [LABEL_WIDTH, WIDTH - LABEL_WIDTH]
    batch: list[list[Paragraph]] = []
    for label, value in rows:
        cells = [_para(label), _para(value, 11)]
        if not _tall(cells, widths):
            batch.append(cells)
            continue
        if batch:
            out.append(_table(batch, widths))
            batch = []
        out += [Spacer(1, 2 * mm), cells[0], Spacer(1, 1 * mm), cells[1], Spacer(1, 2 * mm)]
    if batch:
        out.append(_table(batch, widths))
    return out


def _table(data: list[list[Paragraph]], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths)
    table.setStyle(_grid_style(header=False))
    return table


def _grid(grid: Grid) -> list[Flowable]:
    total = sum(grid.widths)
    widths = [WIDTH * w / total for w in grid.widths]
    rows = [[_para(cell, 9) for cell in row] for row in grid.rows]
    if not grid.rows and grid.empty:
        rows.append([_para(grid.empty, 9)] + [_para("", 9)] * (len(grid.header) - 1))
    body = _rows([_para(h, 9) for h in grid.header], rows, list(grid.header), widths)
    return [Spacer(1, 4 * mm), _para(grid.title, 12), Spacer(1, 1.5 * mm), *body]


def _boxes(title: str, boxes: tuple[Box, ...]) -> list[Flowable]:
    """The boxes to fill in by hand, kept on one page (the resident signs under what the worker wrote)."""
    data = [[_para(b.label), _para(b.text, 10)] for b in boxes]
    heights = [max(1, b.lines) * LINE for b in boxes]
    table = Table(data, colWidths=(LABEL_WIDTH, WIDTH - LABEL_WIDTH), rowHeights=heights)
    table.setStyle(_grid_style(header=False))
    head: list[Flowable] = [_para(title, 12), Spacer(1, 1.5 * mm)] if title else []
    return [Spacer(1, 5 * mm), KeepTogether([*head, table])]


def render(sheet: Sheet) -> bytes:
    """The sheet as the bytes of a PDF: the site and the title on top, the facts, the grids, then the boxes; the
    title, reference and time printed at the foot of every page."""
    font = _font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{sheet.title} {sheet.reference}",
        author=sheet.site,
        creator="deskui",
        invariant=1,
    )
    heading = Table([[_para(sheet.title, 18), _para(sheet.reference, 14)]], colWidths=(WIDTH * 0.6, WIDTH * 0.4))
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story: list[Flowable] = [_para(sheet.site, 10), Spacer(1, 1 * mm), heading, Spacer(1, 3 * mm)]
    story += _facts(sheet.facts)
    for grid in sheet.grids:
        story += _grid(grid)
    if sheet.boxes:
        story += _boxes(sheet.boxes_title, sheet.boxes)

    def foot(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        text = f"{sheet.title} {sheet.reference} · {sheet.printed} · {document.page}"
        canvas.drawString(MARGIN, MARGIN - 2 * mm, safe(text, one_line=True))
        canvas.restoreState()

    doc.build(story, onFirstPage=foot, onLaterPages=foot)
    return buffer.getvalue()
