"""``supervision-audit serve``: the API on uvicorn, in front of the organisation's database.

The process keeps nothing of its own (tokens are checked with a key kept in the database,
back-off is counted from the log), so several can run behind a load balancer on one
PostgreSQL. SIGTERM and Ctrl+C end it cleanly: uvicorn stops taking connections, lets the
requests under way finish, and the database connections are closed.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from datetime import timedelta
from pathlib import Path

from supervision_audit.pg.store import open_pg_store

LOG_FORMAT = "%(message)s"  # the server's lines are JSON already
log = logging.getLogger("supervision_audit.server")


def serve(database: str, *, host: str = "127.0.0.1", port: int = 8080,
          token_minutes: int = 15, certfile: Path | None = None,
          keyfile: Path | None = None) -> int:
    """Run the server until SIGTERM or Ctrl+C; returns the exit status."""
    import uvicorn

    from supervision_audit.server.app import create_app

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    store = open_pg_store(database)
    try:
        app = create_app(store, token_lifetime=timedelta(minutes=token_minutes))
        log.info(json.dumps({
            "event": "serving", "database": store.name, "host": host, "port": port,
            "tls": certfile is not None}))
        config = uvicorn.Config(
            app, host=host, port=port, log_config=None, access_log=False,
            ssl_certfile=str(certfile) if certfile else None,
            ssl_keyfile=str(keyfile) if keyfile else None, timeout_graceful_shutdown=20)
        # uvicorn stops gracefully on SIGTERM/SIGINT, then raises the signal again for the
        # handler that was there before it: this one, so that a requested stop exits 0
        stopped: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: stopped.append(number))
        uvicorn.Server(config).run()
        log.info(json.dumps({"event": "stopped", "signal": stopped[0] if stopped else None}))
    finally:
        store.close()
    return 0
