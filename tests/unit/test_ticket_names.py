"""Issue 10 defect 10, follow-up: a ticket is named by its number (WX-…, TS-…, QZ-…) wherever a person reads it,
never by its internal id. A call keeps its own '#N': that is the call's number."""

from __future__ import annotations

from deskui.core.i18n import get_language, set_language
from deskui.services.calls import CallInput


def repair(content: str, unit: str = "3-2-1201") -> CallInput:
    return CallInput(content=content, category="repair", unit=unit, phone="13812345678", caller="张三")


def test_duplicate_warning_names_the_latest_ticket_by_its_number(services) -> None:  # type: ignore[no-untyped-def]
    services.directory.add_unit("3-2-1201")
    # Calls and tickets elsewhere first, so the ticket's id and its call's id differ.
    for n in range(3):
        services.tickets.open_from_call(services.calls.record(repair(f"别处{n}", unit="5-1-302")).id)
    for n in range(2):
        services.calls.record(repair(f"咨询{n}", unit="5-1-303"))
    call = services.calls.record(repair("卫生间漏水"))
    ticket = services.tickets.open_from_call(call.id)
    assert ticket.id != call.id
    matters = services.calls.open_matters("3-2-1201", "repair")
    assert [(m.kind, m.name) for m in matters] == [("ticket", ticket.number)]
    before = get_language()
    try:
        for language, latest in (("en", f"latest {ticket.number} at "), ("zh-CN", f"最近一条 {ticket.number}（")):
            set_language(language)
            warning = services.calls.duplicate_warning("3栋2单元1201", "repair")
            assert warning is not None
            assert latest in warning.message and "卫生间漏水" in warning.message, warning.message
            assert f"#{ticket.id}" not in warning.message and warning.message.count(ticket.number) == 1
    finally:
        set_language(before)


def test_duplicate_warning_names_a_call_by_its_own_number(services) -> None:  # type: ignore[no-untyped-def]
    """A call with no ticket is the latest matter: it is '#N', N the number of the call's current version."""
    services.directory.add_unit("3-2-1201")
    services.calls.record(repair("别处", unit="5-1-302"))
    first = services.calls.record(repair("门禁坏了"))
    corrected = services.calls.amend(first.id, repair("门禁坏了，刷卡没反应"))
    (matter,) = services.calls.open_matters("3-2-1201", "repair")
    assert (matter.kind, matter.name) == ("call", f"#{corrected.id}")
    warning = services.calls.duplicate_warning("3-2-1201", "repair")
    assert warning is not None and f"latest #{corrected.id} at " in warning.message
