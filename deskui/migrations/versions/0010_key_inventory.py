"""the keys the desk holds 钥匙台账 (issue 13)

Reserved in the revision chain so that work on the registers can proceed side by side; filled in by its change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
