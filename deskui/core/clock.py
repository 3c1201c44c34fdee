"""Time, injectable: services and screens ask a Clock, so tests freeze it and run idle-lock or lockout timers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        """Aware UTC now."""
        return datetime.now(UTC)


@dataclass
class FrozenClock(Clock):
    """A clock that only moves when told to."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 2, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
