"""The app runs the whole-file check in the background once started, and says so when the file is damaged
(issue 11: opening no longer reads every page; tests/unit/test_open_checks.py has the open itself)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deskui.app import DeskApp, make_app
from deskui.core.config import load_settings
from tests.functional.helpers import wait_for
from tests.unit.test_open_checks import build_desk, damage_a_middle_page

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_desk(tmp_path_factory.mktemp("desk") / "desk.db")


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DeskApp, "integrity_delay_seconds", 0.01)


@pytest.mark.parametrize("damaged", [True, False], ids=["damaged", "sound"])
async def test_the_background_check_tells_a_damaged_file_and_leaves_a_sound_one_quiet(
    desk_template: Path, tmp_path: Path, damaged: bool
) -> None:
    path = tmp_path / "desk.db"
    shutil.copy2(desk_template, path)
    if damaged:
        damage_a_middle_page(path)
    before = path.read_bytes()
    app = make_app(load_settings(database_url=str(path), language="en", environ={}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None, timeout=30)  # opened despite the damage
        assert app.open_error is None
        await wait_for(pilot, lambda: app.integrity_checked, timeout=30)
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        if damaged:
            assert app.integrity_error is not None and "damaged" in app.integrity_error
            assert app.integrity_error in shown
        else:
            assert app.integrity_error is None
            assert not any("damaged" in m for m in shown)
    if damaged:
        assert path.read_bytes()[100:] == before[100:]  # nothing repaired or rewritten behind the reader's back
