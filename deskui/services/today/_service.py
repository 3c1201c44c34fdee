"""TodayService: what the signed-in role has to do today, in one call (`today_for`), for the home screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import Role
from deskui.services.today._lines import LINES, LineSource, Sources
from deskui.services.today._types import Today, view_for

if TYPE_CHECKING:
    from deskui.services.handover import HandoverService, KeyLogService, ReviewService
    from deskui.services.registers import ParcelRegister, PatrolRegister, RenovationRegister, VisitorRegister
    from deskui.services.tickets import TicketService


class TodayService(ContextService):
    """Asks the other services, as of one moment, the questions of the role's view (`_lines.LINES`)."""

    def __init__(
        self,
        ctx: DeskContext,
        *,
        tickets: TicketService,
        handover: HandoverService,
        review: ReviewService,
        keys: KeyLogService,
        visitors: VisitorRegister,
        parcels: ParcelRegister,
        patrols: PatrolRegister,
        renovations: RenovationRegister,
    ) -> None:
        super().__init__(ctx)
        self.tickets = tickets
        self.handover = handover
        self.review = review
        self.keys = keys
        self.visitors = visitors
        self.parcels = parcels
        self.patrols = patrols
        self.renovations = renovations
        self.lines: dict[str, list[LineSource]] = {view: list(sources) for view, sources in LINES.items()}
        """Each view's line functions, in order: another part of deskui may add one (`lines[view].append`)."""

    def today_for(self, role: Role | str) -> Today:
        """The lines of `role`'s view (day desk, night shift, supervisor) as of now; optional lines with nothing to
        say are left out. Read-only: nothing is written."""
        view = view_for(role)
        src = Sources(
            self.settings,
            self.tz,
            self.clock.now(),
            self.tickets,
            self.handover,
            self.review,
            self.keys,
            self.visitors,
            self.parcels,
            self.patrols,
            self.renovations,
        )
        lines = tuple(line for source in self.lines[view] if (line := source(src)) is not None)
        return Today(view, src.now, lines)
