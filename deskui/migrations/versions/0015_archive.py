"""archives of the years past retention (issue 14)

`archive`: one row per archive file `deskui archive` wrote (file name, SHA-256 of its content, its seal with the
site key, the help-request and duty-log ranges it covers with their row counts, operator, time). Append-only like
the logs it archives, with 0007's pattern: SQLite refuses UPDATE, DELETE and any INSERT that would meet an existing
row (INSERT OR REPLACE); PostgreSQL refuses UPDATE, DELETE and TRUNCATE (deskui_refuse_change() of 0004).

The DELETE triggers of the archived tables (ticketevent, ticketcall, dutylog) are left as they are: nothing is
removed from them yet (README "Archive"); a later migration may let a delete through for rows inside a recorded
archive's range.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each append-only table and the rows an insert into it could collide with: its primary key.
SAME_ROW = {"archive": "id = NEW.id"}


def _sqlite_statements() -> list[str]:
    out = []
    for table, same in SAME_ROW.items():
        for event in ("UPDATE", "DELETE"):
            out.append(
                f"""CREATE TRIGGER {table}_refuse_{event.lower()} BEFORE {event} ON "{table}"
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
            )
        out.append(
            f"""CREATE TRIGGER {table}_refuse_replace BEFORE INSERT ON "{table}"
    WHEN EXISTS (SELECT 1 FROM "{table}" WHERE {same})
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
        )
    return out


def _postgres_statements() -> list[str]:
    out = []
    for table in SAME_ROW:
        out.append(
            f"""CREATE TRIGGER {table}_refuse_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION deskui_refuse_change()"""
        )
        out.append(
            f"""CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION deskui_refuse_change()"""
        )
    return out


def _create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _sqlite_statements, "postgresql": _postgres_statements}.get(dialect)
    for statement in statements() if statements else ():
        op.execute(statement)


def _drop_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in SAME_ROW:
        if dialect == "sqlite":
            for name in ("update", "delete", "replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{name}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_update_delete ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}")


def upgrade() -> None:
    op.create_table(
        "archive",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("help_before", sa.Date(), nullable=True),
        sa.Column("help_requests", sa.Integer(), nullable=False),
        sa.Column("dutylog_before", sa.Date(), nullable=True),
        sa.Column("dutylog_entries", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("archive", schema=None) as batch_op:
        batch_op.create_index("ix_archive_site_at", ["site_id", "created_at", "id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("archive", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_site_at")
    op.drop_table("archive")
