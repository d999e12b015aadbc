"""Alembic environment: runs on the connection the store hands over (config.attributes)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import supervision_audit.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Migrations run only through supervision_audit.db.migrate().")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    context.run_migrations()


run_migrations_online()
