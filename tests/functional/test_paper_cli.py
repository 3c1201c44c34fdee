"""Issue 14 "Paper where the trade uses paper" from the command line: `deskui tickets print NUMBER [-o FILE]` and
`deskui handover print ID [-o FILE]` write a PDF (default: NAME.pdf in the exports folder; `-o -`: stdout); an
unknown number, an unknown or unsigned handover is one line on stderr, exit 1, and no file. The PDF's text is read
back with pypdf. Seeds: 002 四.2(3)③ (the worker carries the work order), 002 四.4 (交接班)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from deskui.core.config import load_settings
from tests.functional.cli import Result, cli_runner, invoke


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DESKUI_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def desk(db_path: Path):  # type: ignore[no-untyped-def]
    """The same database opened beside the CLI: two operators and a repair dispatched to a worker."""
    from deskui.services import open_services
    from deskui.services.calls import CallInput

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    for name, role, pin in (("王芳", "receptionist", "1111"), ("李强", "maintenance", "2222")):
        svc.operators.add(name, role, pin)
    svc.directory.workers.add("maintenance", "张师傅", "13800138000")
    call = svc.calls.record(
        CallInput(content="厨房水管漏水", category="repair", caller="张先生", unit="3-2-1201", phone="13812345678")
    )
    x = svc.tickets.open_from_call(call.id)
    svc.tickets.dispatch(x.number, x.version, "maintenance", worker="张师傅")
    svc.number = x.number  # type: ignore[attr-defined]
    yield svc
    svc.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path, desk):  # type: ignore[no-untyped-def]
    return cli_runner(capsys, db_path)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def one_line(result: Result) -> str:
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskui: "), result.err
    return lines[0]


def test_tickets_print_writes_the_work_order_in_the_exports_folder(cli, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("tickets", "print", desk.number)
    assert r.code == 0 and r.out == "", r
    path = tmp_path / "data" / "reports" / f"{desk.number}.pdf"
    assert f"Work order {desk.number} written to {path}" in r.err
    text = text_of(path.read_bytes())
    for expected in (desk.number, "3-2-1201", "张先生", "13812345678", "厨房水管漏水", "张师傅", "Repair work order"):
        assert expected in text, (expected, text)
    assert path.stat().st_mode & 0o777 == 0o600


def test_tickets_print_to_a_file_in_chinese(cli, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "单.pdf"
    r = cli("tickets", "print", desk.number, "-o", str(target), lang="zh-CN")
    assert r.code == 0, r
    text = text_of(target.read_bytes())
    assert "维修工作单" in text and "房号" in text and "住户签字" in text and "厨房水管漏水" in text, text


def test_tickets_print_to_stdout(capsysbinary: pytest.CaptureFixture[bytes], db_path: Path, desk) -> None:  # type: ignore[no-untyped-def]
    """`-o -` is stdout (the CLI's `-` convention): the PDF's bytes and nothing else, no file written."""
    r = invoke(capsysbinary, "--lang", "en", "--db", str(db_path), "tickets", "print", desk.number, "-o", "-")  # type: ignore[arg-type]
    assert r.code == 0 and r.err == b"", r  # type: ignore[comparison-overlap]
    assert desk.number in text_of(r.out)  # type: ignore[arg-type]
    assert not (Path(desk.settings.database_url).parent / "data").exists()


def test_tickets_print_refusals_write_nothing(cli, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "No ticket WX-20261123-9999" in one_line(cli("tickets", "print", "WX-20261123-9999"))
    assert "No such folder" in one_line(cli("tickets", "print", desk.number, "-o", str(tmp_path / "nowhere" / "x.pdf")))
    assert not (tmp_path / "data" / "reports").exists()


def test_handover_print_refuses_unknown_and_unsigned_then_prints_the_signed(cli, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """002 四.4: only a signed handover is filed; its sheet holds the shift, the counts and the items handed over."""
    assert "No handover #42" in one_line(cli("handover", "print", "42"))
    wang, li = desk.operators.by_name("王芳"), desk.operators.by_name("李强")
    desk.keys.lend("机房A", "电工 老周", operator=li)
    st = desk.handover.start(wang)
    assert "not signed yet" in one_line(cli("handover", "print", str(st.id)))
    assert not (tmp_path / "data" / "reports").exists()
    for eq in desk.settings.equipment:
        n = eq.count - 1 if eq.key == "walkie_talkie" else eq.count
        extra = {"explanation": "借出", "holder": "保安"} if n < eq.count else {}
        desk.handover.record_count(st.id, eq.key, n, operator=li, **extra)
    st = desk.handover.state(st.id)
    for item in (*st.keys, *st.items):
        desk.handover.note(st.id, item.id, "明早取回", operator=wang)
        desk.handover.acknowledge(st.id, item.id, operator=li)
    for call in st.night_calls:
        desk.handover.dispose(st.id, call.call.id, "handled", operator=li, reason="ok")
    for key in ("desk_tidy", "log_read", "area_checked"):
        desk.handover.check(st.id, key, operator=li, note="东门灯不亮" if key == "area_checked" else "")
    desk.handover.sign(st.id, wang, "1111")
    st = desk.handover.sign(st.id, li, "2222")
    target = tmp_path / "handover.pdf"
    r = cli("handover", "print", str(st.id), "-o", str(target))
    assert r.code == 0 and f"Handover sheet #{st.id} written to {target}" in r.err, r
    text = text_of(target.read_bytes())
    shift = {"day": "Day shift", "night": "Night shift", "midday": "Midday cover"}[st.shift_key]
    assert f"{st.duty_date.isoformat()} {shift}" in text, text
    assert "Walkie-talkie" in text and "借出" in text and "保安" in text, text
    handed = (*st.keys, *st.items)
    assert any("机房A" in i.title for i in st.keys) and all(i.title in text for i in handed), text
    assert "明早取回" in text, text
    assert "东门灯不亮" in text and "王芳" in text and "李强" in text, text
    default = cli("handover", "print", str(st.id))
    assert default.code == 0, default
    assert (tmp_path / "data" / "reports" / f"handover-{st.id}-{st.duty_date}-{st.shift_key}.pdf").is_file()
