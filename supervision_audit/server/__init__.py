"""The organisation's server: an HTTP API (FastAPI on uvicorn) in front of the PostgreSQL
store, answering through the same services, and so the same rules, as the desktop."""
