"""patrol routes' rounds and checkpoint results 巡查 (issue 13)

Four tables, all append-only like 0007's registers: `patrol_round` (a round of a configured route, who, when it
started), `patrol_check` (one checkpoint's result, ok or abnormal with a note; one per checkpoint of a round),
`patrol_end` (one per round) and `patrol_ticket` (an abnormal finding's ticket; one per finding). The database
refuses UPDATE and DELETE on all of them (SQLite and PostgreSQL), TRUNCATE on PostgreSQL (deskui_refuse_change() of
0004), and on SQLite any INSERT that would meet an existing row by its primary or a unique key (INSERT OR REPLACE).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each append-only table and the rows an insert into it could collide with: its primary key and each unique key.
SAME_ROW = {
    "patrol_round": "id = NEW.id",
    "patrol_check": "id = NEW.id OR (round_id = NEW.round_id AND point_key = NEW.point_key)",
    "patrol_end": "id = NEW.id OR round_id = NEW.round_id",
    "patrol_ticket": "id = NEW.id OR check_id = NEW.check_id",
}


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


def _who() -> list[sa.Column]:
    return [
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "patrol_round",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patrol_round", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_round_site_started", ["site_id", "started_at", "id"], unique=False)

    op.create_table(
        "patrol_check",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("point_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["patrol_round.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "point_key"),
    )
    with op.batch_alter_table("patrol_check", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_check_site", ["site_id", "checked_at", "id"], unique=False)

    op.create_table(
        "patrol_end",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["patrol_round.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )
    with op.batch_alter_table("patrol_end", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_end_site_id"), ["site_id"], unique=False)

    op.create_table(
        "patrol_ticket",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["check_id"], ["patrol_check.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("check_id"),
    )
    with op.batch_alter_table("patrol_ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_ticket_site_id"), ["site_id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("patrol_ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_ticket_site_id"))
    op.drop_table("patrol_ticket")
    with op.batch_alter_table("patrol_end", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_end_site_id"))
    op.drop_table("patrol_end")
    with op.batch_alter_table("patrol_check", schema=None) as batch_op:
        batch_op.drop_index("ix_patrol_check_site")
    op.drop_table("patrol_check")
    with op.batch_alter_table("patrol_round", schema=None) as batch_op:
        batch_op.drop_index("ix_patrol_round_site_started")
    op.drop_table("patrol_round")
