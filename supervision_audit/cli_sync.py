"""The command line of a laptop's replica: ``replica init`` and ``sync``.

``supervision-audit --db LAPTOP.sqlite replica init --server URL`` makes a replica of the
signed-in user's scope (SUPERVISION_AUDIT_USER and SUPERVISION_AUDIT_PASSWORD, or asked);
``supervision-audit --db LAPTOP.sqlite sync`` pushes what was written on it and pulls what
changed; ``sync --status`` says where it stands without reaching the server. The window
and every other command open the replica as any store.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from supervision_audit.errors import SupervisionAuditError


def _say(text: str) -> None:
    print(text, flush=True)


def cmd_replica_init(args: argparse.Namespace) -> int:
    from supervision_audit.cli import credentials, db_path
    from supervision_audit.sync.setup import create_replica

    path = db_path(args)
    user, password = credentials(args)
    report = create_replica(path, args.server, user, password, progress=_say)
    print(f"Replica of {user}'s files made at {path}: {len(report.files_added)} file(s), "
          f"{report.rows} row(s). Open it as any store (--db {path}); sync it with "
          f"'supervision-audit --db {path} sync'.")
    return 0


def _status(store: Any) -> int:
    from datetime import timedelta

    from supervision_audit.services import offline_seal
    from supervision_audit.sync.conflicts import kept_changes
    from supervision_audit.sync.outbox import waiting
    from supervision_audit.sync.replica import read_state
    from supervision_audit.sync.trust import last_contact_day, offline_days_allowed

    with store.read() as session:
        conn = session.connection()
        state = read_state(conn)
        count = waiting(conn)
        kept = kept_changes(conn)
        unsealed = offline_seal.waiting(conn)
        allowed = offline_days_allowed(session)
    print(f"server: {state.server}")
    print(f"device: {state.device}")
    print(f"last synced: {state.last_synced_at or 'never'}")
    contact = last_contact_day(state.last_contact or state.last_synced_at)
    if contact is not None:
        print(f"last reached the server: {contact:%d/%m/%Y}; signs in offline until "
              f"{contact + timedelta(days=allowed):%d/%m/%Y}")
    if unsealed:
        print(f"exports waiting to be sealed by the server: {len(unsealed)}")
    if state.last_error:
        print(f"last attempt failed: {state.last_error}")
    print(f"waiting to go: {count} change(s)")
    print(f"files held: {len(state.files)}")
    for item in kept:
        print(f"not taken by the server ({item.what}) [{item.id}] {item.table} {item.key}: "
              f"{item.reason}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from supervision_audit.cli import credentials, db_path, signed_in
    from supervision_audit.services.signin import sign_in
    from supervision_audit.sync.client import sync_store
    from supervision_audit.sync.replica import NotAReplica, read_state

    if args.status:
        opened = signed_in(args)
        try:
            return _status(opened.store)
        finally:
            opened.store.close()
    user, password = credentials(args)
    opened = sign_in(db_path(args), user, password)
    try:
        with opened.store.read() as session:
            has_key = bool(read_state(session.connection()).device_key)
        # the server is signed in to with the laptop's own key where it has one
        report = sync_store(opened.store, user, None if has_key else password,
                            server=args.server, progress=_say)
    except NotAReplica as exc:
        raise SupervisionAuditError(f"{exc} Make one with 'replica init'.") from exc
    finally:
        opened.store.close()
    for line in report.lines():
        print(line)
    sys.stdout.flush()
    return 0


def cmd_offline_days(args: argparse.Namespace) -> int:
    """The organisation's limit on offline sign-in, shown or set on its database."""
    from supervision_audit.cli_server import _as_admin
    from supervision_audit.services.settings import set_setting
    from supervision_audit.sync.trust import OFFLINE_DAYS, offline_days_allowed

    if args.days is not None and not 1 <= args.days <= 3650:
        raise SupervisionAuditError("Give the days as a whole number from 1 to 3650.")
    with _as_admin(args) as (session, actor):
        if args.days is not None:
            set_setting(session, actor, OFFLINE_DAYS, str(args.days))
        days = offline_days_allowed(session)
    print(f"Laptops sign in offline for up to {days} day(s) after they last reached the "
          "server" + (" (laptops take this at their next sync)." if args.days else "."))
    return 0


def add_sync_commands(sub: Any) -> None:
    replica = sub.add_parser(
        "replica", help="a laptop's replica of the organisation's server",
        description="A replica: an encrypted store on this laptop holding exactly what you "
                    "may see on the organisation's server, for working offline. Name its file "
                    "with --db.")
    verbs = replica.add_subparsers(title="actions", metavar="ACTION", required=True)
    init = verbs.add_parser("init", help="make a replica of your scope from the server")
    init.add_argument("--server", required=True, metavar="URL",
                      help="the organisation's server, e.g. https://audit.example.org")
    init.set_defaults(handler=cmd_replica_init)
    days = verbs.add_parser(
        "offline-days", help="on the organisation's database: how many days a laptop may "
                             "sign in offline after it last reached the server (default 30)")
    days.add_argument("days", type=int, nargs="?", metavar="DAYS",
                      help="the new limit (shown when left out)")
    days.add_argument("--database", metavar="URL",
                      help="the organisation's PostgreSQL database "
                           "(default: $SUPERVISION_AUDIT_DATABASE)")
    days.set_defaults(handler=cmd_offline_days)

    sync = sub.add_parser(
        "sync", help="sync this laptop's replica with the organisation's server",
        description="Push what was written on this replica, then pull what changed on the "
                    "server within your scope. Changes the server does not take are kept on "
                    "the laptop with the reason (see --status).")
    sync.add_argument("--server", metavar="URL",
                      help="the server's address, if it moved (remembered from then on)")
    sync.add_argument("--status", action="store_true",
                      help="where the replica stands (last synced, waiting, not taken), "
                           "without reaching the server")
    sync.set_defaults(handler=cmd_sync)
