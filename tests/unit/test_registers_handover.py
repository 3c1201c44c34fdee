"""The registers at handover (issue 13): visitors still inside and parcels waiting longer than the configured age
are open items of the handover, acknowledged like any other and kept in the signed snapshot; a visitor who left
and a parcel picked up are not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 23)


def at(h: int, m: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def people(services, clock):  # type: ignore[no-untyped-def]
    clock.current = at(8, 40)
    return services.operators.add("王芳", "receptionist", "1111"), services.operators.add("李强", "maintenance", "2222")


def test_visitors_inside_and_old_parcels_are_open_items(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    wang, li = people
    hours = services.settings.registers.parcel_old_hours
    clock.current = at(9, 0, date(2026, 11, 21))
    old = services.parcels.receive("3-2-1201", "顺丰", tracking="SF1", shelf="A3")
    fetched = services.parcels.receive("5-1-302", "京东")
    clock.current = at(16, 0)
    fresh = services.parcels.receive("5-1-302", "邮政")
    staying = services.visitors.sign_in("刘先生", "3栋2单元1201", "探亲")
    gone = services.visitors.sign_in("送水工", "5-1-302", "送水")
    services.visitors.sign_out(gone.id)
    services.parcels.pick_up(fetched.id, "王五")
    clock.current = at(17, 15)
    st = services.handover.start(wang)  # the day shift hands over to the night
    items = {i.id: i for i in st.items}
    assert f"visitor:{staying.id}" in items and f"visitor:{gone.id}" not in items
    visitor = items[f"visitor:{staying.id}"]
    assert (visitor.kind, visitor.kind_label, visitor.title) == (
        "visitor_inside",
        "Visitor still inside",
        "刘先生 → 3栋2单元1201 探亲",
    )
    parcel = items[f"parcel:{old.id}"]
    assert (parcel.kind, parcel.overdue, parcel.title) == ("parcel_old", True, "3-2-1201 顺丰 SF1 A3")
    assert parcel.due_at == services.parcels.old_after(services.parcels.get(old.id))
    assert f"parcel:{fresh.id}" not in items and f"parcel:{fetched.id}" not in items
    assert clock.now() - old.received_at > timedelta(hours=hours)
    # Acknowledged like any other item; the signed snapshot keeps them.
    for eq in services.settings.equipment:
        services.handover.record_count(st.id, eq.key, eq.count, operator=li)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(st.id, item.id, operator=li)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(st.id, key, operator=li)
    services.handover.sign(st.id, wang, "1111")
    signed = services.handover.sign(st.id, li, "2222")
    assert signed.signed
    services.visitors.sign_out(staying.id)  # after signing: the snapshot still says who was inside then
    assert f"visitor:{staying.id}" in {i.id for i in services.handover.state(st.id).items}


def test_the_morning_review_shows_what_the_registers_leave_open(services, people, clock) -> None:  # type: ignore[no-untyped-def]
    clock.current = at(22, 0)
    overnight = services.visitors.sign_in("刘先生", "3-2-1201", "探亲")
    parcel = services.parcels.receive("5-1-302", "京东")
    clock.current = at(9, 0, date(2026, 11, 24))
    review = services.review.review(DAY)
    assert [i.id for i in review.registers] == [f"visitor:{overnight.id}"]  # the parcel is not old yet
    clock.current = at(9, 0, date(2026, 11, 26))
    assert [i.id for i in services.review.review(DAY).registers] == [f"visitor:{overnight.id}", f"parcel:{parcel.id}"]
    services.visitors.sign_out(overnight.id)
    services.parcels.pick_up(parcel.id, "王五")
    assert services.review.review(DAY).registers == ()
