"""help-request sub-kinds and the timed steps of an emergency checklist (issue 14)

`ticket.help_kind`: a help request's kind of 003 4.1.1 (medical, repair, complaint, inquiry, security, disaster,
other; "" for other kinds of ticket and an urgent call's help ticket not yet classified), the projection of the
ticket's events like `repair_type`, with the index the help filter and the handover's open checklists read by.
The checklist's steps need no table of their own: each is a `step` event of the ticket (`ticketevent`, append-only
since 0003), with its time, operator and note.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN, never a copy of `ticket` (its events and links point at it).
    op.add_column(
        "ticket",
        sa.Column("help_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=""),
    )
    op.create_index("ix_ticket_help_kind", "ticket", ["site_id", "help_kind", "is_open"])


def downgrade() -> None:
    op.drop_index("ix_ticket_help_kind", table_name="ticket")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("help_kind")
