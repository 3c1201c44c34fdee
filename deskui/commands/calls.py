"""`deskui calls add|list|show`: the call and visit log from the command line (`import calls`: imports.py).

`calls add` prints only the new id on stdout so scripts can capture it; `calls list --format csv|json` writes
plain data to stdout (no Rich wrapping), the table is for people.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from deskui.cli import cell, fail, out, state, stdout
from deskui.commands._formats import ListFormat, TextFormat, print_json, print_json_array
from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.calls import CallInfo
    from deskui.services.operators import OperatorInfo

group = typer.Typer(help="The call and visit log (来电来访登记).", no_args_is_help=True)
_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def parse_bound(services: Services, value: str | None, *, end: bool, option: str) -> datetime | None:
    """--since/--until: ISO 8601 (naive = site time) or any time the form accepts; a bare date is a whole day."""
    if not value:
        return None
    from deskui.core.errors import ValidationError
    from deskui.services.common.timeparse import check_day, parse_time

    tz = ZoneInfo(services.settings.time_zone)
    text = value.strip()
    if _DATE_ONLY.match(text):
        try:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            check_day(day, value)  # year 1 or 9999 would overflow below (issue 16 item 15)
        except ValueError:
            fail(t("{option}: not a date: {value}", option=option, value=value))
        except ValidationError as exc:
            fail(f"{option}: {exc.message}")
        moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=tz)
        return moment
    try:
        return parse_time(text, services.clock.now(), tz, rollback_hours=24)
    except ValidationError as exc:
        fail(f"{option}: {exc.message}")


def _operator(services: Services, name: str | None) -> OperatorInfo | None:
    return services.operators.by_name(name.strip()) if name and name.strip() else None


@group.command("add")
def add(
    ctx: typer.Context,
    caller: Annotated[str, typer.Option("--caller", help="Caller's name (may be empty: --caller '').")],
    unit: Annotated[str, typer.Option("--unit", help="Unit in any spelling (3-2-1201, 3栋2单元1201) or a place.")],
    phone: Annotated[str, typer.Option("--phone", help="Mainland mobile or landline with area code / extension.")],
    category: Annotated[str, typer.Option("--category", help="repair, complaint, inquiry, help, … or 报修, 投诉, …")],
    content: Annotated[str, typer.Option("--content", help="What the caller said.")],
    time_: Annotated[
        str | None, typer.Option("--time", help="When: ISO 8601, 14:05, -10m, 'yesterday 23:40'; default now.")
    ] = None,
    channel: Annotated[str, typer.Option("--channel", help="phone, walk_in, letter, fax, online.")] = "phone",
    operator: Annotated[str | None, typer.Option("--operator", help="Who took it (an operator's name).")] = None,
    visit_time: Annotated[str, typer.Option("--visit-time", help="Repairs: when a visit suits the caller.")] = "",
    urgent: Annotated[bool, typer.Option("--urgent", help="Mark the call urgent.")] = False,
) -> None:
    """Log a call or visit; prints the new call's id."""
    from deskui.services.calls import CallInput

    services = state(ctx).services()
    info = services.calls.record(
        CallInput(
            content=content,
            category=category,
            channel=channel,
            time=time_,
            caller=caller,
            unit=unit,
            phone=phone,
            visit_time=visit_time,
            urgent=urgent,
        ),
        operator=_operator(services, operator),
    )
    sys.stdout.write(f"{info.id}\n")


def _collect(
    services: Services,
    *,
    since: datetime | None,
    until: datetime | None,
    unit: str | None,
    search: str | None,
    limit: int,
    all_versions: bool,
) -> list[CallInfo]:
    """Up to `limit` calls, newest first, fetched page by page (keyset) through the service."""
    calls = services.calls
    page = 10 * services.settings.calls.page_size
    found: list[CallInfo] = []
    before: int | None = None
    while len(found) < limit:
        want = min(page, limit - len(found))
        if search and search.strip():
            batch = calls.search(
                search,
                before_id=before,
                limit=want,
                current_only=not all_versions,
                since=since,
                until=until,
                unit=unit,
            )
        else:
            batch = calls.list(
                since=since, until=until, unit=unit, before_id=before, limit=want, current_only=not all_versions
            )
        found += batch
        if len(batch) < want:
            break
        before = batch[-1].id
    return found


@group.command("list")
def list_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="From this time (ISO 8601; a date = that day).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this time (a date includes that day).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit or place (any spelling).")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Text in caller, unit, phone or content.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many calls (newest first).")] = 50,
    fmt: ListFormat = "table",
    current_only: Annotated[
        bool, typer.Option("--current-only", help="Leave out versions replaced by a correction.")
    ] = False,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", hidden=True, help="The default (kept for scripts).")
    ] = False,
) -> None:
    """List calls, newest first (the order written): every record by its own number, a correction marked
    "✎#N" (it corrects #N) and the version it replaced "→#M", both listed, as on the Calls screen."""
    from deskui.services import calls as exports

    services = state(ctx).services()
    found = _collect(
        services,
        since=parse_bound(services, since, end=False, option="--since"),
        until=parse_bound(services, until, end=True, option="--until"),
        unit=unit,
        search=search,
        limit=limit,
        all_versions=not current_only,
    )
    if fmt == "csv":
        exports.write_csv(found, stdout(), services.settings)
    elif fmt == "json":
        exports.write_json(found, stdout(), services.settings)
    else:
        _table(services, found)


@group.command("search")
def search_(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="Text in caller, unit, phone or content; a unit in any spelling.")],
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit or place (any spelling).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many calls (newest first).")] = 50,
    fmt: ListFormat = "table",
    current_only: Annotated[
        bool, typer.Option("--current-only", help="Leave out versions replaced by a correction.")
    ] = False,
) -> None:
    """Find calls, newest first: the same search as Ctrl+G on the Calls screen (`calls list --search`)."""
    list_(ctx, unit=unit, search=term, limit=limit, fmt=fmt, current_only=current_only)


def _table(services: Services, calls: list[CallInfo]) -> None:
    from rich.table import Table
    from rich.text import Text

    from deskui.services.common.shifts import local_time
    from deskui.services.common.text import field_label

    labels = {c.key: c.label(services.settings.language) for c in services.settings.categories}
    channels = {c.key: c.label(services.settings.language) for c in services.settings.channels}

    names = ("id", "time", "Channel", "caller", "unit", "phone", "Category", "content")
    table = Table()
    for name in names:
        # Ids, times and phones must stay whole; names, places and content wrap.
        whole = name in ("id", "time", "phone")
        table.add_column(field_label(name), no_wrap=whole, overflow="fold")
    for c in calls:
        # The same number as on the Calls screen: each record its own id, a correction marked with what it corrects.
        number = Text(f"{c.id}{'!' if c.urgent else ''}")
        if c.amends_id:
            number.append(f" ✎#{c.amends_id}")
        if c.superseded_by:
            number.append(f" →#{c.superseded_by}", style="dim")
        table.add_row(
            number,
            Text(local_time(services.settings, c.time).strftime("%m-%d %H:%M")),
            cell(channels.get(c.channel, c.channel)),
            cell(c.caller),
            cell(c.unit),
            cell(c.phone),
            cell(labels.get(c.category, c.category)),
            cell(" ".join(c.content.split())),
        )
    out.print(table)


@group.command("show")
def show(
    ctx: typer.Context,
    call_id: Annotated[int, typer.Argument(help="The call's id.")],
    versions: Annotated[bool, typer.Option("--versions", help="Every version, the original first.")] = False,
    fmt: TextFormat = "text",
) -> None:
    """Read a call back as one sentence (the current version, or every version); json: the call's record as
    `calls list` prints it (one object; an array of them with --versions)."""
    services = state(ctx).services()
    calls = services.calls.versions(call_id) if versions else [services.calls.current(call_id)]
    if fmt == "json":
        from deskui.services.calls import call_record

        tz = ZoneInfo(services.settings.time_zone)
        if versions:
            print_json_array(call_record(c, tz) for c in calls)
        else:
            print_json(call_record(calls[0], tz))
        return
    for c in calls:
        out.print(f"#{c.id}  {services.calls.read_back(c)}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="calls")
    # `import calls` is in the shared `import` group, with units and residents (deskui/commands/imports.py).
