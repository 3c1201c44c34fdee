"""records deskui writes itself store facts, rendered in the reader's language (issue 12)

No schema change: the facts go where each record already keeps data as JSON —
- a signed handover's duty-log entry: its text is empty, its payload holds the shift key, the people, each shortage
  (item key, configured labels, counts, the typed explanation), keys out, open items, night-call decisions; a
  review's text is only the supervisor's note (services.handover._facts renders both on read);
- a ticket deskui opens itself (a shortage at handover, a patrol finding): the facts in its "created" event
  (services.tickets._facts renders the description on read; the stored description, in the site's language, is
  what SQL readers and the search text see).
Rows written before (as sentences) carry no facts version and are shown as stored. The revision stays in the chain.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:10:00
"""

from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
