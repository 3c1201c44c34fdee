"""What every service of one desk shares: the database, the settings, the clock, the site and its time zone.

Built once by `container.open_services` and handed to each service, so a service's constructor names only the
collaborators it really needs and nobody rebuilds the time zone from settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from deskui.core.clock import Clock
from deskui.core.config import Settings
from deskui.core.db import Database


@dataclass(frozen=True)
class DeskContext:
    """One desk: one database, one configured site, one clock (frozen in tests)."""

    db: Database
    settings: Settings
    clock: Clock
    site_id: int
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", ZoneInfo(self.settings.time_zone))


class ContextService:
    """Base of the services: the context's parts as attributes, the names every method already reads."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.settings = ctx.settings
        self.clock = ctx.clock
        self.site_id = ctx.site_id
        self.tz = ctx.tz
