"""renovation applications, permits, inspections 装修 (issue 13)

Six tables, all append-only like the other registers (models.renovations): `renovation` (the application and its
permit number), `renovation_decision` (approved or refused, one per application), `renovation_worker_pass`,
`renovation_inspection`, `renovation_ticket` (the ticket a finding opened, one per inspection) and
`renovation_close` (completion accepted, one per application). The database refuses UPDATE and DELETE on all of
them (SQLite and PostgreSQL), TRUNCATE on PostgreSQL (deskui_refuse_change() of 0004), and on SQLite any INSERT
that would meet an existing row by its primary or a unique key (INSERT OR REPLACE), as 0007 does.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each append-only table and the rows an insert into it could collide with: its primary key and each unique key.
SAME_ROW = {
    "renovation": "id = NEW.id OR (site_id = NEW.site_id AND number = NEW.number)",
    "renovation_decision": "id = NEW.id OR renovation_id = NEW.renovation_id",
    "renovation_worker_pass": "id = NEW.id OR (site_id = NEW.site_id AND pass_number = NEW.pass_number)",
    "renovation_inspection": "id = NEW.id",
    "renovation_ticket": "id = NEW.id OR inspection_id = NEW.inspection_id",
    "renovation_close": "id = NEW.id OR renovation_id = NEW.renovation_id",
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


def _who() -> list[Any]:
    return [
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
    ]


def _fact_of(parent: str, column: str, *, unique: bool) -> list[Any]:
    items: list[Any] = [
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([column], [f"{parent}.id"]),
        sa.PrimaryKeyConstraint("id"),
    ]
    if unique:
        items.append(sa.UniqueConstraint(column))
    return items


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    when = sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table(
        "renovation",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", text(length=32), nullable=False),
        sa.Column("unit_text", text(length=400), nullable=False),
        sa.Column("unit_key", text(length=400), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("applicant", text(length=100), nullable=False),
        sa.Column("applicant_role", text(length=16), nullable=False),
        sa.Column("company", text(length=200), nullable=False),
        sa.Column("workers", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("work", sa.Text(), nullable=False),
        sa.Column("structural", sa.Boolean(), nullable=False),
        sa.Column("applied_at", when(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "number"),
    )
    with op.batch_alter_table("renovation", schema=None) as batch_op:
        batch_op.create_index("ix_renovation_site_applied", ["site_id", "applied_at", "id"], unique=False)
        batch_op.create_index("ix_renovation_unit", ["site_id", "unit_key", "applied_at"], unique=False)

    op.create_table(
        "renovation_decision",
        *_fact_of("renovation", "renovation_id", unique=True),
        sa.Column("decision", text(length=16), nullable=False),
        sa.Column("note", text(length=400), nullable=False),
        sa.Column("decided_at", when(), nullable=False),
        *_who(),
    )
    with op.batch_alter_table("renovation_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_renovation_decision_site_id"), ["site_id"], unique=False)

    op.create_table(
        "renovation_worker_pass",
        *_fact_of("renovation", "renovation_id", unique=False),
        sa.Column("name", text(length=100), nullable=False),
        sa.Column("pass_number", text(length=40), nullable=False),
        sa.Column("issued_at", when(), nullable=False),
        *_who(),
        sa.UniqueConstraint("site_id", "pass_number"),
    )
    with op.batch_alter_table("renovation_worker_pass", schema=None) as batch_op:
        batch_op.create_index("ix_renovation_worker_pass_renovation", ["site_id", "renovation_id", "id"], unique=False)

    op.create_table(
        "renovation_inspection",
        *_fact_of("renovation", "renovation_id", unique=False),
        sa.Column("result", text(length=16), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("inspected_at", when(), nullable=False),
        *_who(),
    )
    with op.batch_alter_table("renovation_inspection", schema=None) as batch_op:
        batch_op.create_index(
            "ix_renovation_inspection_renovation", ["site_id", "renovation_id", "inspected_at"], unique=False
        )

    op.create_table(
        "renovation_ticket",
        *_fact_of("renovation_inspection", "inspection_id", unique=True),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", text(length=32), nullable=False),
        sa.Column("linked_at", when(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
    )
    with op.batch_alter_table("renovation_ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_renovation_ticket_site_id"), ["site_id"], unique=False)

    op.create_table(
        "renovation_close",
        *_fact_of("renovation", "renovation_id", unique=True),
        sa.Column("note", text(length=400), nullable=False),
        sa.Column("closed_at", when(), nullable=False),
        *_who(),
    )
    with op.batch_alter_table("renovation_close", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_renovation_close_site_id"), ["site_id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    for table in ("renovation_close", "renovation_ticket", "renovation_inspection", "renovation_worker_pass"):
        op.drop_table(table)
    op.drop_table("renovation_decision")
    with op.batch_alter_table("renovation", schema=None) as batch_op:
        batch_op.drop_index("ix_renovation_unit")
        batch_op.drop_index("ix_renovation_site_applied")
    op.drop_table("renovation")
