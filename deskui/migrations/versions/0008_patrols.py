"""patrol routes' rounds and checkpoint results 巡查 (issue 13)

Reserved in the revision chain so that work on the registers can proceed side by side; filled in by its change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
