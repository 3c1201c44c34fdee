"""complaint records: place, who is complained about, what happened, what is wanted, result; replies (issue 14)

No schema change: every fact of the complaint record is kept where the ticket's other facts are, in its append-only
events (ticketevent.data, JSON), and the ticket row is their projection (services.tickets._replay):
- the record (place, who or which department is complained about, what happened, what the resident wants) in the
  "created" event's `complaint`; the result in the "status → done" event's note (or the "closed" event's `result`);
- a minor complaint's deadline agreed later in a "deadline" event, projected onto the existing
  ticket.resident_deadline column (0003), which the resolution target and the monthly report already read;
- the reply to the resident in a "replied" event with `via` (phone, visit, written).
No queue or filter selects on these, so nothing is projected onto new columns; the revision stays in the chain so
0013–0015 keep their places.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
