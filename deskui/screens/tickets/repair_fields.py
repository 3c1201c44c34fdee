"""A repair's own fields on the ticket screen (issue 14): paid or free and the fee in the Done form, how the callback
was made and the resident's sign-off in the Callback form, and the lines the ticket's facts show for them.

The fields come after the forms' earlier ones, so the keys a desk types into those (a repair type, a satisfaction
score, then the note) land where they always did; the service (services.tickets._repairs) checks the values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from deskui.core.i18n import N_, t
from deskui.screens.tickets.forms import FormField, choice, options_from
from deskui.services.tickets import CALLBACK_VIA_LABELS, PAID_LABELS, REPAIR_KINDS, paid_text, signoff_text
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.tickets import TicketInfo

SIGNOFF_LABELS = {"yes": N_("Signed off"), "no": N_("Not signed off")}
HOTKEYS = {"free": "f", "paid": "p", "phone": "p", "visit": "v", "yes": "y", "no": "n"}


def is_repair(x: TicketInfo) -> bool:
    return x.kind in REPAIR_KINDS


def done_fields(x: TicketInfo) -> list[FormField]:
    """Paid or free (as filed, changed when the resident turns out out of warranty) and the fee when paid."""
    if not is_repair(x):
        return []
    paid = options_from([(k, t(label), label, HOTKEYS[k]) for k, label in PAID_LABELS.items()])
    return [
        choice("paid", N_("Paid or free"), paid, "paid" if x.paid else "free"),
        FormField("fee", N_("Fee"), placeholder=t("an amount, e.g. 120 or 85.50"), active_when=("paid", ("paid",))),
    ]


def done_values(x: TicketInfo, v: dict[str, str]) -> tuple[str | None, str | None]:
    """The Done form's (paid, fee) for TicketService.mark_done: only what the desk changed or typed."""
    if not is_repair(x):
        return None, None
    paid = v.get("paid") or None
    if paid == ("paid" if x.paid else "free"):
        paid = None
    return paid, v.get("fee") or None


def callback_fields(x: TicketInfo) -> list[FormField]:
    """How the callback was made (phone or visit, 002 四.5(1)) and, on a repair, the resident's sign-off and name."""
    via = options_from([(k, t(label), label, HOTKEYS[k]) for k, label in CALLBACK_VIA_LABELS.items()])
    fields = [choice("via", N_("How"), via, "phone", required=True)]
    if is_repair(x):
        signs = options_from([(k, t(label), label, HOTKEYS[k]) for k, label in SIGNOFF_LABELS.items()])
        fields += [
            choice("signed_off", N_("Resident's sign-off"), signs, active_when=("outcome", ("reached",))),
            FormField(
                "signed_by",
                N_("Signed by"),
                placeholder=t("the name the resident signed, optional"),
                active_when=("outcome", ("reached",)),
            ),
        ]
    return fields


def callback_values(v: dict[str, str]) -> tuple[str, str, str]:
    """The Callback form's (via, sign-off yes/no/"", signed by) for TicketService.callback."""
    return v.get("via") or "phone", v.get("signed_off") or "", v.get("signed_by") or ""


def fact_rows(x: TicketInfo) -> list[tuple[str, Text]]:
    """The ticket's facts for a paid repair: paid and the fee ("Free" is the default and goes unsaid)."""
    if not is_repair(x) or not x.paid:
        return []
    return [(t("Paid or free"), Text(paid_text(x.kind, x.paid, x.fee_cents)))]


def callback_words(x: TicketInfo) -> Text:
    """How the last callback was made and the resident's sign-off, after its outcome on the Callback line."""
    out = Text()
    if x.callback_via in CALLBACK_VIA_LABELS:
        out.append("  " + t(CALLBACK_VIA_LABELS[x.callback_via]))
    words = signoff_text(x.signed_off, "")
    if words:
        out.append("  " + words)
        if x.signed_by:
            out.append(" ")
            out.append_text(plain(x.signed_by, one_line=True))
    return out
