"""registers: visitors 来访登记, parcels and mail 代收, goods-release passes 物品放行 (issue 13)

Eight tables, all append-only like the key log: `visit` and `visit_exit`; `parcel`, `parcel_notice` and
`parcel_pickup`; `gate_pass`, `gate_pass_use` and `gate_pass_void`. A record is written once and every later fact
about it is a row of its own (models.registers). The database refuses UPDATE and DELETE on all of them (SQLite and
PostgreSQL), TRUNCATE on PostgreSQL (deskui_refuse_change() of 0004), and on SQLite any INSERT that would meet an
existing row by its primary or a unique key (INSERT OR REPLACE, as 0005 does for the other append-only tables).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 02:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each append-only table and the rows an insert into it could collide with: its primary key and each unique key.
SAME_ROW = {
    "visit": "id = NEW.id",
    "visit_exit": "id = NEW.id OR visit_id = NEW.visit_id",
    "parcel": "id = NEW.id",
    "parcel_notice": "id = NEW.id",
    "parcel_pickup": "id = NEW.id OR parcel_id = NEW.parcel_id",
    "gate_pass": "id = NEW.id OR (site_id = NEW.site_id AND number = NEW.number)",
    "gate_pass_use": "id = NEW.id OR pass_id = NEW.pass_id",
    "gate_pass_void": "id = NEW.id OR pass_id = NEW.pass_id",
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


def upgrade() -> None:
    op.create_table(
        "gate_pass",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("unit_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("bearer", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("bearer_role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("consent", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("vehicle", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("warning", sa.Text(), nullable=False),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("valid_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "number"),
    )
    with op.batch_alter_table("gate_pass", schema=None) as batch_op:
        batch_op.create_index("ix_gate_pass_site_issued", ["site_id", "issued_at", "id"], unique=False)
        batch_op.create_index("ix_gate_pass_unit", ["site_id", "unit_key", "issued_at"], unique=False)

    op.create_table(
        "parcel",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("unit_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("carrier", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tracking", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("shelf", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.create_index("ix_parcel_site_received", ["site_id", "received_at", "id"], unique=False)
        batch_op.create_index("ix_parcel_unit", ["site_id", "unit_key", "received_at"], unique=False)

    op.create_table(
        "visit",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("unit_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("plate", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("id_tail", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_site_entered", ["site_id", "entered_at", "id"], unique=False)
        batch_op.create_index("ix_visit_unit", ["site_id", "unit_key", "entered_at"], unique=False)

    op.create_table(
        "gate_pass_use",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"],
            ["gate_pass.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pass_id"),
    )
    with op.batch_alter_table("gate_pass_use", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_pass_use_site_id"), ["site_id"], unique=False)

    op.create_table(
        "gate_pass_void",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("voided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"],
            ["gate_pass.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pass_id"),
    )
    with op.batch_alter_table("gate_pass_void", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_pass_void_site_id"), ["site_id"], unique=False)

    op.create_table(
        "parcel_notice",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("parcel_notice", schema=None) as batch_op:
        batch_op.create_index("ix_parcel_notice_parcel", ["site_id", "parcel_id", "id"], unique=False)

    op.create_table(
        "parcel_pickup",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("picked_up_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("picked_up_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("parcel_id"),
    )
    with op.batch_alter_table("parcel_pickup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parcel_pickup_site_id"), ["site_id"], unique=False)

    op.create_table(
        "visit_exit",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("left_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id"),
    )
    with op.batch_alter_table("visit_exit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_exit_site_id"), ["site_id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("visit_exit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_exit_site_id"))

    op.drop_table("visit_exit")
    with op.batch_alter_table("parcel_pickup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_pickup_site_id"))

    op.drop_table("parcel_pickup")
    with op.batch_alter_table("parcel_notice", schema=None) as batch_op:
        batch_op.drop_index("ix_parcel_notice_parcel")

    op.drop_table("parcel_notice")
    with op.batch_alter_table("gate_pass_void", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_pass_void_site_id"))

    op.drop_table("gate_pass_void")
    with op.batch_alter_table("gate_pass_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_pass_use_site_id"))

    op.drop_table("gate_pass_use")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_unit")
        batch_op.drop_index("ix_visit_site_entered")

    op.drop_table("visit")
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_index("ix_parcel_unit")
        batch_op.drop_index("ix_parcel_site_received")

    op.drop_table("parcel")
    with op.batch_alter_table("gate_pass", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_pass_unit")
        batch_op.drop_index("ix_gate_pass_site_issued")

    op.drop_table("gate_pass")
