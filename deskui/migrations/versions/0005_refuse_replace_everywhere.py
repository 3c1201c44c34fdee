"""refuse INSERT OR REPLACE on every append-only table, whatever the connection's settings

0002 and 0004 relied on recursive_triggers=ON to stop INSERT OR REPLACE (REPLACE deletes the row it meets, and
only with recursive_triggers does that implicit delete fire the delete trigger). deskui's own connections set it,
a plain sqlite3 shell does not: there `INSERT OR REPLACE INTO call …` with an existing id rewrote a call. As 0003
already does for the ticket history, a BEFORE INSERT trigger on each append-only table now refuses any insert that
would meet an existing row (its primary key or any of its unique keys), so the refusal is in the schema itself.

PostgreSQL has no REPLACE, and its `INSERT … ON CONFLICT DO UPDATE` fires the UPDATE triggers 0002-0004 made, so
nothing is added there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rows an insert into each table could collide with: its primary key and each unique key.
SAME_ROW = {
    "call": "id = NEW.id OR amends_id = NEW.amends_id OR client_token = NEW.client_token",
    "dutylog": "id = NEW.id OR (site_id = NEW.site_id AND (seq = NEW.seq OR ref_key = NEW.ref_key))",
    "handover": "id = NEW.id OR (site_id = NEW.site_id AND duty_date = NEW.duty_date AND shift_key = NEW.shift_key)",
    "handover_record": "id = NEW.id",
    "call_disposition": "id = NEW.id",
    "key_loan": "id = NEW.id",
    "key_return": "id = NEW.id OR loan_id = NEW.loan_id",
    "roster_change": "id = NEW.id",
}
MESSAGE = {"call": "calls are append-only"}


def sqlite_statements() -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_refuse_replace BEFORE INSERT ON "{table}"
    WHEN EXISTS (SELECT 1 FROM "{table}" WHERE {same})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.get(table, f"{table} is append-only")}'); END"""
        for table, same in SAME_ROW.items()
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_statements():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SAME_ROW:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_replace")
