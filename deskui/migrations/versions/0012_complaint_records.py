"""complaint records: place, who is complained about, what happened, what is wanted, result; replies (issue 14)

Reserved in the revision chain so that work on issue 14 can proceed side by side; filled in by its change.

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
