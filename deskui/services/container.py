"""The Services object: every service of one desk, built once per process by `open_services`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import Database, open_database
from deskui.models import Site
from deskui.services.calls import CallService
from deskui.services.context import DeskContext
from deskui.services.directory import DirectoryService
from deskui.services.handover import (
    DutyLogService,
    HandoverService,
    KeyInventory,
    KeyLogService,
    OpenItem,
    ReviewService,
    RosterService,
    open_patrol_items,
    open_register_items,
    open_renovation_items,
    patrol_source,
    register_sources,
    renovation_source,
)
from deskui.services.operators import OperatorInfo, OperatorService
from deskui.services.registers import (
    ParcelRegister,
    PassRegister,
    PatrolRegister,
    RenovationRegister,
    TicketRequest,
    VisitorRegister,
)
from deskui.services.tickets import TicketInput, TicketService
from deskui.services.today import TodayService


def ensure_site(db: Database, settings: Settings, clock: Clock) -> int:
    """The id of the configured site, created on first use."""
    with db.read() as s:
        site = s.exec(select(Site).where(Site.code == settings.site_code)).first()
        if site is not None:
            assert site.id is not None
            return site.id
    with db.write() as s:
        site = s.exec(select(Site).where(Site.code == settings.site_code)).first()
        if site is None:
            site = Site(code=settings.site_code, name=settings.site_name, created_at=clock.now())
            s.add(site)
            s.flush()
        assert site.id is not None
        return site.id


@dataclass
class Services:
    """Every service of one desk, sharing one context: database, settings, clock and site."""

    ctx: DeskContext
    directory: DirectoryService
    operators: OperatorService
    calls: CallService
    tickets: TicketService
    dutylog: DutyLogService
    roster: RosterService
    keys: KeyLogService
    key_inventory: KeyInventory
    handover: HandoverService
    review: ReviewService
    visitors: VisitorRegister
    parcels: ParcelRegister
    passes: PassRegister
    patrols: PatrolRegister
    renovations: RenovationRegister
    today: TodayService

    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def site_id(self) -> int:
        return self.ctx.site_id

    def close(self) -> None:
        self.db.dispose()


def open_services(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Services:
    clock = clock or Clock()
    db = open_database(settings.database_url or None, migrate=migrate)
    site_id = ensure_site(db, settings, clock)
    ctx = DeskContext(db, settings, clock, site_id)
    directory = DirectoryService(ctx)
    operators = OperatorService(ctx)
    calls = CallService(ctx, directory=directory)
    tickets = TicketService(ctx, calls=calls, operators=operators, directory=directory)
    # The call form's duplicate warning also names the unit's open tickets; an urgent call opens its ticket in the
    # transaction that saves it.
    calls.open_matter_sources.append(tickets.open_ticket_matters)
    calls.saved_hooks.append(tickets.open_if_urgent)
    roster = RosterService(ctx, operators=operators)
    keys = KeyLogService(ctx)
    dutylog = DutyLogService(ctx, calls=calls)
    handover = HandoverService(
        ctx, operators=operators, calls=calls, keys=keys, roster=roster, dutylog=dutylog, tickets=tickets
    )
    visitors = VisitorRegister(ctx)
    parcels = ParcelRegister(ctx)
    # Visitors still inside and old parcels are open items of every handover and shown in the review (issue 13).
    handover.item_sources.extend(register_sources(visitors, parcels))
    review = ReviewService(ctx, operators=operators, dutylog=dutylog, handover=handover)
    review.register_items = functools.partial(open_register_items, visitors, parcels)
    patrols = PatrolRegister(ctx)
    # An abnormal finding becomes a repair ticket at its checkpoint, written with its link in one transaction; missed
    # rounds, findings without a ticket and rounds not ended are open items of the handover and the review.
    patrols.ticket_opener = functools.partial(_patrol_ticket, tickets)
    handover.item_sources.append(patrol_source(patrols))
    review.patrol_items = functools.partial(_patrol_review_items, patrols)
    renovations = RenovationRegister(ctx)
    # A finding of an inspection opens a repair ticket at the unit, written with its link in one transaction;
    # applications awaiting approval, works in progress, expired permits and overdue inspections are open items.
    renovations.ticket_opener = functools.partial(_renovation_ticket, tickets)
    handover.item_sources.append(renovation_source(renovations))
    review.register_items = functools.partial(
        _both, review.register_items, functools.partial(open_renovation_items, renovations)
    )
    # The home screen's today (issue 14): each role's lines ask these services their own questions.
    today = TodayService(
        ctx,
        tickets=tickets,
        handover=handover,
        review=review,
        keys=keys,
        visitors=visitors,
        parcels=parcels,
        patrols=patrols,
        renovations=renovations,
    )
    return Services(
        ctx=ctx,
        directory=directory,
        operators=operators,
        calls=calls,
        tickets=tickets,
        dutylog=dutylog,
        roster=roster,
        keys=keys,
        key_inventory=KeyInventory(ctx),
        handover=handover,
        review=review,
        visitors=visitors,
        parcels=parcels,
        passes=PassRegister(ctx),
        patrols=patrols,
        renovations=renovations,
        today=today,
    )


def _patrol_ticket(
    tickets: TicketService, s: Session, request: TicketRequest, operator: OperatorInfo | None
) -> tuple[int, str]:
    data = TicketInput(
        kind="repair", repair_type="other", unit=request.place, description=request.description, facts=request.facts
    )
    ticket = tickets.create(data, operator=operator, within=s)
    return int(ticket.id), ticket.number


def _patrol_review_items(patrols: PatrolRegister, day: date, now: datetime) -> list[OpenItem]:
    start = datetime.combine(day, time(0), tzinfo=patrols.tz)
    end = start + timedelta(days=1)
    return open_patrol_items(patrols, (start, end), (start, end), now)


def _renovation_ticket(
    tickets: TicketService, s: Session, unit: str, description: str, operator: OperatorInfo | None
) -> tuple[int, str]:
    data = TicketInput(kind="repair", repair_type="other", unit=unit, description=description)
    ticket = tickets.create(data, operator=operator, within=s)
    return int(ticket.id), ticket.number


def _both(
    first: Callable[[datetime], list[OpenItem]] | None, second: Callable[[datetime], list[OpenItem]], now: datetime
) -> list[OpenItem]:
    return [*(first(now) if first else ()), *second(now)]
