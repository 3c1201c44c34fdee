"""maintenance staff per department as assignees (issue 14)

`worker`: the people of each department a dispatch can name (name, phone, on duty), kept in the directory. Not a
history (a worker goes on and off duty; the tickets' events keep who was sent, by name, whatever this row becomes),
so no append-only triggers. `ticket.worker_id` / `ticket.worker_name`: the projection of the last dispatch's worker,
like the assignee columns, with the index a worker's open jobs are read by.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "name"),
    )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.create_index("ix_worker_department", ["site_id", "department", "name"], unique=False)
    # ALTER TABLE … ADD COLUMN, never a copy of `ticket` (its events and links point at it). SQLite takes the
    # REFERENCES of a new column whose default is NULL, written out (Alembic adds no constraint to SQLite).
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE ticket ADD COLUMN worker_id INTEGER REFERENCES "worker" (id)')
    else:
        op.add_column("ticket", sa.Column("worker_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_ticket_worker_id_worker", "ticket", "worker", ["worker_id"], ["id"])
    op.add_column(
        "ticket",
        sa.Column("worker_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=""),
    )
    op.create_index("ix_ticket_worker_due", "ticket", ["site_id", "worker_id", "is_open", "due_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_worker_due", table_name="ticket")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("worker_name")
        batch_op.drop_column("worker_id")
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_index("ix_worker_department")
    op.drop_table("worker")
