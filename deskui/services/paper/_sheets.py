"""The sheets as data: what is printed where, in the reader's language, before any PDF is made.

A `Sheet` is a title, a list of facts (label and value), grids (a titled table with a header row) and boxes (a
label and room to write by hand, or choices to tick). Values that people typed are kept exactly as stored; labels,
kinds and statuses go through t(). To print one more fact, add a row to `_ticket_facts` (or `_handover_facts`):
the renderer lays out whatever rows it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.services.common.shifts import SHIFT_LABELS, local_time

if TYPE_CHECKING:
    from deskui.core.config import Settings
    from deskui.services.handover import HandoverState
    from deskui.services.tickets import TicketInfo

TIME_FORMAT = "%Y-%m-%d %H:%M"
# The satisfaction a resident ticks on the work order: the same five steps as the callback form (1-5).
SATISFACTION = (
    N_("Very satisfied"),
    N_("Satisfied"),
    N_("Neutral"),
    N_("Dissatisfied"),
    N_("Very dissatisfied"),
)
TICK = "□"  # U+25A1, in STSong-Light (Adobe-GB1)


@dataclass(frozen=True)
class Grid:
    """A titled table: a header row, then rows of the same length; `widths` are relative column widths."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    empty: str = ""
    """Printed under the header when there are no rows."""


@dataclass(frozen=True)
class Box:
    """A label and room beside it to write by hand (`lines` lines), or `text` printed there (choices to tick)."""

    label: str
    lines: int = 1
    text: str = ""


@dataclass(frozen=True)
class Sheet:
    title: str
    site: str
    reference: str
    """What the sheet is of, printed beside the title and in the PDF's metadata: the ticket's number."""
    facts: tuple[tuple[str, str], ...]
    grids: tuple[Grid, ...] = ()
    boxes_title: str = ""
    boxes: tuple[Box, ...] = ()
    printed: str = ""
    """The footer: when it was printed (the site's time)."""


def _when(settings: Settings, moment: datetime | None) -> str:
    return local_time(settings, moment).strftime(TIME_FORMAT) if moment is not None else ""


def _department(settings: Settings, key: str) -> str:
    if not key:
        return t("Not dispatched")
    language = get_language()
    return next((d.label(language) for d in settings.departments if d.key == key), key)


def _printed(settings: Settings, printed_at: datetime) -> str:
    return t("Printed {when}", when=_when(settings, printed_at))


# --- the work order ------------------------------------------------------------------------------------------------


def work_order_name(ticket: TicketInfo) -> str:
    """The file a ticket's work order is written to when none is named: its number, WX-20261123-0007.pdf."""
    return f"{ticket.number}.pdf"


def _ticket_facts(ticket: TicketInfo, settings: Settings) -> list[tuple[str, str]]:
    """The facts printed at the top of the work order, in order; a row whose value is empty is left out."""
    from deskui.services.tickets import COMPLAINT_FIELDS, HELP_KIND_LABELS, REPAIR_TYPE_LABELS, paid_text

    kind = ticket.kind_label
    if ticket.kind == "repair" and ticket.repair_type in REPAIR_TYPE_LABELS:
        kind += " · " + t(REPAIR_TYPE_LABELS[ticket.repair_type])
    if ticket.help_kind in HELP_KIND_LABELS:
        kind += " · " + t(HELP_KIND_LABELS[ticket.help_kind])
    if ticket.severity:
        kind += " · " + ticket.severity_label
    rows = [
        (t("Number"), ticket.number),
        (t("Kind"), kind),
        (t("Unit"), ticket.unit or "-"),
        (t("Resident"), ticket.caller),
        (t("Phone"), ticket.phone),
        (t("Content"), ticket.description),
        # A complaint's record as taken (issue 14, services.tickets._complaints): place, about whom, what, wants.
        *((t(label), ticket.complaint.get(key, "")) for key, label in COMPLAINT_FIELDS.items()),
        # A repair paid or free, and the fee once recorded (services.tickets._repairs): the worker knows what to charge.
        (t("Paid or free"), paid_text(ticket.kind, ticket.paid, ticket.fee_cents)),
        (t("Booked visit"), _when(settings, ticket.appointment_at)),
        (t("Department"), _department(settings, ticket.department)),
        (t("Worker"), ticket.worker),
        (t("Assignee"), ticket.assignee),
        (t("Opened"), f"{_when(settings, ticket.created_at)}  {ticket.created_by}".strip()),
    ]
    return [(label, value) for label, value in rows if value]


def work_order(ticket: TicketInfo, settings: Settings, printed_at: datetime) -> Sheet:
    """The ticket's work order (维修工作单 for a repair): its facts, room for the work done, and the resident's
    signature and satisfaction (seed 002 四.2(3)③: the worker goes with the order and the resident signs it)."""
    title = t("Repair work order") if ticket.kind == "repair" else t("Work order")
    ticks = "   ".join(f"{TICK} {5 - n} {t(label)}" for n, label in enumerate(SATISFACTION))
    boxes = (
        Box(t("Arrived at"), 1),
        Box(t("Finished at"), 1),
        Box(t("Work done and materials"), 3),
        Box(t("Worker's signature"), 1),
        Box(t("Satisfaction"), 1, ticks),
        Box(t("Resident's comments"), 2),
        Box(t("Resident's signature"), 1),
    )
    return Sheet(
        title=title,
        site=settings.site_name,
        reference=ticket.number,
        facts=tuple(_ticket_facts(ticket, settings)),
        boxes_title=t("To be filled in at the unit"),
        boxes=boxes,
        printed=_printed(settings, printed_at),
    )


# --- the handover sheet --------------------------------------------------------------------------------------------


def handover_sheet_name(state: HandoverState) -> str:
    """The file a handover's sheet is written to when none is named: handover-12-2026-11-24-day.pdf."""
    return f"handover-{state.id}-{state.duty_date.isoformat()}-{state.shift_key}.pdf"


def _shift(key: str) -> str:
    return t(SHIFT_LABELS.get(key, key))


def _handover_facts(state: HandoverState, settings: Settings) -> list[tuple[str, str]]:
    signed = _when(settings, state.signed_at)
    if state.chain_seq is not None:
        signed += "  " + t("duty log #{seq}", seq=state.chain_seq)
    rows = [
        (t("Handover"), f"#{state.id}"),
        (t("Shift"), f"{state.duty_date.isoformat()} {_shift(state.shift_key)}"),
        (t("Next shift"), f"{state.next_date.isoformat()} {_shift(state.next_shift_key)}"),
        (t("Outgoing"), state.outgoing.name),
        (t("Incoming"), state.incoming.name if state.incoming else ""),
        (t("Started"), _when(settings, state.started_at)),
        (t("Signed"), signed),
    ]
    return [(label, value) for label, value in rows if value]


def _grids(state: HandoverState, settings: Settings) -> list[Grid]:
    yes = t("Yes")
    counts = Grid(
        t("Equipment count"),
        (t("Item"), t("Counted"), t("Expected"), t("Explanation"), t("Holder"), t("Ticket")),
        tuple(
            (
                c.label,
                "-" if c.counted is None else str(c.counted),
                str(c.expected),
                c.explanation,
                c.holder,
                c.ticket_number,
            )
            for c in state.counts
        ),
        (4, 2, 2, 5, 3, 4),
        t("Nothing"),
    )
    keys = Grid(
        t("Keys out"),
        (t("Key lent"), t("Overdue"), t("Note"), t("Acknowledged")),
        tuple((k.title, yes if k.overdue else "", k.note, k.acknowledged_by) for k in state.keys),
        (7, 2, 6, 3),
        t("Nothing"),
    )
    items = Grid(
        t("Open items"),
        (t("Kind"), t("Item"), t("Note"), t("Acknowledged")),
        tuple((i.kind_label, i.title + (" !" if i.important else ""), i.note, i.acknowledged_by) for i in state.items),
        (3, 7, 5, 3),
        t("Nothing"),
    )
    grids = [counts, keys, items]
    if state.morning:
        grids.append(
            Grid(
                t("Night calls"),
                (t("Call"), t("Content"), t("Decision"), t("Ticket")),
                tuple(
                    (f"#{n.call.id}", n.call.content, _decision(n.disposition, n.reason), n.ticket_number)
                    for n in state.night_calls
                ),
                (2, 9, 4, 4),
                t("Nothing"),
            )
        )
    grids.append(
        Grid(
            t("Checks"),
            (t("Check"), t("Done"), t("Note"), t("By")),
            tuple((c.label, yes if c.done else "", c.note, c.by) for c in state.checks),
            (7, 2, 6, 3),
        )
    )
    grids.append(
        Grid(
            t("Signatures"),
            (t("Role"), t("Name"), t("Time")),
            tuple((t(ROLE_LABELS.get(s.role, s.role)), s.name, _when(settings, s.at)) for s in state.signatures),
            (4, 6, 6),
        )
    )
    return grids


ROLE_LABELS = {"outgoing": N_("Outgoing"), "incoming": N_("Incoming")}


def _decision(disposition: str | None, reason: str) -> str:
    from deskui.services.handover import DISPOSITION_LABELS

    label = t(DISPOSITION_LABELS[disposition]) if disposition is not None and disposition in DISPOSITION_LABELS else ""
    return f"{label}  {reason}".strip()


def handover_sheet(state: HandoverState, settings: Settings, printed_at: datetime) -> Sheet:
    """A signed handover's sheet (交接班记录): who handed over to whom, the counts, keys out, open items, night
    calls and checks as signed, and room for both to sign the paper too. A handover not yet signed is refused:
    until it is, what it hands over may still change."""
    if not state.signed:
        raise ValidationError(
            t("Handover #{id} is not signed yet; only a signed handover is printed", id=state.id), field="handover"
        )
    return Sheet(
        title=t("Handover sheet"),
        site=settings.site_name,
        reference=f"#{state.id}",
        facts=tuple(_handover_facts(state, settings)),
        grids=tuple(_grids(state, settings)),
        boxes=(Box(t("Outgoing signature"), 1), Box(t("Incoming signature"), 1)),
        printed=_printed(settings, printed_at),
    )
