"""Checking a call as typed: every rule of the form, in the order of its fields, before anything is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from deskui.core.config import Choice
from deskui.core.errors import ValidationError
from deskui.core.i18n import get_language, t
from deskui.services.calls._base import CallBase
from deskui.services.calls._types import CallInput, CheckedCall
from deskui.services.common import search as idx
from deskui.services.common.places import check_phone, parse_unit, phone_digits, public_key
from deskui.services.common.shifts import ShiftSlot, shift_at
from deskui.services.common.text import FIELD_LABELS, check_text, choose
from deskui.services.common.timeparse import check_not_future, parse_time


@lru_cache(maxsize=4096)
def unit_key(unit_text: str) -> str:
    """The canonical key of a place as typed: "3-2-1201" for any spelling of a home, "public:…" otherwise."""
    if not unit_text:
        return ""
    ref = parse_unit(unit_text)
    return ref.key if ref else public_key(unit_text)


def _check_phone(value: str) -> tuple[str, str]:
    """The phone tidied and its digits; services.common.places.check_phone is the one rule (form, CLI, imports)."""
    if not value:
        return "", ""
    phone = check_phone(value)
    return phone, phone_digits(phone)


def search_fields(caller: str, unit_text: str, phone: str, content: str) -> tuple[str, ...]:
    """What a search looks in: caller, unit as typed, phone as typed and as bare digits, content."""
    return (caller, unit_text, phone, phone_digits(phone), content)


class CallChecks(CallBase):
    """The form's rules: `check` one call, or list every field's `problems` at once."""

    def _shift(self, moment: datetime) -> ShiftSlot:
        """shift_at, remembering the last slots seen: an import of 100,000 calls in time order asks about the same
        few shifts over and over. A moment inside a remembered logging shift is in that shift (they do not
        overlap); anything else (gaps, new days) asks shift_at."""
        for slot in self._recent_slots:
            if slot.start <= moment < slot.end:
                return slot
        slot = shift_at(self.settings, moment)
        if slot.start <= moment < slot.end:
            self._recent_slots = [slot, *self._recent_slots[:3]]
        return slot

    def _choose(self, value: str, name: str) -> Choice:
        """choose() with a cache: imports name the same few categories and channels 100,000 times."""
        key = (name, value)
        found = self._choices.get(key)
        if found is None:
            found = choose(value, self.settings.categories if name == "category" else self.settings.channels, name)
            if len(self._choices) < 1000:
                self._choices[key] = found
        return found

    def parse_time(self, value: str | datetime | None) -> datetime:
        """A call time as typed → aware UTC; refuses one more than the tolerance in the future."""
        now = self.clock.now()
        if isinstance(value, datetime):
            moment = value.replace(tzinfo=self.tz) if value.tzinfo is None else value
            moment = moment.astimezone(UTC)
        else:
            if value is not None:
                check_text(value, "time", max_chars=self.limits.max_line_chars)
            moment = parse_time(value, now, self.tz, rollback_hours=self.limits.time_of_day_rollback_hours)
        check_not_future(moment, now, self.limits.future_tolerance_seconds)
        # A call log is kept to the second; microseconds from "now" would only make exports noisy.
        return moment.replace(microsecond=0)

    def check(self, data: CallInput, *, strict: bool = True) -> CheckedCall:
        """Every rule of the form, in the order of its fields; raises the first ValidationError.

        `strict=False` (imports of past records) skips the "needed for this kind of call" rules (a phone for a
        phone call, a unit for a ticket) but never the format rules.
        """
        limits = self.limits
        called_at = self.parse_time(data.time)
        channel = self._choose(data.channel or "phone", "channel")
        caller = check_text(data.caller, "caller", max_chars=limits.max_line_chars)
        unit_text = check_text(data.unit, "unit", max_chars=limits.max_line_chars)
        phone_text = check_text(data.phone, "phone", max_chars=limits.max_line_chars)
        phone, digits = _check_phone(phone_text)
        category = self._choose(data.category, "category")
        content = check_text(data.content, "content", max_chars=limits.max_content_chars, multiline=True)
        if not content.strip():
            raise ValidationError(t("Content is required: what did the caller say?"), field="content")
        visit_time = check_text(data.visit_time, "visit_time", max_chars=limits.max_line_chars)
        if strict:
            if not phone and channel.key in limits.phone_required_channels:
                raise ValidationError(
                    t("A {channel} call needs the caller's phone number", channel=channel.label(get_language())),
                    field="phone",
                )
            if not unit_text and category.ticket:
                raise ValidationError(
                    t("A {category} needs a unit or place", category=category.label(get_language())), field="unit"
                )
        slot = self._shift(called_at)
        return CheckedCall(
            called_at=called_at,
            channel=channel.key,
            caller=caller,
            unit_text=unit_text,
            unit_key=unit_key(unit_text),
            phone=phone,
            phone_digits=digits,
            category=category.key,
            content=content,
            visit_time=visit_time,
            urgent=bool(data.urgent),
            ticket_wanted=category.ticket,
            shift_key=slot.key,
            duty_date=slot.duty_date,
            search_text=idx.search_text(search_fields(caller, unit_text, phone, content)),
        )

    def problems(self, data: CallInput) -> dict[str, str]:
        """Every field's first problem at once (for a form that marks all bad fields), {} when all is well."""
        found: dict[str, str] = {}
        current = data
        for _ in range(len(FIELD_LABELS) + 4):
            try:
                self.check(current)
                break
            except ValidationError as exc:
                name = exc.field or "content"
                if name in found:
                    break
                found[name] = exc.message
                # Blank the field out with a value that passes, to find the next problem.
                fillers = {"time": None, "channel": "phone", "category": "other", "content": "."}
                fill: Any = fillers.get(name, "")
                if name == "phone":
                    fill = "110"
                current = replace(current, **{name: fill}) if name in CallInput.__dataclass_fields__ else current
        return found
