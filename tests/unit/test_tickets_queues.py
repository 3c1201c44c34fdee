"""Ticket queues: what each section holds, nearest due first, keyset paging, counts that match, the text filter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.core.clock import FrozenClock
from deskui.core.errors import ValidationError
from deskui.services.tickets import _queues as tickets_queues
from tests.unit.test_tickets_helpers import Desk, make_desk


@pytest.fixture
def desk(services, clock: FrozenClock) -> Desk:  # type: ignore[no-untyped-def]
    """One ticket in every section; the clock then moves 10 minutes so the help request is overdue."""
    d = make_desk(services)
    t = d.tickets
    d.help = d.ticket("help", content="老人在电梯里摔倒", unit="5-1-302")  # type: ignore[attr-defined]
    d.new = d.ticket(content="阳台地漏堵塞", unit="3-2-1201")  # type: ignore[attr-defined]
    x = d.ticket("complaint", severity="important", content="保安夜间睡觉", unit="7-1-101")
    d.important = t.dispatch(x.number, x.version, "security", operator=d.rec)  # type: ignore[attr-defined]
    x = d.ticket(content="卫生间天花板渗水", unit="3-2-1101")
    x = t.take(x.number, x.version, operator=d.mnt)
    d.done = t.mark_done(x.number, x.version, operator=d.mnt)  # type: ignore[attr-defined]
    x = d.ticket("complaint", severity="minor", content="楼道堆放杂物", unit="9-2-502")
    d.waiting = t.wait(x.number, x.version, "resident", operator=d.rec)  # type: ignore[attr-defined]
    x = d.ticket(content="门禁卡失灵", unit="2-1-201")
    d.closed = t.close(x.number, x.version, reason="住户自行解决", operator=d.sup)  # type: ignore[attr-defined]
    clock.advance(minutes=1)
    x = d.ticket(content="路灯不亮", unit="public:东门")
    d.cancelled = t.cancel(x.number, x.version, "重复登记", operator=d.sup)  # type: ignore[attr-defined]
    clock.advance(minutes=9)
    return d


def numbers(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [x.number for x in page.rows]


def everything(desk: Desk, queue: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    """A whole queue, two rows a page."""
    out: list[str] = []
    after = None
    while True:
        page = desk.tickets.queue(queue, after=after, limit=2, **kwargs)
        out += numbers(page)
        if page.next_after is None:
            return out
        after = page.next_after


def test_each_section_holds_what_it_says(desk: Desk) -> None:
    d = desk
    n = lambda x: x.number  # noqa: E731
    assert everything(d, "new") == [n(d.help), n(d.new)]  # not dispatched yet, nearest due first
    assert everything(d, "overdue") == [n(d.help)]
    assert everything(d, "due_soon") == [n(d.important)]
    assert everything(d, "callback") == [n(d.done)]
    assert everything(d, "waiting") == [n(d.waiting)]
    assert everything(d, "department", department="security") == [n(d.important)]
    assert everything(d, "department", department="维修部") == [n(d.done)]
    assert everything(d, "closed") == [n(d.cancelled), n(d.closed)]  # newest first
    assert set(everything(d, "open")) == {n(d.help), n(d.new), n(d.important), n(d.done), n(d.waiting)}


def test_open_is_sorted_by_nearest_due_time_and_paged_without_gaps(desk: Desk) -> None:
    whole = desk.tickets.queue("open", limit=100).rows
    dues = [x.due_at for x in whole]
    assert dues == sorted(dues, key=lambda d: (d is None, d))
    assert everything(desk, "open") == [x.number for x in whole]
    assert whole[0].number == desk.help.number  # type: ignore[attr-defined]
    waiting = next(x for x in whole if x.number == desk.waiting.number)  # type: ignore[attr-defined]
    # Its resolution is paused, so its due time is the follow-up's (3 days), not the resolution's (2 days).
    assert {g.name: g.state for g in waiting.targets} == {"resolve": "paused", "follow_up": "ok"}
    assert waiting.due_at == next(g.due_at for g in waiting.targets if g.name == "follow_up")


def test_my_queue(desk: Desk) -> None:
    d = desk
    assert everything(d, "mine", operator=d.mnt) == [d.done.number]  # type: ignore[attr-defined]
    # Assigned to him in another department shows too; his department's tickets taken by others as well.
    x = d.tickets.reassign(d.important.number, d.important.version, "security", assignee="李强", operator=d.sup)  # type: ignore[attr-defined]
    assert set(everything(d, "mine", operator=d.mnt)) == {d.done.number, x.number}  # type: ignore[attr-defined]
    assert everything(d, "mine", operator=d.rec) == []
    with pytest.raises(ValidationError, match="signed-in"):
        d.tickets.queue("mine")


def test_counts_match_the_queues(desk: Desk) -> None:
    d = desk
    counts = d.tickets.section_counts(operator=d.mnt)
    for queue in ("new", "overdue", "due_soon", "callback", "waiting", "open", "closed"):
        assert counts.get(queue) == len(everything(d, queue)), queue
    assert counts.mine == len(everything(d, "mine", operator=d.mnt))
    assert counts.by_department == {"": 3, "security": 1, "maintenance": 1}
    assert sum(counts.by_department.values()) == counts.open == 5
    assert d.tickets.section_counts().mine == 0


def test_counts_move_with_the_clock(desk: Desk, clock: FrozenClock) -> None:
    before = desk.tickets.section_counts()
    clock.advance(hours=1)  # the important complaint's supervisor hour has passed
    after = desk.tickets.section_counts()
    assert (before.overdue, after.overdue) == (1, 2)
    clock.advance(days=8)
    assert desk.tickets.section_counts().closed == 0  # out of the "recently closed" window


@pytest.mark.parametrize("rare_limit", [tickets_queues.RARE_CHAR_TICKETS, 1])
def test_text_filter_finds_number_unit_description_phone(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, rare_limit: int
) -> None:
    """Both plans: driven by a rare character's index entries, and (limit 1: every character is common) the queue
    walked in due order with the substring checked."""
    monkeypatch.setattr(tickets_queues, "RARE_CHAR_TICKETS", rare_limit)
    d = desk
    assert everything(d, "open", text="摔倒") == [d.help.number]  # type: ignore[attr-defined]
    assert everything(d, "open", text="渗") == [d.done.number]  # type: ignore[attr-defined]
    assert everything(d, "open", text=d.new.number.lower()) == [d.new.number]  # type: ignore[attr-defined]
    assert everything(d, "open", text="7-1-101") == [d.important.number]  # type: ignore[attr-defined]
    assert everything(d, "open", text="7栋1单元101") == [d.important.number]  # a unit in any spelling  # type: ignore[attr-defined]
    assert everything(d, "open", text="-1-10") == [d.important.number]  # part of a unit: substring  # type: ignore[attr-defined]
    assert len(everything(d, "open", text="1381234")) == 5  # every caller's phone
    assert everything(d, "callback", text="摔倒") == []  # the queue's own conditions still apply
    assert everything(d, "closed", text="门禁") == [d.closed.number]  # type: ignore[attr-defined]
    assert everything(d, "open", text="没有这种事") == []
    assert everything(d, "open", text="\x00") == []


def test_unit_filter_in_any_spelling(desk: Desk) -> None:
    assert everything(desk, "open", unit="3栋2单元1201") == [desk.new.number]  # type: ignore[attr-defined]


def test_unknown_queue_and_department(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="Unknown queue"):
        desk.tickets.queue("everything")
    with pytest.raises(ValidationError, match="Unknown department"):
        desk.tickets.queue("department", department="plumbing")
    with pytest.raises(ValidationError, match="Choose a department"):
        desk.tickets.queue("department")


def test_rows_carry_their_targets(desk: Desk) -> None:
    row = desk.tickets.queue("overdue").rows[0]
    reply = next(g for g in row.targets if g.name == "reply")
    assert (reply.state, reply.seconds_left) == ("overdue", -300)
    assert row.due_at == row.created_at + timedelta(minutes=5)


def test_page_size_is_bounded(desk: Desk) -> None:
    assert len(desk.tickets.queue("open", limit=10_000).rows) == 5
    assert len(desk.tickets.queue("open", limit=1).rows) == 1


def test_recount_rebuilds_the_kept_counts(desk: Desk) -> None:
    before = desk.tickets.section_counts(operator=desk.mnt)
    with desk.svc.db.write() as s:
        s.connection().exec_driver_sql("UPDATE ticketcount SET n = n + 7")  # drifted (a bulk load, a bug)
    assert desk.tickets.section_counts(operator=desk.mnt) != before
    desk.tickets.recount()
    assert desk.tickets.section_counts(operator=desk.mnt) == before


def test_a_ticket_taken_before_dispatch_is_in_the_takers_queue_and_count(desk: Desk) -> None:
    x = desk.ticket(content="垃圾桶满了", unit="8-1-101")
    x = desk.tickets.take(x.number, x.version, operator=desk.sup)
    assert (x.department, x.assignee) == ("", "陈静")
    assert everything(desk, "mine", operator=desk.sup) == [x.number]
    assert desk.tickets.section_counts(operator=desk.sup).mine == 1
