"""What must hold after any load, kill or restore, on either backend: the invariants and the acknowledged writes."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from deskui.services.admin.verify import verify_log

NUMBER = re.compile(r"^([A-Z]+)-(\d{8})-(\d{4,})$")


def integrity(path: Path) -> str:
    """PRAGMA integrity_check on a SQLite file, through a plain connection (rolls back a hot journal first)."""
    con = sqlite3.connect(path, timeout=30)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    result = "; ".join(str(r[0]) for r in rows)
    return result if not fk else f"{result}; foreign keys: {fk[:5]}"


def ticket_numbers(services: Any) -> list[str]:
    """Problems with ticket numbers: duplicates, and gaps in a (prefix, day) sequence."""
    problems = []
    with services.db.read() as s:
        numbers = [r[0] for r in s.execute(text("SELECT number FROM ticket"))]
    seen: dict[str, int] = defaultdict(int)
    runs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n in numbers:
        seen[n] += 1
        m = NUMBER.match(n)
        if not m:
            problems.append(f"odd ticket number {n!r}")
            continue
        runs[(m.group(1), m.group(2))].append(int(m.group(3)))
    problems += [f"ticket number {n} issued {k} times" for n, k in seen.items() if k > 1]
    for key, seqs in runs.items():
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            problems.append(f"ticket numbers of {key} are not 1..{len(seqs)}: {sorted(seqs)[:10]}…")
    return problems


def tickets_replay(services: Any) -> list[str]:
    """Each stored ticket row equals the replay of its events; events numbered 1..n; counts equal a GROUP BY."""
    from deskui.models import Ticket
    from deskui.services.tickets import EventRecord, replay, row_values

    problems = []
    table = Ticket.__table__  # type: ignore[attr-defined]
    with services.db.read() as s:
        ids = [r[0] for r in s.execute(select(table.c.id).order_by(table.c.id))]
    for tid in ids:
        events = services.tickets.events(tid)
        if [e.seq for e in events] != list(range(1, len(events) + 1)):
            problems.append(f"ticket {tid}: event seqs {[e.seq for e in events]}")
            continue
        records = [
            EventRecord(e.seq, e.kind, e.at, e.status, e.operator_id, e.operator, e.note, e.data, e.id, e.ticket_id)
            for e in events
        ]
        expected = row_values(replay(records, services.settings))
        with services.db.read() as s:
            row = s.execute(select(table).where(table.c.id == tid)).one()
        stored = {k: getattr(row, k) for k in expected}
        if stored != expected:
            diff = {k: (stored[k], expected[k]) for k in expected if stored[k] != expected[k]}
            problems.append(f"ticket {tid} row differs from the replay of its events: {diff}")
    with services.db.read() as s:
        kept = {tuple(r) for r in s.execute(text("SELECT status, department, n FROM ticketcount WHERE n != 0"))}
        fresh = {tuple(r) for r in s.execute(text("SELECT status, department, count(*) FROM ticket GROUP BY 1, 2"))}
    if kept != fresh:
        problems.append(f"ticketcount {sorted(kept)} != GROUP BY {sorted(fresh)}")
    return problems


def calls_once(services: Any) -> list[str]:
    """Every call is one row: no client token or content mark twice, every call searchable by its mark."""
    with services.db.read() as s:
        dup = s.execute(text("SELECT content, count(*) FROM call GROUP BY content HAVING count(*) > 1 LIMIT 5")).all()
    return [f"call content {c!r} stored {n} times" for c, n in dup]


def acknowledged(services: Any, acks: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """(how many acknowledged writes were checked, the ones missing or different in the database)."""
    from deskui.core.errors import NotFound

    missing: list[str] = []
    checked = 0
    events: dict[int, dict[int, str]] = {}

    def event_kind(ticket: int, seq: int) -> str | None:
        if ticket not in events:
            events[ticket] = {e.seq: e.kind for e in services.tickets.events(ticket)}
        return events[ticket].get(seq)

    for a in acks:
        op = a.get("op")
        if op is None or "error" in a or "refused" in a:
            continue
        checked += 1
        try:
            if op == "call":
                got = services.calls.get(a["id"]).content
                if got != a["content"]:
                    missing.append(f"call {a['id']}: {got!r} != {a['content']!r}")
            elif op == "ticket":
                x = services.tickets.get(a["id"])
                if x.number != a["number"] or x.description != a["description"]:
                    missing.append(f"ticket {a['id']}: {x.number} {x.description!r} != {a}")
            elif op in ("dispatch", "close"):
                kind = event_kind(a["ticket"], a["seq"])
                want = {"dispatch": "dispatched", "close": "closed"}[op]
                if kind != want:
                    missing.append(f"{op} of ticket {a['ticket']} (event {a['seq']}): found {kind}")
            elif op == "dutylog":
                e = services.dutylog.get(a["id"])
                if (e.text, e.seq) != (a["text"], a["seq"]):
                    missing.append(f"dutylog {a['id']}: {(e.text, e.seq)} != {(a['text'], a['seq'])}")
            elif op == "key_lend":
                if services.keys.get(a["loan"]).tag != a["tag"]:
                    missing.append(f"key loan {a['loan']}")
            elif op == "key_return":
                if services.keys.get(a["loan"]).returned_at is None:
                    missing.append(f"key return of loan {a['loan']}")
            else:
                checked -= 1
        except NotFound as exc:
            missing.append(f"{op} {a}: {exc.message}")
    return checked, missing


def everything(services: Any, path: Path | None) -> list[str]:
    """Every invariant at once (integrity_check on SQLite only); [] when all hold."""
    problems = []
    if path is not None:
        result = integrity(path)
        if result != "ok":
            problems.append(f"integrity_check: {result}")
    problems += ticket_numbers(services)
    problems += tickets_replay(services)
    problems += calls_once(services)
    report = verify_log(services.dutylog)
    if not report.intact:
        problems.append(f"duty log chain broken: {report.first_problem}")
    return problems
