"""The workers of each department (维修人员 and the other departments' people): who a dispatch can name, their phone
and whether they are on duty (issue 14; 002 四.2(3)③ 通知维修部人员携单上门, 值班制度 二 night maintenance on rota).

A worker never signs in: the desk names them. One name is one worker of the site (the CLI and a dispatch name them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import t
from deskui.models import Worker
from deskui.services.common.places import check_phone
from deskui.services.common.text import check_text, choose
from deskui.services.context import ContextService

MAX_NAME = 100


@dataclass(frozen=True)
class WorkerInfo:
    id: int
    department: str  # a configured department's key
    name: str
    phone: str
    on_duty: bool


def _info(w: Worker) -> WorkerInfo:
    assert w.id is not None
    return WorkerInfo(w.id, w.department, w.name, w.phone, w.on_duty)


class WorkerService(ContextService):
    """The site's workers: adding them, duty on and off, and finding one by name."""

    def department(self, value: str) -> str:
        """A configured department by key, Chinese or English name; the one message listing the keys otherwise."""
        try:
            return choose(value, self.settings.departments, "department").key
        except ValidationError:
            keys = ", ".join(d.key for d in self.settings.departments)
            raise ValidationError(
                t("Unknown department {value!r}; use one of: {keys}", value=value, keys=keys), field="department"
            ) from None

    def _name(self, value: str) -> str:
        name = check_text(value or "", "name", max_chars=MAX_NAME)
        if not name:
            raise ValidationError(t("A name is required"), field="name")
        return name

    def _row(self, s: Session, name: str) -> Worker:
        wanted = check_text(name or "", "name", max_chars=MAX_NAME)
        row = s.exec(select(Worker).where(Worker.site_id == self.site_id, Worker.name == wanted)).first()
        if row is None:
            raise NotFound(t("No worker named {name}", name=wanted), field="worker")
        return row

    def add(self, department: str, name: str, phone: str = "") -> WorkerInfo:
        dept = self.department(department)
        who = self._name(name)
        number = check_phone(phone) if phone and phone.strip() else ""
        now = self.clock.now()
        with self.db.write() as s:
            if s.exec(select(Worker.id).where(Worker.site_id == self.site_id, Worker.name == who)).first():
                raise Conflict(t("{name} is already a worker", name=who), field="name")
            row = Worker(
                site_id=self.site_id,
                department=dept,
                name=who,
                phone=number,
                on_duty=True,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return _info(row)

    def set_duty(self, name: str, on_duty: bool) -> WorkerInfo:
        with self.db.write() as s:
            row = self._row(s, name)
            row.on_duty = on_duty
            row.updated_at = self.clock.now()
            s.add(row)
            s.flush()
            return _info(row)

    def by_name(self, name: str) -> WorkerInfo:
        with self.db.read() as s:
            return _info(self._row(s, name))

    def list(self, *, department: str | None = None) -> list[WorkerInfo]:
        """The workers, in the configured departments' order, then in the order they were added."""
        q = select(Worker).where(Worker.site_id == self.site_id)
        if department:
            q = q.where(Worker.department == self.department(department))
        with self.db.read() as s:
            rows = [_info(w) for w in s.exec(q.order_by(col(Worker.id)))]
        order = {d.key: i for i, d in enumerate(self.settings.departments)}
        return sorted(rows, key=lambda w: order.get(w.department, len(order)))
