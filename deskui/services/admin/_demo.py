"""A demo property (锦绣花园): buildings, shops, public places, residents and one operator per role.

It exists so a new desk, a training session or a test can start from a realistic directory in one command.
Everything comes from a fixed seed and only what is missing is added, so running it again changes nothing.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select

from deskui.core.errors import NotFound
from deskui.models import Resident, Unit
from deskui.services.directory import NewResident, NewUnit, check_resident, check_unit

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskui.core.clock import FrozenClock
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo

DEMO_SEED = 20240601
BUILDINGS = ("1", "2", "3")
ENTRANCES = ("1", "2")
FLOORS = range(1, 17)
ROOMS_PER_FLOOR = 2
SHOPS = (
    ("1栋101", "便利店"),
    ("1栋102", "理发店"),
    ("2栋101", "药店"),
    ("2栋102", "快递驿站"),
    ("3栋101", "早餐店"),
    ("3栋102", "干洗店"),
)
PUBLIC_PLACES = (
    "B2车库",
    "B1车库",
    "东门",
    "西门",
    "中心花园",
    "1栋电梯",
    "2栋电梯",
    "3栋电梯",
    "垃圾站",
    "儿童游乐场",
)


@dataclass(frozen=True)
class DemoOperator:
    name: str
    role: str
    pin: str


# Fixed PINs so a trainer can tell the class how to sign in; change them before real use.
DEMO_OPERATORS = (
    DemoOperator("王芳", "receptionist", "1111"),
    DemoOperator("李强", "maintenance", "2222"),
    DemoOperator("陈静", "supervisor", "3333"),
    DemoOperator("刘伟", "manager", "4444"),
)

SURNAMES: tuple[str, ...] = (
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢",
    *"姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    "欧阳",
    "司马",
)
GIVEN: tuple[str, ...] = (
    *"伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚萍鹏飞斌浩丹颖琳婷鑫宁凯辉峰",
    *("秀英", "秀兰", "桂英", "建华", "玉兰", "红梅", "子涵", "梓轩", "雨婷", "佳琪", "思远", "家豪", "志明"),
    *("海燕", "晓东", "国庆", "淑珍", "春梅", "建国", "卫东", "慧琳", "嘉怡", "博文", "欣怡", "宇轩", "一诺"),
    *("浩然", "俊杰", "婉婷", "文静", "德华", "秀珍", "凤英", "玉珍", "志强", "永刚", "丽娟", "晓燕", "桂兰"),
)
MOBILE_PREFIXES: tuple[str, ...] = (
    *("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153"),
    *("155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185"),
    *("186", "187", "188", "189", "198", "199"),
)
NOTES = (
    "独居老人",
    "独居老人，子女电话见第二个号码",
    "行动不便，坐轮椅",
    "听力不好，请大声说话",
    "家有婴儿，晚上请勿按门铃",
    "常出差，急事联系家人",
    "装修中",
    "养狗，上门前先电话",
    "elderly, lives alone",
)
SHOP_TENANT_NOTE = "商户：{shop}"


@dataclass(frozen=True)
class DemoSummary:
    """What `demo` added this time (all zero on a second run) and the directory counts afterwards."""

    units_added: int
    residents_added: int
    operators_added: int
    counts: dict[str, int]


def demo_units() -> list[NewUnit]:
    """Homes 3 buildings × 2 entrances × 16 floors × 2 rooms, street shops and public places."""
    units = [
        check_unit(f"{b}-{e}-{floor}{room:02d}")
        for b in BUILDINGS
        for e in ENTRANCES
        for floor in FLOORS
        for room in range(1, ROOMS_PER_FLOOR + 1)
    ]
    units += [check_unit(text, "shop") for text, _ in SHOPS]
    units += [check_unit(text, "public") for text in PUBLIC_PLACES]
    return units


def _surname(name: str) -> str:
    return next((s for s in SURNAMES if len(s) > 1 and name.startswith(s)), name[:1])


class _People:
    """Deterministic names and unique mainland phone numbers from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_phones: set[str] = set()

    def name(self, surname: str | None = None) -> str:
        """A surname (rarely a two-character one) and a common given name."""
        surname = surname or self.rng.choice(SURNAMES)
        given = self.rng.choice(GIVEN)
        return surname + given

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(8))
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone


def demo_residents(seed: int = DEMO_SEED) -> list[NewResident]:
    """Owners and tenants for most homes (some empty), two phones for some, notes for a few, shop tenants."""
    rng = random.Random(seed)
    people = _People(rng)
    residents: list[NewResident] = []
    for unit in demo_units():
        if unit.kind == "public":
            continue
        if unit.kind == "shop":
            shop = dict(SHOPS)[unit.label]
            residents.append(
                check_resident(people.name(), unit.label, people.mobile(), "tenant", SHOP_TENANT_NOTE.format(shop=shop))
            )
            continue
        roll = rng.random()
        if roll < 0.08:
            continue  # empty flat
        rented = roll > 0.8
        role = "tenant" if rented else "owner"
        household = rng.choice((1, 1, 2, 2, 2, 3))
        head = ""
        for i in range(household):
            notes = rng.choice(NOTES) if household == 1 and rng.random() < 0.12 else ""
            phones = [people.mobile()]
            if rng.random() < 0.15 or "第二个号码" in notes:
                phones.append(people.mobile())
            # The head and spouse have their own surnames; a third member is their child.
            person = people.name(_surname(head) if i == 2 else None)
            head = head or person
            member_role = "other" if i == 2 and not rented else role  # the owners' grown-up child
            residents.append(check_resident(person, unit.key, phones, member_role, notes))
        if rented and rng.random() < 0.5:
            residents.append(check_resident(people.name(), unit.key, people.mobile(), "owner", "不住本小区，房屋出租"))
    return residents


def _units_with_residents(services: Services) -> set[str]:
    with services.db.read() as s:
        rows = s.exec(
            select(Unit.key)
            .join(Resident, col(Resident.unit_id) == Unit.id)
            .where(Unit.site_id == services.site_id)
            .distinct()
        )
        return set(rows)


def _existing_unit_keys(services: Services) -> set[str]:
    with services.db.read() as s:
        return set(s.exec(select(Unit.key).where(Unit.site_id == services.site_id)))


def load_demo(services: Services, seed: int = DEMO_SEED) -> DemoSummary:
    """Add whatever part of the demo property is missing; units that already have residents are left alone."""
    existing = _existing_unit_keys(services)
    units = [u for u in demo_units() if u.key not in existing]
    if units:
        services.directory.add_units(units)
    occupied = _units_with_residents(services)
    residents = [r for r in demo_residents(seed) if r.unit_key not in occupied]
    if residents:
        services.directory.add_residents(residents)
    operators_added = 0
    for op in DEMO_OPERATORS:
        try:
            services.operators.by_name(op.name)
        except NotFound:
            services.operators.add(op.name, op.role, op.pin)
            operators_added += 1
    return DemoSummary(len(units), len(residents), operators_added, services.directory.counts())


# --- a few days at the desk ---------------------------------------------------------------------------------------

# (hours ago, channel, unit, category, content, visit time, ticket: kind/severity/"" for none, then what happened)
DEMO_CALLS: tuple[tuple[float, str, str, str, str, str, str, str], ...] = (
    (70, "phone", "1-1-301", "repair", "卫生间地漏返水，地面有积水", "明天上午", "repair", "closed"),
    (66, "walk_in", "东门", "inquiry", "快递柜在哪里取件？", "", "", ""),
    (52, "phone", "2-2-1101", "complaint", "楼上装修噪音太大，晚上十点后还在施工", "", "complaint:important", "done"),
    (49, "phone", "3-1-502", "repair", "厨房水管漏水，滴水不止", "今天下午", "repair", "dispatched"),
    (30, "phone", "3-1-602", "repair", "楼上漏水到我家天花板", "尽快", "repair", "new"),
    (27, "online", "B2车库", "suggestion", "车库照明太暗，建议增加灯具", "", "", ""),
    (20, "phone", "1-2-801", "help", "老人在家摔倒，请物业协助联系家属", "", "help", "in_progress"),
    (14, "phone", "2-1-402", "repair", "电梯按键失灵，按了不亮", "", "repair", "new"),
    (9, "walk_in", "3-2-1201", "permit", "装修材料进场，申请放行", "", "", ""),
    (6, "phone", "1-1-1501", "complaint", "垃圾站异味严重，多日未清运", "", "complaint:minor", "new"),
    (3, "phone", "2-2-302", "inquiry", "物业费缴费方式咨询", "", "", ""),
    (1, "phone", "3-1-702", "repair", "阳台推拉门卡住关不上", "明天上午十点后", "repair", "new"),
)


# One moment of the demo's past and what happens then (the clock is set to it first). The steps run in time order,
# so what a handover gathers is what the desk had at that moment.
Step = tuple["datetime", "Callable[[], object]"]


def load_demo_activity(services: Services) -> int:
    """A few days of calls, tickets in every state, a planned roster, a duty log, the registers, and the previous
    shift's handover signed by the two on the roster, so the queues, Home, the duty log and the review have something
    to show. Added once: a site that already has calls is left alone."""
    from datetime import timedelta

    from deskui.core.clock import FrozenClock
    from deskui.services.container import open_services

    if services.calls.list(limit=1):
        return 0
    now = services.clock.now()
    clock = FrozenClock(now)
    past = open_services(services.settings, clock, migrate=False)
    try:
        desk = past.operators.by_name(DEMO_OPERATORS[0].name)
        night = past.operators.by_name(DEMO_OPERATORS[1].name)
        supervisor = past.operators.by_name(DEMO_OPERATORS[2].name)
        tz_today = now.astimezone(_zone(services)).date()
        for offset in range(-3, 31):
            day = tz_today + timedelta(days=offset)
            past.roster.set_assignment(day, "day", desk, None)
            past.roster.set_assignment(day, "night", night, None)
        steps: list[Step] = [
            (now - timedelta(hours=spec[0]), functools.partial(_call, past, clock, spec, desk, night, supervisor))
            for spec in DEMO_CALLS
        ]
        steps.append(
            (
                now - timedelta(hours=2),
                functools.partial(
                    past.dutylog.add, "巡查B2车库：3号排风机异响，已通知工程部明日检修。", operator=night
                ),
            )
        )
        steps += _keys(past, now, desk)
        steps += _registers(past, clock, now, desk)
        steps += _patrols(past, clock, now, desk)
        steps += _renovations(past, clock, now, desk, supervisor)
        steps += _handover(past, now, {"day": desk, "night": night})
        for when, step in sorted(steps, key=lambda s: s[0]):
            clock.current = when
            step()
        clock.current = now
        return len(DEMO_CALLS)
    finally:
        past.close()


def _call(
    services: Services,
    clock: FrozenClock,
    spec: tuple[float, str, str, str, str, str, str, str],
    desk: OperatorInfo,
    night: OperatorInfo,
    supervisor: OperatorInfo,
) -> None:
    from deskui.services.calls import CallInput

    _hours, channel, unit, category, content, visit, ticket, outcome = spec
    operator = night if _is_night(services, clock.current) else desk
    call = services.calls.record(
        CallInput(
            content=content,
            category=category,
            channel=channel,
            time=clock.current,
            unit=unit,
            caller=_caller(services, unit),
            phone=_phone(services, unit) or ("" if channel != "phone" else "13800000000"),
            visit_time=visit,
        ),
        operator=operator,
    )
    if ticket:
        _ticket(services, clock, call.id, ticket, outcome, desk, night, supervisor)


def _keys(services: Services, now: datetime, desk: OperatorInfo) -> list[Step]:
    """The key inventory 钥匙台账 at the demo desk (issue 13): a few keys on their hooks a month ago, one an owner's
    key left in trust that is lent only with the owner's written consent; K-07 lent two hours ago."""
    from datetime import timedelta

    def hang() -> None:
        inventory = services.key_inventory
        inventory.add("K-01 东门岗亭", "东门岗亭门", "A-01", operator=desk)
        inventory.add("K-07 配电房", "1栋地下配电房", "A-07", operator=desk)
        inventory.add("K-12 B2设备间", "B2车库排风机房", "A-12", operator=desk)
        inventory.add(
            "3-2-1201 业主托管", "3栋2单元1201 入户门（业主张三外出托管）", "保管箱 B-03",
            authority="业主书面同意", operator=desk,
        )  # fmt: skip

    def lend() -> None:
        services.keys.lend("K-07 配电房", "工程部 张师傅", operator=desk, purpose="更换配电箱开关")

    return [(now - timedelta(days=30), hang), (now - timedelta(hours=2), lend)]


def _registers(services: Services, clock: FrozenClock, now: datetime, desk: OperatorInfo) -> list[Step]:
    """The registers' part of the demo: a visitor who left and one still inside, a parcel waiting past the
    handover's age and one whose resident was told, a pass used at the gate and one still valid."""
    from datetime import timedelta

    def visitor_who_left() -> None:
        visit = services.visitors.sign_in("赵师傅", "2-2-1101", "上门维修空调", plate="沪B 66K88", operator=desk)
        clock.advance(hours=1)
        services.visitors.sign_out(visit.id, operator=desk)

    def parcel_told() -> None:
        parcel = services.parcels.receive("3-2-1201", "顺丰", tracking="SF1402789365", shelf="B3", operator=desk)
        services.parcels.notify(parcel.id, "sms", operator=desk)

    def used_pass() -> None:
        used = services.passes.issue(
            "1-1-1501", "搬家公司 陈师傅", "旧冰箱一台", vehicle="沪C 12345", consent="业主来电确认", operator=desk
        )
        services.passes.use(used.number, operator=desk)

    return [
        (now - timedelta(hours=5), visitor_who_left),
        (
            now - timedelta(hours=1),
            lambda: services.visitors.sign_in("周女士", "3-1-502", "探望父母", id_tail="123X", operator=desk),
        ),
        (  # older than registers.parcel_old_hours: listed at handover
            now - timedelta(hours=60),
            lambda: services.parcels.receive(
                "1-2-801", "中国邮政", tracking="EMS9876543210", shelf="A1", operator=desk
            ),
        ),
        (now - timedelta(hours=3), parcel_told),
        (now - timedelta(hours=6), used_pass),
        (
            now - timedelta(minutes=30),
            lambda: services.passes.issue(
                "3-2-1201", "李师傅", "旧沙发一套、纸箱 5 个", consent="业主书面同意书已核对", operator=desk
            ),
        ),
    ]


def _renovations(
    services: Services, clock: FrozenClock, now: datetime, desk: OperatorInfo, supervisor: OperatorInfo
) -> list[Step]:
    """Renovations 装修 at the demo desk: one in progress (approved, workers' passes, inspected yesterday) and one
    application awaiting the supervisor's approval."""
    from datetime import timedelta

    today = now.astimezone(_zone(services)).date()
    permit: list[str] = []

    def approved() -> None:
        running = services.renovations.open(
            "2-1-602", "王建国", "美家装饰工程有限公司", today - timedelta(days=2), today + timedelta(days=25),
            "厨房、卫生间翻新，更换地砖", workers=["刘师傅", "马师傅"], operator=desk,
        )  # fmt: skip
        services.renovations.approve(running.number, note="方案已审核，已签装修协议", operator=supervisor)
        permit.append(running.number)

    def inspected() -> None:
        services.renovations.inspect(permit[0], "ok", "按方案施工，垃圾已清运", operator=supervisor)

    def applied() -> None:
        services.renovations.open(
            "3-1-1102", "李红（业主委托）", "匠心家装", today + timedelta(days=3), today + timedelta(days=40),
            "客厅吊顶、墙面翻新", workers=["张师傅"], role="authorised", operator=desk,
        )  # fmt: skip

    return [
        (now - timedelta(days=3), approved),
        (now - timedelta(days=1), inspected),
        (now - timedelta(hours=2), applied),
    ]


def _zone(services: Services) -> ZoneInfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(services.settings.time_zone)


def _is_night(services: Services, moment: datetime) -> bool:
    from deskui.services.common.shifts import shift_at

    return shift_at(services.settings, moment).key == "night"


def _caller(services: Services, unit: str) -> str:
    resolved = services.directory.resolve_unit(unit)
    residents = services.directory.unit_residents(resolved.id) if resolved else []
    return residents[0].name if residents else "访客"


def _phone(services: Services, unit: str) -> str:
    resolved = services.directory.resolve_unit(unit)
    residents = services.directory.unit_residents(resolved.id) if resolved else []
    return residents[0].phones[0] if residents and residents[0].phones else ""


def _ticket(
    services: Services,
    clock: FrozenClock,
    call_id: int,
    spec: str,
    outcome: str,
    desk: OperatorInfo,
    night: OperatorInfo,
    supervisor: OperatorInfo,
) -> None:
    from datetime import timedelta

    kind, _, severity = spec.partition(":")
    tickets = services.tickets
    info = tickets.open_from_call(call_id, kind=kind, severity=severity or None, operator=desk)
    if outcome == "new":
        return
    department = "customer_service" if kind in ("complaint", "help") else "maintenance"
    info = tickets.dispatch(info.number, info.version, department, operator=desk)
    if outcome == "dispatched":
        return
    clock.advance(hours=2)
    info = tickets.start(info.number, info.version, operator=supervisor)
    if outcome == "in_progress":
        return
    clock.advance(hours=5)
    info = tickets.mark_done(info.number, info.version, note="已处理完毕", operator=supervisor)
    if outcome == "done":
        return
    clock.current += timedelta(hours=20)
    info = tickets.callback(info.number, info.version, "reached", satisfaction=5, comment="很满意", operator=desk)
    tickets.close(info.number, info.version, operator=desk)


def _patrols(services: Services, clock: FrozenClock, now: datetime, desk: OperatorInfo) -> list[Step]:
    """The patrols' part of the demo: yesterday's estate round walked at this hour, every checkpoint checked and one
    found abnormal (no ticket yet: an open item at handover). From then on the schedule holds, so today's rounds
    not walked yet show as due or missed."""
    from datetime import timedelta

    route = services.patrols.routes()[0] if services.patrols.routes() else None
    if route is None:
        return []

    def walk() -> None:
        walked = services.patrols.start(route.key, operator=desk)
        for i, point in enumerate(route.checkpoints):
            clock.advance(minutes=4)
            if i == 1:
                services.patrols.check(walked.id, point.key, ok=False, note="3号排风机异响", operator=desk)
            else:
                services.patrols.check(walked.id, point.key, ok=True, operator=desk)
        services.patrols.end(walked.id, operator=desk)

    return [(now - timedelta(hours=26), walk)]


def _handover(services: Services, now: datetime, on_duty: dict[str, OperatorInfo]) -> list[Step]:
    """The previous shift's handover, made ten minutes before it ended as the two on the roster make one: the
    incoming joins and counts everything as expected, the outgoing notes each important item, the incoming
    acknowledges every item and key, decides each night call (handled), ticks the checks, and both sign with their
    PINs. So the duty log, the review and Home have a signed handover to show."""
    from datetime import timedelta

    from deskui.core.errors import OperatorLocked, PinRejected
    from deskui.services.common.shifts import shift_at
    from deskui.services.handover import next_slot, previous_slot

    slot = previous_slot(services.settings, shift_at(services.settings, now))
    following = next_slot(services.settings, slot)
    outgoing, incoming = on_duty.get(slot.key), on_duty.get(following.key)
    if outgoing is None or incoming is None or outgoing.id == incoming.id:
        return []
    pins = {op.name: op.pin for op in DEMO_OPERATORS}

    def hand_over() -> None:
        h = services.handover
        st = h.start(outgoing, duty_date=slot.duty_date, shift_key=slot.key)
        h.arrive(st.id, incoming)
        for count in st.counts:
            h.record_count(st.id, count.key, count.expected, operator=incoming)
        for item in st.items:
            if item.important:
                h.note(st.id, item.id, "已跟进，已报告主管", operator=outgoing)
        for item in (*st.keys, *st.items):
            h.acknowledge(st.id, item.id, operator=incoming)
        for call in st.night_calls:
            h.dispose(st.id, call.call.id, "handled", operator=incoming, reason="夜班已电话回复")
        for check in st.checks:
            h.check(st.id, check.key, operator=incoming)
        try:
            h.sign(st.id, outgoing, pins[outgoing.name])
            h.sign(st.id, incoming, pins[incoming.name])
        except (
            PinRejected,
            OperatorLocked,
        ):  # a PIN changed before the demo ran: the handover stays open, to sign by hand
            return

    return [(max(slot.start, slot.end - timedelta(minutes=10)), hand_over)]
