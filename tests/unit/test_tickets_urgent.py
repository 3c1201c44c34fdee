"""Issue 10 defect 9: an urgent call (the form's 紧急 flag, or a category urgent by configuration) opens its ticket
and starts its clock when it is saved, in the same transaction as the call; the desk sees it until someone takes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from deskui.core.clock import FrozenClock
from deskui.services.calls import CallInput
from tests.unit.test_tickets_helpers import Desk, make_desk

NIGHT = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai


@pytest.fixture
def desk(services, clock: FrozenClock) -> Desk:  # type: ignore[no-untyped-def]
    clock.current = NIGHT
    services.directory.add_unit("5-1-302")
    return make_desk(services)


def lift(**kw: object) -> CallInput:
    base: dict[str, object] = {
        "content": "有人被困电梯",
        "category": "help",
        "unit": "5-1-302",
        "phone": "13700002222",
        "caller": "刘女士",
        "urgent": True,
    }
    base.update(kw)
    return CallInput(**base)  # type: ignore[arg-type]


def test_urgent_call_opens_its_ticket_and_starts_the_clock_when_saved(desk: Desk) -> None:
    call = desk.svc.calls.record(lift(), operator=desk.mnt)  # 李强, the night shift
    (x,) = desk.tickets.tickets_of_call(call.id)
    assert (x.kind, x.status, x.unit, x.description) == ("help", "new", "5-1-302", "有人被困电梯")
    assert x.created_at == NIGHT and x.created_by == "李强"
    reply = next(g for g in x.targets if g.name == "reply")
    assert reply.due_at == NIGHT + timedelta(minutes=5), "the help request's clock runs from the call"
    assert desk.tickets.events(x.number)[0].data.get("urgent") is True
    (shown,) = desk.tickets.urgent_untaken()
    assert (shown.number, shown.unit, shown.created_at) == (x.number, "5-1-302", NIGHT)


def test_a_call_that_is_not_urgent_opens_nothing(desk: Desk) -> None:
    call = desk.svc.calls.record(lift(urgent=False), operator=desk.rec)
    assert desk.tickets.tickets_of_call(call.id) == []
    assert desk.tickets.urgent_untaken() == []


def test_a_category_urgent_by_configuration(desk: Desk) -> None:
    settings = desk.svc.settings
    categories = tuple(replace(c, urgent=c.key == "help") for c in settings.categories)
    desk.svc.calls.settings = desk.svc.tickets.settings = replace(settings, categories=categories)
    call = desk.svc.calls.record(lift(urgent=False), operator=desk.rec)
    (x,) = desk.tickets.tickets_of_call(call.id)
    assert x.kind == "help" and [u.number for u in desk.tickets.urgent_untaken()] == [x.number]


def test_urgent_complaint_and_urgent_other_get_a_kind(desk: Desk) -> None:
    complaint = desk.svc.calls.record(lift(category="complaint", content="楼上漏电冒烟"), operator=desk.rec)
    (x,) = desk.tickets.tickets_of_call(complaint.id)
    assert (x.kind, x.severity) == ("complaint", desk.svc.settings.calls.urgent_complaint_severity)
    other = desk.svc.calls.record(lift(category="other", content="车库起火"), operator=desk.rec)
    (y,) = desk.tickets.tickets_of_call(other.id)
    assert y.kind == "help", "an urgent call of a category without a ticket kind is a help request"


def test_taking_or_dispatching_clears_it(desk: Desk) -> None:
    first = desk.tickets.tickets_of_call(desk.svc.calls.record(lift(), operator=desk.mnt).id)[0]
    second = desk.tickets.tickets_of_call(desk.svc.calls.record(lift(unit="3-2-1201"), operator=desk.rec).id)[0]
    assert [u.number for u in desk.tickets.urgent_untaken()] == [first.number, second.number], "oldest first"
    desk.tickets.take(first.number, first.version, operator=desk.mnt)
    assert [u.number for u in desk.tickets.urgent_untaken()] == [second.number]
    desk.tickets.dispatch(second.number, second.version, "security", operator=desk.rec)
    assert desk.tickets.urgent_untaken() == []


def test_a_correction_opens_no_second_ticket_and_can_make_a_call_urgent(desk: Desk) -> None:
    call = desk.svc.calls.record(lift(), operator=desk.rec)
    fixed = desk.svc.calls.amend(call.id, lift(content="有人被困电梯，3号梯"), operator=desk.rec)
    assert len(desk.tickets.tickets_of_call(fixed.id)) == 1
    quiet = desk.svc.calls.record(lift(urgent=False, unit="3-2-1201"), operator=desk.rec)
    assert desk.tickets.tickets_of_call(quiet.id) == []
    loud = desk.svc.calls.amend(quiet.id, lift(unit="3-2-1201"), operator=desk.rec)
    assert len(desk.tickets.tickets_of_call(loud.id)) == 1


def test_call_and_ticket_are_one_transaction(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ticket that cannot be written takes the call with it: never an urgent call saved with nothing started."""
    from deskui.services.tickets._create import TicketCreator as TicketService

    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(TicketService, "_next_number", broken)
    with pytest.raises(RuntimeError):
        desk.svc.calls.record(lift(), operator=desk.rec)
    assert desk.svc.calls.list(limit=10) == []
