"""The command line of the organisation's server: ``serve``, ``migrate`` and ``accounts``.

These work on the organisation's PostgreSQL database, named by ``--database`` or
SUPERVISION_AUDIT_DATABASE (``postgresql://user:password@host:port/name``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervision_audit.errors import SupervisionAuditError

if TYPE_CHECKING:
    from sqlmodel import Session

    from supervision_audit.services.access import Actor

ENV_DATABASE = "SUPERVISION_AUDIT_DATABASE"
ENV_LOG_KEY = "SUPERVISION_AUDIT_LOG_KEY"


def log_key_path(args: argparse.Namespace) -> Path:
    """The server's log key file: --log-key, else SUPERVISION_AUDIT_LOG_KEY, else
    ``organisation-log.key`` in the server account's data folder."""
    from supervision_audit import paths

    given = getattr(args, "log_key", None) or os.environ.get(ENV_LOG_KEY, "")
    return Path(given).expanduser() if given else paths.data_dir() / "organisation-log.key"


def database_url(args: argparse.Namespace, option: str = "database") -> str:
    url = getattr(args, option, None) or os.environ.get(ENV_DATABASE, "")
    if not url:
        raise SupervisionAuditError(
            f"Name the organisation's database: --{option.replace('_', '-')} "
            f"postgresql://user@host:port/name, or set {ENV_DATABASE}.")
    return str(url)


def cmd_serve(args: argparse.Namespace) -> int:
    from supervision_audit.server.run import serve

    if args.workers < 1:
        raise SupervisionAuditError("--workers needs a number of processes, 1 or more.")
    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        raise SupervisionAuditError("TLS needs both --ssl-certfile and --ssl-keyfile.")
    return serve(database_url(args), host=args.host, port=args.port,
                 token_minutes=args.token_minutes, certfile=args.ssl_certfile,
                 keyfile=args.ssl_keyfile, workers=args.workers,
                 log_key=log_key_path(args))


@contextmanager
def _as_admin(args: argparse.Namespace) -> Iterator[tuple[Session, Actor]]:
    """A write session on the organisation's database, signed in (as the server signs in:
    Argon2id, back-off, logged) with SUPERVISION_AUDIT_USER and _PASSWORD."""
    from supervision_audit.cli import credentials
    from supervision_audit.pg.store import open_pg_store
    from supervision_audit.server.auth import Caller, actor_of, sign_in
    from supervision_audit.server.tokens import token_key, verify

    store = open_pg_store(database_url(args))
    try:
        with store.write() as session:
            key = token_key(session)
        user, password = credentials(args)
        token, _claims = sign_in(store, key, user, password, Caller(device="command line"))
        with store.write() as session:
            yield session, actor_of(session, verify(key, token), date.today())
    finally:
        store.close()


def cmd_verify_server_log(args: argparse.Namespace) -> int:
    """``verify-log --database``: the organisation's log, its chain and every checkpoint
    against the server's log key, as one signed-in person with access to the log sees it."""
    import shutil
    import tempfile

    from supervision_audit.cli_commands import print_log_report
    from supervision_audit.pg.log_seal import read_key_file
    from supervision_audit.services.access import Action, require
    from supervision_audit.services.log_anchor import anchor_path, verify_log

    key_file = log_key_path(args)
    with _as_admin(args) as (session, actor):
        require(session, actor, Action.VIEW_LOG)
    from supervision_audit.pg.store import open_pg_store

    store = open_pg_store(database_url(args), upgrade=False)
    try:
        anchor = read_key_file(key_file) if key_file.exists() else None
        with tempfile.TemporaryDirectory() as folder:
            if anchor is not None and anchor.path.exists():
                # the anchor file as it is before the walk's snapshot: a checkpoint a
                # server writes meanwhile is not yet in that snapshot
                anchor.path = anchor_path(Path(folder) / "log")
                shutil.copyfile(anchor_path(key_file), anchor.path)
            elif anchor is not None:
                anchor.path = anchor_path(Path(folder) / "log")
            with store.read() as session:
                report = verify_log(session, anchor)
    finally:
        store.close()
    return print_log_report(report, "server")


def cmd_accounts_list(args: argparse.Namespace) -> int:
    from supervision_audit.models import Staff
    from supervision_audit.server.accounts_bulk import describe
    from supervision_audit.services.accounts import list_accounts

    with _as_admin(args) as (session, actor):
        for account in list_accounts(session, actor):
            person = session.get(Staff, account.staff_id)
            print(describe(account, person.staff_id if person else "?",
                           person.name if person else "?"))
    return 0


def _hand_out(issued: list[Any], out: Path | None) -> None:
    from supervision_audit.server.accounts_bulk import write_hand_out

    if out is not None:
        write_hand_out(issued, out)
        print(f"{len(issued)} account(s) made; one-time passwords written to {out} (readable "
              "by you only): hand each out, then delete the file. Each must be changed at "
              "first sign-in.")
        return
    for item in issued:
        print(f"{item.username}\t{item.staff_id}\t{item.name}\tone-time password: "
              f"{item.password}")
    print(f"{len(issued)} account(s) made; each one-time password must be changed at first "
          "sign-in.")


def _free_out(out: Path | None) -> None:
    if out is not None and out.exists():
        raise SupervisionAuditError(f"{out} exists already; name a new file for the "
                                    "one-time passwords.")


def cmd_accounts_add(args: argparse.Namespace) -> int:
    from supervision_audit.server.accounts_bulk import issue_account

    _free_out(args.out)
    with _as_admin(args) as (session, actor):
        issued = [issue_account(session, actor, args.staff, args.username,
                                is_admin=args.admin)]
    _hand_out(issued, args.out)
    return 0


def cmd_accounts_import(args: argparse.Namespace) -> int:
    from supervision_audit.server.accounts_bulk import accounts_from_file

    _free_out(args.out)
    with _as_admin(args) as (session, actor):
        issued = accounts_from_file(session, actor, Path(args.file))
    _hand_out(issued, args.out)
    return 0


def cmd_accounts_close(args: argparse.Namespace) -> int:
    from supervision_audit.server.auth import NO_VAULT
    from supervision_audit.services.accounts import deactivate_account

    with _as_admin(args) as (session, actor):
        deactivate_account(session, actor, NO_VAULT, args.username)
    print(f"Account '{args.username}' closed: it can no longer sign in, and its tokens stop "
          "working at once.")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from supervision_audit.cli import credentials
    from supervision_audit.pg.move_in import move_in
    from supervision_audit.pg.store import open_pg_store
    from supervision_audit.services.access import Action, require
    from supervision_audit.services.signin import sign_in

    target = open_pg_store(database_url(args, "to"))
    try:
        user, password = credentials(args)
        for source in args.sources:
            path = Path(source).expanduser()
            opened = sign_in(path, user, password)
            try:
                with opened.store.read() as read, target.write() as write:
                    require(read, opened.actor, Action.MANAGE_BACKUPS)
                    report = move_in(read, write, path.name, opened.actor.who)
            except SupervisionAuditError as exc:
                raise SupervisionAuditError(f"{path.name}: {exc}") from exc
            finally:
                opened.store.close()
            print("\n".join(report.lines()))
    finally:
        target.close()
    return 0


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
    serve.add_argument("--log-key", type=Path, metavar="FILE",
                       help="the key that seals the log's checkpoints, kept outside the "
                            f"database (default: ${ENV_LOG_KEY}, else organisation-log.key "
                            "in the server account's data folder; made on first start)")
    serve.add_argument("--workers", type=int, default=1,
                       help="server processes sharing the port (default 1; one per "
                            "processor core is usual)")
    serve.add_argument("--token-minutes", type=int, default=15,
                       help="how long a sign-in token lasts (default 15)")
    serve.add_argument("--ssl-certfile", type=Path, metavar="PEM",
                       help="serve HTTPS with this certificate (chain) ...")
    serve.add_argument("--ssl-keyfile", type=Path, metavar="PEM", help="... and this key")
    serve.set_defaults(handler=cmd_serve)

    migrate = sub.add_parser(
        "migrate", help="move standalone stores into the organisation's database",
        description="Move each standalone store (--from, one after another, each whole or "
                    "not at all) into the organisation's PostgreSQL database: every record, "
                    "signature, addendum, audit, attachment and log entry, signatures checked "
                    "again. Sign in to each store as one of its administrators "
                    "(SUPERVISION_AUDIT_USER and SUPERVISION_AUDIT_PASSWORD).")
    migrate.add_argument("--from", dest="sources", action="append", required=True,
                         metavar="STORE", help="a standalone store (.sqlite); may be repeated")
    migrate.add_argument("--to", metavar="URL",
                         help=f"the organisation's PostgreSQL database (default: ${ENV_DATABASE})")
    migrate.set_defaults(handler=cmd_migrate)

    accounts = sub.add_parser(
        "accounts", help="the organisation's accounts: add, import, list, close",
        description="Accounts on the organisation's database, as one of its administrators "
                    "(SUPERVISION_AUDIT_USER and SUPERVISION_AUDIT_PASSWORD). New accounts get "
                    "a one-time password, to be changed at first sign-in.")
    _database_option(accounts)
    verbs = accounts.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = verbs.add_parser("list", help="every account, with its state")
    listing.set_defaults(handler=cmd_accounts_list)
    add = verbs.add_parser("add", help="an account for one member of staff")
    add.add_argument("--staff", required=True, metavar="ID", help="their staff id")
    add.add_argument("--username", required=True)
    add.add_argument("--admin", action="store_true", help="an administrator's account")
    add.add_argument("--out", type=Path, metavar="FILE.csv",
                     help="write the one-time password here instead of printing it")
    add.set_defaults(handler=cmd_accounts_add)
    bulk = verbs.add_parser("import", help="accounts for every row of a staff file (.xlsx or "
                            ".csv) with staff_id and username columns")
    bulk.add_argument("file", metavar="FILE")
    bulk.add_argument("--out", type=Path, metavar="FILE.csv",
                      help="write the one-time passwords here instead of printing them")
    bulk.set_defaults(handler=cmd_accounts_import)
    close = verbs.add_parser("close", help="close an account (it can no longer sign in)")
    close.add_argument("username")
    close.set_defaults(handler=cmd_accounts_close)

    from supervision_audit.cli_sync import add_sync_commands

    add_sync_commands(sub)  # a laptop's replica of the server: replica init, sync
