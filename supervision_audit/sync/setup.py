"""Making a replica: a new encrypted store keyed for one user, filled from the server.

The store key is new and random; the keyring beside the file holds it wrapped for that user
alone (their password, Argon2id), as any encrypted store's does, so the laptop opens it
offline with the same sign-in, and the window and the command line open it as any store.
The first pull brings the user's scope, their own account and the directory; if it cannot
finish, nothing is left behind.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from supervision_audit import check_memo
from supervision_audit.db import open_store
from supervision_audit.errors import StoreError
from supervision_audit.security.keyring import keyring_path, new_store_key
from supervision_audit.security.wipe import note_path
from supervision_audit.services.accounts import Vault, account_named
from supervision_audit.sync.client import (
    Progress,
    ServerLink,
    SyncError,
    SyncReport,
    pull_all,
)
from supervision_audit.sync.replica import now_text, write_state
from supervision_audit.sync.replica_schema import ensure_replica_schema
from supervision_audit.sync.sealing import take_certificate


def new_device_id() -> str:
    return f"laptop-{uuid.uuid4().hex}"


def leftovers(path: Path) -> list[Path]:
    """The files a store keeps beside itself."""
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), keyring_path(path),
            check_memo.memo_path(path), path.with_name(path.name + ".anchor")]


def create_replica(path: Path, server: str, username: str, password: str, *,
                   progress: Progress | None = None) -> SyncReport:
    """A replica of ``username``'s scope at ``path`` (which must not exist yet)."""
    path = Path(path)
    if path.exists() or keyring_path(path).exists():
        raise StoreError(f"{path} exists already: name a new file for the replica.")
    device = new_device_id()
    link = ServerLink(server, device)
    link.sign_in(username, password)  # before anything is written
    device_key = link.device_key()
    key = new_store_key()
    store = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        Vault(path, key).set_password(username, password)
        store = open_store(path, key=key)
        with store.write() as session:
            conn = session.connection()
            ensure_replica_schema(conn)
            write_state(conn, device=device, device_key=device_key, server=link.base,
                        username=username, cursor=0, files=[], directory_digest="",
                        last_contact=now_text())
        report = SyncReport()
        pull_all(store, link, report, progress)
        take_certificate(store, link)
        with store.write() as session:
            if account_named(session, username) is None:
                raise SyncError("The server sent no account for this user: the replica was "
                                "not made.")
            write_state(session.connection(), last_synced_at=now_text())
        note_path(path).unlink(missing_ok=True)  # an earlier replica's wipe, done with
        return report
    except BaseException:
        if store is not None:
            store.close()
            store = None
        for leftover in leftovers(path):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        if store is not None:
            store.close()
