"""duty log: the seal of a signed handover or review entry

`dutylog.seal`: HMAC-SHA256 of the entry's hash with the site key kept outside the database (services.anchors),
written with the entry after the signer's PIN was checked; empty for ordinary entries. A plain ADD COLUMN (no
table rebuild), so the append-only triggers stay as they are; the column is covered by them like every other.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # names sqlmodel.sql.sqltypes.AutoString for mypy too
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dutylog", sa.Column("seal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # native (SQLite 3.35+): a batch rebuild would lose the triggers
        op.execute("ALTER TABLE dutylog DROP COLUMN seal")
    else:
        op.drop_column("dutylog", "seal")
