"""The help register 住户求助登记表 (003 4.10, 4.2.2): the help requests of a year, as the desk's paper register has
them: when, unit, caller, phone, what was asked, how it was handled, by whom, and the result.

Read straight from the tickets of kind `help` and their append-only events (no ticket rule is applied here, nothing
is written). A year is the site's local calendar year of the request (`created_at`). Exported like the other
registers (services.common.exportfiles): stable English keys in CSV and JSON (JSON keeps every value exactly, each
request's handling as a list of steps), column headers in the reader's language in XLSX, text cells a spreadsheet
would run as formulas neutralised, files 0600. `deskui archive` (services.admin._archive) puts the same records in
the archive file of the years past retention.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from deskui.core.config import Settings
from deskui.core.i18n import N_, t
from deskui.models import Ticket, TicketEvent
from deskui.services.common.exportfiles import neutralise, private_file, sheet_cell, write_export, write_json_array
from deskui.services.common.masking import mask_phone
from deskui.services.context import ContextService
from deskui.services.tickets import EVENT_LABELS

_T = Ticket.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]

HELP_KIND = "help"
# Events that are the register's "how handled": everything after the request was taken down.
_NOT_HANDLING = frozenset({"created", "call_attached"})

# Stable keys (CSV header, JSON keys) and the XLSX header of each, in the reader's language.
FIELDS = (
    "number",
    "time",
    "unit",
    "caller",
    "phone",
    "help_kind",
    "request",
    "handling",
    "handled_by",
    "taken_by",
    "status",
    "result",
    "closed_at",
)
HEADERS = {
    "number": N_("Ticket"),
    "time": N_("Date and time"),
    "unit": N_("Unit"),
    "caller": N_("Caller"),
    "phone": N_("Phone"),
    "help_kind": N_("Kind of help"),
    "request": N_("Help asked for"),
    "handling": N_("How it was handled"),
    "handled_by": N_("Handled by"),
    "taken_by": N_("Taken by"),
    "status": N_("Status"),
    "result": N_("Result"),
    "closed_at": N_("Closed"),
}
TIME_FIELDS = frozenset({"time", "closed_at"})


@dataclass(frozen=True)
class HelpStep:
    """One thing done about a request after it was taken: an event of its ticket (aware UTC time)."""

    at: datetime
    kind: str
    operator: str
    note: str
    department: str = ""
    worker: str = ""


@dataclass(frozen=True)
class HelpRequest:
    """One line of the register. Times aware UTC; free text exactly as typed."""

    id: int
    number: str
    created_at: datetime
    unit: str
    caller: str
    phone: str
    request: str
    taken_by: str
    department: str
    worker: str
    assignee: str
    status: str
    closed_at: datetime | None
    result: str
    steps: tuple[HelpStep, ...] = ()
    help_kind: str = ""  # 003 4.1.1 a)-g) (medical, repair, …, other) once the ticket records it

    @property
    def handled_by(self) -> str:
        """Who handled it: the worker sent, else the operator who took it on, else the department."""
        return self.worker or self.assignee or self.department


def year_start(year: int, tz: ZoneInfo) -> datetime:
    """1 January of `year`, 00:00 local time, as an aware datetime."""
    return datetime.combine(date(year, 1, 1), time(0), tz)


def _step(row: Any) -> HelpStep:
    data = json.loads(row.data) if row.data else {}
    return HelpStep(
        at=row.at,
        kind=row.kind,
        operator=row.operator_name,
        note=row.note,
        department=str(data.get("department") or ""),
        worker=str(data.get("worker_name") or ""),
    )


def _result(events: Sequence[Any]) -> str:
    """The note of the last completion (a reopen clears it), as the ticket screens show the result."""
    result = ""
    for ev in events:
        if ev.kind == "status" and json.loads(ev.data or "{}").get("to") == "done":
            result = ev.note
        elif ev.kind == "reopened":
            result = ""
    return result


class HelpRegister(ContextService):
    """The help requests of this site, read page by page in the order they were taken."""

    PAGE = 500

    def _where(self, since: datetime | None, before: datetime | None) -> list[Any]:
        where = [_T.c.site_id == self.site_id, _T.c.kind == HELP_KIND]
        if since is not None:
            where.append(_T.c.created_at >= since)
        if before is not None:
            where.append(_T.c.created_at < before)
        return where

    def requests(self, since: datetime | None = None, before: datetime | None = None) -> Iterator[HelpRequest]:
        """The requests taken in [since, before), oldest first, each with its handling steps."""
        after = 0
        while True:
            with self.db.read() as s:
                q = select(_T).where(*self._where(since, before), _T.c.id > after).order_by(_T.c.id).limit(self.PAGE)
                rows = list(s.execute(q))
                events: dict[int, list[Any]] = {r.id: [] for r in rows}
                if rows:
                    eq = select(_E).where(_E.c.ticket_id.in_(list(events))).order_by(_E.c.ticket_id, _E.c.seq)
                    for ev in s.execute(eq):
                        events[ev.ticket_id].append(ev)
            yield from (self._request(r, events[r.id]) for r in rows)
            if len(rows) < self.PAGE:
                return
            after = rows[-1].id

    def year(self, year: int) -> Iterator[HelpRequest]:
        """The register of one local calendar year."""
        return self.requests(year_start(year, self.tz), year_start(year + 1, self.tz))

    def count(self, since: datetime | None = None, before: datetime | None = None) -> int:
        with self.db.read() as s:
            return int(s.execute(select(func.count()).select_from(_T).where(*self._where(since, before))).scalar_one())

    @staticmethod
    def _request(row: Any, events: Sequence[Any]) -> HelpRequest:
        return HelpRequest(
            id=row.id,
            number=row.number,
            created_at=row.created_at,
            unit=row.unit_text,
            caller=row.caller,
            phone=row.phone,
            request=row.description,
            taken_by=row.created_by_name,
            department=row.department,
            worker=row.worker_name,
            assignee=row.assignee_name,
            status=row.status,
            closed_at=row.closed_at,
            result=_result(events),
            steps=tuple(_step(ev) for ev in events if ev.kind not in _NOT_HANDLING),
            help_kind=str(row._mapping.get("help_kind") or ""),
        )


def masked_requests(requests: Iterable[HelpRequest]) -> Iterator[HelpRequest]:
    """Phone numbers masked (138****5678), as every export does without --full."""
    for request in requests:
        yield replace(request, phone=mask_phone(request.phone))


# --- records and files ------------------------------------------------------------------------------------------


def _time(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment else None


def step_record(step: HelpStep, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "at": _time(step.at, tz),
        "kind": step.kind,
        "operator": step.operator,
        "note": step.note,
        "department": step.department or None,
        "worker": step.worker or None,
    }


def record(request: HelpRequest, tz: ZoneInfo) -> dict[str, Any]:
    """A request with the register's stable English keys; times ISO 8601 with the site's offset."""
    return {
        "number": request.number,
        "time": _time(request.created_at, tz),
        "unit": request.unit,
        "caller": request.caller,
        "phone": request.phone,
        "help_kind": request.help_kind or None,
        "request": request.request,
        "handling": [step_record(x, tz) for x in request.steps],
        "handled_by": request.handled_by or None,
        "taken_by": request.taken_by,
        "status": request.status,
        "result": request.result,
        "closed_at": _time(request.closed_at, tz),
    }


def _handling_text(steps: Sequence[dict[str, Any]], *, labels: bool) -> str:
    """The steps on one line each: time, what (the event's key, or its label for people), who was sent, the note."""
    lines = []
    for step in steps:
        what = t(EVENT_LABELS[step["kind"]]) if labels and step["kind"] in EVENT_LABELS else step["kind"]
        moment = datetime.fromisoformat(step["at"]).strftime("%Y-%m-%d %H:%M") if labels else step["at"]
        parts = [moment, what, step["department"] or "", step["worker"] or "", step["operator"], step["note"]]
        lines.append(" ".join(p for p in parts if p))
    return "\n".join(lines)


def write_csv(requests: Iterable[HelpRequest], fh: IO[str], settings: Settings) -> int:
    tz = ZoneInfo(settings.time_zone)
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(FIELDS)
    n = 0
    for request in requests:
        rec = record(request, tz)
        rec["handling"] = _handling_text(rec["handling"], labels=False)
        writer.writerow(["" if rec[f] is None else neutralise(rec[f]) for f in FIELDS])
        n += 1
    return n


def write_json(requests: Iterable[HelpRequest], fh: IO[str], settings: Settings) -> int:
    tz = ZoneInfo(settings.time_zone)
    return write_json_array((record(request, tz) for request in requests), fh)


def write_xlsx(requests: Iterable[HelpRequest], path: Path, settings: Settings, *, year: int | None = None) -> int:
    """Row by row (openpyxl write-only mode): headers and statuses in the reader's language, times real date-time
    cells in the site's local time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from deskui.services import tickets
    from deskui.services.tickets import STATUS_LABELS

    kind_labels: dict[str, str] = getattr(tickets, "HELP_KIND_LABELS", {})  # the sub-kinds' names, where known
    tz = ZoneInfo(settings.time_zone)
    wb = Workbook(write_only=True)
    title = t("Help register")
    ws = wb.create_sheet(f"{title} {year}" if year is not None else title)
    ws.append([t(HEADERS[f]) for f in FIELDS])
    n = 0
    for request in requests:
        rec = record(request, tz)
        rec["handling"] = _handling_text(rec["handling"], labels=True)
        rec["status"] = t(STATUS_LABELS[rec["status"]]) if rec["status"] in STATUS_LABELS else rec["status"]
        if rec["help_kind"] in kind_labels:
            rec["help_kind"] = t(kind_labels[rec["help_kind"]])
        row: list[Any] = []
        for f in FIELDS:
            value = rec[f]
            if f in TIME_FIELDS and value:
                cell = WriteOnlyCell(ws, value=datetime.fromisoformat(value).replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                row.append(cell)
            else:
                row.append(None if value is None else sheet_cell(value))
        ws.append(row)
        n += 1
    with private_file(path, binary=True) as fh:
        wb.save(fh)
    return n


def export_register(
    requests: Iterable[HelpRequest],
    fmt: str,
    settings: Settings,
    *,
    output: Path | None,
    stdout: IO[str],
    year: int | None = None,
) -> int:
    """Write the register in `fmt` to `output` (or stdout for csv and json); returns how many requests."""
    return write_export(
        fmt,
        output=output,
        stdout=stdout,
        csv=lambda fh: write_csv(requests, fh, settings),
        json=lambda fh: write_json(requests, fh, settings),
        xlsx=lambda path: write_xlsx(requests, path, settings, year=year),
    )
