"""archives of the years past retention (issue 14)

Reserved in the revision chain so that work on issue 14 can proceed side by side; filled in by its change.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
