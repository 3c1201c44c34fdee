"""Helpers shared by the ticket tests (no tests here): a desk with one operator per role, calls, a dump of the rows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskui.services.calls import CallInput
from deskui.services.operators import OperatorInfo


@dataclass
class Desk:
    svc: Any  # Services
    rec: OperatorInfo  # receptionist
    mnt: OperatorInfo  # maintenance
    sup: OperatorInfo  # supervisor
    mgr: OperatorInfo  # manager

    @property
    def tickets(self) -> Any:
        return self.svc.tickets

    def call(
        self,
        content: str = "厨房水管漏水",
        category: str = "repair",
        *,
        unit: str = "3-2-1201",
        caller: str = "张三",
        phone: str = "13812345678",
        channel: str = "phone",
    ) -> int:
        info = self.svc.calls.record(
            CallInput(content=content, category=category, caller=caller, unit=unit, phone=phone, channel=channel),
            operator=self.rec,
        )
        return int(info.id)

    def ticket(self, category: str = "repair", **kwargs: Any) -> Any:
        content = kwargs.pop("content", "厨房水管漏水")
        unit = kwargs.pop("unit", "3-2-1201")
        return self.tickets.open_from_call(self.call(content, category, unit=unit), operator=self.rec, **kwargs)


def make_desk(services: Any) -> Desk:
    """Four operators (their PINs hashed at argon2's cheapest: tests/conftest.py's _cheap_pin_hashing)."""
    ops = services.operators
    return Desk(
        services,
        ops.add("王芳", "receptionist", "1111"),
        ops.add("李强", "maintenance", "2222"),
        ops.add("陈静", "supervisor", "3333"),
        ops.add("赵经理", "manager", "4444"),
    )


def dump(path: Path) -> tuple[list[tuple[Any, ...]], ...]:
    """Every ticket row, event, call link and counter, read with plain sqlite3: "nothing written" is equality."""
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("ticket", "ticketevent", "ticketcall", "ticketcounter", "ticketchar")
        )
    finally:
        con.close()
