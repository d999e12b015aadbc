"""``supervision-audit serve``: the API on uvicorn, in front of the organisation's database.

The process keeps nothing of its own (tokens are checked with a key kept in the database,
back-off is counted from the log), so several can run behind a load balancer on one
PostgreSQL. SIGTERM and Ctrl+C end it cleanly: uvicorn stops taking connections, lets the
requests under way finish, and the database connections are closed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervision_audit.pg.log_seal import seal_log
from supervision_audit.pg.store import open_pg_store
from supervision_audit.server.tokens import token_key

if TYPE_CHECKING:
    from fastapi import FastAPI

LOG_FORMAT = "%(message)s"  # the server's lines are JSON already
log = logging.getLogger("supervision_audit.server")
# a connection for each request thread (server.app.REQUEST_THREADS), one for the log writer
# and a few to spare, none made and dropped again under load; no ping before each use (a
# round trip per request): after a database restart the first request on a stale
# connection is answered 503, the pool is emptied, and the next is served afresh
SERVER_POOL = {"pool_size": 34, "max_overflow": 4, "pre_ping": False}


WORKERS_DATABASE = "SUPERVISION_AUDIT_SERVE_DATABASE"  # handed to worker processes
WORKERS_TOKEN_MINUTES = "SUPERVISION_AUDIT_SERVE_TOKEN_MINUTES"
WORKERS_LOG_KEY = "SUPERVISION_AUDIT_SERVE_LOG_KEY"


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)


def app_from_environment() -> FastAPI:
    """The app of one worker process (``serve --workers N``: uvicorn imports this by name
    in each process it starts); the database was upgraded before they started."""
    from supervision_audit.server.app import create_app

    _logging()
    store = open_pg_store(os.environ[WORKERS_DATABASE], upgrade=False, **SERVER_POOL)
    seal_log(store, Path(os.environ[WORKERS_LOG_KEY]))
    minutes = int(os.environ.get(WORKERS_TOKEN_MINUTES, "15"))
    return create_app(store, token_lifetime=timedelta(minutes=minutes))


def serve(database: str, *, host: str = "127.0.0.1", port: int = 8080,
          token_minutes: int = 15, certfile: Path | None = None,
          keyfile: Path | None = None, workers: int = 1,
          log_key: Path = Path("organisation-log.key")) -> int:
    """Run the server until SIGTERM or Ctrl+C; returns the exit status. With ``workers``
    above 1, that many processes share the port (uvicorn's supervisor restarts one that
    dies), each with its own connections and log writer. The log's checkpoints are sealed
    with the key in ``log_key`` (``pg.log_seal``; made on first start)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from supervision_audit.server.app import create_app

    _logging()
    store = open_pg_store(database, **SERVER_POOL)
    try:
        seal_log(store, log_key)
        options: dict[str, Any] = {
            "host": host, "port": port, "log_config": None, "access_log": False,
            "ssl_certfile": str(certfile) if certfile else None,
            "ssl_keyfile": str(keyfile) if keyfile else None,
            "timeout_graceful_shutdown": 20}
        log.info(json.dumps({
            "event": "serving", "database": store.name, "host": host, "port": port,
            "tls": certfile is not None, "workers": workers, "log_key": str(log_key)}))
        if workers > 1:
            with store.write() as session:
                token_key(session)  # made once, before the workers start
            store.close()
            os.environ[WORKERS_DATABASE] = database
            os.environ[WORKERS_TOKEN_MINUTES] = str(token_minutes)
            os.environ[WORKERS_LOG_KEY] = str(log_key)
            config = uvicorn.Config(f"{__name__}:app_from_environment", factory=True,
                                    workers=workers, **options)
            # the supervisor stops its workers gracefully on SIGTERM/SIGINT and returns
            Multiprocess(config, sockets=[config.bind_socket()]).run()
            log.info(json.dumps({"event": "stopped"}))
            return 0
        app = create_app(store, token_lifetime=timedelta(minutes=token_minutes))
        config = uvicorn.Config(app, **options)
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
