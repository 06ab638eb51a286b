"""Alembic migrations of the triage store (anomaly/store.py); run by store.migrate()."""
