"""Issue 14: maintenance staff are assignees. The directory keeps the workers of each department (name, phone, on
duty); a dispatch names one, the ticket's events and its row carry the worker, and a worker's open jobs are one list.
Seeds: 002 四.2(3)③ 及时通知维修部人员携单在约定时间上门维修服务; 002 值班制度 二 (night maintenance on rota).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.services import Services
from deskui.services.calls import CallInput


def worker_rows(svc: Services) -> int:
    from deskui.models.workers import Worker

    with svc.db.read() as s:
        return int(s.exec(select(func.count()).select_from(Worker)).one())


def ticket(svc: Services, content: str = "厨房水管漏水", unit: str = "3-2-1201") -> str:
    call = svc.calls.record(CallInput(content=content, category="repair", unit=unit, phone="13800138000"))
    return svc.tickets.open_from_call(call.id).number


def test_add_and_list_by_department(services: Services) -> None:
    w = services.directory.workers
    zhang = w.add("maintenance", "张师傅", "138 0013 8000")
    w.add("维修部", "李师傅")  # the department's Chinese name
    w.add("security", "王保安", "13900001234")
    assert (zhang.department, zhang.name, zhang.phone, zhang.on_duty) == (
        "maintenance",
        "张师傅",
        "138 0013 8000",
        True,
    )
    assert [x.name for x in w.list(department="maintenance")] == ["张师傅", "李师傅"]
    assert [x.name for x in w.list()] == ["张师傅", "李师傅", "王保安"]  # in the configured departments' order
    assert w.by_name(" 张师傅 ").id == zhang.id


@pytest.mark.parametrize(
    ("department", "name", "phone", "message", "error"),
    [
        ("plumbing", "张师傅", "", "Unknown department 'plumbing'", ValidationError),
        ("maintenance", "  ", "", "name", ValidationError),
        ("maintenance", "张师傅", "1234", "phone", ValidationError),
    ],
)
def test_bad_workers_are_refused(
    services: Services, department: str, name: str, phone: str, message: str, error: type[Exception]
) -> None:
    with pytest.raises(error, match=message):
        services.directory.workers.add(department, name, phone)
    assert worker_rows(services) == 0


def test_a_name_is_one_worker(services: Services) -> None:
    w = services.directory.workers
    w.add("maintenance", "张师傅")
    with pytest.raises(Conflict, match="张师傅"):
        w.add("security", "张师傅")
    assert worker_rows(services) == 1
    with pytest.raises(NotFound, match="No worker named 赵师傅"):
        w.by_name("赵师傅")


def test_duty_on_and_off(services: Services) -> None:
    w = services.directory.workers
    w.add("maintenance", "张师傅")
    assert w.set_duty("张师傅", False).on_duty is False
    assert w.by_name("张师傅").on_duty is False
    assert w.set_duty("张师傅", True).on_duty is True


def test_dispatch_names_a_worker_in_the_event_and_the_row(services: Services) -> None:
    """002 四.2(3)③: the desk tells a named worker of the department; the ticket shows who."""
    services.directory.workers.add("maintenance", "张师傅", "13800138000")
    number = ticket(services)
    x = services.tickets.get(number)
    x = services.tickets.dispatch(number, x.version, "maintenance", worker="张师傅")
    assert (x.department, x.worker, x.worker_id) == (
        "maintenance",
        "张师傅",
        services.directory.workers.by_name("张师傅").id,
    )
    event = services.tickets.events(number)[-1]
    assert (event.kind, event.data["worker_name"], event.data["worker_id"]) == ("dispatched", "张师傅", x.worker_id)
    state = services.tickets.state(number)  # the row is the replay of the events
    assert (state.worker_id, state.worker_name) == (x.worker_id, "张师傅")


@pytest.mark.parametrize(
    ("worker", "department", "message"),
    [
        ("赵师傅", "maintenance", "No worker named 赵师傅"),
        ("王保安", "maintenance", "王保安 works in Security"),
        ("李师傅", "maintenance", "李师傅 is off duty"),
    ],
)
def test_dispatch_to_a_worker_who_cannot_take_it(
    services: Services, worker: str, department: str, message: str
) -> None:
    w = services.directory.workers
    w.add("security", "王保安")
    w.add("maintenance", "李师傅")
    w.set_duty("李师傅", False)
    number = ticket(services)
    with pytest.raises(ValidationError, match=message):
        services.tickets.dispatch(number, 1, department, worker=worker)
    assert services.tickets.get(number).version == 1


def test_a_workers_open_jobs(services: Services) -> None:
    w = services.directory.workers
    w.add("maintenance", "张师傅")
    w.add("maintenance", "李师傅")
    first, second, third = (
        ticket(services),
        ticket(services, "灯不亮", "3-2-1202"),
        ticket(services, "门锁坏", "5-1-302"),
    )
    services.tickets.dispatch(first, 1, "maintenance", worker="张师傅")
    services.tickets.dispatch(second, 1, "maintenance", worker="张师傅")
    services.tickets.dispatch(third, 1, "maintenance", worker="李师傅")
    assert sorted(x.number for x in services.tickets.worker_jobs("张师傅")) == sorted([first, second])
    # Reassigned to someone else, or closed: no longer the worker's open job.
    x = services.tickets.get(second)
    services.tickets.reassign(second, x.version, "maintenance", worker="李师傅")
    assert [x.number for x in services.tickets.worker_jobs("张师傅")] == [first]
    x = services.tickets.get(first)
    services.tickets.cancel(first, x.version, "住户自己修好了")
    assert services.tickets.worker_jobs("张师傅") == []
    assert sorted(x.number for x in services.tickets.worker_jobs("李师傅")) == sorted([second, third])
    with pytest.raises(NotFound):
        services.tickets.worker_jobs("赵师傅")
