"""The demo's registers (issue 13): the Registers section of `deskui demo` is not empty, and shows what each view is
for: a visitor still inside, a parcel waiting past the handover's age, a pass still valid and one used."""

from __future__ import annotations

from deskui.services.admin import load_demo, load_demo_activity


def test_the_demo_fills_each_register(services) -> None:  # type: ignore[no-untyped-def]
    load_demo(services)
    load_demo_activity(services)
    assert [v.name for v in services.visitors.inside()] == ["周女士"]
    assert {v.state for v in services.visitors.history()} == {"inside", "left"}
    assert [p.tracking for p in services.parcels.old()] == ["EMS9876543210"]
    assert {p.state for p in services.parcels.waiting()} == {"waiting", "notified"}
    assert sorted(p.state for p in services.passes.history()) == ["used", "valid"]
    load_demo_activity(services)
    assert len(services.passes.history()) == 2, "added once, with the calls"
