"""paid or free repairs with the fee, booked visits, the resident's sign-off on a callback (issue 14)

Two columns on `ticket`, projections of the events like the others (services.tickets._repairs):
- `paid`: a repair paid, or free under warranty (the "created" event's `paid`, confirmed or changed by the
  completion's); a paid service (kind `service`, FW-) is a repair that is always paid;
- `fee_cents`: a paid repair's fee in whole cents, from the completion that recorded it.
The booked visit (`appointment_at`, a column already) and the sign-off (in the callback event's data) need no schema.
Tickets of kind `service` written before this revision said nothing of `paid`; the replay reads them as paid, so
their rows are set to paid here and stay the replay of their events.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN, never a copy of `ticket` (its events and links point at it).
    op.add_column("ticket", sa.Column("paid", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("ticket", sa.Column("fee_cents", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE ticket SET paid = :paid WHERE kind = 'service'").bindparams(paid=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("fee_cents")
        batch_op.drop_column("paid")
