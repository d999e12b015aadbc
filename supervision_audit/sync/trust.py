"""Trust and access on a laptop: a closed account's replica is wiped at its next contact
with the server, and a laptop that has not reached the server for too long stops signing in
offline until it does.

When the server answers a laptop that its account may no longer be used (closed, or an
inspector's access ended), the laptop refuses any further connection to the replica, closes
it and shreds its files (``security.wipe``: the keyring, which alone holds the store's key,
first, then the store and its journal), leaving a note that says when and why. Changes that
had not gone up are wiped with it: the account may no longer write to the organisation's
records, and its laptop's copy may no longer be read.

Each time the server signs the laptop in, the time is kept (``last_contact``). Signing in to
the replica more than ``offline_sign_in_days`` days after that (a setting of the
organisation's, 30 by default, which comes down with the other settings) first tries the
server; if it cannot be reached, the sign-in is refused, saying why and what to do
(``offline_gate``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from supervision_audit import check_memo
from supervision_audit.db import Store
from supervision_audit.errors import StoreError, SupervisionAuditError
from supervision_audit.security.keyring import keyring_path
from supervision_audit.security.wipe import shred_all, write_note
from supervision_audit.services.log_anchor import anchor_path
from supervision_audit.services.settings import get_setting
from supervision_audit.services.signin_guard import guard_path
from supervision_audit.sync.replica import read_state, write_state

OFFLINE_DAYS = "offline_sign_in_days"
DEFAULT_OFFLINE_DAYS = 30


class AccountClosed(SupervisionAuditError):
    """The server says this laptop's account may no longer be used: its replica is wiped."""


class OfflineTooLong(SupervisionAuditError):
    """The laptop has not reached the server for longer than offline sign-in is allowed."""


def offline_days_allowed(session: Session) -> int:
    """How many days a laptop may sign in offline after it last reached the server."""
    try:
        days = int(get_setting(session, OFFLINE_DAYS) or DEFAULT_OFFLINE_DAYS)
    except ValueError:
        return DEFAULT_OFFLINE_DAYS
    return days if days >= 1 else DEFAULT_OFFLINE_DAYS


def record_contact(store: Store, when: datetime | None = None) -> None:
    """The server has just signed this laptop in."""
    with store.write() as session:
        write_state(session.connection(), last_contact=(when or datetime.now(UTC)).isoformat(
            timespec="seconds"))


def last_contact_day(text: str) -> date | None:
    """The local day of a time kept in the replica's state (None: never, or unreadable)."""
    try:
        return datetime.fromisoformat(text).astimezone().date() if text else None
    except ValueError:
        return None


def replica_files(path: Path) -> list[Path]:
    """Every file a replica keeps beside itself, the keyring (its key) first; then the
    copies taken before an upgrade of the app (``db.pre_migration_backup_path``)."""
    out = [keyring_path(path), path, Path(f"{path}-wal"), Path(f"{path}-shm"),
           check_memo.memo_path(path), anchor_path(path), guard_path(path)]
    for copy in sorted(path.parent.glob(f"{path.stem}.before-upgrade-v*{path.suffix}")):
        out += [keyring_path(copy), copy]
    return out


def _refuse_connections(store: Store, why: str) -> None:
    def refuse(*_args: Any) -> Any:
        raise StoreError(why)

    for engine in (store.engine, getattr(store, "_no_wait", None)):
        if engine is not None:
            event.listen(engine, "do_connect", refuse, insert=True)


def wipe_replica(store: Store, reason: str) -> str:
    """Close ``store`` for good and shred its files; what to tell its user."""
    path = store.path
    try:
        with store.read() as session:
            conn = session.connection()
            state = read_state(conn)
            waiting = int(conn.exec_driver_sql("SELECT count(*) FROM sync_outbox").scalar()
                          or 0)
        who = state.username
    except SupervisionAuditError:
        waiting, who = 0, ""
    gone = (f"{reason} This laptop's replica of the organisation's records "
            f"({path.name}) has been wiped from it")
    if waiting:
        gone += f", with {waiting} change(s) that had not gone to the server"
    gone += (". Ask your administrator if this is wrong; if your account is opened again, "
             "make a new replica with 'replica init'.")
    _refuse_connections(store, gone)
    store.close()
    shred_all(replica_files(path))
    write_note(path, f"{reason} (the account {who})" if who else reason)
    return gone
