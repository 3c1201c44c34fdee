"""Alembic environment: deskui passes its own engine in, so there is no alembic.ini to keep in step."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import deskui.models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("deskui migrations run online only")
run_migrations_online()
