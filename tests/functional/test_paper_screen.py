"""Issue 14 "Paper where the trade uses paper" on the ticket screen: one key (P, in the footer, F1 and the palette)
writes the ticket's work order as a PDF where exports go (the data folder's reports/) and tells its path on the
screen's message line. The PDF is made in a worker; keys typed straight after P are handled in their order. Seed:
002 四.2(3)③ 通知维修部人员携单上门."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from deskui.app import DeskApp
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import burst, open_ticket, record_call


@pytest.fixture(autouse=True)
def exports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The data folder in the test's own directory: the PDF goes to its reports/."""
    monkeypatch.setenv("DESKUI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "reports"


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


async def test_p_prints_the_work_order_and_tells_where(app: DeskApp, exports: Path) -> None:
    assert app.services is not None
    x = app.services.tickets.open_from_call(record_call(app, "厨房水管漏水，楼下也在滴"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        shown = {b.binding.action: b for b in detail.active_bindings.values()}
        assert shown["print"].binding.show and shown["print"].enabled and shown["print"].binding.key == "p"
        await pilot.press("p")
        path = exports / f"{x.number}.pdf"
        await wait_for(pilot, lambda: str(path) in detail.message.plain)
        assert f"Work order {x.number} written to {path}" == detail.message.plain
        text = text_of(path)
        for expected in (x.number, "3-2-1201", "张三", "厨房水管漏水，楼下也在滴", "Repair work order"):
            assert expected in text, (expected, text)


async def test_keys_typed_after_p_keep_their_order(app: DeskApp, exports: Path) -> None:
    """P then a note typed in one burst: the note form gets every key, the note is saved, the PDF is written."""
    assert app.services is not None
    tickets = app.services.tickets
    x = tickets.open_from_call(record_call(app, "门锁坏了", unit="5-1-302"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        burst(pilot, ["p", "n", *"parts", "space", *"ordered", "enter"])
        await wait_for(pilot, lambda: [e.kind for e in tickets.events(x.id)] == ["created", "note"])
        assert tickets.events(x.id)[-1].note == "parts ordered"
        path = exports / f"{x.number}.pdf"
        await wait_for(pilot, lambda: path.is_file() and pilot.app.screen is detail)
        assert "门锁坏了" in text_of(path)
