"""PostgreSQL, the organisation's shared store (the standalone store is SQLite: ``db``)."""
