"""What the three registers share: a place in any spelling, checked text, the operator, the write lock, times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.models import Site, Unit
from deskui.services.calls import unit_key
from deskui.services.common.places import parse_unit
from deskui.services.common.text import check_text
from deskui.services.context import ContextService
from deskui.services.operators import OperatorInfo

_SITE = Site.__table__  # type: ignore[attr-defined]
_UNIT = Unit.__table__  # type: ignore[attr-defined]
UNIT_CHARS = 400
NAME_CHARS = 100
NOTE_CHARS = 400


@dataclass(frozen=True)
class Place:
    """A place as typed, its canonical key (the directory's spelling) and the directory's unit id if known."""

    text: str
    key: str
    unit_id: int | None


def text(value: str | None, label: str, *, max_chars: int, required: str = "") -> str:
    """One line of free text, kept as typed (trimmed); `required` is the message when it is empty."""
    checked = check_text(value or "", label, max_chars=max_chars)
    if required and not checked:
        raise ValidationError(required, field=label)
    return checked


def who(operator: OperatorInfo | None) -> dict[str, Any]:
    return {"operator_id": operator.id if operator else None, "operator_name": operator.name if operator else ""}


class RegisterBase(ContextService):
    """A register: its places, its write lock, its list limit."""

    @property
    def limit(self) -> int:
        return self.settings.registers.list_limit

    def check_place(self, value: str | None, *, home: bool = False) -> tuple[str, str]:
        """(as typed, canonical key) of a place; `home` wants a numbered unit (a home or a shop), not a public place."""
        typed = text(value, t("Unit"), max_chars=UNIT_CHARS, required=t("Which unit? Give the unit, e.g. 3-2-1201"))
        if home and parse_unit(typed) is None:
            raise ValidationError(
                t("{unit} is not a unit number; write it like 3-2-1201 or 3栋2单元1201", unit=typed), field="unit"
            )
        return typed, unit_key(typed)

    def place(self, s: Session, typed: str, key: str) -> Place:
        found = s.execute(select(_UNIT.c.id).where(_UNIT.c.site_id == self.site_id, _UNIT.c.key == key)).first()
        return Place(typed, key, found.id if found else None)

    def lock(self, s: Session) -> None:
        """Serialise the desk's register writers. SQLite: the write transaction's BEGIN IMMEDIATE already did it;
        PostgreSQL: lock the site row (a pass number is counted, a pass used once, a parcel picked up once)."""
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(_SITE.c.id).where(_SITE.c.id == self.site_id).with_for_update())

    def unit_filter(self, unit: str | None) -> str | None:
        return unit_key(unit.strip()) if unit and unit.strip() else None

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), tzinfo=self.tz)
        return start, datetime.combine(date.fromordinal(day.toordinal() + 1), time(0), tzinfo=self.tz)

    def local(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
