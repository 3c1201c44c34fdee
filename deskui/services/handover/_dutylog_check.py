"""The duty-log chain checked: every entry's hash and link (`_chain`), every signed handover's records against
its signature's digest, the seals of signatures, each review's signed head, and the heads recorded outside the log
(the anchor file, the handovers' snapshots). The whole check, with the registers' audit and the triggers, is
`deskui.services.admin.verify`."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from deskui.core.i18n import t
from deskui.models import DutyLogEntry, Handover, HandoverRecord
from deskui.services.common import anchors
from deskui.services.context import ContextService, DeskContext
from deskui.services.handover import _chain as chain
from deskui.services.handover._dutylog_chain import all_heads, handover_digest

_LOG = DutyLogEntry.__table__  # type: ignore[attr-defined]
_HANDOVER = Handover.__table__  # type: ignore[attr-defined]
_RECORD = HandoverRecord.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class VerifyProblem:
    seq: int
    entry_id: int | None
    reason: str  # edited | missing | reordered | broken_link | handover_changed
    message: str  # translated, names the entry


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[VerifyProblem, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> VerifyProblem | None:
        return self.problems[0] if self.problems else None


def _chain_row(row: Any) -> chain.ChainRow:
    return chain.ChainRow(**{f: getattr(row, f) for f in chain.ChainRow.__dataclass_fields__})


class ChainCheck(ContextService):
    """The check of one site's chain, its site key and anchor file (a restore's check sets those of its target)."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self._keeper: anchors.Keeper | None = None

    def run(self, s: Session) -> VerifyResult:
        """Inside the caller's read transaction: the whole chain, then every signed handover's records against its
        signature's digest, the seals, the reviews' heads and the anchors; problems in the order of the log."""
        with contextlib.suppress(OSError):  # first use on a database from before seals (Keeper.ensure)
            self.keeper.ensure(lambda: all_heads(s))
        rows = [_chain_row(r) for r in s.execute(select(_LOG).where(_LOG.c.site_id == self.site_id))]
        report = chain.verify_rows(rows)
        by_seq = {r.seq: r for r in rows}
        problems = [self._describe(p, by_seq) for p in report.problems]
        for r in sorted(rows, key=lambda r: r.seq):
            if r.kind != "handover" or not r.ref_key:
                continue
            payload = json.loads(r.payload or "{}")
            handover_id = payload.get("handover_id")
            exists = (
                handover_id is not None
                and s.execute(select(_HANDOVER.c.id).where(_HANDOVER.c.id == handover_id)).first()
            )
            digest = handover_digest(s, handover_id)[0] if exists else None
            if digest != payload.get("records_digest"):
                problems.append(
                    VerifyProblem(
                        r.seq,
                        r.id,
                        "handover_changed",
                        t(
                            "The records of the handover signed in entry #{seq} ({when}) were changed after "
                            "it was signed",
                            seq=r.seq,
                            when=self._when(r.written_at),
                        ),
                    )
                )
        seals = dict(
            s.execute(
                select(_LOG.c.id, _LOG.c.seal).where(
                    _LOG.c.site_id == self.site_id, _LOG.c.kind.in_(anchors.SEALED_KINDS)
                )
            ).all()
        )
        problems += self._seal_problems(rows, seals)
        problems += self._review_head_problems(rows, by_seq)
        problems += self._anchor_problems(s, rows, by_seq, report)
        problems.sort(key=lambda p: p.seq)
        return VerifyResult(report.entries, report.head_seq, report.head_hash, tuple(problems))

    # --- seals and anchors (services.common.anchors) ------------------------------------------------------------------

    @property
    def keeper(self) -> anchors.Keeper:
        """The site key and the anchor file of this database (a restore's check sets those of its target)."""
        return self._keeper if self._keeper is not None else anchors.keeper_for(self.db.url)

    @keeper.setter
    def keeper(self, value: anchors.Keeper | None) -> None:
        self._keeper = value

    def is_sealed(self, entry_hash: str, seal: str | None, seq: int) -> bool:
        """A handover or review entry counts as signed only with a valid seal (written after the PIN), or when it
        was written before seals existed (services.common.anchors.Keeper.ensure)."""
        keeper = self.keeper
        return keeper.sealed(entry_hash, seal) or seq <= keeper.legacy(self.site_id)

    def _seal_problems(self, rows: list[chain.ChainRow], seals: dict[int, str | None]) -> list[VerifyProblem]:
        signed = sorted((r for r in rows if r.kind in anchors.SEALED_KINDS), key=lambda r: r.seq)
        if not signed:
            return []
        keeper = self.keeper
        if keeper.key() is None:
            message = t(
                "The site key {path} is missing: the {n} signatures in the log cannot be checked",
                path=str(keeper.key_file),
                n=len(signed),
            )
            return [VerifyProblem(signed[0].seq, None, "key_missing", message)]
        out = []
        legacy = keeper.legacy(self.site_id)
        for r in signed:
            if r.seq <= legacy or keeper.sealed(r.hash, seals.get(r.id)):
                continue
            if r.kind == "review":
                message = t(
                    "Entry #{seq}, the review of {day} in the name of {name}, carries no valid seal: it was not "
                    "signed in deskui with a PIN",
                    seq=r.seq,
                    day=r.duty_date.isoformat(),
                    name=r.operator_name or "-",
                )
            else:
                message = t(
                    "Entry #{seq}, a handover signed {when} in the name of {name}, carries no valid seal: it was not "
                    "signed in deskui with a PIN",
                    seq=r.seq,
                    when=self._when(r.written_at),
                    name=r.operator_name or "-",
                )
            out.append(VerifyProblem(r.seq, r.id, "unsealed", message))
        return out

    def _review_head_problems(
        self, rows: list[chain.ChainRow], by_seq: dict[int, chain.ChainRow]
    ) -> list[VerifyProblem]:
        """Each review records the head it signed: that entry must still be there with that hash."""
        out = []
        for r in sorted((r for r in rows if r.kind == "review"), key=lambda r: r.seq):
            try:
                payload = json.loads(r.payload or "{}")
                head_seq, head_hash = int(payload["head_seq"]), str(payload["head_hash"])
            except (ValueError, KeyError, TypeError):
                head_seq, head_hash = -1, ""
            at = by_seq.get(head_seq)
            expected = chain.GENESIS if head_seq == 0 else (at.hash if at is not None else None)
            if head_seq < r.seq and expected == head_hash:
                continue
            out.append(
                VerifyProblem(
                    r.seq,
                    r.id,
                    "head_mismatch",
                    t(
                        "Entry #{seq}, the review of {day}, signed the log up to entry #{head}, which is not in the "
                        "log as it was signed",
                        seq=r.seq,
                        day=r.duty_date.isoformat(),
                        head=head_seq,
                    ),
                )
            )
        return out

    def _anchor_problems(
        self, s: Session, rows: list[chain.ChainRow], by_seq: dict[int, chain.ChainRow], report: chain.ChainReport
    ) -> list[VerifyProblem]:
        """The chain against every head recorded outside it: the anchor file (or a backup's), each signed
        handover's snapshot record. Truncation is reported against the newest of them."""
        keeper = self.keeper
        out: list[VerifyProblem] = []
        marks: list[tuple[str, anchors.Head]] = []
        found = keeper.read_anchor()
        if found is None:
            if self.db.backend == "sqlite" and keeper.anchor_file is not None and keeper.key() is not None:
                out.append(
                    VerifyProblem(
                        report.head_seq + 1,
                        None,
                        "anchor_missing",
                        t(
                            "The anchor file {path} is missing: entries deleted at the end of the log could go "
                            "unnoticed",
                            path=str(keeper.anchor_file),
                        ),
                    )
                )
        elif not found.valid:
            out.append(
                VerifyProblem(
                    report.head_seq + 1,
                    None,
                    "anchor_invalid",
                    t("The anchor file {path} was not written by deskui on this site", path=str(found.path)),
                )
            )
        elif self.site_id in found.heads:
            marks.append((t("the anchor file {path}", path=str(found.path)), found.heads[self.site_id]))
        signed_refs = {r.ref_key for r in rows if r.kind == "handover"}
        for rec in s.execute(
            select(_RECORD.c.handover_id, _RECORD.c.value).where(
                _RECORD.c.site_id == self.site_id, _RECORD.c.step == "snapshot"
            )
        ):
            try:
                head = json.loads(rec.value)["chain_head"]
                mark = anchors.Head(int(head["seq"]), str(head["hash"]))
            except (ValueError, KeyError, TypeError):
                continue
            marks.append((t("the records of handover #{id}", id=rec.handover_id), mark))
            if f"handover:{rec.handover_id}" not in signed_refs:
                marks.append((t("the records of handover #{id}", id=rec.handover_id), anchors.Head(mark.seq + 1, "")))
        if not marks:
            return out
        source, newest = max(marks, key=lambda m: m[1].seq)
        if newest.seq > report.head_seq:
            first = report.head_seq + 1
            out.append(
                VerifyProblem(
                    first,
                    None,
                    "truncated",
                    t(
                        "The log ends at entry #{head}, but {source} records entry #{seq}: entries #{first}-#{seq} "
                        "were deleted from the end of the log",
                        head=report.head_seq,
                        source=source,
                        seq=newest.seq,
                        first=first,
                    ),
                )
            )
        seen: set[int] = set()
        for source, mark in sorted(marks, key=lambda m: m[1].seq):
            row = by_seq.get(mark.seq)
            if row is None or not mark.hash or row.hash == mark.hash or mark.seq in seen:
                continue
            seen.add(mark.seq)
            out.append(
                VerifyProblem(
                    mark.seq,
                    row.id,
                    "anchor_mismatch",
                    t(
                        "Entry #{seq} is not the entry {source} records: the log was rewritten",
                        seq=mark.seq,
                        source=source,
                    ),
                )
            )
        return out

    def _when(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def _describe(self, problem: chain.ChainProblem, by_seq: dict[int, chain.ChainRow]) -> VerifyProblem:
        row = by_seq.get(problem.seq) if problem.entry_id is not None else None
        who = ""
        if row is not None:
            who = t("written {when} by {name}", when=self._when(row.written_at), name=row.operator_name or "-")
        if problem.reason == "missing":
            message = t("Entry #{seqs} is missing: deleted from the log", seqs=problem.detail)
        elif problem.reason == "reordered":
            message = t(
                "Entry #{seq} ({who}) is out of order: it was written after entry #{other}",
                seq=problem.seq,
                who=who,
                other=problem.detail,
            )
        elif problem.reason == "edited":
            message = t("Entry #{seq} ({who}) was changed after it was written", seq=problem.seq, who=who)
        else:
            message = t(
                "Entry #{seq} ({who}) does not follow entry #{other}: that entry was changed or replaced",
                seq=problem.seq,
                who=who,
                other=problem.detail,
            )
        return VerifyProblem(problem.seq, problem.entry_id, problem.reason, message)
