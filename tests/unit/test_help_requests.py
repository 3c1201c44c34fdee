"""Issue 14: help requests (求助) have the seven kinds of 003 4.1.1, and a medical emergency or a disaster opens the
checklist of 003 4.2.1 from the configuration, each step ticked with its time and operator (append-only events).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.config import ConfigError, Settings, load_settings
from deskui.core.errors import Conflict, PermissionDenied, ValidationError
from deskui.core.i18n import set_language
from deskui.services.tickets import HELP_KINDS, checklist, help_kind_key, next_step
from tests.unit.test_tickets_helpers import Desk, dump, make_desk


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    return make_desk(services)


def help_ticket(desk: Desk, help_kind: str | None = "medical", content: str = "老人摔倒昏迷，需要急救") -> Any:
    return desk.ticket("help", content=content, help_kind=help_kind)


# --- the seven kinds ------------------------------------------------------------------------------------------------


def test_seven_help_kinds_003_4_1_1() -> None:
    """003 4.1.1 a)-g): 急救病人, 报修, 投诉, 咨询, 盗窃打架…, 水浸火灾…, 其他."""
    assert HELP_KINDS == ("medical", "repair", "complaint", "inquiry", "security", "disaster", "other")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("medical", "medical"),
        (" Medical emergency ", "medical"),
        ("急救病人", "medical"),
        ("灾害事故", "disaster"),
        ("SECURITY", "security"),
        ("其他求助", "other"),
        ("", ""),
    ],
)
def test_help_kind_typed_as_key_or_name_003_4_1_1(typed: str, key: str) -> None:
    assert help_kind_key(typed) == key


def test_unknown_help_kind_refused_naming_the_keys() -> None:
    with pytest.raises(ValidationError, match="Unknown help kind 'fire'; use one of: medical, repair"):
        help_kind_key("fire")


def test_help_kind_stored_as_a_key_and_projected_003_4_1_1(desk: Desk) -> None:
    x = help_ticket(desk, "急救病人")
    assert (x.kind, x.help_kind) == ("help", "medical")
    created = desk.tickets.events(x.number)[0]
    assert created.data["help_kind"] == "medical"
    assert help_ticket(desk, None).help_kind == "other"  # 4.1.1 g) unless told


def test_only_a_help_request_has_a_help_kind(desk: Desk, db_path: Path) -> None:
    call_id = desk.call()
    before = dump(db_path)
    with pytest.raises(ValidationError, match="Only a help request has a help kind"):
        desk.tickets.open_from_call(call_id, operator=desk.rec, help_kind="medical")
    assert dump(db_path) == before


def test_urgent_help_call_is_classified_later(desk: Desk) -> None:
    """An urgent help call opens its ticket at once with no kind; the desk sets it (an event, kept)."""
    from deskui.services.calls import CallInput

    desk.svc.calls.record(
        CallInput(content="家里着火了", category="help", unit="3-2-1201", phone="13812345678", urgent=True),
        operator=desk.rec,
    )
    x = desk.tickets.queue("new").rows[0]
    assert (x.kind, x.help_kind) == ("help", "")
    x = desk.tickets.help.set_kind(x.number, x.version, "disaster", operator=desk.rec)
    assert x.help_kind == "disaster"
    assert [e.kind for e in desk.tickets.events(x.number)][-1] == "help_kind"
    with pytest.raises(ValidationError, match="already"):
        desk.tickets.help.set_kind(x.number, x.version, "灾害事故", operator=desk.rec)


def test_filter_by_help_kind(desk: Desk) -> None:
    medical = help_ticket(desk, "medical")
    help_ticket(desk, "inquiry", content="问一下物业电话")
    desk.ticket()  # a repair
    rows = desk.tickets.queue("open", help_kind="急救病人").rows
    assert [r.number for r in rows] == [medical.number]


def test_export_carries_the_help_kind(desk: Desk, settings: Settings) -> None:
    from zoneinfo import ZoneInfo

    from deskui.services.tickets import ticket_record

    x = help_ticket(desk, "disaster", content="地下车库水浸")
    assert ticket_record(x, [], ZoneInfo(settings.time_zone))["help_kind"] == "disaster"
    assert ticket_record(desk.ticket(), [], ZoneInfo(settings.time_zone))["help_kind"] is None


# --- the checklist --------------------------------------------------------------------------------------------------


def test_medical_checklist_from_configuration_003_4_2_1(desk: Desk, settings: Settings) -> None:
    """003 4.2.1: address and phone, ask, 120, guards, car, the gate, the result, the supervisor (4.2.2)."""
    x = help_ticket(desk)
    steps = desk.tickets.detail(x.number, operator=desk.rec).checklist
    assert [s.key for s in steps] == [
        "address_phone",
        "wishes_asked",
        "called_120",
        "guards_sent",
        "car_arranged",
        "met_at_gate",
        "result",
        "supervisor_told",
    ]
    assert [s.label for s in steps][:3] == [
        "Address and phone recorded",
        "Asked: hospital, 120 or someone to help",
        "120 called (or not)",
    ]
    set_language("zh-CN")
    assert steps[0].label == "确认住址及联系电话"
    assert not any(s.done for s in steps)
    assert [s.key for s in checklist(settings, "disaster", [])][:2] == ["place_phone", "called_119"]
    assert checklist(settings, "inquiry", []) == ()


def test_each_step_timed_with_operator_and_note_003_4_2_1(desk: Desk, clock: FrozenClock) -> None:
    x = help_ticket(desk)
    t = desk.tickets
    x = t.help.step(x.number, x.version, "address_phone", operator=desk.rec)
    ticked_at = clock.now().replace(microsecond=0)
    clock.advance(minutes=2)
    x = t.help.step(x.number, x.version, "called_120", note="已拨打120", operator=desk.sup)
    steps = t.detail(x.number, operator=desk.rec).checklist
    first, _, third = steps[:3]
    assert (first.done_at, first.operator, first.note) == (ticked_at, "王芳", "")
    assert (third.done_at, third.operator, third.note) == (ticked_at + timedelta(minutes=2), "陈静", "已拨打120")
    upcoming = next_step(steps)
    assert upcoming is not None and upcoming.key == "wishes_asked"  # the first one not ticked
    events = [e for e in t.events(x.number) if e.kind == "step"]
    assert [(e.data["step"], e.data["checklist"]) for e in events] == [
        ("address_phone", "medical"),
        ("called_120", "medical"),
    ]


def test_a_step_is_ticked_once(desk: Desk, db_path: Path) -> None:
    x = help_ticket(desk)
    x = desk.tickets.help.step(x.number, x.version, "guards_sent", operator=desk.rec)
    before = dump(db_path)
    with pytest.raises(Conflict, match="Guards sent was ticked at 2026-11-23 10:00 by 王芳"):
        desk.tickets.help.step(x.number, x.version, "guards_sent", operator=desk.rec)
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("help_kind", "step", "error", "match"),
    [
        ("medical", "called_119", ValidationError, "Unknown step 'called_119'; use one of: address_phone"),
        ("inquiry", "result", ValidationError, "has no checklist: only Medical emergency, Disaster have one"),
    ],
)
def test_bad_steps_refused_nothing_written(
    desk: Desk, db_path: Path, help_kind: str, step: str, error: type[Exception], match: str
) -> None:
    x = help_ticket(desk, help_kind)
    before = dump(db_path)
    with pytest.raises(error, match=match):
        desk.tickets.help.step(x.number, x.version, step, operator=desk.rec)
    assert dump(db_path) == before


def test_steps_only_on_help_requests_and_by_the_desk(desk: Desk, db_path: Path) -> None:
    repair = desk.ticket()
    before = dump(db_path)
    with pytest.raises(ValidationError, match="only a help request"):
        desk.tickets.help.step(repair.number, repair.version, "result", operator=desk.rec)
    x = help_ticket(desk)
    before = dump(db_path)
    with pytest.raises(PermissionDenied, match="李强"):
        desk.tickets.help.step(x.number, x.version, "result", operator=desk.mnt)
    assert dump(db_path) == before


def test_step_key_offered_only_while_a_step_is_open(desk: Desk) -> None:
    t = desk.tickets
    assert "step" not in t.detail(desk.ticket().number, operator=desk.rec).allowed
    x = help_ticket(desk, "disaster", content="地下车库水浸")
    assert "step" in t.detail(x.number, operator=desk.rec).allowed
    for s in t.detail(x.number, operator=desk.rec).checklist:
        x = t.help.step(x.number, x.version, s.key, operator=desk.rec)
    assert "step" not in t.detail(x.number, operator=desk.rec).allowed


# --- configuration --------------------------------------------------------------------------------------------------


def _settings_with(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_site_checklist_with_its_own_step(tmp_path: Path) -> None:
    s = _settings_with(
        tmp_path,
        '[help.checklists]\nmedical = ["address_phone", { key = "aed", zh = "取AED", en = "AED fetched" }]\n',
    )
    assert [x.key for x in s.help.steps("medical")] == ["address_phone", "aed"]
    assert s.help.steps("medical")[1].label == "AED fetched"
    assert s.help.steps("disaster")[0].key == "place_phone"  # the default kept


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[help]\nchecklist = {}\n", "unknown setting help.checklist"),
        ('[help.checklists]\nfire = ["result"]\n', "unknown setting help.checklists.fire"),
        ('[help.checklists]\nmedical = ["call_ambulance"]\n', "unknown step 'call_ambulance'"),
        ('[help.checklists]\nmedical = ["result", "result"]\n', "a step is listed twice"),
        ('[help.checklists]\nmedical = [{ key = "x", colour = "red" }]\n', r"unknown setting .*colour"),
    ],
)
def test_bad_help_settings_refused(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        _settings_with(tmp_path, text)


# --- handover -------------------------------------------------------------------------------------------------------


def test_open_emergency_steps_are_important_handover_items_003_4_2_1(desk: Desk, clock: FrozenClock) -> None:
    """The next shift is told which steps of an open medical emergency are not ticked yet; an inquiry has none,
    and a checklist ticked to the end is no item."""
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    day = date(2026, 11, 23)
    desk.svc.roster.set_assignment(day, "day", desk.rec, desk.sup)
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    x = help_ticket(desk)
    done = help_ticket(desk, "disaster", content="地下车库水浸")
    help_ticket(desk, "inquiry", content="问物业电话")
    t = desk.tickets
    x = t.help.step(x.number, x.version, "address_phone", operator=desk.rec)
    for s in t.detail(done.number, operator=desk.rec).checklist:
        done = t.help.step(done.number, done.version, s.key, operator=desk.rec)
    clock.current = datetime(2026, 11, 23, 17, 15, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    st = desk.svc.handover.start(desk.rec)
    items = [i for i in st.items if i.kind == "checklist_open"]
    assert [(i.id, i.important) for i in items] == [(f"checklist:{x.id}", True)]
    assert "open: Asked: hospital, 120 or someone to help, 120 called (or not), Guards sent" in items[0].title
    assert "Address and phone recorded" not in items[0].title
