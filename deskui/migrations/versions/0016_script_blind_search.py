"""search text folded to one script (issue 12)

Search folds text with core.scriptfold now (NFKC, Traditional → Simplified, casefold), so the stored search text
written by the old fold (NFKC + casefold) is folded again, in batches of BATCH rows:

- `call.search_text` and its character index (`callchar`, or `callcharpending` for the newest calls). Each part of
  the stored text (fields joined by U+001F) is already NFKC + casefolded, and folding it again gives what the new
  fold gives the field itself. The call log is append-only: its UPDATE guard is lifted for this one statement kind
  inside the migration's transaction and put back as it was (SQLite: the trigger's own stored SQL re-run;
  PostgreSQL: DISABLE / ENABLE TRIGGER). Only search_text changes; the admin audit (services.admin) compares it with
  the fields, so a call whose text is left in the old fold would read as "changed after it was written".
- `ticket.search_text` (a projection, not the history) and `ticketchar`.
- `resident.name_folded` and `resident.name_readings`, new: the folded name and its pinyin spellings with a
  surname's other reading (services.common.pinyin.search_readings), for the directory's script-blind search.

Only rows whose text changes are written (a Simplified-only desk changes nothing but the two new columns). Works on
SQLite and PostgreSQL; the same statements, named parameters.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:10:00
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
SEPARATOR = "\x1f"  # services.common.search.SEPARATOR (a migration keeps its own copy of what it relies on)


def refold(text: str) -> str:
    """Stored search text of the old fold → the new fold's: each field folded again."""
    from deskui.core.scriptfold import fold

    return SEPARATOR.join(fold(part) for part in text.split(SEPARATOR))


def index_chars(folded: str) -> set[str]:
    """services.common.search.index_chars: every distinct character but whitespace and the separator."""
    return {c for c in set(folded) if c != SEPARATOR and not c.isspace()}


def _pages(conn: sa.Connection, sql: str) -> Iterator[list[Any]]:
    """Rows of `sql` (which selects id first and has `id > :last ... ORDER BY id LIMIT :n`), a batch at a time."""
    last = 0
    while True:
        rows = list(conn.execute(sa.text(sql), {"last": last, "n": BATCH}))
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _changed(rows: list[Any]) -> list[tuple[int, int, str, str]]:
    """(id, site_id, old, new) of the rows whose search text folds differently now."""
    out = []
    for row_id, site_id, old in rows:
        new = refold(old)
        if new != old:
            out.append((row_id, site_id, old, new))
    return out


def _reindex(
    conn: sa.Connection, table: str, key: str, changed: list[tuple[int, int, str, str]], pending: set[int]
) -> None:
    """Characters a row lost leave its index, characters it gained join it (the newest calls': the pending table)."""
    gone: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    added_pending: list[dict[str, Any]] = []
    for row_id, site_id, old, new in changed:
        before, after = index_chars(old), index_chars(new)
        gone += [{"s": site_id, "ch": ch, "id": row_id} for ch in sorted(before - after)]
        target = added_pending if row_id in pending else added
        target += [{"s": site_id, "ch": ch, "id": row_id} for ch in sorted(after - before)]
    if gone:
        conn.execute(sa.text(f"DELETE FROM {table} WHERE site_id = :s AND ch = :ch AND {key} = :id"), gone)
        if table == "callchar":
            conn.execute(sa.text("DELETE FROM callcharpending WHERE site_id = :s AND call_id = :id AND ch = :ch"), gone)
    if added:
        conn.execute(sa.text(f"INSERT INTO {table} (site_id, ch, {key}) VALUES (:s, :ch, :id)"), added)
    if added_pending:
        conn.execute(sa.text("INSERT INTO callcharpending (site_id, call_id, ch) VALUES (:s, :id, :ch)"), added_pending)


class _CallGuardLifted:
    """The call log's UPDATE guard off for the block, then back exactly as it was."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.saved: list[tuple[str, str]] = []

    def __enter__(self) -> None:
        if self.dialect == "sqlite":
            self.saved = [
                (name, sql)
                for name, sql in self.conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'call' "
                    "AND upper(sql) LIKE '%BEFORE UPDATE%'"
                )
            ]
            for name, _ in self.saved:
                self.conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        elif self.dialect == "postgresql":
            self.conn.exec_driver_sql('ALTER TABLE "call" DISABLE TRIGGER call_refuse_update_delete')

    def __exit__(self, *exc: object) -> None:
        if self.dialect == "sqlite":
            for _, sql in self.saved:
                self.conn.exec_driver_sql(sql)
        elif self.dialect == "postgresql":
            self.conn.exec_driver_sql('ALTER TABLE "call" ENABLE TRIGGER call_refuse_update_delete')


def refold_calls(conn: sa.Connection) -> int:
    pending = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT call_id FROM callcharpending")}
    count = 0
    for rows in _pages(conn, 'SELECT id, site_id, search_text FROM "call" WHERE id > :last ORDER BY id LIMIT :n'):
        changed = _changed(rows)
        if not changed:
            continue
        with _CallGuardLifted(conn):
            conn.execute(
                sa.text('UPDATE "call" SET search_text = :t WHERE id = :id'),
                [{"t": new, "id": row_id} for row_id, _, _, new in changed],
            )
        _reindex(conn, "callchar", "call_id", changed, pending)
        count += len(changed)
    return count


def refold_tickets(conn: sa.Connection) -> int:
    count = 0
    for rows in _pages(conn, "SELECT id, site_id, search_text FROM ticket WHERE id > :last ORDER BY id LIMIT :n"):
        changed = _changed(rows)
        if changed:
            conn.execute(
                sa.text("UPDATE ticket SET search_text = :t WHERE id = :id"),
                [{"t": new, "id": row_id} for row_id, _, _, new in changed],
            )
            _reindex(conn, "ticketchar", "ticket_id", changed, set())
            count += len(changed)
    return count


def fill_residents(conn: sa.Connection) -> int:
    from deskui.core.scriptfold import fold
    from deskui.services.common.pinyin import search_readings

    count = 0
    for rows in _pages(conn, "SELECT id, name FROM resident WHERE id > :last ORDER BY id LIMIT :n"):
        conn.execute(
            sa.text("UPDATE resident SET name_folded = :f, name_readings = :r WHERE id = :id"),
            [{"f": fold(name), "r": search_readings(name), "id": row_id} for row_id, name in rows],
        )
        count += len(rows)
    return count


def refold_all(conn: sa.Connection) -> None:
    refold_calls(conn)
    refold_tickets(conn)
    fill_residents(conn)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): NOT NULL with a default is allowed on SQLite and PostgreSQL.
    op.add_column("resident", sa.Column("name_folded", sa.Text(), nullable=False, server_default=""))
    op.add_column("resident", sa.Column("name_readings", sa.Text(), nullable=False, server_default=""))
    if op.get_context().as_sql:  # rendered offline (services.admin._guards reads the triggers so): no rows to fold
        return
    refold_all(op.get_bind())


def downgrade() -> None:
    # The folded search text stays: the old fold's search finds less in it (Traditional terms), never wrong rows.
    with op.batch_alter_table("resident") as batch_op:
        batch_op.drop_column("name_readings")
        batch_op.drop_column("name_folded")
