"""Issue 14 "Paper where the trade uses paper": the work order (维修工作单) and the handover sheet as PDF, read back
with pypdf. Seed 002 四.2(3)③: the maintenance worker goes to the unit with the work order, the resident signs it
and says how satisfied they are; a signed handover is filed as paper too (002 四.4 交接班)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from deskui.core.errors import ValidationError
from deskui.core.i18n import set_language
from deskui.services import paper
from deskui.services.calls import CallInfo
from deskui.services.handover import (
    CheckState,
    EquipmentCount,
    HandoverState,
    NightCall,
    OpenItem,
    OperatorRef,
    Signature,
)
from deskui.services.tickets import TicketInfo
from tests.unit.test_tickets_helpers import Desk, make_desk

PRINTED = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


def text_of(pdf: bytes) -> str:
    """All the text of a PDF, page after page, as pypdf extracts it."""
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


@pytest.fixture
def language():  # type: ignore[no-untyped-def]
    """set_language for one test, English again afterwards."""
    yield set_language
    set_language("en")


def dispatched(desk: Desk, content: str = "厨房水管漏水，楼下也在滴") -> TicketInfo:
    desk.svc.directory.workers.add("maintenance", "张师傅", "13800138000")
    x = desk.tickets.open_from_call(
        desk.call(content, unit="3-2-1201", caller="张先生", phone="13812345678"), operator=desk.rec
    )
    ticket: TicketInfo = desk.tickets.dispatch(x.number, x.version, "maintenance", worker="张师傅", operator=desk.rec)
    return ticket


def test_work_order_holds_number_unit_resident_and_chinese_content_002_4_2_3(desk: Desk, language) -> None:  # type: ignore[no-untyped-def]
    """002 四.2(3)③: the worker carries a work order: the number, the unit, who to see and what is wrong."""
    x = dispatched(desk)
    text = text_of(paper.work_order_pdf(x, desk.svc.settings, PRINTED))
    for expected in (
        "WX-20261123-0001",
        "3-2-1201",
        "张先生",
        "13812345678",
        "厨房水管漏水，楼下也在滴",
        "Repair work order",
        "Maintenance",
        "张师傅",
        "Resident's signature",
        "Satisfaction",
        "Printed 2026-11-23 11:00",
    ):
        assert expected in text, (expected, text)
    assert "Booked visit" not in text  # no appointment: no row for it
    assert "Free (under warranty)" in text, text  # a repair is free unless told otherwise (003 4.1.3)
    paid = text_of(paper.work_order_pdf(replace(x, paid=True, fee_cents=12000), desk.svc.settings, PRINTED))
    assert "Paid, fee 120.00" in paid, paid


def test_work_order_labels_in_chinese_and_the_booked_time(desk: Desk, language) -> None:  # type: ignore[no-untyped-def]
    """The reader's language for the labels (zh-CN), the booked visit in the site's time (Asia/Shanghai)."""
    x = replace(dispatched(desk), appointment_at=datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    language("zh-CN")
    text = text_of(paper.work_order_pdf(x, desk.svc.settings, PRINTED))
    for expected in ("维修工作单", "房号", "住户", "预约上门", "2026-11-24 14:30", "维修部", "住户签字", "非常满意"):
        assert expected in text, (expected, text)
    assert "厨房水管漏水，楼下也在滴" in text


def test_other_kinds_print_their_own_record(desk: Desk) -> None:
    """A complaint prints the record taken at the desk (002 投诉接待(1)); a help request its kind (003 4.1.1)."""
    complaint = desk.ticket("complaint", severity="minor", content="楼上装修噪音")
    record = {"place": "3-2-1202 楼上", "about": "装修队", "happened": "晚上十点还在电钻", "wants": "停工"}
    text = text_of(paper.work_order_pdf(replace(complaint, complaint=record), desk.svc.settings, PRINTED))
    assert "Work order" in text and "Repair work order" not in text, text
    for expected in ("TS-20261123-0001", "Complaint · Minor", "楼上装修噪音", *record.values()):
        assert expected in text, (expected, text)
    assert "Place of the complaint" in text, text
    help_request = replace(desk.ticket("help", content="老人摔倒"), help_kind="medical")
    text = text_of(paper.work_order_pdf(help_request, desk.svc.settings, PRINTED))
    assert "Help request · Medical emergency" in text and "老人摔倒" in text, text


def test_free_text_prints_exactly_as_typed(desk: Desk) -> None:
    """What a person typed is never markup: "<b>" and "&" print as typed, line breaks stay."""
    x = dispatched(desk, "水管<b>爆了</b> & 漫水\n电梯口也湿")
    text = text_of(paper.work_order_pdf(x, desk.svc.settings, PRINTED))
    assert "水管<b>爆了</b> & 漫水" in text and "电梯口也湿" in text


def test_the_longest_content_flows_over_pages(desk: Desk) -> None:
    """A content as long as the desk accepts (10,000 characters) prints whole: a table row cannot split across
    pages, so such a value flows under its label instead (reportlab refused it inside the row)."""
    x = dispatched(desk)
    limit = desk.svc.settings.calls.max_content_chars
    content = ("第一句开头" + "厨房水管漏水，楼下也在滴。" * limit)[: limit - 5] + "最后一句"
    pdf = paper.work_order_pdf(replace(x, description=content), desk.svc.settings, PRINTED)
    text = "".join(text_of(pdf).split())
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 2
    assert "第一句开头" in text and "最后一句" in text and "Resident'ssignature" in text


def test_the_same_sheet_gives_the_same_bytes(desk: Desk) -> None:
    x = dispatched(desk)
    settings = desk.svc.settings
    assert paper.work_order_pdf(x, settings, PRINTED) == paper.work_order_pdf(x, settings, PRINTED)
    assert paper.work_order_name(x) == "WX-20261123-0001.pdf"


def test_save_work_order_writes_a_private_file(desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    x = dispatched(desk)
    path = paper.save_work_order(x, desk.svc.settings, PRINTED, tmp_path / "reports")
    assert path == tmp_path / "reports" / "WX-20261123-0001.pdf"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "WX-20261123-0001" in text_of(path.read_bytes())


# --- the handover sheet --------------------------------------------------------------------------------------------

AT = datetime(2026, 11, 24, 0, 10, tzinfo=UTC)  # 08:10 in Shanghai


def handover(*, signed: bool = True) -> HandoverState:
    """A night → morning handover as the service gives it once signed."""
    call = CallInfo(
        id=7, time=AT, channel="phone", caller="李女士", unit="3-2-1202", unit_key="3-2-1202", unit_id=None,
        phone="13900000000", category="complaint", content="楼上装修噪音", visit_time="", urgent=False,
        ticket_wanted=False, operator_id=2, operator="李强", shift="night", duty_date=date(2026, 11, 23),
        amends_id=None, original_id=None, recorded_at=AT,
    )  # fmt: skip
    return HandoverState(
        id=3,
        duty_date=date(2026, 11, 23),
        shift_key="night",
        next_date=date(2026, 11, 24),
        next_shift_key="day",
        started_at=AT,
        outgoing=OperatorRef(2, "李强"),
        incoming=OperatorRef(1, "王芳"),
        morning=True,
        counts=(EquipmentCount("walkie_talkie", "对讲机", 4, 3, "借出", "保安", ticket_number="WX-20261124-0001"),),
        keys=(OpenItem("key:1", "key", 1, "机房A → 电工 老周", overdue=True, acknowledged_by="王芳"),),
        items=(OpenItem("ticket:5", "ticket", 5, "3-2-1201 厨房水管漏水", important=True, note="等配件"),),
        night_calls=(NightCall(call, "handled", "已电话答复", decided_by="王芳"),),
        checks=(CheckState("area_checked", "巡查本区域", True, "东门灯不亮", "王芳"),),
        signatures=(Signature("outgoing", 2, "李强", AT), Signature("incoming", 1, "王芳", AT)) if signed else (),
        blockers=(),
        relief=None,
        signed_at=AT if signed else None,
        chain_seq=12 if signed else None,
    )


def test_handover_sheet_holds_the_shift_and_what_was_handed_over_002_4_4(language) -> None:  # type: ignore[no-untyped-def]
    from deskui.core.config import load_settings

    settings = load_settings(environ={})
    st = handover()
    text = text_of(paper.handover_sheet_pdf(st, settings, PRINTED))
    for expected in (
        "Handover sheet",
        "#3",
        "2026-11-23 Night shift",
        "2026-11-24 Day shift",
        "李强",
        "王芳",
        "对讲机",
        "借出",
        "WX-20261124-0001",
        "机房A → 电工 老周",
        "3-2-1201 厨房水管漏水",
        "等配件",
        "楼上装修噪音",
        "已电话答复",
        "东门灯不亮",
        "duty log #12",
    ):
        assert expected in text, (expected, text)
    assert paper.handover_sheet_name(st) == "handover-3-2026-11-23-night.pdf"
    language("zh-CN")
    text = text_of(paper.handover_sheet_pdf(st, settings, PRINTED))
    assert "交接班记录" in text and "夜班" in text and "交班人签字" in text, text


def test_a_long_note_in_a_handover_grid_prints_whole() -> None:
    from deskui.core.config import load_settings

    note = "开头" + "东门灯不亮，已报修。" * 600 + "结尾"
    st = handover()
    st = replace(st, checks=(replace(st.checks[0], note=note),))
    text = "".join(text_of(paper.handover_sheet_pdf(st, load_settings(environ={}), PRINTED)).split())
    assert "开头" in text and "结尾" in text and "Signatures" in text


def test_an_unsigned_handover_is_not_printed() -> None:
    from deskui.core.config import load_settings

    with pytest.raises(ValidationError, match="not signed yet"):
        paper.handover_sheet_pdf(handover(signed=False), load_settings(environ={}), PRINTED)
