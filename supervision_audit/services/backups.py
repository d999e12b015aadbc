"""Backups through SQLite's backup API, checked before any restore.

A backup is a consistent copy of the store, encrypted with the store's key, with a copy of
the keyring beside it so the same passwords open it. Restoring checks the copy first
(integrity, foreign keys, application id, schema version) and keeps the file it replaces.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from supervision_audit.db import (
    APPLICATION_ID,
    SQLITE_MAGIC,
    Store,
    check_identity,
    connect_raw,
    explain,
    schema_head,
)
from supervision_audit.errors import DamagedStoreError, StoreError, WrongKeyError
from supervision_audit.locks import lock_problems
from supervision_audit.models import EventLog
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import Action, Actor, PermissionDenied, require
from supervision_audit.services.backup_retention import RETENTION, Retention, to_keep
from supervision_audit.services.events import log_event
from supervision_audit.services.log_anchor import anchor_path, checkpoint_now

# the files that travel with a store: its keyring and its event log's anchor
SIDECARS = (keyring_path, anchor_path)
BACKUP_GLOB = "*.backup-*.sqlite"


class TargetExistsError(StoreError):
    """The file chosen for a backup exists and is not a backup of this store."""


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


def take_backup(store: Store, folder: Path, keep: int | Retention = RETENTION) -> Path:
    """Write a backup into ``folder`` and keep of this store's the newest ``keep`` (a
    number), or those the ``Retention`` keeps (by default the newest of each of the last 7
    days, 4 weeks and 12 months).

    A store found damaged is not backed up (its copy would push out the good backups). Only
    files that are backups of this very store are ever pruned: another store's backups of
    the same name, or a file that merely looks like one, are left alone.
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
    dest = _write_backup(store, folder / backup_name(store.path))
    lineage = live_lineage(store)
    ours = [p for p in list_backups(folder, store.path)
            if lineage is not None and store_lineage(p, store.key) == lineage]
    if isinstance(keep, Retention):
        kept = to_keep(ours, datetime.now(), keep) | {dest}
        gone = [p for p in ours if p not in kept]
    else:
        gone = ours[max(keep, 1):]
    for old in gone:
        old.unlink(missing_ok=True)
        for beside in SIDECARS:
            beside(old).unlink(missing_ok=True)
    return dest


def live_lineage(store: Store) -> str | None:
    """What every copy of one store shares: the hash of the first entry of its event log
    (written when the store was created); None while the log is empty."""
    with store.read() as session:
        first = session.exec(select(EventLog.hash).where(EventLog.seq == 1)).first()
    return first or None


def store_lineage(path: Path, key: bytes | None) -> str | None:
    """:func:`live_lineage` of the file at ``path`` (a backup: read as a file nothing else
    writes). None when it is not a Supervision Audit database that ``key`` opens."""
    path = Path(path)
    try:
        if not path.is_file():
            return None
        if key is None:
            with path.open("rb") as fh:
                if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                    return None
        conn = connect_raw(path, key, immutable=True)
    except Exception:  # noqa: BLE001 - unreadable: not a copy of this store
        return None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        row = conn.execute("SELECT hash FROM event_log WHERE seq = 1").fetchone()
        return str(row[0]) if row and row[0] else None
    except Exception:  # noqa: BLE001
        return None
    finally:
        conn.close()


def _write_backup(store: Store, dest: Path) -> Path:
    """The backup (with the keyring and the log's anchor file) written under temporary
    names beside ``dest`` and renamed into place only once all are whole; on any failure
    nothing at ``dest`` has changed. The log is checkpointed first, so the backup carries
    an anchor of its own log."""
    if store.log_anchor is not None:
        with store.write() as session:
            checkpoint_now(session)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")
    leftovers = [tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")] + [
        beside(tmp) for beside in SIDECARS]
    try:
        store.backup_to(tmp)
        for beside in SIDECARS:
            if beside(store.path).exists():
                shutil.copy2(beside(store.path), beside(tmp))
        os.replace(tmp, dest)
        for beside in SIDECARS:
            if beside(store.path).exists():
                os.replace(beside(tmp), beside(dest))
            else:  # e.g. a plain backup: a keyring beside it would make it look encrypted
                beside(dest).unlink(missing_ok=True)
    except OSError as exc:
        raise StoreError(f"The backup could not be written to {dest}: "
                         f"{exc.strerror or exc}. Nothing there was changed.") from exc
    finally:
        for leftover in leftovers:
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass  # a temporary file that cannot be removed harms nothing
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
        unlocked = lock_problems(conn) if version == schema_head() else []
        if unlocked:
            raise StoreError(
                f"The backup {path.name} has had {len(unlocked)} of its locks on final "
                f"records and the event log removed or altered ({', '.join(unlocked)}): it "
                "was changed outside the app, so it is not restored.")
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
    # the log's anchor goes with the log it anchors (the replaced one is kept beside it)
    if anchor_path(db_path).exists():
        os.replace(anchor_path(db_path), anchor_path(kept))
    if anchor_path(Path(backup)).exists():
        shutil.copy2(anchor_path(Path(backup)), anchor_path(db_path))
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


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def backup_target(store: Store, out: Path, *, force: bool = False) -> Path:
    """Where a backup asked for at ``out`` goes; refuses what must not be written over.

    A folder gets a newly named backup inside it. The store's own files are refused. An
    existing file (or a keyring beside the name) that is not a backup of this store is
    refused unless ``force``: :class:`TargetExistsError`.
    """
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / backup_name(store.path)
    own = [store.path, keyring_path(store.path), anchor_path(store.path)] + [
        Path(f"{store.path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
    if any(_same_file(out, path) for path in own):
        raise StoreError(f"{out.name} is the database itself (or one of its own files): a "
                         "backup cannot be written over it. Choose another name.")
    if force:
        return out
    lineage = live_lineage(store)
    ours = lineage is not None and store_lineage(out, store.key) == lineage
    for existing in (out, keyring_path(out)):
        if existing.exists() and not ours:
            raise TargetExistsError(
                f"{existing} already exists and is not a backup of this database. Nothing "
                "was written and it was left as it is: choose another name.")
    return out


def backup_to_file(store: Store, actor: Actor, out: Path, *, force: bool = False) -> Path:
    """An administrator's backup to a chosen file, with the keyring beside it; logged.

    Only an earlier backup of this same store is replaced (anything else only with
    ``force``); the copy is written beside ``out`` and renamed into place when whole.
    """
    with store.read() as session:
        require(session, actor, Action.MANAGE_BACKUPS)
    out = backup_target(store, out, force=force)
    with store.write() as session:
        log_event(session, actor.who, "backup", subject_kind="file", subject_id=out.name[:64])
    return _write_backup(store, out)


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
