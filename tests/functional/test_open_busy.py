"""Start-up when the database stays busy just after it opened: the sign-in screen says so, the app keeps running."""

from __future__ import annotations

import pytest

from deskui.app import make_app
from deskui.config import Settings
from deskui.services.retry import DatabaseBusy


async def test_a_busy_database_at_start_up_is_told_not_raised(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise DatabaseBusy("the database stayed busy (another terminal is writing); nothing was saved")

    monkeypatch.setattr("deskui.services.open_services", busy)
    app = make_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert app.open_error is not None and "busy" in app.open_error
