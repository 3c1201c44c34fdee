"""TimelineService: one unit's whole story (issue 13 item 7), gathered from every source newest first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.core.errors import NotFound, ValidationError
from deskui.core.i18n import get_language, t
from deskui.services.calls import unit_key
from deskui.services.common.places import parse_unit
from deskui.services.context import ContextService, DeskContext
from deskui.services.timeline._rows import TimelineSource
from deskui.services.timeline._sources import SOURCES
from deskui.services.timeline._types import Timeline, TimelineEntry, TimelineQuery, expand_kinds

if TYPE_CHECKING:
    from deskui.services import Services

MAX_LIMIT = 10_000


class TimelineService(ContextService):
    """A unit's calls, tickets and callbacks, duty-log mentions and register entries, newest first.

    The timeline sits above services.container (it reads every domain): `TimelineService.of(services)` builds it
    over an open Services, as the screen and the CLI do."""

    def __init__(
        self, ctx: DeskContext, *, services: Services, sources: Iterable[TimelineSource] | None = None
    ) -> None:
        super().__init__(ctx)
        self.services = services
        self.sources = list(SOURCES if sources is None else sources)

    @classmethod
    def of(cls, services: Services) -> TimelineService:
        return cls(services.ctx, services=services)

    @property
    def default_limit(self) -> int:
        return self.settings.registers.list_limit

    def _aware(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        return moment.replace(tzinfo=self.tz) if moment.tzinfo is None else moment

    def timeline(
        self,
        unit: str,
        *,
        kinds: Iterable[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        strict: bool = False,
    ) -> Timeline:
        """The story of `unit` (any spelling): entries of `kinds` (kinds or group names; none: all) in
        [since, until), newest first, at most `limit` (default settings.registers.list_limit).

        `strict`: a unit the directory does not know and no record names is refused (NotFound), as the CLI wants;
        otherwise it is an empty story."""
        asked = (unit or "").strip()
        # A public place's key ("public:东门", what the directory's rows hold) is its name, spelled as typed.
        asked = asked.removeprefix("public:").strip() if asked.startswith("public:") else asked
        if not asked:
            raise ValidationError(t("Which unit? Give the unit, e.g. 3-2-1201"), field="unit")
        wanted = expand_kinds(kinds)
        n = self.default_limit if limit is None else limit
        if not 1 <= n <= MAX_LIMIT:
            raise ValidationError(t("The limit is 1 to {max}", max=MAX_LIMIT), field="limit")
        key = unit_key(asked)
        found = self.services.directory.resolve_unit(asked)
        query = TimelineQuery(
            asked=asked,
            key=key,
            unit_id=found.id if found else None,
            kinds=wanted,
            since=self._aware(since),
            until=self._aware(until),
            limit=n,
        )
        entries: list[TimelineEntry] = []
        more = False
        for source in self.sources:
            if not query.wants(*source.kinds):
                continue
            got = [e for e in source.read(self.services, query) if e.kind in wanted]
            more = more or len(got) > n
            entries += got
        entries.sort(key=lambda e: (e.at, e.kind, e.id), reverse=True)
        more = more or len(entries) > n
        label = found.label if found else self._label(asked)
        if strict and found is None and not entries and not self._any_record(asked):
            raise NotFound(t("No unit {unit} in the directory, and nothing recorded for it", unit=asked), field="unit")
        return Timeline(asked, key, label, found is not None, tuple(entries[:n]), more)

    def _label(self, asked: str) -> str:
        ref = parse_unit(asked)
        return ref.label(get_language()) if ref else asked

    def _any_record(self, asked: str) -> bool:
        """Whether any source has anything for the unit, whatever the kinds and dates asked (the CLI's test of an
        unknown unit: a spelling with records is a place, even when the directory does not list it)."""
        query = TimelineQuery(asked, unit_key(asked), None, expand_kinds(()), None, None, 1)
        return any(source.read(self.services, query) for source in self.sources)
