"""A whole day at the desk on a real terminal (issue 10, "The day itself becomes a test").

The real deskui runs on a pty (120x40 or 80x24) beside two CPU hogs and is typed at as a person types: key by key with
20–120 ms gaps, or a whole step in one write (`burst`, what a fast typist or a laggy machine delivers). It plays:

- the night shift (李强 2222): three calls — an urgent help request (a person trapped in the lift), a repair the
  night cannot fix, a noise complaint — a duty-log entry, two keys lent;
- the morning handover (李强 → 王芳 1111): counts (one walkie-talkie short, with the reason), keys, open items,
  night calls, checks, both signatures;
- the receptionist's morning (王芳): a repeat caller, a walk-in, a repair call with a visit time and Ctrl+T, a
  complaint and Ctrl+T (new tickets, never attached to the unit's old one), dispatch, done, callback, close, a late
  callback, a correction (Ctrl+R), a search for one unit in two spellings;
- the supervisor (陈静 3333) signing the review, note first;

pressing F9 on every screen on the way, sign-in and lock included. At the end the database is read only through
the CLI's JSON, and every call, ticket, log entry, key loan and count must hold exactly what was typed.

Every check names the defect of issue 10 it guards (`defect=N`). Failures are gathered, so one run shows every broken
step with the screen it saw; a crash (defect 1) restarts the program and the day goes on.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskui.core.config import LANGUAGES
from deskui.core.i18n import catalog
from deskui.services.tickets import RULES
from tests.e2e.harness import (
    DOWN,
    ENTER,
    ESC,
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
    F7,
    F9,
    SHIFT_TAB,
    SPACE,
    TAB,
    UP,
    WAIT_SECONDS,
    Clock,
    Desk,
    Gone,
    Key,
    Keys,
    Typing,
    cli_batch,
    cli_json,
    ctrl,
)

pytestmark = [pytest.mark.load, pytest.mark.slow, pytest.mark.sqlite_only]

# Defects of issue 10 not fixed in this tree yet: their checks may fail (the test then reports them as an expected
# failure, with the screens). Remove a number as soon as its fix lands; from then on its checks must pass.
OPEN_DEFECTS: set[int] = set()

# The desk's clock, UTC (the site is Asia/Shanghai, UTC+8, winter hours: night 17:30–08:30).
NIGHT = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # 02:00
HANDOVER = datetime(2026, 11, 23, 0, 20, tzinfo=UTC)  # 08:20, the incoming five minutes late
MORNING = datetime(2026, 11, 23, 0, 45, tzinfo=UTC)  # 08:45
REVIEW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00
NIGHT_DATE = "2026-11-22"
OPERATORS = ("王芳", "李强", "陈静", "刘伟")  # the sign-in list's order
END = Key(b"\x1b[F")
CTRL_U = ctrl("u")


@dataclass(frozen=True)
class CallTyped:
    """A call as typed into the form (and so as it must be stored)."""

    phone: str
    caller: str
    unit: str
    category: str
    hotkey: str
    content: str
    visit_time: str = ""
    urgent: bool = False
    channel: str = "phone"

    def keys(self, *, known: bool = False) -> list[str | Key]:
        """From the phone field: a known phone is followed by Enter (caller and unit fill themselves)."""
        keys: list[str | Key] = []
        if self.channel == "walk_in":
            keys += [SHIFT_TAB, "w"]  # back to the channel, W, on to the phone
        if known:
            keys += [self.phone, ENTER, self.hotkey, self.content]
        else:
            keys += [self.phone, TAB, self.caller, TAB, self.unit, TAB, self.hotkey, self.content]
        if self.visit_time:
            keys += [TAB, self.visit_time]
        if self.urgent:
            keys += [ctrl("b")]
        return keys


LIFT = CallTyped("13912345678", "张先生", "3栋电梯", "help", "h", "3栋电梯困人，一名老人被困轿厢", urgent=True)
LEAK = CallTyped("13700001111", "刘女士", "2-1-1502", "repair", "r", "卫生间水管漏水，已关总阀", "明早9点前")
NOISE = CallTyped("13600002222", "赵先生", "1-1-1501", "complaint", "c", "楼上深夜装修电钻噪音")
AGAIN = CallTyped("13700001111", "刘女士", "2-1-1502", "repair", "r", "又来电催修：卫生间还在漏水")
WALK_IN = CallTyped("", "王阿姨", "3-2-1201", "inquiry", "i", "咨询装修押金什么时候退还", channel="walk_in")
KITCHEN = CallTyped("15391058337", "姚晓东", "3-1-502", "repair", "r", "厨房水管又漏水，橱柜下面全湿", "今天下午3点")
NOISE2 = CallTyped("13600002222", "赵先生", "1-1-1501", "complaint", "c", "又投诉：楼上半夜电钻噪音")
CORRECTION = "（已告知需物业验收后退还）"
LOG_ENTRY = "02:30 3栋电梯困人，已通知电梯公司，02:50 解困，老人无恙"
# Keys of the demo's key inventory (a desk that keeps one lends only the keys it holds): its gate booth and B2 plant
# room keys, both lent at night; with K-07, lent the evening before, three keys are out at the morning handover.
KEY_LOANS = (("K-01 东门岗亭", "保安老王", "夜间巡逻"), ("K-12 B2设备间", "电工小刘", "更换机房照明"))
COUNT_REASON, COUNT_HOLDER = "一台借给保安老王巡逻", "保安老王"
REVIEW_NOTE = "夜班电梯困人处理及时，已阅"
LATE_COMMENT = "噪音问题已解决"


class Restarted(Exception):
    """The program died and was started again: the step that was running is over."""


@dataclass
class Finding:
    defect: int | None
    what: str
    screen: str = ""

    def __str__(self) -> str:
        head = f"[defect {self.defect}] " if self.defect else "[no defect named] "
        return head + self.what + (f"\n--- screen ---\n{self.screen}\n--------------" if self.screen else "")


@dataclass
class Day:
    desk: Desk
    db: Path
    clock: Clock
    ui: str  # the language on screen now
    findings: list[Finding] = field(default_factory=list)
    screens: dict[str, str] = field(default_factory=dict)
    saved: dict[str, int] = field(default_factory=dict)  # call name → id
    tickets: dict[str, str] = field(default_factory=dict)  # what → ticket number
    operator: tuple[str, str] | None = None  # who is signed in (name, PIN)
    timings: dict[str, float] = field(default_factory=dict)

    # --- language ---------------------------------------------------------------------------------------------

    def tr(self, msgid: str, lang: str | None = None, **params: object) -> str:
        lang = lang or self.ui
        text = catalog(lang).get(msgid, msgid) if lang != "en" else msgid
        return text.format(**params) if params else text

    def part(self, msgid: str, **params: object) -> str:
        """The translated text up to the first parameter not given."""
        names = re.findall(r"{(\w+)}", msgid)
        return self.tr(msgid, **{n: params.get(n, "\0") for n in names}).split("\0")[0]

    @property
    def other(self) -> str:
        """The language F9 switches to from the one shown: the next of the cycle zh-CN → zh-HK → zh-TW → en."""
        return LANGUAGES[(LANGUAGES.index(self.ui) + 1) % len(LANGUAGES)]

    def note(self, defect: int | None, what: str, screen: str | None = None) -> None:
        self.findings.append(Finding(defect, what, self.desk.text() if screen is None else screen))

    def check(self, ok: bool, defect: int | None, what: str, screen: str | None = None) -> bool:
        if not ok:
            self.note(defect, what, screen)
        return ok

    # --- steps ------------------------------------------------------------------------------------------------

    def wait(self, *texts: str, timeout: float = WAIT_SECONDS) -> str:
        return self.desk.wait(*texts, timeout=timeout)

    def soft_wait(self, defect: int | None, what: str, *texts: str, timeout: float = 60.0) -> bool:
        """Wait for the texts; when they do not come, note the defect and go on."""
        try:
            self.desk.wait(*texts, timeout=timeout)
        except Gone:
            raise
        except AssertionError:
            self.note(defect, what)
            return False
        return True

    def f9(
        self, marker: str, defect: int | None = None, back: Keys = (), *, soft: bool = False, **params: object
    ) -> None:
        """F9 round the cycle on this screen: the screen's text in each language in turn, then back in its own.

        When F9 ends the program, that is noted, the program is started again, the operator signs in again and
        `back` (keys from the home screen) leads back to this screen, so the day goes on."""
        screen = self.desk.text()
        shown = [lang for lang in LANGUAGES if self.tr(marker, lang, **params) in screen]
        if len(shown) == 1:  # the screen's own text says which language it is in
            self.ui = shown[0]
            self.desk.log.append(f"  ui := {shown[0]} (self.ui)")
        for _ in LANGUAGES:
            target = self.other
            expected = self.tr(marker, target, **params)
            before = self.tr(marker, self.ui, **params)
            self.desk.send([F9], mode="gaps")
            try:
                # The marker in the new language shown and the old one gone: a marker word can also stand somewhere
                # else on the screen ("Keys" in the report under the help), and seeing it there before F9 has been
                # handled put the day one language switch out of step with the program.
                self.desk.wait(expected, timeout=15 if soft else 30)
                if before not in expected:
                    self.desk.wait(before, gone=True, timeout=15 if soft else 30)
            except Gone:
                # defect 1 (F9 ends the program); on the handover views the cause is another one: a view replaced
                # by the next one stays in desk_screens and its language_changed queries widgets it no longer has.
                self.note(1, f"F9 on the screen showing {marker!r} ended the program", self.desk.crash_output())
                self.restart()
                if self.operator is None:
                    raise Restarted from None
                self.sign_in(*self.operator)
                self.desk.send(back, mode="gaps")
                self.wait(self.tr(marker, **params))
                return
            except AssertionError:
                if not soft:
                    raise
                self.note(None, f"F9 on the screen showing {marker!r} did not change the language")
                return
            self.ui = target
            self.desk.log.append(f"  ui := {target} (self.ui)")

    def restart(self) -> None:
        self.desk.close()
        self.desk.lang = self.ui
        self.desk.start()
        self.desk.wait("李强")
        self.sync_ui()
        self.wait(self.tr("Sign in"), "李强")

    def sync_ui(self) -> None:
        """Read the language off the screen (after a restart or a sign-in, where the program may choose it)."""
        screen = self.desk.text()
        # The language believed first: zh-HK and zh-TW share most words, and the screen cannot tell them apart there.
        for lang in sorted(LANGUAGES, key=lambda lang: lang != self.ui):
            markers = (f"F3 {self.tr('Calls', lang)}", self.tr("Sign in", lang), self.tr("Screen locked", lang))
            if any(m in screen for m in markers):
                self.ui = lang
                self.desk.log.append(f"  ui := {lang} (self.ui)")
                return

    def sign_in(self, name: str, pin: str, *, current: str = "王芳", lock: bool = False) -> None:
        """Pick `name` in the list (which starts on `current`), type the PIN."""
        self.wait(self.tr("Screen locked" if lock else "Sign in"), name)
        moves = OPERATORS.index(name) - OPERATORS.index(current)
        self.desk.send([DOWN if moves > 0 else UP] * abs(moves) + [pin, ENTER])
        self.wait(f"{name} · ")
        self.sync_ui()
        self.operator = (name, pin)

    def lock_and_sign_in(self, name: str, pin: str, current: str, at: datetime | None = None) -> None:
        """Ctrl+L (or the idle lock, after the clock jumped) and the next person signs in; F9 on the lock screen."""
        if at is not None:
            self.clock.set(at)
        self.desk.send([ctrl("l")], mode="gaps")
        self.wait(self.tr("Screen locked"), current)
        self.operator = None
        try:
            self.f9("Screen locked", defect=1)
        except Restarted:
            self.sign_in(name, pin, current="王芳")
            return
        self.sign_in(name, pin, current=current, lock=True)

    def section(self, key: Key, *msgids: str) -> str:
        """A section key; waits for the header, reads the language off it, then waits for the screen's texts."""
        self.desk.send([key], mode="gaps")
        calls = "|".join(sorted({re.escape(self.tr("Calls", lang)) for lang in LANGUAGES}))
        self.desk.wait_re(f"F3 ({calls})")
        self.sync_ui()
        return self.wait(*(self.tr(m) for m in msgids))

    @property
    def flip(self) -> str:
        """The other way of typing: each variant types some of its heavy steps key by key, some in one burst."""
        return "gaps" if self.desk.typing.mode == "burst" else "burst"

    def save_call(self, name: str, call: CallTyped, keys: Keys, *, mode: str | None = None) -> int | None:
        """Type a call (ending with Ctrl+S), read it back, Enter; returns the saved call's id."""
        self.desk.send([*keys, ctrl("s")], mode=mode)
        if not self.soft_wait(3, f"call {name}: the read-back never came", self.tr("Read back to the caller")):
            self.desk.send([ctrl("n")], mode="gaps")  # start over, key by key with time between the fields
            return None
        self.screens[f"readback {name}"] = self.desk.text()
        self.desk.send([ENTER], mode="gaps")
        self.saved[name] = self.new_call_id()
        self.wait(self.tr("New call"))
        return self.saved[name]

    def new_call_id(self) -> int:
        """The id in the "Saved call #N" message, once it names a call newer than any saved before."""
        pattern = re.escape(self.tr("Saved call #{id}", id="@@")).replace("@@", r"(\d+)")
        last = max(self.saved.values(), default=0)
        found = self.desk.wait_re(pattern, accept=lambda m: int(m.group(1)) > last)
        return int(found.group(1))

    # --- the night --------------------------------------------------------------------------------------------

    def night(self) -> None:
        self.clock.set(NIGHT)
        self.wait(self.tr("Sign in"), "李强")
        with contextlib.suppress(Restarted):
            self.f9("Sign in", defect=1)  # defect 1: F9 on the sign-in screen crashed
        self.sign_in("李强", "2222")
        self.wait(f"F3 {self.tr('Calls')}")
        self.f9("Hello, {name}. Choose a section with its key, or Ctrl+P for every command.", name="李强")
        self.section(F3, "New call")
        # defect 3: right after F9 on the Calls screen the first digits vanished and Tab went to Time, not Phone.
        ui_before = self.ui
        self.desk.send([F9, *LIFT.keys()])
        self.ui = self.other
        self.wait(self.tr("New call"))
        if self.ui != ui_before:
            self.check(LIFT.content in self.desk.wait(LIFT.content), 3, "F9 then the call: the content is not shown")
        self.save_call("lift", LIFT, [])
        # defect 9: an urgent help request opens its ticket when saved, and every screen says so until it is taken.
        self.screens["calls after the urgent call"] = self.desk.text()
        self.screens["home after the urgent call"] = self.section(F2, "Calls")
        self.section(F3, "New call")
        self.save_call("leak", LEAK, LEAK.keys())
        self.save_call("noise", NOISE, NOISE.keys(), mode=self.flip)
        # The duty log and the key log (Handover section, views L and K).
        self.section(F5, "Key log")
        self.screens["handover at night"] = self.desk.text()
        self.desk.send(["l"], mode="gaps")
        self.wait(self.tr("Duty log"), NIGHT_DATE)
        self.f9("Duty log", back=[F5, "l"])
        entries = re.escape(self.part("Log entries: {entries} · calls: {calls} · ticket events: {events}")) + r"(\d+)"
        before = int(self.desk.wait_re(entries).group(1))
        self.desk.send(["a", LOG_ENTRY, ctrl("s")])
        self.desk.wait_re(entries, accept=lambda m: int(m.group(1)) == before + 1)  # the text: see the CLI check
        self.desk.send(["k"], mode="gaps")
        self.wait(self.tr("Keys out"))
        self.f9("Keys out", back=[F5, "k"])
        (tag1, who1, why1), (tag2, who2, why2) = KEY_LOANS
        # defect 3: `K-01 东门岗亭 ⇥ 保安老王 ⇥ ⇥ 夜间巡逻` ended up all in Purpose, or split across Borrower and Due back.
        self.desk.send(["n", tag1, TAB, who1, TAB, TAB, why1, ENTER])
        self.soft_wait(
            3,
            "key K-01: not lent as typed",
            self.part("Key {tag} lent to {borrower}, due back {when}", tag=tag1, borrower=who1),
        )
        # defect 3: the space in `K-12 B2设备间` was lost.
        self.desk.send(["n", tag2, TAB, who2, TAB, TAB, why2, ENTER], mode=self.flip)
        self.soft_wait(
            3,
            "key K-12: not lent as typed",
            self.part("Key {tag} lent to {borrower}, due back {when}", tag=tag2, borrower=who2),
        )

    # --- the morning handover ---------------------------------------------------------------------------------

    def handover(self) -> None:
        self.lock_and_sign_in("李强", "2222", current="李强", at=HANDOVER)
        self.desk.send(["c"], mode="gaps")  # back to the checklist
        self.wait(self.tr("Equipment count"))
        self.f9("Equipment count", back=[F5, "c"])
        self.desk.send(["b"], mode="gaps")
        self.wait("李强 → ?")
        self.desk.send(["j"], mode="gaps")
        self.wait(self.tr("Incoming arrives"))
        self.desk.send([ENTER, "1111", ENTER])
        self.wait("李强 → 王芳")
        # 1 count: the walkie-talkie one short, why and who has it (defect 3: the reason went into the count),
        # then the other four typed ahead, one form after the other.
        self.desk.send(["1", "e", "3", TAB, COUNT_REASON, TAB, COUNT_HOLDER, ENTER])
        self.soft_wait(3, "count form: the count, reason and holder are not shown", COUNT_REASON[:6])
        self.close_form()
        self.screens["after the walkie-talkie count"] = self.desk.text()
        # The rows after the five items: the keys on their hooks, which the key inventory makes (held minus out).
        later: list[str | Key] = []
        for count in self.handover_state()["counts"][5:]:
            later += [DOWN, "e", str(count["expected"]), ENTER]
        self.desk.send(
            [DOWN, "e", "2", ENTER, DOWN, "e", "2", ENTER, DOWN, "e", "1", ENTER, DOWN, "e", "1", ENTER, *later]
        )
        if not self.step_done(1):
            counts = self.handover_state()["counts"]
            for index, count in enumerate(counts):
                if count["counted"] is None:
                    self.note(3, f"a count typed ahead was lost: {count['label']}")
                    keys = ["1", *[UP] * len(counts), *[DOWN] * index, "e", str(count["expected"]), ENTER]
                    self.desk.send(keys, mode="gaps")
                    self.close_form()
        # 2 keys out: the incoming acknowledges each.
        keys_out = self.handover_state()["keys"]
        self.desk.send(["2"] + ["a", DOWN] * len(keys_out))
        self.acknowledge_missed(2, "keys")
        # 3 open items: a note from the outgoing on each, acknowledged by the incoming.
        self.desk.send(["3"], mode="gaps")
        items = self.handover_state()["items"]
        # defect 13: the step list said `待办事项 (4)` over 3 rows.
        shown = re.search(r"(?m)^ 3 [^(▕\n]*\((\d+)\)", self.desk.text())
        self.check(
            shown is not None and int(shown.group(1)) == len(items),
            13,
            f"the step list's open-item count is {shown and shown.group(1)} for {len(items)} rows",
        )
        for n, _item in enumerate(items, 1):
            self.desk.send(["n", f"交班说明{n}", ctrl("s")])
            # The form gone is the signal that the note was saved: its text shows in the form's own field before
            # that, and an Esc sent to a form still saving would reach the checklist after it.
            self.soft_wait(3, f"open item {n}: the note was not typed", f"交班说明{n}")  # in the form, or saved
            self.form_gone(3, f"open item {n}: the note form did not close")
            self.soft_wait(3, f"open item {n}: the note is not shown", f"交班说明{n}")
            self.close_form()
            self.desk.send(["a", DOWN], mode="gaps")
        self.acknowledge_missed(3, "items")
        # 4 night calls: each becomes a ticket (a complaint asks its severity: minor).
        self.desk.send(["4"], mode="gaps")
        calls = self.handover_state()["night_calls"]
        keys: list[str | Key] = []
        for night_call in calls:
            keys += ["t", "n"] if night_call["call"]["category"] == "complaint" else ["t"]
            keys += [DOWN]
        self.desk.send(keys, mode="gaps")
        if not self.step_done(4):
            self.close_form()
            calls = self.handover_state()["night_calls"]
            for index, night_call in enumerate(calls):
                if not night_call["disposition"]:
                    self.note(3, f"the decision typed for night call #{night_call['call']['id']} was lost")
                    keys = ["4", *[UP] * len(calls), *[DOWN] * index, "t"]
                    keys += ["n"] if night_call["call"]["category"] == "complaint" else []
                    self.desk.send(keys, mode="gaps")
                    self.close_form()
        # 5 checks, 6 signatures.
        self.desk.send(["5", SPACE, DOWN, SPACE, DOWN, SPACE], mode="gaps")
        self.clear_blockers()
        self.desk.send(["6", "s"], mode="gaps")
        self.wait(self.tr("PIN"))
        self.desk.send(["2222", ENTER])
        self.wait(self.tr("Signed by: {names}", names="李强"))
        self.desk.send(["s"], mode="gaps")
        self.wait(self.tr("PIN"))
        self.desk.send(["1111", ENTER])
        self.soft_wait(None, "the handover was not signed", self.tr("Handover signed by both and locked"))
        self.screens["handover signed"] = self.desk.text()
        # defect 13: after signing, the screen offered to hand over the shift just handed over.
        offer = self.tr("B begins the handover: {shift} {day}.", shift=self.tr("Night shift"), day=NIGHT_DATE)
        self.check(offer not in self.desk.text(), 13, "after signing, the screen offers the same night shift again")

    def form_gone(self, defect: int | None, what: str) -> bool:
        """Wait until no form is shown (a save has finished); when one stays, note the defect and go on."""
        try:
            self.desk.wait(self.tr("Ctrl+S: save · Esc: cancel"), gone=True, timeout=60)
        except Gone:
            raise
        except AssertionError:
            self.note(defect, what)
            return False
        return True

    def close_form(self) -> None:
        """Esc on a form left open (a refusal, or keys that went astray), until it is gone."""
        hint = self.tr("Ctrl+S: save · Esc: cancel")
        if hint in self.desk.text():
            self.desk.send([ESC], mode="gaps")
            self.desk.wait(hint, gone=True)

    def clear_blockers(self) -> None:
        """What still stands before the sign-off because typed keys went astray (defect 3), done key by key."""
        steps = {"equipment": (1, "counts", "key"), "keys": (2, "keys", "id"), "items": (3, "items", "id")}
        steps |= {"night_calls": (4, "night_calls", None), "checks": (5, "checks", "key")}
        touched: set[int] = set()
        for _ in range(3):
            self.close_form()
            state = self.handover_state()
            blockers = [b for b in state["blockers"] if b["step"] in steps]
            if not blockers:
                return
            for blocker in blockers:
                self.note(3, f"still open before the sign-off: {blocker['message']}")
                number, name, key = steps[blocker["step"]]
                rows = state[name]
                index = next(
                    (
                        i
                        for i, row in enumerate(rows)
                        if (row[key] if key else f"{row['call']['id']}") == blocker["item"]
                        or (key is None and str(row["call"]["id"]) in str(blocker["item"]))
                    ),
                    0,
                )
                row = rows[index]
                keys: list[str | Key] = [str(number), *[UP] * len(rows), *[DOWN] * index]
                if name == "counts":
                    keys += ["e", str(row["expected"]), ENTER]
                elif name in ("keys", "items") and row.get("important") and not row.get("note"):
                    keys += ["n", "交班说明", ctrl("s")]
                elif name in ("keys", "items"):
                    keys += ["a"]
                elif name == "night_calls":
                    keys += ["t", "n"] if row["call"]["category"] == "complaint" else ["t"]
                else:
                    keys += [SPACE]
                self.desk.send(keys, mode="gaps")
                self.desk.wait(self.tr("Ctrl+S: save · Esc: cancel"), gone=True)  # a form it opened has saved
                touched.add(number)
            for number in sorted(touched):
                self.step_done(number)  # the step list's tick: the background writes are in

    def step_done(self, step: int) -> bool:
        """The step list ticks a step once everything in it is done: the screen's signal that the typing landed."""
        try:
            self.desk.wait_re(rf"(?m)^ {step} [^▕\n]*✓", timeout=60)
        except Gone:
            raise
        except AssertionError:
            return False
        return True

    def acknowledge_missed(self, step: int, what: str) -> None:
        """Acknowledge, key by key, what the typing did not (defect 3: keys lost), found through the CLI."""
        if self.step_done(step):
            return
        self.close_form()
        rows = self.handover_state()[what]
        for index, row in enumerate(rows):
            if not row["acknowledged_by"]:
                self.note(3, f"handover step {step}: the acknowledgement typed for row {index + 1} was lost")
                self.desk.send([str(step), *[UP] * len(rows), *[DOWN] * index, "a"], mode="gaps")
        self.step_done(step)

    def handover_state(self) -> dict[str, Any]:
        state = cli_json(self.db, self.clock, "handover", "show", "--format", "json")
        assert isinstance(state, dict)
        return state

    # --- the receptionist's morning ---------------------------------------------------------------------------

    def morning(self) -> None:
        self.lock_and_sign_in("王芳", "1111", current="李强", at=MORNING)
        self.section(F4, "Number")
        self.f9("Number", back=[F4])
        # defect 3: right after F3 from F4, phone + Enter + r + content all went into the phone field.
        self.desk.send([F3, *AGAIN.keys(known=True), ctrl("s")])
        if self.soft_wait(3, "repeat caller typed after F3: no read-back", self.tr("Read back to the caller")):
            # defect 7: the warning counted one matter too many (the night's call and its ticket are one matter).
            screen = self.desk.text()
            count = re.search(r"already has (\d+)|已有 (\d+) [条條]", screen)
            if self.desk.size[1] >= 40:  # in 24 rows the read-back box is cut before its warning
                self.check(
                    count is not None and "1" in count.groups(), 7, "the duplicate warning does not say 1 repair"
                )
            self.desk.send([ENTER], mode="gaps")
            self.saved["again"] = self.new_call_id()
        self.wait(self.tr("New call"))
        self.f9("New call", back=[F3])
        self.save_call("walk-in", WALK_IN, WALK_IN.keys(), mode=self.flip)
        # A repair with a visit time, Ctrl+T: a new ticket (defect 2), with the visit time on it (defect 5).
        self.ticket_from_call("kitchen", KITCHEN, ["r", "l", ENTER])
        self.ticket_from_call("noise again", NOISE2, ["n", ENTER])
        # Dispatch, done, callback, close on the new repair ticket.
        number = self.tickets.get("kitchen")
        if number:
            self.open_ticket(number)
            self.act("d", [ENTER], "dispatch")
            self.desk.send([ESC], mode="gaps")
            self.wait(self.tr("Number"))
        # defect 6: a callback done hours after its due time is late, not met.
        self.open_ticket("TS-20261120-0001")
        self.act("c", ["r", "4", LATE_COMMENT, ENTER], "callback")
        self.screens["late callback"] = self.desk.text()
        self.act("x", [ENTER], "close")
        self.desk.send([ESC], mode="gaps")
        self.wait(self.tr("Number"))
        self.correction_and_search()

    def ticket_from_call(self, name: str, call: CallTyped, ticket_keys: Keys) -> None:
        self.section(F3, "New call")
        call_id = self.save_call(name, call, call.keys(known=True))
        if call_id is None:
            return
        self.desk.send([ctrl("t")], mode="gaps")
        self.wait(self.tr("Ticket from call #{id}", id=call_id))
        self.desk.send(ticket_keys)
        opened = re.escape(self.tr("Opened ticket {number}", number="@@")).replace("@@", r"([A-Z]{2}-\d{8}-\d{4})")
        attached = re.escape(self.tr("Call #{id} attached to {number}", id=call_id, number="@@")).replace("@@", ".*")
        found = self.desk.wait_re(f"{opened}|{attached}")
        if self.check(found.group(1) is not None, 2, f"Ctrl+T on call {name} attached it to an old ticket"):
            self.tickets[name] = found.group(1)

    def open_ticket(self, number: str) -> None:
        self.section(F4, "Number")
        self.desk.send([ctrl("g"), number, ENTER, ENTER])
        self.wait(number, self.tr("Description"))

    def act(self, key: str, keys: Keys, action: str) -> None:
        """A ticket action's key and its form; waits for "Saved: …" (the database check reads what was saved)."""
        label = self.tr(RULES[action].label)
        self.desk.send([key, *keys])
        self.soft_wait(None, f"ticket action {action}: not saved", self.tr("Saved: {action}", action=label))

    def correction_and_search(self) -> None:
        self.section(F3, "New call")
        walk_in = self.saved.get("walk-in")
        if walk_in is None:
            return
        # Ctrl+R on the walk-in (found by its caller), text added at the end; both versions stay visible.
        self.desk.send([ctrl("g"), WALK_IN.caller, ENTER], mode="gaps")
        self.desk.wait_re(rf"(?m)^ {walk_in}\s.*{WALK_IN.caller}")
        self.desk.send([ctrl("r")], mode="gaps")
        self.wait(self.tr("Correcting call #{id}", id=walk_in or 0)[:8])
        self.desk.send([END, CORRECTION, ctrl("s")])
        if self.soft_wait(3, "correction: no read-back", self.tr("Read back to the caller")):
            self.desk.send([ENTER], mode="gaps")
            self.wait(self.tr("New call"))
        # defect 4: one unit, two spellings, the same calls.
        for spelling in ("3-2-1201", "3栋2单元1201"):
            self.desk.send([ctrl("g"), CTRL_U, spelling], mode="gaps")
            try:  # the demo's permit call #9 from yesterday (only a search shows it) and the walk-in
                self.desk.wait_re(rf"(?ms)^ 9\s.*^ {walk_in}\D|^ {walk_in}\D.*^ 9\s", timeout=15)
            except Gone:
                raise
            except AssertionError:
                self.note(4, f"search {spelling!r} does not find the unit's calls (#9 and #{walk_in})")
        self.desk.send([ctrl("g"), CTRL_U, ESC], mode="gaps")
        # The whole log again: a call of another unit, saved just before, is back on top.
        self.desk.wait_re(rf"(?m)^ {max(v for k, v in self.saved.items() if k != 'walk-in')}\D")
        self.screens["calls log after the correction"] = self.desk.text()

    # --- the supervisor ---------------------------------------------------------------------------------------

    def supervisor(self) -> None:
        self.lock_and_sign_in("陈静", "3333", current="王芳", at=REVIEW)
        self.section(F5, "Key log")
        self.desk.send(["v"], mode="gaps")
        self.wait(self.tr("Supervisor review"))
        self.f9("Supervisor review", back=[F5, "v"])
        if NIGHT_DATE not in self.desk.text():
            self.desk.send(["u"], mode="gaps")
        self.wait(NIGHT_DATE)
        self.screens["review"] = self.desk.text()
        # defect 8: the form started on PIN; the note typed first went into the PIN and cost an attempt.
        self.desk.send(["s", REVIEW_NOTE, TAB, "3333", ENTER])
        if not self.soft_wait(8, "the review was not signed with the note typed first", self.tr("Review signed")):
            self.desk.send([ESC], mode="gaps")
        # F9 on the remaining screens.
        self.section(F6, "Kind")
        self.f9("Kind", back=[F6])
        self.section(F7, "Whole site")
        self.desk.send([F1], mode="gaps")
        self.desk.wait_re("|".join(sorted({re.escape(self.tr("Keys", lang)) for lang in LANGUAGES})))
        self.f9("Keys", soft=True)  # the help over the report
        self.desk.send([ESC], mode="gaps")
        self.section(F2, "Calls")
        # Last, since it broke the screen under it: F9 on a ticket, then an action on it.
        self.open_ticket("WX-20261122-0001")
        self.f9("Description", back=[F4, ctrl("g"), "WX-20261122-0001", ENTER, ENTER])
        self.act("d", [ENTER], "dispatch")


# --- the database, through the CLI only ---------------------------------------------------------------------------


QUERIES = {
    "calls": ("calls", "list", "--limit", "500", "--format", "json"),
    "search dashes": ("calls", "list", "--search", "3-2-1201", "--format", "json"),
    "search chinese": ("calls", "list", "--search", "3栋2单元1201", "--format", "json"),
    "open": ("tickets", "list", "--queue", "open", "--format", "json"),
    "closed": ("tickets", "list", "--queue", "closed", "--format", "json"),
    "dutylog": ("dutylog", "show", "--date", NIGHT_DATE, "--format", "json"),
    "keys": ("keys", "list", "--all", "--format", "json"),
    "handover": ("handover", "show", "--last", "--format", "json"),
    "review": ("review", "show", "--date", NIGHT_DATE, "--format", "json"),
    # defect 11: one phone rule for the form, the CLI and imports (last: it must write nothing, but might).
    "short phone": (
        "calls",
        "add",
        "--phone",
        "123",
        "--caller",
        "测试",
        "--unit",
        "1-1-101",
        "--category",
        "inquiry",
        "--content",
        "电话号码太短",
    ),
}


def check_database(day: Day) -> None:
    db, clock = day.db, day.clock
    answers = dict(zip(QUERIES, cli_batch(db, clock, list(QUERIES.values())), strict=True))

    def cli_json(_db: Path, _clock: Clock, name: str) -> Any:
        answer = answers[name]
        if answer["code"] != 0:
            raise AssertionError(f"deskui {' '.join(QUERIES[name])}: {answer['stderr']}")
        return json.loads(str(answer["stdout"]))

    calls = cli_json(db, clock, "calls")
    assert isinstance(calls, list)
    by_content = {c["content"]: c for c in calls}
    typed = {"lift": LIFT, "leak": LEAK, "noise": NOISE, "again": AGAIN, "walk-in": WALK_IN, "kitchen": KITCHEN}
    typed["noise again"] = NOISE2
    for name, call in typed.items():
        stored = by_content.get(call.content)
        if not day.check(stored is not None, 3, f"call {name}: no call holds the content {call.content!r}", ""):
            continue
        want = {
            "phone": call.phone,
            "caller": call.caller,
            "unit": call.unit,
            "category": call.category,
            "channel": call.channel,
            "visit_time": call.visit_time,
            "urgent": call.urgent,
        }
        got = {k: stored[k] for k in want}
        if call.phone and name in ("again", "kitchen", "noise again"):
            want.pop("unit")  # filled from the phone: the directory's spelling
            got.pop("unit")
        day.check(got == want, 3, f"call {name} stored {got} but {want} was typed", "")
    # defect 12: a correction keeps the original visible, in time order, under one number everywhere.
    corrections = [c for c in calls if c["amends_id"]]
    if day.check(len(corrections) == 1, 12, f"one correction expected, the CLI lists {len(corrections)}", ""):
        corr = corrections[0]
        day.check(corr["content"] == WALK_IN.content + CORRECTION, 3, f"correction stored {corr['content']!r}", "")
        screen = day.screens.get("calls log after the correction", "")
        rows = [line for line in screen.splitlines() if re.match(rf" \d+.*{WALK_IN.caller}", line)]
        day.check(len(rows) == 2, 12, "the calls log does not show both the original and the correction", screen)
        marked = [line for line in rows if "✎" in line]
        day.check(
            bool(marked) and marked[0].split()[0].rstrip("!⚑✎") == str(corr["id"]),
            12,
            f"the log's correction row is not numbered #{corr['id']} as in the CLI",
            screen,
        )
    # defect 4: the CLI and the screen agree on one unit in two spellings.
    a = cli_json(db, clock, "search dashes")
    b = cli_json(db, clock, "search chinese")
    assert isinstance(a, list) and isinstance(b, list)
    day.check({c["id"] for c in a} == {c["id"] for c in b} != set(), 4, "calls list --search: spellings differ", "")

    tickets: dict[str, dict[str, Any]] = {}
    for queue in ("open", "closed"):
        rows = cli_json(db, clock, queue)
        assert isinstance(rows, list)
        tickets.update({r["number"]: r for r in rows})

    def ticket_of(call_id: int | None) -> dict[str, Any] | None:
        return next((x for x in tickets.values() if call_id in x["calls"]), None)

    # defect 9: the urgent help call opened its ticket at once, at night, and every screen said so.
    lift = ticket_of(day.saved.get("lift"))
    if day.check(lift is not None, 9, "the urgent lift call has no ticket", ""):
        assert lift is not None
        opened = datetime.fromisoformat(lift["created_at"])
        day.check(opened < HANDOVER, 9, f"the lift ticket was opened at {opened}, not when the call was saved", "")
        for where in ("calls after the urgent call", "home after the urgent call", "handover at night"):
            screen = day.screens.get(where, "")
            day.check(lift["number"] in screen, 9, f"{where}: no banner naming {lift['number']}", screen)
    # defect 2: Ctrl+T opened new tickets, of the call's kind, holding only that call.
    for name, kind in (("kitchen", "repair"), ("noise again", "complaint")):
        ticket = ticket_of(day.saved.get(name))
        if not day.check(ticket is not None, 2, f"call {name} is on no ticket", ""):
            continue
        assert ticket is not None
        day.check(ticket["kind"] == kind, 2, f"call {name} is on a {ticket['kind']} ticket, not a new {kind}", "")
        day.check(ticket["calls"] == [day.saved[name]], 2, f"call {name}'s ticket holds calls {ticket['calls']}", "")
        if name == "kitchen":
            # defect 5: the visit time typed on the call (今天下午3点) is the ticket's appointment.
            when = ticket["appointment_at"] or ""
            day.check(when.startswith("2026-11-23T15:00"), 5, f"kitchen ticket appointment {when!r}", "")
            day.check(ticket["repair_type"] == "leak", 2, f"kitchen ticket repair type {ticket['repair_type']}", "")
            day.check(ticket["department"] == "maintenance", None, f"kitchen ticket {ticket['department']}", "")
    # defect 6: the callback done hours after it was due is late, on the screen and in the CLI.
    late = tickets.get("TS-20261120-0001")
    if day.check(late is not None, None, "TS-20261120-0001 is not listed", ""):
        assert late is not None
        callback = [x for x in late["targets"] if x["name"] == "callback"]
        day.check(bool(callback) and callback[0]["state"] != "met", 6, f"late callback in the CLI: {callback}", "")
        screen = day.screens.get("late callback", "")
        lines = [line for line in screen.splitlines() if day.tr("Callback") in line and "✓" in line]
        day.check(not lines, 6, "the ticket screen shows the late callback as met", screen)
    # defect 10: handover and review name tickets by number, never by internal id.
    for where in ("handover signed", "review", "after the walkie-talkie count"):
        screen = day.screens.get(where, "")
        day.check(re.search(r"(工单|[Tt]icket) #\d", screen) is None, 10, f"{where}: a ticket named by id", screen)

    # The duty log entry, the keys, the count, the signatures, the review note: exactly as typed.
    log = cli_json(db, clock, "dutylog")
    assert isinstance(log, list)
    entries = [e for e in log if e["kind"] == "entry" and e["operator"] == "李强" and e["text"] == LOG_ENTRY]
    day.check(len(entries) == 1, 3, f"duty log: {[e['text'] for e in log if e['kind'] == 'entry']}", "")
    keys = cli_json(db, clock, "keys")
    assert isinstance(keys, list)
    for tag, who, why in KEY_LOANS:
        got = [(k["tag"], k["borrower"], k["purpose"]) for k in keys if k["lent_by"] == "李强"]
        day.check((tag, who, why) in got, 3, f"key loan {(tag, who, why)} not stored as typed: {got}", "")
    last = cli_json(db, clock, "handover")
    if not day.check(isinstance(last, dict), None, "no handover was signed", ""):
        last = {"counts": [{"key": "walkie_talkie", "counted": None, "explanation": "", "holder": ""}]}
    assert isinstance(last, dict)
    walkie = next(c for c in last["counts"] if c["key"] == "walkie_talkie")
    day.check(
        (walkie["counted"], walkie["explanation"], walkie["holder"]) == (3, COUNT_REASON, COUNT_HOLDER),
        3,
        f"walkie-talkie count stored {walkie}",
        "",
    )
    # defect 13: the missing walkie-talkie silently became a repair ticket with no unit.
    for x in tickets.values():
        day.check(bool(x["unit"]), 13, f"ticket {x['number']} has no unit: {x['description']}", "")
    day.check(last.get("signed") is True, None, "the handover is not signed", "")
    review = cli_json(db, clock, "review")
    day.check(REVIEW_NOTE in str(review), 8, "the review's note is not stored as typed", "")
    added = answers["short phone"]
    day.check(added["code"] != 0, 11, "calls add --phone 123 was accepted", str(added))


# --- the test -----------------------------------------------------------------------------------------------------

# Each variant types some heavy steps (a call, a key loan) the other way too (`Day.flip`).
VARIANTS = [
    pytest.param("zh-CN", "gaps", (120, 40), id="zh-CN-gaps-120x40"),
    pytest.param("en", "burst", (80, 24), id="en-burst-80x24"),
]


@pytest.mark.parametrize(("lang", "mode", "size"), VARIANTS)
def test_a_day_at_the_desk(
    cpu_hogs: None, desk_db: Path, desk_clock: Clock, lang: str, mode: str, size: tuple[int, int]
) -> None:
    desk_clock.set(NIGHT)
    desk = Desk(desk_db, desk_clock, lang, size, Typing(mode, random.Random(f"{lang}-{mode}")))
    day = Day(desk, desk_db, desk_clock, lang)
    try:
        for phase in (day.night, day.handover, day.morning, day.supervisor):
            started = time.monotonic()
            try:
                phase()
            except (Gone, Restarted) as exc:
                # The program died in this phase: noted, started again, and the day goes on with the next phase.
                # Widgets queried after a recompose (NoMatches) is how F9 broke screens: defect 1's family.
                crash = desk.crash_output()
                defect = 1 if "NoMatches" in crash else None
                day.note(defect, f"deskui ended during {phase.__name__}: {exc}", crash)
                day.restart()
                if day.operator is not None:
                    day.sign_in(*day.operator)
            finally:
                day.timings[phase.__name__] = time.monotonic() - started
        code = desk.quit()
        day.check(code == 0, None, f"deskui ended with {code} after Ctrl+Q")
    except Restarted:
        day.note(None, "the day stopped after the program was restarted", "")
    except Gone as exc:
        day.note(None, f"deskui ended in the middle of the day: {exc}", desk.crash_output())
    except AssertionError as exc:
        day.note(None, f"the day stopped: {exc}", "")
    finally:
        desk.close()
    try:
        check_database(day)
    except AssertionError as exc:
        day.note(None, f"reading the database through the CLI failed: {exc}", "")
    report(day)


def report(day: Day) -> None:
    if not day.findings:
        return
    failed = {f.defect for f in day.findings}
    timings = "phases: " + ", ".join(f"{name} {seconds:.0f}s" for name, seconds in day.timings.items())
    text = timings + "\n\n" + "\n\n".join(str(f) for f in day.findings)
    text += "\n\nthe last keys typed and texts seen:\n" + "\n".join(day.desk.log[-40:])
    unexpected = failed - OPEN_DEFECTS
    if unexpected:
        pytest.fail(f"{len(day.findings)} checks failed, defects {sorted(failed, key=str)}:\n\n{text}")
    pytest.xfail(f"open defects {sorted(failed)} still fail:\n\n{text}")
