"""What the form asks while a call is typed: who is calling from this number, and what is already open for the unit.

Open matters come from sources: the log's own recent calls, and the ticket service registers open tickets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session

from deskui.core.i18n import get_language, t
from deskui.services.calls._base import CallBase
from deskui.services.calls._check import unit_key
from deskui.services.calls._rows import CALL, NEWER, select_calls, to_info
from deskui.services.calls._types import CallerLookup, CallInfo, DuplicateWarning, OpenMatter, OpenMatterSource
from deskui.services.common.places import home_code, phone_digits, phone_variants
from deskui.services.common.text import choose
from deskui.services.directory import DirectoryService


class CallLookups(CallBase):
    """Lookups: `lookup_caller` by phone, `open_matters` and the `duplicate_warning` shown before saving."""

    directory: DirectoryService
    open_matter_sources: list[OpenMatterSource]

    def lookup_caller(self, phone: str) -> CallerLookup:
        """Who is calling from this number: residents from the directory, and the last calls from it."""
        digits = phone_digits(phone or "")
        residents = tuple(self.directory.lookup_phone(phone)) if digits else ()
        recent: tuple[CallInfo, ...] = ()
        if len(digits) >= 3:
            # The number in every form it may have been logged in (+852 6234 5678, 00852…, 6234 5678 in Hong Kong).
            forms = phone_variants(phone, home_code(self.settings.time_zone))
            q = (
                select_calls()
                .where(CALL.c.site_id == self.site_id, CALL.c.phone_digits.in_(forms), NEWER.c.id.is_(None))
                .order_by(CALL.c.id.desc())
                .limit(self.limits.history_limit)
            )
            with self.db.read() as s:
                recent = tuple(to_info(r) for r in s.execute(q))
        return CallerLookup(phone, residents, recent)

    def _recent_calls_matters(
        self, s: Session, site_id: int, key: str, category: str, now: datetime, exclude: frozenset[int]
    ) -> list[OpenMatter]:
        since = now - timedelta(days=self.limits.duplicate_days)
        q = (
            select_calls()
            .where(
                CALL.c.site_id == site_id,
                CALL.c.unit_key == key,
                CALL.c.category == category,
                CALL.c.called_at >= since,
                NEWER.c.id.is_(None),
            )
            .order_by(CALL.c.id.desc())
            .limit(self.limits.history_limit)
        )
        out = []
        for r in s.execute(q):
            info = to_info(r)
            if info.id in exclude or info.root_id in exclude:
                continue
            out.append(
                OpenMatter(
                    "call",
                    info.id,
                    info.time,
                    info.category,
                    _one_line(info.content, 40),
                    f"#{info.id}",
                    (info.root_id,),
                )
            )
        return out

    def open_matters(
        self, unit: str, category: str, *, at: datetime | None = None, exclude_ids: Iterable[int] = ()
    ) -> list[OpenMatter]:
        """Open matters of this unit and category, from every registered source (calls now, tickets later)."""
        key = unit_key((unit or "").strip())
        if not key:
            return []
        cat = choose(category, self.settings.categories, "category").key
        now = at or self.clock.now()
        exclude = frozenset(exclude_ids)
        with self.db.read() as s:
            found: list[OpenMatter] = []
            for source in self.open_matter_sources:
                found += source(s, self.site_id, key, cat, now, exclude)
        # The call being corrected is not a matter, and neither is a ticket that holds nothing but that call.
        found = [m for m in found if not (m.calls and exclude.issuperset(m.calls))]
        # One repair is one matter: a call that a listed ticket was opened from (or took in) is counted as the ticket.
        covered = {c for m in found if m.kind != "call" for c in m.calls}
        found = [m for m in found if not (m.kind == "call" and covered.intersection(m.calls))]
        return sorted(found, key=lambda m: m.time, reverse=True)

    def duplicate_warning(
        self, unit: str, category: str, *, at: datetime | None = None, exclude_ids: Iterable[int] = ()
    ) -> DuplicateWarning | None:
        """A warning to show before saving when the unit already has an open matter of the same category."""
        matters = self.open_matters(unit, category, at=at, exclude_ids=exclude_ids)
        if not matters:
            return None
        cat = choose(category, self.settings.categories, "category")
        latest = matters[0]
        when = latest.time.astimezone(self.tz).strftime("%m-%d %H:%M")
        message = t(
            "{unit} already has {n} {category} matter(s) in the last {days} days; latest {name} at {when}: {summary}",
            unit=unit.strip(),
            n=len(matters),
            category=cat.label(get_language()),
            days=self.limits.duplicate_days,
            name=latest.name,
            when=when,
            summary=latest.summary,
        )
        return DuplicateWarning(unit.strip(), cat.key, tuple(matters), message)


def _one_line(text_: str, width: int) -> str:
    flat = " ".join(text_.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
