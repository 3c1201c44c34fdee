"""help-request sub-kinds and the timed steps of an emergency checklist (issue 14)

Reserved in the revision chain so that work on issue 14 can proceed side by side; filled in by its change.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
