"""Alembic environment: the store hands over its own connection (store.migrate)."""

from alembic import context

from anomaly.store import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
