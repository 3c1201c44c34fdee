"""What the palette finds for a typed text (screens.palette.data.found, run in a thread over the services): a ticket
by its whole number, by its number without the kind's letters (every kind's ticket of that day and sequence), and by
the start of its number ("QZ-20261203"), as a receptionist reads it off a slip (issue 12)."""

from __future__ import annotations

import pytest

from deskui.screens.palette.data import found
from deskui.services.tickets import TicketInput


@pytest.fixture
def numbers(services) -> dict[str, str]:  # type: ignore[no-untyped-def]
    repair = services.tickets.create(TicketInput(kind="repair", unit="3-2-1201", description="厨房漏水"))
    complaint = services.tickets.create(
        TicketInput(kind="complaint", unit="3-2-1201", description="楼上噪音", severity="minor")
    )
    return {"repair": repair.number, "complaint": complaint.number}


def tickets_found(services, term: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.text for f in found(services, term) if f.kind == "ticket"]


def test_a_whole_number_finds_its_ticket(services, numbers) -> None:  # type: ignore[no-untyped-def]
    assert tickets_found(services, numbers["repair"].lower()) == [numbers["repair"]]


def test_a_number_without_its_letters_finds_every_kind(services, numbers) -> None:  # type: ignore[no-untyped-def]
    bare = numbers["repair"].partition("-")[2]
    assert bare == numbers["complaint"].partition("-")[2]
    assert sorted(tickets_found(services, bare)) == sorted(numbers.values())


def test_the_start_of_a_number_finds_its_tickets(services, numbers) -> None:  # type: ignore[no-untyped-def]
    complaint = numbers["complaint"]
    assert tickets_found(services, complaint[:11]) == [complaint]  # "TS-20261123"
    assert sorted(tickets_found(services, complaint[3:15])) == sorted(numbers.values())  # "20261123-000"
