"""Substring search over the call log that finds 1- and 2-character Chinese terms, on SQLite and PostgreSQL.

FTS5 trigram cannot match fewer than 3 characters, and LIKE on a trigram table finds nothing for 2 CJK
characters on SQLite 3.40, so the log keeps its own inverted index: one `callchar` row per distinct character of
a call's folded search text. A search
  1. folds the term the same way (core.scriptfold: NFKC, Traditional → Simplified, casefold), so "ＡＢ" finds "ab"
     and "Ab", and "電梯" finds "电梯" (the search is script-blind);
  2. narrows to calls holding every one of its (at most `search_max_chars` rarest) characters, walking the rarest
     character's index entries newest first and probing the others through the covering index;
  3. checks the true substring with instr()/strpos() on the stored folded text.
Step 3 makes the result exactly a plain substring scan; steps 1-2 only make it fast. The newest calls' index rows
wait in a small table clustered by call (`callcharpending`, so a save writes one or two pages, not one per
character); those few calls are checked directly (`pending_sql`) and merged into the main index in batches. Keyset paging (`before_id`)
and a limit keep every page equally cheap however large the log grows. The SQL is plain (no FTS, no SQLite
pragmas), and CROSS JOIN fixes the join order on SQLite while PostgreSQL plans it itself. The joins compare with
`k0.call_id + 0`, not the bare column: SQLite would otherwise copy `k0.call_id < :before` onto every probe as a
transitive constraint and walk a range per probe instead of one index lookup (17 s instead of 10 ms on 50k calls).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from deskui.core.scriptfold import fold as fold  # the one fold: search text and terms meet under it

SEPARATOR = "\x1f"  # between fields of search_text; a control character, so no field or term holds it
# A term holding a control character other than newline and tab, or a lone surrogate (a CLI argument that was not
# UTF-8), can match no field (fields refuse them); the driver could not even bind the surrogate.
_UNMATCHABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def search_text(fields: Iterable[str]) -> str:
    """The stored, folded text one call is searched by: its fields folded and joined by SEPARATOR."""
    # Folded as one string: the same as field by field (no field holds the separator, and neither NFKC, case folding
    # nor OpenCC's phrases reach across it), for one OpenCC pass per call instead of one per field.
    return fold(SEPARATOR.join(fields))


def index_chars(folded: str) -> set[str]:
    """The characters the index keeps for a folded text: every distinct one but whitespace and the separator."""
    chars = set(folded)
    chars.discard(SEPARATOR)
    return {c for c in chars if not c.isspace()}


def fold_term(term: str) -> str | None:
    """A typed search term folded for matching; None when no call can match it."""
    folded = fold(term)
    if not folded or SEPARATOR in folded or _UNMATCHABLE.search(folded):
        return None
    return folded


def _table_sql(dialect: str) -> tuple[str, str]:
    """The substring test for this database: SQLite's instr() and PostgreSQL's strpos() are both 1-based."""
    return ("strpos" if dialect == "postgresql" else "instr"), '"call"'


# How many calls hold a character, counted only up to :cap so a common character costs a bounded index walk.
RARITY_SQL = "SELECT count(*) FROM (SELECT 1 FROM callchar WHERE site_id = :site AND ch = :ch LIMIT :cap) AS x"
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def pyformat(sql: str) -> str:
    """Named `:param` placeholders (sqlite3) as `%(param)s` (psycopg), for SQL sent straight to the driver."""
    return _NAMED.sub(r"%(\1)s", sql)


def candidate_sql(
    dialect: str,
    columns: str,
    n_chars: int,
    *,
    before: bool,
    current_only: bool,
    extra_where: str = "",
) -> str:
    """The search query for `n_chars` index characters (:c0 the rarest, first), newest first, paged by id.

    `columns` is the select list over the aliases `c` (the call) and `n` (the newer version, if any). With
    n_chars == 0 (a term of only whitespace) it is a plain scan of the site's calls, still verified and paged.
    """
    contains, call_table = _table_sql(dialect)
    froms: list[str] = []
    where: list[str] = []
    if n_chars:
        froms.append("callchar AS k0")
        where += ["k0.site_id = :site", "k0.ch = :c0"]
        if before:
            where.append("k0.call_id < :before")
        for i in range(1, n_chars):
            froms.append(f"CROSS JOIN callchar AS k{i}")
            where += [f"k{i}.site_id = :site", f"k{i}.ch = :c{i}", f"k{i}.call_id = k0.call_id + 0"]
        froms.append(f"CROSS JOIN {call_table} AS c")
        where.append("c.id = k0.call_id + 0")
        order = "k0.call_id DESC"
    else:
        froms.append(f"{call_table} AS c")
        where.append("c.site_id = :site")
        if before:
            where.append("c.id < :before")
        order = "c.id DESC"
    where.append(f"{contains}(c.search_text, :term) > 0")
    if extra_where:
        where.append(extra_where)
    join_newer = f"LEFT JOIN {call_table} AS n ON n.amends_id = c.id"
    if current_only:
        where.append("n.id IS NULL")
    return (
        f"SELECT {columns} FROM {' '.join(froms)} {join_newer} WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT :limit"
    )


def pending_sql(dialect: str, columns: str, *, before: bool, current_only: bool, extra_where: str = "") -> str:
    """The same search over the newest calls whose index rows still wait in `callcharpending` (at most
    `index_merge_calls` of them): checked directly, newest first. Empty when nothing is pending."""
    contains, call_table = _table_sql(dialect)
    # No "c.site_id = :site" here: the pending rows are the site's already, and that term would tempt SQLite into
    # walking every call of the site by a site_id index instead of looking up the few pending ids.
    where = [
        "c.id IN (SELECT p.call_id FROM callcharpending AS p WHERE p.site_id = :site)",
        f"{contains}(c.search_text, :term) > 0",
    ]
    if before:
        where.append("c.id < :before")
    if extra_where:
        where.append(extra_where)
    if current_only:
        where.append("n.id IS NULL")
    return (
        f"SELECT {columns} FROM {call_table} AS c LEFT JOIN {call_table} AS n ON n.amends_id = c.id "
        f"WHERE {' AND '.join(where)} ORDER BY c.id DESC LIMIT :limit"
    )


def order_by_rarity(chars: Sequence[str], counts: dict[str, int], keep: int) -> list[str]:
    """The `keep` rarest characters, rarest first (ties broken by the character, so plans are stable)."""
    return sorted(chars, key=lambda c: (counts[c], c))[:keep]
