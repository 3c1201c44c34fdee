"""Paper where the trade uses paper (issue 14): the work order (维修工作单) a worker carries to the unit and brings
back signed by the resident, and the sheet of a signed shift handover (交接班记录) for the binder.

Each is a PDF made from plain data the services already give (a `TicketInfo`, a `HandoverState`): `_sheets` turns
it into a `Sheet` (labels in the reader's language, free text exactly as stored), `_render` lays the sheet out with
reportlab in its built-in CID font STSong-Light, which needs no font file on the machine. Importing this package
is cheap: reportlab (about 100 ms) is loaded by the first sheet rendered, never by the app's or a command's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskui.services.paper._sheets import (
    Box,
    Grid,
    Sheet,
    handover_sheet,
    handover_sheet_name,
    work_order,
    work_order_name,
)

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from deskui.core.config import Settings
    from deskui.services.handover import HandoverState
    from deskui.services.tickets import TicketInfo

__all__ = [
    "Box",
    "Grid",
    "Sheet",
    "handover_sheet",
    "handover_sheet_name",
    "handover_sheet_pdf",
    "render",
    "save",
    "save_work_order",
    "work_order",
    "work_order_name",
    "work_order_pdf",
]


def render(sheet: Sheet) -> bytes:
    """`sheet` as the bytes of a PDF (A4; reportlab loaded on first use)."""
    from deskui.services.paper._render import render as render_pdf

    return render_pdf(sheet)


def work_order_pdf(ticket: TicketInfo, settings: Settings, printed_at: datetime) -> bytes:
    """The ticket's work order as a PDF."""
    return render(work_order(ticket, settings, printed_at))


def handover_sheet_pdf(state: HandoverState, settings: Settings, printed_at: datetime) -> bytes:
    """A signed handover's sheet as a PDF (ValidationError for one not signed yet)."""
    return render(handover_sheet(state, settings, printed_at))


def save(pdf: bytes, path: Path) -> Path:
    """`pdf` written to `path`, readable by its owner only (0600), replacing an old file only once complete."""
    from deskui.services.common.exportfiles import private_file

    with private_file(path, binary=True) as fh:
        fh.write(pdf)
    return path


def save_work_order(ticket: TicketInfo, settings: Settings, printed_at: datetime, folder: Path) -> Path:
    """The ticket's work order written into `folder` (made if missing) under its own name; the file written."""
    pdf = work_order_pdf(ticket, settings, printed_at)
    folder.mkdir(parents=True, exist_ok=True)
    return save(pdf, folder / work_order_name(ticket))
