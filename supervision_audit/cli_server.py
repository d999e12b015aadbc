"""The command line of the organisation's server: ``serve``, ``migrate`` and ``accounts``.

These work on the organisation's PostgreSQL database, named by ``--database`` or
SUPERVISION_AUDIT_DATABASE (``postgresql://user:password@host:port/name``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from supervision_audit.errors import SupervisionAuditError

ENV_DATABASE = "SUPERVISION_AUDIT_DATABASE"


def database_url(args: argparse.Namespace, option: str = "database") -> str:
    url = getattr(args, option, None) or os.environ.get(ENV_DATABASE, "")
    if not url:
        raise SupervisionAuditError(
            f"Name the organisation's database: --{option.replace('_', '-')} "
            f"postgresql://user@host:port/name, or set {ENV_DATABASE}.")
    return str(url)


def cmd_serve(args: argparse.Namespace) -> int:
    from supervision_audit.server.run import serve

    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        raise SupervisionAuditError("TLS needs both --ssl-certfile and --ssl-keyfile.")
    return serve(database_url(args), host=args.host, port=args.port,
                 token_minutes=args.token_minutes, certfile=args.ssl_certfile,
                 keyfile=args.ssl_keyfile)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help=f"the organisation's PostgreSQL database (default: ${ENV_DATABASE})")


def add_server_commands(sub: Any) -> None:
    serve = sub.add_parser(
        "serve", help="run the organisation's server (HTTP API) on a PostgreSQL database",
        description="Run the organisation's server: the HTTP API in front of its PostgreSQL "
                    "database (created or upgraded on start). SIGTERM or Ctrl+C stops it.")
    _database_option(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    serve.add_argument("--port", type=int, default=8080, help="the port (default 8080)")
    serve.add_argument("--token-minutes", type=int, default=15,
                       help="how long a sign-in token lasts (default 15)")
    serve.add_argument("--ssl-certfile", type=Path, metavar="PEM",
                       help="serve HTTPS with this certificate (chain) ...")
    serve.add_argument("--ssl-keyfile", type=Path, metavar="PEM", help="... and this key")
    serve.set_defaults(handler=cmd_serve)
