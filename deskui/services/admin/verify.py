"""`deskui verify`, the duty-log screen's check and a restore's check: the whole verification of one site.

The duty-log chain as the handover package checks it (hashes and links, signed handovers' records, seals, the
reviews' heads, the anchors; `deskui.services.handover.ChainCheck`), then the registers against their history
(tickets against the replay of their events, calls against their search index: `_audit`), then, unless told not
to, the append-only triggers as the migrations made them (`_guards`). All in one read transaction, the chain's
problems in the order of the log first, and the triggers last: the most telling finding stays the first.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text
from sqlmodel import Session

from deskui.services.admin._audit import call_findings, ticket_findings
from deskui.services.admin._guards import trigger_problems
from deskui.services.handover import ChainCheck, DutyLogService, VerifyProblem, VerifyResult


def verify_log(log: DutyLogService | ChainCheck, *, triggers: bool = True) -> VerifyResult:
    """Check the whole chain, then every signed handover's records against its signature's digest, then the tickets
    and calls, then (unless `triggers` is False) that every append-only trigger is as the migrations made it."""
    check = log.chain_check if isinstance(log, DutyLogService) else log
    with check.db.read() as s:
        result = check.run(s)
        problems = [*result.problems, *record_problems(s, check)]
        if triggers:  # after what was changed: the most telling finding stays the first
            problems += _trigger_problems(s)
    return replace(result, problems=tuple(problems))


def record_problems(s: Session, check: ChainCheck) -> list[VerifyProblem]:
    """Tickets against the replay of their events, calls against their search index (`_audit`)."""
    _, tickets = ticket_findings(s, check.site_id, check.settings)
    _, calls = call_findings(s, check.site_id)
    return [VerifyProblem(0, None, f.reason, f.message) for f in (*tickets, *calls)]


def _trigger_problems(s: Session) -> list[VerifyProblem]:
    """The append-only triggers as the migrations made them (`_guards`)."""
    revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return [VerifyProblem(0, None, f"trigger_{p.reason}", p.message) for p in trigger_problems(s, revision)]


__all__ = ["record_problems", "verify_log"]
