"""Backups through SQLite's backup API, checked before any restore.

A backup is a consistent copy of the store, encrypted with the store's key, with a copy of
the keyring beside it so the same passwords open it. Restoring checks the copy first
(integrity, foreign keys, application id, schema version) and keeps the file it replaces.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from supervision_audit.db import (
    APPLICATION_ID,
    Store,
    check_identity,
    connect_raw,
    explain,
    schema_head,
)
from supervision_audit.errors import DamagedStoreError, StoreError, WrongKeyError
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import Action, Actor, PermissionDenied, require
from supervision_audit.services.events import log_event

BACKUP_GLOB = "*.backup-*.sqlite"


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    schema_version: int
    staff: int


def backup_name(db_path: Path, when: datetime | None = None) -> str:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return f"{db_path.stem}.backup-{stamp}.sqlite"


def list_backups(folder: Path, db_path: Path) -> list[Path]:
    """This store's backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}.backup-*.sqlite"), reverse=True)


def take_backup(store: Store, folder: Path, keep: int = 10) -> Path:
    """Write a backup into ``folder`` and keep only the newest ``keep``.

    A store found damaged is not backed up (its copy would push out the good backups).
    """
    damage = store.wait_for_check()
    if damage is not None:
        raise DamagedStoreError(f"No backup was taken. {damage}")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"The backup folder {folder} cannot be created: "
                         f"{exc.strerror or exc}") from exc
    dest = folder / backup_name(store.path)
    store.backup_to(dest)
    ring = keyring_path(store.path)
    if ring.exists():
        try:
            shutil.copy2(ring, keyring_path(dest))
        except OSError as exc:
            dest.unlink(missing_ok=True)
            raise StoreError(f"The backup could not be written: {exc.strerror or exc}") from exc
    for old in list_backups(folder, store.path)[max(keep, 1):]:
        old.unlink(missing_ok=True)
        keyring_path(old).unlink(missing_ok=True)
    return dest


def check_backup(path: Path, key: bytes | None) -> BackupCheck:
    """Open a backup read-only and check it whole; StoreError says what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"There is no backup at {path}.")
    check_identity(path, key)
    try:
        conn = connect_raw(path, key, read_only=True)
    except Exception as exc:
        raise explain(exc, path) from exc
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if integrity != ["ok"]:
            raise StoreError(f"The backup {path.name} is damaged: {integrity[0]}")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(f"The backup {path.name} has {len(broken)} broken references "
                             "between records.")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or not 1 <= version <= schema_head():
            raise StoreError(f"{path.name} is not a backup of a Supervision Audit database "
                             "this version can use.")
        staff = conn.execute("SELECT count(*) FROM staff").fetchone()[0]
    except StoreError:
        raise
    except Exception as exc:
        raise explain(exc, path) from exc
    finally:
        conn.close()
    return BackupCheck(path, int(version), int(staff))


def restore_backup(backup: Path, db_path: Path, key: bytes | None) -> Path:
    """Replace the (closed) store at ``db_path`` with a checked backup.

    The file replaced is kept beside it as ``NAME.before-restore-STAMP.sqlite``; returns
    that path. The caller closes the store first and opens it again afterwards.
    """
    check_backup(backup, key)
    db_path = Path(db_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}{db_path.suffix}")
    staging = db_path.with_name(db_path.name + ".restoring")
    staging.unlink(missing_ok=True)
    source = connect_raw(Path(backup), key, read_only=True)
    try:
        target = connect_raw(staging, key)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = WAL")
        finally:
            target.close()
    except Exception as exc:
        staging.unlink(missing_ok=True)
        raise explain(exc, staging) from exc
    finally:
        source.close()
    _swap_in(staging, db_path, kept)
    ring = keyring_path(Path(backup))
    if ring.exists():  # the passwords as they were when the backup was taken
        if keyring_path(db_path).exists():
            shutil.copy2(keyring_path(db_path), keyring_path(kept))
        shutil.copy2(ring, keyring_path(db_path))
    return kept


def _swap_in(staging: Path, db_path: Path, kept: Path) -> None:
    """Move the database (with its journal) aside to ``kept`` and ``staging`` into its place.
    A move that fails (the file in use by another program, say) puts back what had moved
    and raises StoreError: the database is never left missing."""
    moves = [(Path(f"{db_path}{suffix}"), Path(f"{kept}{suffix}"))
             for suffix in ("-wal", "-shm")]  # the kept file keeps its journal with it
    moves = [(a, b) for a, b in moves if a.exists()]
    if db_path.exists():
        moves.append((db_path, kept))
    moves.append((staging, db_path))
    done: list[tuple[Path, Path]] = []
    try:
        for source, target in moves:
            source.replace(target)
            done.append((source, target))
    except OSError as exc:
        for source, target in reversed(done):
            try:
                target.replace(source)
            except OSError:
                pass  # nothing more can be done here; the error below is still raised
        staging.unlink(missing_ok=True)
        raise StoreError(
            f"The backup could not be put in place of {db_path.name}: {exc.strerror or exc}. "
            "Nothing was restored; close any other program using the database and try "
            "again.") from exc


def backup_to_file(store: Store, actor: Actor, out: Path) -> Path:
    """An administrator's backup to a chosen file, with the keyring beside it; logged."""
    with store.write() as session:
        require(session, actor, Action.MANAGE_BACKUPS)
        log_event(session, actor.who, "backup", subject_kind="file", subject_id=Path(out).name)
    out = Path(out)
    store.backup_to(out)
    ring = keyring_path(store.path)
    if ring.exists():
        shutil.copy2(ring, keyring_path(out))
    return out


def restore_as(backup: Path, db_path: Path, username: str, password: str) -> Path:
    """Restore ``backup`` over the store at ``db_path``, for an administrator of the backup.

    The key comes from the backup's own keyring (else the store's), so a damaged store can
    still be replaced. Returns the path the replaced file is kept at.
    """
    from supervision_audit.security.keyring import load_keyring
    from supervision_audit.security.passwords import verify_password

    ring = load_keyring(Path(backup)) or load_keyring(Path(db_path))
    key = ring.unlock(username, password) if ring is not None else None
    check_backup(backup, key)
    conn = connect_raw(Path(backup), key, read_only=True)
    try:
        row = conn.execute("SELECT password_hash, is_admin, active FROM user_account "
                           "WHERE username = ?", (username,)).fetchone()
    finally:
        conn.close()
    if row is None or not verify_password(row[0], password):
        raise WrongKeyError("The user name or password is not right.")
    if not (row[1] and row[2]):
        raise PermissionDenied(f"{username} may not restore backups: only an administrator may.")
    return restore_backup(Path(backup), Path(db_path), key)
