"""Units and residents as typed (the form, the CLI, a CSV row), checked before anything is written."""

from __future__ import annotations

from collections.abc import Sequence

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.services.common.places import UNIT_NOT_PARTS, check_phone, parse_unit, public_key, unit_problem
from deskui.services.common.text import check_text
from deskui.services.directory._types import NewResident, NewUnit

UNIT_KINDS = ("residence", "shop", "public")
RESIDENT_ROLES = ("owner", "tenant", "other")
KIND_ALIASES = {
    "住宅": "residence",
    "住户": "residence",
    "商铺": "shop",
    "商户": "shop",
    "公共区域": "public",
    "公共": "public",
}
ROLE_ALIASES = {"业主": "owner", "租户": "tenant", "住户": "tenant", "使用人": "tenant", "其他": "other"}


def check_unit(text: str, kind: str = "residence") -> NewUnit:
    """Validate a unit as typed; raise ValidationError(field="unit"/"kind") with the reason."""
    kind = KIND_ALIASES.get(kind.strip(), kind.strip().lower()) or "residence"
    if kind not in UNIT_KINDS:
        raise ValidationError(t("Unknown unit kind {kind}; use residence, shop or public", kind=kind), field="kind")
    text = " ".join(text.split())
    if not text:
        raise ValidationError(t("A unit is required"), field="unit")
    if not text.isprintable() or len(text) > 100:
        raise ValidationError(t("A unit is 1 to 100 printable characters"), field="unit")
    if kind == "public":
        return NewUnit(public_key(text), text, kind, None)
    ref = parse_unit(text)
    if ref is None:
        why = t(unit_problem(text) or UNIT_NOT_PARTS)
        raise ValidationError(t("Cannot read unit {text!r}: {why}", text=text, why=why), field="unit")
    return NewUnit(ref.key, ref.label("zh-CN") if kind == "residence" else text, kind, ref)


def check_resident(
    name: str, unit: str, phones: str | Sequence[str], role: str = "owner", notes: str = ""
) -> NewResident:
    # A name is one line: a line break in it (CR, LF or CRLF, as the paste handler reads them; a CSV cell can hold
    # one) and any other run of whitespace become one space. search_residents reads its query the same way, so the
    # name as typed finds the resident.
    name = " ".join(name.split())
    if not name:
        raise ValidationError(t("A name is required"), field="name")
    if len(name) > 100 or not name.isprintable():
        raise ValidationError(t("A name is 1 to 100 printable characters"), field="name")
    role = ROLE_ALIASES.get(role.strip(), role.strip().lower()) or "owner"
    if role not in RESIDENT_ROLES:
        raise ValidationError(t("Unknown role {role}; use owner, tenant or other", role=role), field="role")
    parts = split_phones(phones) if isinstance(phones, str) else [p for p in phones if p.strip()]
    checked = [check_phone(p) for p in parts]  # the one phone rule (services.common.places.phone_problem)
    if not unit.strip():
        raise ValidationError(t("A unit is required"), field="unit")
    ref = parse_unit(unit)
    unit_key = ref.key if ref else public_key(unit)
    notes = notes.replace("\r\n", "\n").replace("\r", "\n").strip()  # line breaks as the paste handler reads them
    if len(notes) > 1000:
        raise ValidationError(t("Notes are at most 1000 characters"), field="notes")
    try:  # several lines are fine; control characters, terminal escapes and lone surrogates are refused, as in calls
        check_text(notes, t("Notes"), max_chars=1000, multiline=True)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="notes") from None
    return NewResident(name, unit_key, role, notes, tuple(checked))


def split_phones(text: str) -> list[str]:
    for sep in ("；", "，", "、", "/", ","):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]
