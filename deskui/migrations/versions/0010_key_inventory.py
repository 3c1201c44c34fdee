"""the keys the desk holds 钥匙台账 (issue 13)

Three tables, all append-only like 0007's registers (models.keys): `key_item` (a key added, or a correction of one:
`replaces_id`, one per entry), `key_retirement` (a key no longer held, one per entry) and `key_loan_authority` (the
authority note of a loan of a key that needs one, one per loan). The database refuses UPDATE and DELETE on all of
them (SQLite and PostgreSQL), TRUNCATE on PostgreSQL (deskui_refuse_change() of 0004), and on SQLite any INSERT that
would meet an existing row by its primary or a unique key (INSERT OR REPLACE, as 0005 does).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each append-only table and the rows an insert into it could collide with: its primary key and each unique key.
SAME_ROW = {
    "key_item": "id = NEW.id OR replaces_id = NEW.replaces_id",
    "key_retirement": "id = NEW.id OR key_id = NEW.key_id",
    "key_loan_authority": "id = NEW.id OR loan_id = NEW.loan_id",
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
        "key_item",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("opens", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("hook", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("authority", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        *_who(),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["replaces_id"], ["key_item.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("replaces_id"),
    )
    with op.batch_alter_table("key_item", schema=None) as batch_op:
        batch_op.create_index("ix_key_item_tag", ["site_id", "tag", "id"], unique=False)

    op.create_table(
        "key_retirement",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["key_id"], ["key_item.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    with op.batch_alter_table("key_retirement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_retirement_site_id"), ["site_id"], unique=False)

    op.create_table(
        "key_loan_authority",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["key_loan.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("loan_id"),
    )
    with op.batch_alter_table("key_loan_authority", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_loan_authority_site_id"), ["site_id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("key_loan_authority", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_loan_authority_site_id"))
    op.drop_table("key_loan_authority")
    with op.batch_alter_table("key_retirement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_retirement_site_id"))
    op.drop_table("key_retirement")
    with op.batch_alter_table("key_item", schema=None) as batch_op:
        batch_op.drop_index("ix_key_item_tag")
    op.drop_table("key_item")
