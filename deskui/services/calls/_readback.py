"""Reading a call back to the caller before hanging up: one sentence in the caller's language (000: 重述…以防错漏)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from deskui.core.config import CallSettings, Settings
from deskui.core.i18n import Z_, get_language, is_chinese, zh_text
from deskui.services.calls._types import CallInfo, CheckedCall
from deskui.services.common.places import parse_unit, phone_digits

# How each channel reads back: zh verb, en verb.
_CHANNEL_VERBS = {
    "phone": (Z_("来电"), "called"),
    "walk_in": (Z_("来访"), "came in"),
    "letter": (Z_("来信"), "wrote"),
    "fax": (Z_("来传真"), "faxed"),
    "online": (Z_("网上留言"), "wrote online"),
}


def read_back(
    call: CallInfo | CheckedCall, *, settings: Settings, limits: CallSettings, tz: ZoneInfo, language: str | None = None
) -> str:
    """The call as one sentence to read back to the caller before hanging up (000: 重述…以防错漏)."""
    lang = language or get_language()
    if isinstance(call, CallInfo):
        moment, channel, caller, unit, phone = call.time, call.channel, call.caller, call.unit, call.phone
        category, content, visit, urgent = call.category, call.content, call.visit_time, call.urgent
    else:
        moment, channel, caller, unit, phone = (
            call.called_at,
            call.channel,
            call.caller,
            call.unit_text,
            call.phone,
        )
        category, content, visit, urgent = call.category, call.content, call.visit_time, call.urgent
    local = moment.astimezone(tz)
    cat = next((c for c in settings.categories if c.key == category), None)
    chan = next((c for c in settings.channels if c.key == channel), None)
    cat_label = cat.label(lang) if cat else category
    digits = limits.readback_phone_digits
    phone_part = ""
    if phone:
        shown = phone_digits(phone)
        phone_part = shown[:digits] + "…" if digits and len(shown) > digits else phone
    place = _readback_unit(unit, lang)
    if is_chinese(lang):
        verb = zh_text(_CHANNEL_VERBS.get(channel, (chan.zh if chan else channel, ""))[0], lang)
        who = " ".join(p for p in (place, caller) if p)
        if phone_part:
            who += f"（{phone_part}）"
        body = "；".join(_sentences(content))
        text_ = f"{local.month}月{local.day}日 {local:%H:%M}，{who}{verb}{cat_label}：{body}"
        if visit:
            text_ += zh_text("，希望上门时间：", lang) + visit.rstrip("。.")
        return (zh_text("【紧急】", lang) if urgent else "") + text_ + "。"
    verb = _CHANNEL_VERBS.get(channel, ("", f"contacted us by {chan.en if chan else channel}"))[1]
    who = ", ".join(p for p in (place, caller) if p)
    if phone_part:
        who += f" ({phone_part})"
    body = "; ".join(_sentences(content))
    text_ = f"{local:%d %b} {local:%H:%M}, {who} {verb} — {cat_label}: {body}".replace("  ", " ")
    if visit:
        text_ += f"; preferred visit time: {visit.rstrip('。.')}"
    return ("URGENT: " if urgent else "") + text_ + "."


def _sentences(content: str) -> list[str]:
    """The content's lines without their closing punctuation, to be joined into one spoken sentence."""
    return [line.strip().rstrip("。.；;，,") for line in content.splitlines() if line.strip().rstrip("。.；;，,")]


def _readback_unit(unit: str, language: str) -> str:
    ref = parse_unit(unit) if unit else None
    return ref.label(language) if ref else unit
