"""The duty log's hash chain: canonical serialisation, entry hashes and the whole-chain check. Pure, no database.

Why a chain: 003 4.1.8 says no page torn out and no entry altered. The database triggers stop the app and a
careless script; the chain makes what someone with the file and a SQLite shell did afterwards visible. Each entry's
hash covers its own fields, its per-site sequence number and the hash of the entry before it, so:

- an edited field no longer matches its own hash;
- a deleted entry leaves a gap in the sequence (renumbering the rest breaks their hashes);
- two entries swapped (their sequence numbers exchanged) come out of the order they were written in (row ids)
  and no longer match their hashes.

One chain per site holds everything that must not change once written: the operators' entries and amendments,
every signed handover (its entry carries a digest of the handover's records) and the supervisor's daily review
(whose entry records the chain head it signed). Rewriting the whole tail with fresh hashes is the one attack a chain
alone cannot show; the review signatures (head sequence and hash, also in exports and printouts) anchor it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64
CANONICAL_VERSION = 1
# The fields an entry's hash covers, besides the previous hash. Changing this list breaks every stored chain.
HASHED_FIELDS = (
    "site_id",
    "seq",
    "kind",
    "duty_date",
    "shift_key",
    "written_at",
    "operator_id",
    "operator_name",
    "text",
    "amends_id",
    "ref_key",
    "payload",
)
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class ChainRow:
    """One stored entry as the chain sees it: the hashed fields, the stored hashes and the row id."""

    id: int
    site_id: int
    seq: int
    kind: str
    duty_date: date
    shift_key: str
    written_at: datetime
    operator_id: int | None
    operator_name: str
    text: str
    amends_id: int | None
    ref_key: str | None
    payload: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    """The first (or one) place the chain does not hold. `reason`: edited | missing | reordered | broken_link."""

    seq: int
    entry_id: int | None
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[ChainProblem, ...] = ()

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> ChainProblem | None:
        return self.problems[0] if self.problems else None


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("chain times must be aware")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes an entry's hash is taken over: sorted-key compact JSON (UTF-8) of the hashed fields + prev hash.

    JSON rather than a join: no separator can be smuggled in through the text, and it stays readable for anyone
    re-checking a chain with their own tool.
    """
    body = {name: _value(fields[name]) for name in HASHED_FIELDS}
    body["prev_hash"] = prev_hash
    body["v"] = CANONICAL_VERSION
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


def row_fields(row: ChainRow | Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in HASHED_FIELDS}


def digest(items: Iterable[Mapping[str, Any]]) -> str:
    """A sha256 over a list of records (a signed handover's records), canonical like entries."""
    h = hashlib.sha256()
    for item in items:
        body = {k: _value(v) for k, v in item.items()}
        h.update(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def verify_rows(rows: Iterable[ChainRow]) -> ChainReport:
    """Walk the chain in sequence order; every problem found (at most MAX_PROBLEMS), the first one first.

    Each entry gets at most one problem, named as tellingly as possible: a gap before it (missing), an entry that
    links to one after it or was written before the one it follows (reordered), a hash that does not match its own
    fields (edited), a link to a previous entry that no longer exists as it was (broken_link: that entry was
    changed and its hash recomputed).
    """
    ordered = sorted(rows, key=lambda r: (r.seq, r.id))
    by_hash = {r.hash: r for r in ordered}
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS
    prev_id = 0
    for row in ordered:
        problem: ChainProblem | None = None
        if row.seq > expected_seq:
            gap = str(expected_seq) if row.seq == expected_seq + 1 else f"{expected_seq}-{row.seq - 1}"
            problem = ChainProblem(expected_seq, None, "missing", gap)
        elif row.seq < expected_seq:  # a duplicate sequence number (the unique constraint was dropped)
            problem = ChainProblem(row.seq, row.id, "reordered", str(expected_seq - 1))
        linked = row.prev_hash == prev_hash
        if problem is None and not linked:
            pred = by_hash.get(row.prev_hash)
            if pred is not None and pred.seq >= row.seq:
                problem = ChainProblem(row.seq, row.id, "reordered", str(pred.seq))
        if problem is None and row.id <= prev_id:
            problem = ChainProblem(row.seq, row.id, "reordered", str(row.seq - 1))
        if problem is None and entry_hash(row_fields(row), row.prev_hash) != row.hash:
            problem = ChainProblem(row.seq, row.id, "edited")
        if problem is None and not linked:
            problem = ChainProblem(row.seq, row.id, "broken_link", str(row.seq - 1))
        if problem is not None:
            problems.append(problem)
            if len(problems) >= MAX_PROBLEMS:
                break
        expected_seq = max(expected_seq, row.seq) + 1
        prev_hash = row.hash
        prev_id = max(prev_id, row.id)
    head = ordered[-1] if ordered else None
    return ChainReport(len(ordered), head.seq if head else 0, head.hash if head else GENESIS, tuple(problems))
