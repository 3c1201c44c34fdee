"""Gathering the open items a handover passes on: small source functions (`DEFAULT_SOURCES`), each a query of
tickets, callbacks, escalations, help requests or calls; the keys still out; the snapshot's form of an item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlmodel import Session

from deskui.core.config import Settings
from deskui.core.i18n import N_
from deskui.models import Call, Ticket, TicketCall
from deskui.services.common.shifts import ShiftSlot
from deskui.services.handover._facts import (
    STEPS_ARG,
    TITLE_CHARS,
    Named,
    named_title,
    steps_arg,
    steps_facts,
    stored_args,
    stored_steps,
)
from deskui.services.handover._keylog import KeyLoanInfo
from deskui.services.handover._roster import crosses_midnight
from deskui.services.handover._types import OpenItem, with_detail
from deskui.services.tickets import overdue_condition, past_due

if TYPE_CHECKING:
    from deskui.services.registers import ParcelRegister, PatrolRegister, RenovationRegister, VisitorRegister
    from deskui.services.tickets import TicketService

_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_TICKETCALL = TicketCall.__table__  # type: ignore[attr-defined]
_CALL = Call.__table__  # type: ignore[attr-defined]

ESCALATED_SEVERITIES = ("major", "important")
ESCALATION_TARGETS = {
    "manager_informed": N_("manager not told yet"),
    "supervisor_informed": N_("supervisor not told yet"),
}
RUNNING_TARGETS = frozenset({"ok", "due_soon", "overdue"})


@dataclass(frozen=True)
class GatherContext:
    s: Session
    site_id: int
    settings: Settings
    now: datetime
    slot: ShiftSlot
    next: ShiftSlot
    tickets: TicketService | None


ItemSource = Callable[[GatherContext], list[OpenItem]]


def _ticket_title(r: Any) -> str:
    text = " ".join((r.description or "").split())
    where = f"{r.unit_text} " if r.unit_text else ""
    return f"{r.number} {where}{text[:40]}".strip()


def _site_tickets(ctx: GatherContext, *conditions: Any) -> list[Any]:
    q = select(_TICKET).where(_TICKET.c.site_id == ctx.site_id, *conditions)
    return list(ctx.s.execute(q.order_by(_TICKET.c.due_at, _TICKET.c.id).limit(200)))


def _open_tickets(ctx: GatherContext, *conditions: Any) -> list[Any]:
    return _site_tickets(ctx, _TICKET.c.is_open == True, *conditions)  # noqa: E712


def overdue_tickets(ctx: GatherContext) -> list[OpenItem]:
    """Open tickets past a target (the tickets' overdue rule) but for those done and waiting for their callback
    (`callbacks_due`). An overdue major or important complaint is important (002 投诉接待)."""
    out = []
    for r in _site_tickets(ctx, overdue_condition(ctx.now), _TICKET.c.status != "done"):
        important = r.kind == "complaint" and r.severity in ESCALATED_SEVERITIES
        out.append(
            OpenItem(f"ticket:{r.id}", "ticket_overdue", r.id, _ticket_title(r), r.due_at, important, overdue=True)
        )
    return out


def tickets_due_next_shift(ctx: GatherContext) -> list[OpenItem]:
    """Open tickets whose next target falls before the next shift ends."""
    rows = _open_tickets(ctx, _TICKET.c.due_at >= ctx.now, _TICKET.c.due_at < ctx.next.end, _TICKET.c.status != "done")
    return [OpenItem(f"ticket:{r.id}", "ticket_due", r.id, _ticket_title(r), r.due_at) for r in rows]


def callbacks_due(ctx: GatherContext) -> list[OpenItem]:
    """Done tickets waiting for their callback, due before the next shift ends."""
    rows = _open_tickets(
        ctx,
        _TICKET.c.status == "done",
        func.coalesce(_TICKET.c.callback_due_at, _TICKET.c.due_at) < ctx.next.end,
    )
    out = []
    for r in rows:
        due = r.callback_due_at or r.due_at
        out.append(
            OpenItem(f"callback:{r.id}", "callback_due", r.id, _ticket_title(r), due, overdue=past_due(due, ctx.now))
        )
    return out


def escalations_unacknowledged(ctx: GatherContext) -> list[OpenItem]:
    """Major and important complaints whose supervisor / manager has not been told yet (a running "informed"
    target of the ticket service); overdue ones are important."""
    if ctx.tickets is None:
        return []
    out = []
    for r in _open_tickets(ctx, _TICKET.c.kind == "complaint", _TICKET.c.severity.in_(ESCALATED_SEVERITIES)):
        for target in ctx.tickets.get(r.id).targets:
            if target.name in ESCALATION_TARGETS and target.met_at is None and target.state in RUNNING_TARGETS:
                overdue = past_due(target.due_at, ctx.now)
                base, detail = _ticket_title(r), ESCALATION_TARGETS[target.name]
                title = with_detail(base, detail)
                out.append(
                    OpenItem(
                        f"escalation:{r.id}",
                        "escalation",
                        r.id,
                        title,
                        target.due_at,
                        overdue,
                        overdue,
                        base_title=base,
                        detail=detail,
                    )
                )
                break
    return out


def help_untaken(ctx: GatherContext) -> list[OpenItem]:
    """Help requests (求助) still new: nobody has answered them. Important: 003 4.1.2 wants a reply in minutes."""
    rows = _open_tickets(ctx, _TICKET.c.kind == "help", _TICKET.c.status == "new")
    return [
        OpenItem(f"ticket:{r.id}", "help_untaken", r.id, _ticket_title(r), r.due_at, True, past_due(r.due_at, ctx.now))
        for r in rows
    ]


def emergency_checklists_open(ctx: GatherContext) -> list[OpenItem]:
    """Open medical emergencies and disasters whose checklist (003 4.2.1) has steps not ticked: important, the steps
    named (issue 14)."""
    from deskui.services.tickets import checklist, open_steps

    kinds = list(ctx.settings.help.checklists)
    if ctx.tickets is None or not kinds:
        return []
    out = []
    for r in _open_tickets(ctx, _TICKET.c.kind == "help", _TICKET.c.help_kind.in_(kinds)):
        steps = open_steps(checklist(ctx.settings, r.help_kind, ctx.tickets.events(r.id)))
        if steps:
            named_steps = tuple(s.step for s in steps if s.step is not None)
            base, args = _ticket_title(r), (steps_arg(named_steps),)
            title = with_detail(base, N_("open: {steps}"), args)
            out.append(
                OpenItem(
                    f"checklist:{r.id}",
                    "checklist_open",
                    r.id,
                    title,
                    None,
                    True,
                    base_title=base,
                    detail=N_("open: {steps}"),
                    detail_args=args,
                    steps=named_steps,
                )
            )
    return out


def calls_wanting_ticket(ctx: GatherContext) -> list[OpenItem]:
    """Calls of this shift marked "ticket wanted" with no ticket yet; an urgent help call is important. At the
    morning handover the night-calls step lists them instead."""
    if crosses_midnight(ctx.slot):
        return []
    out = []
    for r in _calls_without_ticket(ctx.s, ctx.site_id, ctx.slot.duty_date, ctx.slot.key):
        if not r.ticket_wanted:
            continue
        title = " ".join(f"{r.unit_text} {r.content}".split())[:60]
        important = bool(r.urgent) and r.category == "help"
        out.append(OpenItem(f"call:{r.id}", "call_ticket_wanted", r.id, title, r.called_at, important))
    return out


DEFAULT_SOURCES: tuple[ItemSource, ...] = (
    help_untaken,
    emergency_checklists_open,
    overdue_tickets,
    tickets_due_next_shift,
    callbacks_due,
    escalations_unacknowledged,
    calls_wanting_ticket,
)


def open_register_items(visitors: VisitorRegister, parcels: ParcelRegister, now: datetime) -> list[OpenItem]:
    """What the registers leave open (issue 13): visitors still inside (the next shift, the night above all, must
    know who is on the estate) and parcels waiting longer than settings.registers.parcel_old_hours (the resident
    told again, or the parcel returned), overdue from the moment they became old."""
    out = [
        OpenItem(f"visitor:{v.id}", "visitor_inside", v.id, " ".join(f"{v.name} → {v.unit} {v.purpose}".split()))
        for v in visitors.inside()
    ]
    for p in parcels.old(now):
        title = " ".join(f"{p.unit} {p.carrier} {p.tracking} {p.shelf}".split())
        out.append(OpenItem(f"parcel:{p.id}", "parcel_old", p.id, title, parcels.old_after(p), overdue=True))
    return out


def register_sources(visitors: VisitorRegister, parcels: ParcelRegister) -> tuple[ItemSource]:
    """The registers' open items as a handover item source, read in the gathering's transaction (db.read reuses
    it)."""

    def register_items(ctx: GatherContext) -> list[OpenItem]:
        return open_register_items(visitors, parcels, ctx.now)

    return (register_items,)


def open_patrol_items(
    patrols: PatrolRegister,
    missed: tuple[datetime, datetime],
    recent: tuple[datetime, datetime],
    now: datetime,
) -> list[OpenItem]:
    """What the patrols leave open (issue 13): rounds the schedule expected in `missed` that did not happen (000
    二.6: the morning and afternoon rounds; important and overdue), and of the `recent` period the abnormal findings
    with no ticket yet and the rounds started and never ended."""
    out = []
    for m in patrols.missed(*missed, now=now):
        local = m.scheduled_at.astimezone(patrols.tz)
        item_id = f"patrol_missed.{m.route}:{local:%Y%m%d%H%M}"  # kind:digits, as a handover's item ids are
        named = _route_named(patrols, m.route)
        base = f"{local:%m-%d %H:%M}"
        out.append(_named_item(item_id, "patrol_missed", 0, base, named, m.due_by, important=True, overdue=True))
    for f in patrols.findings(*recent, without_ticket=True):
        named = _point_named(patrols, f.route, f.point)
        base = " ".join(f.note.split())[:TITLE_CHARS]
        out.append(_named_item(f"patrol_finding:{f.id}", "patrol_finding", f.id, base, named, f.checked_at))
    for r in patrols.open_rounds():
        if recent[0] <= r.started_at < recent[1]:
            named = _route_named(patrols, r.route)
            base = " ".join(r.operator.split())
            out.append(_named_item(f"patrol_round:{r.id}", "patrol_open", r.id, base, named, r.started_at))
    return out


def _named_item(
    item_id: str,
    kind: str,
    ref_id: int,
    base: str,
    named: Named,
    due_at: datetime | None,
    *,
    important: bool = False,
    overdue: bool = False,
) -> OpenItem:
    """An item about a route or checkpoint: its keys and labels kept (`named`), the title naming it in the
    language of the moment (the reader's; a signed snapshot stores `base` and the keys, issue 12)."""
    title = named_title(kind, ref_id, base, named)
    return OpenItem(item_id, kind, ref_id, title, due_at, important, overdue, base_title=base, named=named)


def _route_named(patrols: PatrolRegister, key: str) -> Named:
    """A route by its key, with its configured labels (none if it is no longer configured: then its key is said)."""
    route = next((r for r in patrols.routes() if r.key == key), None)
    return Named(key, "", route.en, route.zh) if route else Named(key)


def _point_named(patrols: PatrolRegister, route_key: str, key: str) -> Named:
    route = next((r for r in patrols.routes() if r.key == route_key), None)
    point = next((p for p in route.checkpoints if p.key == key), None) if route else None
    return Named(route_key, key, point.en, point.zh) if point else Named(route_key, key)


def patrol_source(patrols: PatrolRegister) -> ItemSource:
    """The patrols' open items as a handover item source: the rounds the handed-over shift missed (as of now), and
    of the last settings.patrols.finding_open_days the findings without a ticket and the rounds not ended."""

    def patrol_items(ctx: GatherContext) -> list[OpenItem]:
        recent = (ctx.now - timedelta(days=ctx.settings.patrols.finding_open_days), ctx.now)
        return open_patrol_items(patrols, (ctx.slot.start, ctx.slot.end), recent, ctx.now)

    return patrol_items


def open_renovation_items(renovations: RenovationRegister, now: datetime) -> list[OpenItem]:
    """What the renovations leave open (issue 13), one item each: an expired permit (the planned end passed, not
    closed: overdue and important), an inspection overdue (settings.renovations.inspection_days), works in
    progress, an application awaiting the supervisor's approval."""
    out = []
    for r in renovations.active():
        title = " ".join(f"{r.number} {r.unit} {r.company} {r.work}".split())[:80]
        if r.state == "expired":
            end = datetime.combine(r.ends_on, datetime.min.time(), tzinfo=renovations.tz) + timedelta(days=1)
            out.append(OpenItem(f"renovation:{r.id}", "renovation_expired", r.id, title, end, True, True))
        elif r.inspection_overdue:
            due = r.inspection_due
            out.append(OpenItem(f"renovation:{r.id}", "renovation_inspection", r.id, title, due, False, True))
        elif r.state in ("active", "pending"):
            kind = "renovation_active" if r.state == "active" else "renovation_pending"
            out.append(OpenItem(f"renovation:{r.id}", kind, r.id, title, r.inspection_due))
    return out


def renovation_source(renovations: RenovationRegister) -> ItemSource:
    """The renovations' open items as a handover item source, read in the gathering's transaction."""

    def renovation_items(ctx: GatherContext) -> list[OpenItem]:
        return open_renovation_items(renovations, ctx.now)

    return renovation_items


def _calls_without_ticket(s: Session, site_id: int, duty_date: date, shift_key: str) -> list[Any]:
    """Current versions of a shift's calls that are linked to no ticket (any version of the call)."""
    newer = _CALL.alias("newer")
    linked = select(_TICKETCALL.c.call_id).where(_TICKETCALL.c.site_id == site_id)
    q = (
        select(_CALL)
        .select_from(_CALL.outerjoin(newer, newer.c.amends_id == _CALL.c.id))
        .where(
            _CALL.c.site_id == site_id,
            _CALL.c.duty_date == duty_date,
            _CALL.c.shift_key == shift_key,
            newer.c.id.is_(None),
            _CALL.c.id.not_in(linked),
            or_(_CALL.c.original_id.is_(None), _CALL.c.original_id.not_in(linked)),
        )
        .order_by(_CALL.c.called_at, _CALL.c.id)
    )
    return list(s.execute(q))


def gather(sources: Sequence[ItemSource], ctx: GatherContext) -> list[OpenItem]:
    """The items of every source, once each (an item any source calls important is important), important first,
    then by due time: what must not be missed comes at the top."""
    seen: dict[str, OpenItem] = {}
    for source in sources:
        for item in source(ctx):
            if item.id not in seen:
                seen[item.id] = item
            elif item.important and not seen[item.id].important:
                seen[item.id] = replace(seen[item.id], important=True)
    far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    return sorted(seen.values(), key=lambda i: (not i.important, i.due_at or far, i.id))


def key_item(loan: KeyLoanInfo, now: datetime) -> OpenItem:
    title = f"{loan.tag} → {loan.borrower}"
    return OpenItem(f"key:{loan.id}", "key", loan.id, title, loan.due_at, False, loan.due_at < now)


def item_dict(item: OpenItem) -> dict[str, Any]:
    """An item as a signed snapshot stores it: what deskui says about it (a detail, a place's name) as facts."""
    return {
        "id": item.id,
        "kind": item.kind,
        "ref_id": item.ref_id,
        "title": item.base_title if item.detail or item.named else item.title,
        **({"detail": item.detail, "detail_args": _args_stored(item)} if item.detail else {}),
        **({"steps": steps_facts(item.steps)} if item.steps else {}),
        **(item.named.facts() if item.named else {}),
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "important": item.important,
        "overdue": item.overdue,
    }


def item_from(d: dict[str, Any]) -> OpenItem:
    """A stored item, said in the reader's language; one stored before its facts were kept reads as stored."""
    due = datetime.fromisoformat(d["due_at"]) if d.get("due_at") else None
    named = Named.stored(d)
    if not d.get("detail") and named is None:
        return OpenItem(d["id"], d["kind"], d["ref_id"], d["title"], due, d["important"], d["overdue"])
    args, steps = stored_args(d), stored_steps(d)
    title = with_detail(named_title(d["kind"], d["ref_id"], d["title"], named), d.get("detail", ""), args)
    return OpenItem(
        d["id"],
        d["kind"],
        d["ref_id"],
        title,
        due,
        d["important"],
        d["overdue"],
        base_title=d["title"],
        detail=d.get("detail", ""),
        detail_args=args,
        named=named,
        steps=steps,
    )


def _args_stored(item: OpenItem) -> dict[str, str]:
    """The detail's arguments a snapshot stores: what the reader's language changes (the steps) goes as facts."""
    return {k: v for k, v in item.detail_args if not (item.steps and k == STEPS_ARG)}
