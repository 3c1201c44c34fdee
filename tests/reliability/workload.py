"""Terminals as processes: a writer doing mixed desk work through the services, a reader polling like the screens,
and a fork server for the crash test. Run as `python -m tests.reliability.workload ROLE …` from the repository root.

Every write a writer finishes is acknowledged with one JSON line appended to its ack file *after* the commit
returned (os.write on an O_APPEND descriptor: in the kernel before the next operation starts), so after a
SIGKILL the ack file names exactly the writes that must be in the database. Errors are written the same way:
`{"error": …}` lines; a DeskError is a refusal a person would read (expected: another terminal got there first),
anything else, and DatabaseBusy, is a failure the tests count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

OPS = ("call", "ticket", "dispatch", "close", "dutylog", "key")
WEIGHTS = (35, 14, 14, 10, 15, 12)
UNITS = ("3-2-1201", "3-2-1202", "5-1-302", "1-1-101", "2-3-502")
RECEPTIONIST, SUPERVISOR = "王芳", "陈静"


def _settings(url: str):  # type: ignore[no-untyped-def]
    from deskui.core.config import load_settings

    return load_settings(database_url=url, language="en", environ={})


def open_desk(url: str):  # type: ignore[no-untyped-def]
    """One terminal's services (the real clock), as the app opens them."""
    from deskui.services import open_services

    return open_services(_settings(url), migrate=False)


def prepare(url: str) -> None:
    """Migrate, add the operators and units the workload uses (cheap PIN hashes: nobody signs in here)."""
    import argon2

    import deskui.services.operators as ops
    from deskui.services import open_services

    ops.PasswordHasher = lambda: argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # type: ignore[assignment,misc]
    services = open_services(_settings(url))
    try:
        names = {o.name for o in services.operators.list()}
        if RECEPTIONIST not in names:
            services.operators.add(RECEPTIONIST, "receptionist", "1111")
        if SUPERVISOR not in names:
            services.operators.add(SUPERVISOR, "supervisor", "3333")
        for unit in UNITS:
            if services.directory.resolve_unit(unit) is None:
                services.directory.add_unit(unit)
    finally:
        services.close()


class Acks:
    """Append-only JSON lines, one os.write each (atomic for O_APPEND and short lines, never buffered)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def put(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record, ensure_ascii=False) + "\n").encode())


def read_acks(path: Path) -> list[dict[str, Any]]:
    """Every complete line (a line cut by a kill mid-write is dropped: its write was not acknowledged)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().split(b"\n"):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


class Writer:
    """Mixed front-desk work: calls, tickets (create, dispatch, close), duty-log entries, key loans."""

    def __init__(self, services: Any, proc: int, seed: int, acks: Acks, ops: tuple[str, ...] = OPS) -> None:
        self.s = services
        self.proc = proc
        self.rng = random.Random(seed)
        self.acks = acks
        self.ops = ops
        self.weights = [WEIGHTS[OPS.index(o)] for o in ops]
        self.rec = services.operators.by_name(RECEPTIONIST)
        self.sup = services.operators.by_name(SUPERVISOR)
        self.dept = services.settings.departments[0].key
        self.n = 0

    def one(self) -> None:
        from deskui.core.errors import DeskError
        from deskui.core.retry import DatabaseBusy

        op = self.rng.choices(self.ops, self.weights)[0]
        self.n += 1
        try:
            getattr(self, f"op_{op}")()
        except DatabaseBusy as exc:
            self.acks.put(error="busy", op=op, message=exc.message)
        except DeskError as exc:
            self.acks.put(refused=type(exc).__name__, op=op, message=exc.message)
        except Exception as exc:
            self.acks.put(error=type(exc).__name__, op=op, message=str(exc)[:500], tb=traceback.format_exc()[-2000:])

    def mark(self) -> str:
        return f"p{self.proc}-{self.n}-{self.rng.randrange(1 << 30):x}"

    def op_call(self) -> None:
        from deskui.services.calls import CallInput

        mark = self.mark()
        content = f"漏水 {mark}"
        call = self.s.calls.record(
            CallInput(
                content=content,
                category="repair",
                caller="张三",
                unit=self.rng.choice(UNITS),
                phone="13812345678",
            ),
            operator=self.rec,
        )
        self.acks.put(op="call", id=call.id, content=content)

    def op_ticket(self) -> None:
        from deskui.services.tickets import TicketInput

        mark = self.mark()
        x = self.s.tickets.create(
            TicketInput(kind="repair", unit=self.rng.choice(UNITS), description=f"水管 {mark}"), operator=self.rec
        )
        self.acks.put(op="ticket", id=x.id, number=x.number, description=f"水管 {mark}")

    def _pick(self, statuses: tuple[str, ...]) -> Any | None:
        """A recent ticket of any terminal in one of `statuses`, as this terminal last saw it."""
        from sqlalchemy import text

        marks = ", ".join(f"'{s}'" for s in statuses)
        with self.s.db.read() as session:
            ids = session.execute(
                text(f"SELECT id FROM ticket WHERE status IN ({marks}) ORDER BY id DESC LIMIT 20")
            ).all()
        if not ids:
            return None
        return self.s.tickets.get(int(self.rng.choice(ids)[0]))

    def op_dispatch(self) -> None:
        x = self._pick(("new",))
        if x is None:
            return self.op_ticket()
        done = self.s.tickets.dispatch(x.id, x.version, self.dept, operator=self.rec)
        self.acks.put(op="dispatch", ticket=done.id, seq=done.version)

    def op_close(self) -> None:
        x = self._pick(("new", "dispatched"))
        if x is None:
            return self.op_ticket()
        done = self.s.tickets.close(x.id, x.version, reason=f"测试关闭 {self.mark()}", operator=self.sup)
        self.acks.put(op="close", ticket=done.id, seq=done.version)

    def op_dutylog(self) -> None:
        text = f"巡查正常 {self.mark()}"
        entry = self.s.dutylog.add(text, operator=self.rec)
        self.acks.put(op="dutylog", id=entry.id, seq=entry.seq, text=text)

    def op_key(self) -> None:
        tag = f"K{self.rng.randrange(6)}"
        out = {k.tag for k in self.s.keys.out()}
        if tag in out:
            loan = self.s.keys.take_back(tag, operator=self.rec)
            self.acks.put(op="key_return", loan=loan.id, tag=loan.tag)
        else:
            loan = self.s.keys.lend(tag, "电工", operator=self.rec)
            self.acks.put(op="key_lend", loan=loan.id, tag=loan.tag)


def run_writer(
    url: str, proc: int, ops: int, seed: int, ack: str, start_at: float, stop: str = "", only: str = ""
) -> None:
    """`ops` operations, or (with `stop`) operations until that file appears, at most `ops`; `only`: a comma list
    of the operations to do (default: the whole mix)."""
    services = open_desk(url)
    acks = Acks(ack)
    writer = Writer(services, proc, seed, acks, ops=tuple(only.split(",")) if only else OPS)
    while time.time() < start_at:  # all writers start together
        time.sleep(0.005)
    started = time.monotonic()
    done = 0
    while done < ops and not (stop and os.path.exists(stop)):
        writer.one()
        done += 1
    acks.put(done=done, seconds=round(time.monotonic() - started, 2))
    services.close()


def run_reader(url: str, stop: str, ack: str) -> None:
    """What an idle screen does: the calls screen's and ticket screens' polls, a queue, a search, the chain head."""
    from deskui.core.errors import DeskError
    from deskui.core.retry import DatabaseBusy

    services = open_desk(url)
    acks = Acks(ack)
    reads = errors = refusals = 0
    marker = 0
    seen_markers: list[int] = []
    while not os.path.exists(stop):
        try:
            services.calls.list(limit=1)
            new_marker, _changed = services.tickets.changes_since(marker)
            marker = max(marker, new_marker)
            seen_markers.append(services.tickets.last_change_marker())
            services.tickets.queue("open", limit=20)
            services.calls.search("漏水", limit=5)
            services.dutylog.head()
            reads += 6
        except DatabaseBusy as exc:
            errors += 1
            acks.put(error="busy", message=exc.message)
        except DeskError as exc:
            refusals += 1
            acks.put(refused=type(exc).__name__, message=exc.message)
        except Exception as exc:
            errors += 1
            acks.put(error=type(exc).__name__, message=str(exc)[:500], tb=traceback.format_exc()[-2000:])
        time.sleep(0.01)
    monotonic = all(a <= b for a, b in itertools.pairwise(seen_markers))
    acks.put(done=reads, errors=errors, refusals=refusals, markers_monotonic=monotonic)
    services.close()


def run_forkserver(url: str) -> None:
    """The crash test's terminal factory: imports once, then for each line "SEED ACKFILE" on stdin forks a writer
    that opens its own connection and writes until killed, and answers its pid. Forked (not spawned) so that a
    new terminal is writing within milliseconds and 200 kills take seconds, not minutes."""
    import deskui.services.container  # noqa: F401 - the imports a writer needs, done once before forking
    from deskui.services.calls import CallInput  # noqa: F401
    from deskui.services.tickets import TicketInput  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "reap" and len(parts) > 1:
            # "reap PID": wait for that writer and say how it ended ("killed" by SIGKILL, or "exited CODE").
            _, status = os.waitpid(int(parts[1]), 0)
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            print("killed" if killed else f"exited {os.waitstatus_to_exitcode(status)}", flush=True)
            continue
        if parts[0] == "reap":
            while True:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
            print("ok", flush=True)
            continue
        seed, ack = int(parts[0]), parts[1]
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                services = open_desk(url)
                writer = Writer(services, seed, seed, Acks(ack), ops=("call", "ticket", "dispatch", "close", "dutylog"))
                Acks(ack).put(ready=seed)
                while True:
                    writer.one()
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        print(pid, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="role", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--db", required=True)
    w = sub.add_parser("writer")
    w.add_argument("--db", required=True)
    w.add_argument("--proc", type=int, required=True)
    w.add_argument("--ops", type=int, required=True)
    w.add_argument("--seed", type=int, required=True)
    w.add_argument("--ack", required=True)
    w.add_argument("--start-at", type=float, default=0.0)
    w.add_argument("--stop", default="")
    w.add_argument("--only", default="")
    r = sub.add_parser("reader")
    r.add_argument("--db", required=True)
    r.add_argument("--stop", required=True)
    r.add_argument("--ack", required=True)
    f = sub.add_parser("forkserver")
    f.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    from deskui.core.i18n import set_language

    set_language("en")
    if args.role == "prepare":
        prepare(args.db)
    elif args.role == "writer":
        run_writer(args.db, args.proc, args.ops, args.seed, args.ack, args.start_at, args.stop, args.only)
    elif args.role == "reader":
        run_reader(args.db, args.stop, args.ack)
    else:
        run_forkserver(args.db)


if __name__ == "__main__":
    main()
