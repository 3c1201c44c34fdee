"""A stateful model test (hypothesis RuleBasedStateMachine) over calls, tickets, the handover and the duty log.

Random sequences of desk work by different people with the clock moving; after every step:
- every call is one row, and a saved call never changes (a correction is a new row pointing at it);
- no duty-log entry and no ticket event ever changes once written, and the chain verifies;
- each ticket's stored row equals the replay of its events (services/tickets_replay.py), so its status and its
  target deadlines are what the events say; refused actions write nothing;
- the handover in progress holds exactly the counts the model recorded.
DESKUI_STATEFUL_EXAMPLES runs (default 60) of up to 30 steps.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from pathlib import Path
from typing import Any

import argon2
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

import deskui.services.operators as operators_module
from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.core.errors import DeskError
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput
from deskui.services.tickets import TicketInput
from tests.reliability import checks
from tests.reliability.conftest import size

WORDS = st.sampled_from(
    ["漏水", "电梯异响", "[bold]噪音[/]", "停电 3栋", "Noise at night", "门禁坏了", "e\u0301 👨‍👩‍👧"]
)
CATEGORIES = st.sampled_from(["repair", "complaint", "inquiry", "help"])
UNITS = st.sampled_from(["3-2-1201", "3-2-1202", "5-1-302"])
PEOPLE = st.sampled_from(["wang", "li", "chen"])
ACTIONS = st.sampled_from(["dispatch", "note", "start", "done", "callback", "close", "cancel", "reopen", "wait"])


class Desk(RuleBasedStateMachine):
    tickets = Bundle("tickets")
    calls = Bundle("calls")
    entries = Bundle("entries")

    workdir: Path
    template: Path

    @initialize()
    def open_desk(self) -> None:
        from deskui.services import open_services

        self.path = self.workdir / f"desk-{uuid.uuid4().hex}.db"
        shutil.copy2(self.template, self.path)
        self.clock = FrozenClock()
        self.svc = open_services(load_settings(database_url=str(self.path), language="en", environ={}), self.clock)
        ops = self.svc.operators
        self.people = {
            "wang": ops.by_name("王芳"),
            "li": ops.by_name("李强"),
            "chen": ops.by_name("陈静"),
        }
        self.model_calls: dict[int, str] = {}
        self.events_seen: dict[int, tuple[Any, ...]] = {}
        self.log_seen: dict[int, tuple[Any, ...]] = {}
        self.handover: int | None = None
        self.counts: dict[str, int] = {}

    def teardown(self) -> None:
        svc = getattr(self, "svc", None)
        if svc is not None:
            svc.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # --- rules ------------------------------------------------------------------------------------------------

    @rule(target=calls, content=WORDS, category=CATEGORIES, unit=UNITS, who=PEOPLE)
    def log_call(self, content: str, category: str, unit: str, who: str) -> int:
        call = self.svc.calls.record(
            CallInput(content=content, category=category, unit=unit, phone="13800138000"), operator=self.people[who]
        )
        self.model_calls[call.id] = content
        return call.id

    @rule(call=calls, content=WORDS)
    def correct_call(self, call: int, content: str) -> None:
        current = self.svc.calls.current(call)
        try:
            newer = self.svc.calls.amend(
                current.id,
                CallInput(content=content, category=current.category, unit=current.unit, phone=current.phone),
                operator=self.people["wang"],
            )
        except DeskError:
            return  # "nothing was changed"
        self.model_calls[newer.id] = content
        assert newer.amends_id == current.id

    @rule(target=tickets, call=calls, kind=st.sampled_from(["repair", "complaint", "inquiry"]))
    def open_ticket(self, call: int, kind: str) -> str:
        try:
            x = self.svc.tickets.open_from_call(
                call, kind=kind, severity="minor" if kind == "complaint" else None, operator=self.people["wang"]
            )
        except DeskError:
            x = self.svc.tickets.create(TicketInput(kind="inquiry", unit="3-2-1201", description="desk"), operator=None)
        return x.number

    @rule(number=tickets, action=ACTIONS, who=PEOPLE, words=WORDS)
    def act(self, number: str, action: str, who: str, words: str) -> None:
        t = self.svc.tickets
        person = self.people[who]
        before = self.snapshot_tables()
        x = t.get(number)
        v = x.version
        calls = {
            "dispatch": lambda: t.dispatch(number, v, "maintenance", operator=person),
            "note": lambda: t.note(number, v, words, operator=person),
            "start": lambda: t.start(number, v, operator=person),
            "done": lambda: t.mark_done(number, v, operator=person),
            "callback": lambda: t.callback(number, v, "reached", satisfaction=5, operator=person),
            "close": lambda: t.close(number, v, reason=words, operator=person),
            "cancel": lambda: t.cancel(number, v, words, operator=person),
            "reopen": lambda: t.reopen(number, v, words, operator=person),
            "wait": lambda: t.wait(number, v, "resident", operator=person),
        }
        try:
            after = calls[action]()
        except DeskError as exc:
            assert exc.message
            assert self.snapshot_tables() == before, f"{action} by {who} was refused but wrote something"
            return
        assert after.version > v

    @rule(target=entries, words=WORDS, who=PEOPLE)
    def write_log(self, words: str, who: str) -> int:
        return self.svc.dutylog.add(words, operator=self.people[who]).id

    @rule(entry=entries, words=WORDS)
    def amend_log(self, entry: int, words: str) -> None:
        with contextlib.suppress(DeskError):
            self.svc.dutylog.amend(entry, words, operator=self.people["wang"], reason="更正")

    @rule()
    def start_handover(self) -> None:
        if self.handover is not None:
            return
        try:
            self.handover = self.svc.handover.start(self.people["li"]).id
        except DeskError:
            return
        self.counts = {}

    @rule(n=st.integers(-1, 12), item=st.sampled_from(["walkie_talkie", "master_key", "umbrella"]))
    def count(self, n: int, item: str) -> None:
        if self.handover is None:
            return
        try:
            self.svc.handover.record_count(
                self.handover, item, n, operator=self.people["wang"], explanation="借出", holder="保安"
            )
        except DeskError:
            return
        self.counts[item] = n

    @rule(minutes=st.integers(1, 600))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    # --- invariants -------------------------------------------------------------------------------------------

    def snapshot_tables(self) -> tuple[int, ...]:
        with self.svc.db.read() as s:
            return tuple(
                int(s.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() or 0)
                for name in ("call", "ticket", "ticketevent", "ticketcall", "dutylog")
            )

    @invariant()
    def calls_are_one_row_each_and_never_change(self) -> None:
        if not hasattr(self, "svc"):
            return
        with self.svc.db.read() as s:
            rows = dict(s.execute(text('SELECT id, content FROM "call"')).all())
        assert rows == self.model_calls

    @invariant()
    def history_never_changes(self) -> None:
        if not hasattr(self, "svc"):
            return
        with self.svc.db.read() as s:
            events = {
                r[0]: tuple(r[1:])
                for r in s.execute(text("SELECT id, ticket_id, seq, kind, note, data FROM ticketevent"))
            }
            log = {r[0]: tuple(r[1:]) for r in s.execute(text("SELECT id, seq, text, hash FROM dutylog"))}
        for store, seen in ((events, self.events_seen), (log, self.log_seen)):
            assert {k: store.get(k) for k in seen} == seen, "a written event or log entry changed"
            seen.update(store)
        assert verify_log(self.svc.dutylog).intact

    @invariant()
    def tickets_are_the_replay_of_their_events(self) -> None:
        if not hasattr(self, "svc"):
            return
        assert checks.tickets_replay(self.svc) == []

    @invariant()
    def handover_holds_the_model_counts(self) -> None:
        if getattr(self, "handover", None) is None:
            return
        state = self.svc.handover.state(self.handover)
        counted = {e.key: e.counted for e in state.counts if e.counted is not None}
        assert counted == self.counts


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated desk with the operators and units, made once (cheap PIN hashes: nobody signs in here)."""
    from deskui.core.i18n import set_language
    from deskui.services import open_services
    from tests.functional.conftest import seed_desk

    set_language("en")
    original = operators_module.PasswordHasher
    operators_module.PasswordHasher = lambda: argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # type: ignore[assignment,misc]
    try:
        path = tmp_path_factory.mktemp("stateful") / "template.db"
        services = seed_desk(
            open_services(load_settings(database_url=str(path), language="en", environ={}), FrozenClock())
        )
        services.close()
    finally:
        operators_module.PasswordHasher = original  # type: ignore[misc]
    return path


@pytest.mark.slow
@pytest.mark.load
def test_desk_state_machine(template: Path, tmp_path: Path) -> None:
    Desk.workdir = tmp_path
    Desk.template = template
    run_state_machine_as_test(
        Desk,
        settings=settings(
            max_examples=size("DESKUI_STATEFUL_EXAMPLES", 60),
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ),
    )
