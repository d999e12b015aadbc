"""Small helpers for the PostgreSQL tests."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def libpq_url(url: str) -> str:
    """A URL for psycopg itself (libpq's spelling, no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
