"""renovation applications, permits, inspections 装修 (issue 13)

Reserved in the revision chain so that work on the registers can proceed side by side; filled in by its change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
