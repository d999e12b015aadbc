"""The store: one SQLite file, opened safely, upgraded by migrations, written in transactions.

Every SQLite-specific statement lives here behind a function named for its purpose, so the
rest of the app deals only in SQLModel sessions. One SQLite library serves every file in
the process: SQLCipher's (``sqlcipher3``), with a 32-byte key for an encrypted store and no
key for a plain one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlcipher3 import dbapi2 as driver
from sqlmodel import Session, create_engine

from supervision_audit import check_memo
from supervision_audit.errors import (
    DamagedStoreError,
    ForeignFileError,
    NewerSchemaError,
    StoreError,
    StoreLockedError,
    WrongKeyError,
)
from supervision_audit.read_cache import _READ_ONLY as _READ_ONLY
from supervision_audit.read_cache import _WIDE, give_back_cache
from supervision_audit.read_cache import PAGE_CACHE_KIB as PAGE_CACHE_KIB
from supervision_audit.read_cache import WIDE_CACHE_KIB as WIDE_CACHE_KIB
from supervision_audit.read_cache import kept as kept
from supervision_audit.read_cache import memo as memo
from supervision_audit.read_cache import wide_read as wide_read
from supervision_audit.store_queue import Pending, close_after_pending, write_or_queue

APPLICATION_ID = 0x53415544  # "SAUD": marks a file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000
KEY_BYTES = 32
# Stores up to this size are checked whole (quick_check) before they open; a bigger one is
# checked in a background thread while the app starts, and writes wait for that check.
INLINE_CHECK_BYTES = 64 * 1024 * 1024
# how many of SQLite's steps a whole-file check takes between looks at whether to give up
CHECK_PROGRESS_STEPS = 1000
# where a write session keeps its store's event-log anchor (services/log_anchor)
ANCHOR_INFO = "log_anchor"


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def schema_head() -> int:
    """The schema version this build writes: the number of the newest migration."""
    versions = sorted(p.stem.split("_", 1)[0] for p in (_migrations_dir() / "versions").glob("*.py")
                      if p.stem[:4].isdigit())
    return int(versions[-1])


def revision_id(version: int) -> str:
    return f"{version:04d}"


def _apply_key(dbapi_conn: Any, key: bytes | None) -> None:
    """Key a fresh connection (must come before any other statement)."""
    if key is None:
        return
    if len(key) != KEY_BYTES:
        raise ValueError("a store key is 32 bytes")
    dbapi_conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def connect_raw(path: Path, key: bytes | None, *, read_only: bool = False,
                immutable: bool = False) -> Any:
    """A bare DB-API connection through the app's SQLite library, keyed when ``key`` is set.

    ``immutable`` reads a file nothing else is writing (a backup) without locking it or
    leaving a journal beside it."""
    from urllib.parse import quote

    mode = "?mode=ro&immutable=1" if immutable else "?mode=ro" if read_only else ""
    conn = driver.connect(f"file:{quote(str(path))}{mode}", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        _apply_key(conn, key)
    except Exception:
        conn.close()
        raise
    return conn


def _make_engine(path: Path, busy_timeout_ms: int, key: bytes | None) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        module=driver,
        connect_args={
            "isolation_level": None,  # we issue BEGIN ourselves (see _begin)
            "timeout": busy_timeout_ms / 1000,
            "check_same_thread": False,
        },
        pool_use_lifo=True,  # the connection used last (its cache warm) serves next
    )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA cipher_log_level = NONE")
        _apply_key(dbapi_conn, key)
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA synchronous = FULL")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        if dbapi_conn is not None and record is not None and record.info.pop(_WIDE, False):
            give_back_cache(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def explain(exc: Exception, path: Path) -> StoreError:
    """A database error as a message for the person using the app."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreLockedError(
            f"The database {path.name} is in use by another program and did not become free "
            "in time. Nothing was saved; try again in a moment."
        )
    if "full" in text:
        return StoreError(f"The disk holding {path.name} is full. Nothing was saved.")
    if "malformed" in text:
        return DamagedStoreError(
            f"{path.name} is damaged (the database image is malformed). Nothing was changed. "
            "Restore the latest good backup.")
    if "not a database" in text:
        return ForeignFileError(
            f"{path.name} is damaged or is not a Supervision Audit database. It was not changed."
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path.name} cannot be written (read-only). Nothing was saved.")
    return StoreError(f"The database {path.name} could not be used: {exc}")


class Store:
    """An open database. ``read()`` for queries, ``write()`` for a transaction that lands whole."""

    def __init__(self, path: Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
                 key: bytes | None = None):
        self.path = Path(path)
        self.key = key
        self._busy_timeout_ms = busy_timeout_ms
        self.engine = _make_engine(self.path, busy_timeout_ms, key)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._check: threading.Thread | None = None
        self._check_lock = threading.Lock()
        self._closing = False
        self._checked = False
        self._deferred: list[Callable[[Session], object]] = []
        self._damage: str | None = None
        # bookkeeping that met another program's write: written first in the next write
        self.pending = Pending()
        self._no_wait: Engine | None = None  # for writes that give up at once if busy
        # known sound: its check memo matched when it opened, or a whole-file check passed
        # (then remembered again when it closes; see check_memo)
        self._sound = False
        self._checked_at: datetime | None = None  # when last checked whole
        self._suspect = False  # SQLite met damage in it while it was open
        event.listen(self.engine, "handle_error", self._on_error)
        # the locks (triggers) found missing or altered when the store opened, put back
        self.locks_restored: list[str] = []
        # what checkpoints the event log (services/log_anchor.LogAnchor), once signed in
        self.log_anchor: Any = None

    def start_background_check(self) -> None:
        """Check the whole file (quick_check) in a thread; ``write()`` waits for the answer.

        Reading goes on meanwhile. A damaged file is then never written:
        ``write()`` raises DamagedStoreError with what the check found.
        """
        if self._check is not None:
            return

        def run() -> None:
            self._run_check()
            with self._check_lock:
                self._checked = True
                deferred, self._deferred = self._deferred, []
            if self._damage is None:
                for work in deferred:
                    self._write_now(work)

        self._check = threading.Thread(target=run, name="store-check", daemon=True)
        self._check.start()

    def _on_error(self, context: Any) -> None:
        self.note_error(context.original_exception)

    def note_error(self, exc: BaseException) -> None:
        """SQLite met a damaged page: the store is not remembered as sound."""
        text = str(exc).lower()
        if any(word in text for word in ("malformed", "not a database", "corrupt")):
            self._suspect = True
            check_memo.forget(self.path)

    def _run_check(self) -> None:
        before = check_memo.fingerprint(self.path)
        started = datetime.now(UTC)
        try:
            conn = connect_raw(self.path, self.key, read_only=True)
        except Exception as exc:  # noqa: BLE001 - reported as damage, never raised here
            self._damage = str(explain(exc, self.path))
            return
        # the check gives up as soon as the store closes with no write waiting on it
        conn.set_progress_handler(lambda: 1 if self._closing else 0, CHECK_PROGRESS_STEPS)
        try:
            self._damage = integrity_problem(conn, self.path)
            if self._damage is None:
                self._passed_check(before, started)
        except driver.OperationalError as exc:
            if "interrupt" not in str(exc).lower():
                self._damage = str(explain(exc, self.path))
        except Exception as exc:  # noqa: BLE001
            self._damage = str(explain(exc, self.path))
        finally:
            conn.close()
            if self._damage is not None:
                check_memo.forget(self.path)

    def _passed_check(self, before: check_memo.Fingerprint | None, started: datetime) -> None:
        """Remember the check for the file as it was checked (unless it changed meanwhile:
        then when the store closes)."""
        self._sound, self._checked_at = True, started
        if before is not None and check_memo.fingerprint(self.path) == before:
            check_memo.remember(self.path, self.key, before, started)

    def _remember_sound(self) -> None:
        """On closing a store known sound whose last connection this was (its write-ahead
        log emptied into the file): remember the file as it now is, our own writes and all."""
        if not self._sound or self._suspect or self._damage is not None:
            return
        now = check_memo.fingerprint(self.path)
        if now is not None:
            check_memo.remember(self.path, self.key, now,
                                self._checked_at or datetime.now(UTC))

    def _write_now(self, work: Callable[[Session], object]) -> None:
        try:
            write_or_queue(self, work)
        except StoreError:
            pass  # a record of the sign-in that could not be written; nothing else is lost

    def write_after_check(self, work: Callable[[Session], object]) -> None:
        """Run ``work`` in a write transaction now, or, while the background check runs,
        as soon as it has found the file sound (never on a damaged file); while another
        program is writing, at this store's next write or as it closes (store_queue).

        For bookkeeping that must not hold up signing in (the sign-in's own log entry).
        """
        with self._check_lock:
            if self._check is not None and not self._checked:
                self._deferred.append(work)
                return
        if self._damage is not None:
            return  # found damaged: dropped, as it is when the check ends after this call
        write_or_queue(self, work)

    def wait_for_check(self, timeout: float | None = None) -> str | None:
        """What the background check found (None: the file is sound, or not checked yet)."""
        if self._check is not None and self._check is not threading.current_thread():
            self._check.join(timeout)
        return self._damage

    @property
    def checked_in_background(self) -> bool:
        """Whether this store's whole-file check was started in the background (a large
        store) rather than run before it opened."""
        return self._check is not None

    @property
    def checking(self) -> bool:
        return self._check is not None and self._check.is_alive()

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.info[_READ_ONLY] = True
                yield session
        except (OperationalError, DatabaseError) as exc:
            raise explain(exc, self.path) from exc

    @contextmanager
    def write(self, *, wait: bool = True) -> Iterator[Session]:
        """A write transaction: committed if the block ends normally, rolled back otherwise.

        What is queued (``pending``) is written first, in the same transaction. Without
        ``wait``, StoreLockedError at once if another program is writing."""
        damage = self.wait_for_check()
        if damage is not None:
            raise DamagedStoreError(damage)
        engine = self._write_engine
        if not wait:
            if self._no_wait is None:
                self._no_wait = _make_engine(self.path, 0, self.key)
            engine = self._no_wait.execution_options(sqlite_begin="IMMEDIATE")
        queued = self.pending.take()
        try:
            with Session(engine, expire_on_commit=False) as session:
                if self.log_anchor is not None:
                    session.info[ANCHOR_INFO] = self.log_anchor
                with session.begin():
                    Pending.run(session, queued)
                    yield session
        except (OperationalError, DatabaseError) as exc:
            self.pending.put_back(queued)
            raise explain(exc, self.path) from exc
        except BaseException:
            self.pending.put_back(queued)
            raise

    def rekey(self, new_key: bytes) -> None:
        """Encrypt the whole file with ``new_key`` (SQLCipher's rekey, one transaction); the
        old key no longer opens it. Connections made with the old key are let go first, so
        nothing else may be using the store meanwhile (in this process or another)."""
        if self.key is None or len(new_key) != KEY_BYTES:
            raise ValueError("only an encrypted store is re-keyed, with a 32-byte key")
        damage = self.wait_for_check()
        if damage is not None:
            raise DamagedStoreError(damage)
        self.engine.dispose()
        if self._no_wait is not None:
            self._no_wait.dispose()
            self._no_wait = None
        try:
            conn = connect_raw(self.path, self.key)
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except driver.Error as exc:
            raise explain(exc, self.path) from exc
        event.remove(self.engine, "handle_error", self._on_error)
        self.key = new_key
        self.engine = _make_engine(self.path, self._busy_timeout_ms, new_key)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        event.listen(self.engine, "handle_error", self._on_error)

    def backup_to(self, dest: Path) -> Path:
        """A consistent copy through SQLite's backup API (safe while others write).

        The copy is encrypted with the same key as the store.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            target = connect_raw(dest, self.key)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        except (driver.Error, OSError) as exc:
            self.note_error(exc)
            dest.unlink(missing_ok=True)
            raise explain(exc, dest) from exc
        finally:
            raw.close()
        return dest

    def close(self) -> None:
        """Close the store. A whole-file check still running is abandoned (its
        statement stops at once) unless a write is waiting for its answer."""
        with self._check_lock:
            self._closing = not self._deferred  # deferred writes wait for the check
        if self._check is not None:
            self._check.join()
        close_after_pending(self, self._let_go)

    def _let_go(self) -> None:
        self.engine.dispose()
        if self._no_wait is not None:
            self._no_wait.dispose()
        self._remember_sound()


def read_header(path: Path, key: bytes | None = None, *, check: bool = True
                ) -> tuple[int, int, int]:
    """application_id, user_version and table count, read without writing to the file.

    With ``check``, a file that fails SQLite's quick_check raises DamagedStoreError.
    """
    conn = connect_raw(path, key, read_only=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                              ).fetchone()[0]
        if tables and check:
            problem = integrity_problem(conn, path)
            if problem is not None:
                raise DamagedStoreError(problem)
    finally:
        conn.close()
    return int(app_id), int(version), int(tables)


def integrity_problem(conn: Any, path: Path) -> str | None:
    """SQLite's quick_check of every page through ``conn``: None when sound, else why not."""
    check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    if check == ["ok"]:
        return None
    return (f"{path.name} is damaged ({check[0]}). It was not opened for writing and "
            "nothing was changed. Restore the latest good backup.")


def _check_magic(path: Path) -> None:
    """A plain store must start as every SQLite file does."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise ForeignFileError(
            f"{path.name} is not a Supervision Audit database (it is not a database file at all, "
            "or it is encrypted and needs its key). It was not opened or changed."
        )


def pre_migration_backup_path(path: Path, from_version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.before-upgrade-v{from_version}-{stamp}{path.suffix}")


def migrate(store: Store, target: int | None = None) -> None:
    """Apply migrations up to ``target`` (default: head) in one transaction."""
    from alembic import command
    from alembic.config import Config

    target = schema_head() if target is None else target
    cfg = Config()
    cfg.set_main_option("script_location", str(_migrations_dir()))
    with store._write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision_id(target))
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.exec_driver_sql(f"PRAGMA user_version = {int(target)}")


def check_identity(path: Path, key: bytes | None, *, check: bool = True
                   ) -> tuple[int, int, int]:
    """Refuse a file that is not ours, or is newer than this build; returns the header.

    With ``check``, a damaged file (SQLite's quick_check) is refused too.
    """
    if key is None:
        _check_magic(path)
    try:
        header = read_header(path, key, check=check) if path.exists() else (0, 0, 0)
    except (UnicodeDecodeError, ValueError, OverflowError) as exc:  # a scrambled header/schema
        raise DamagedStoreError(f"{path.name} is damaged and cannot be read. It was not "
                                "opened or changed.") from exc
    except driver.DatabaseError as exc:
        if key is not None and "not a database" in str(exc).lower():
            raise WrongKeyError(
                f"{path.name} could not be unlocked: the key does not fit (wrong password or "
                "recovery key), or the file is not a Supervision Audit database. "
                "It was not changed.") from exc
        raise explain(exc, path) from exc
    app_id, version, tables = header
    if (app_id != 0 and app_id != APPLICATION_ID) or (app_id == 0 and tables):
        raise ForeignFileError(
            f"{path.name} is a database of another application, not of Supervision Audit. "
            "It was not opened or changed."
        )
    if version > schema_head():
        raise NewerSchemaError(
            f"{path.name} was written by a newer version of Supervision Audit (schema "
            f"{version}; this version knows up to {schema_head()}). Please update the app. "
            "The file was not changed."
        )
    return header


def _restore_locks(store: Store) -> None:
    """Put back any lock (trigger) dropped or altered outside the app, before anything is
    written (a store still being checked: as soon as the check finds it sound); the names
    are kept in ``store.locks_restored`` for the sign-in to report."""
    from supervision_audit.locks import lock_problems, restoring_statements

    raw = store.engine.raw_connection()
    try:
        names = lock_problems(raw.driver_connection)
    finally:
        raw.close()
    if not names:
        return

    def restore(session: Session) -> None:
        connection = session.connection()
        for statement in restoring_statements(names):
            connection.exec_driver_sql(statement)

    store.write_after_check(restore)
    store.locks_restored = names


def open_store(
    path: Path | str,
    *,
    key: bytes | None = None,
    create: bool = True,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    upgrade_to: int | None = None,
) -> Store:
    """Open (or create) the database at ``path``, refusing foreign or newer files.

    ``key`` is the store's 32-byte encryption key, None for a plain store. An older schema
    is upgraded after a backup copy is written beside the file.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise StoreError(f"There is no database at {path}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    head = schema_head() if upgrade_to is None else upgrade_to
    # A file unchanged since the app last knew it sound is not checked again (check_memo).
    # Otherwise a small file is checked whole before it opens; a large one that needs no
    # upgrade in a background thread (writes wait for it), so that signing in stays quick.
    memo = check_memo.unchanged_since_check(path, key) if path.exists() else None
    started = datetime.now(UTC)
    checked = memo is None and (not path.exists() or path.stat().st_size <= INLINE_CHECK_BYTES)
    try:
        app_id, version, tables = check_identity(path, key, check=checked)
        if not checked and tables and version < head:
            check_identity(path, key, check=True)  # never migrate a file not checked first
            checked = True
    except DamagedStoreError:
        check_memo.forget(path)
        raise
    store = Store(path, busy_timeout_ms, key)
    if memo is None and not checked:
        store.start_background_check()
    try:
        if app_id == 0:
            migrate(store, head)
        elif version < head:
            store.backup_to(pre_migration_backup_path(path, version))
            migrate(store, head)
        if head == schema_head():
            _restore_locks(store)
        if memo is not None or checked:
            store._sound = True
            store._checked_at = memo.checked_at if memo is not None else started
        return store
    except (OperationalError, DatabaseError) as exc:
        store.close()
        raise explain(exc, path) from exc
    except StoreError:
        store.close()
        raise
