"""The store: one SQLite file, opened safely, upgraded by migrations, written in transactions.

Every SQLite-specific statement lives here behind a function named for its purpose, so the
rest of the app deals only in SQLModel sessions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from supervision_audit.errors import (
    ForeignFileError,
    NewerSchemaError,
    StoreError,
    StoreLockedError,
)

APPLICATION_ID = 0x53415544  # "SAUD": marks a file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def schema_head() -> int:
    """The schema version this build writes: the number of the newest migration."""
    versions = sorted(p.stem.split("_", 1)[0] for p in (_migrations_dir() / "versions").glob("*.py")
                      if p.stem[:4].isdigit())
    return int(versions[-1])


def revision_id(version: int) -> str:
    return f"{version:04d}"


def _make_engine(path: Path, busy_timeout_ms: int) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={
            "isolation_level": None,  # we issue BEGIN ourselves (see _begin)
            "timeout": busy_timeout_ms / 1000,
            "check_same_thread": False,
        },
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _explain(exc: Exception, path: Path) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreLockedError(
            f"The database {path.name} is in use by another program and did not become free "
            "in time. Nothing was saved; try again in a moment."
        )
    if "full" in text:
        return StoreError(f"The disk holding {path.name} is full. Nothing was saved.")
    if "not a database" in text or "malformed" in text:
        return ForeignFileError(
            f"{path.name} is damaged or is not a Supervision Audit database. It was not changed."
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path.name} cannot be written (read-only). Nothing was saved.")
    return StoreError(f"The database {path.name} could not be used: {exc}")


class Store:
    """An open database. ``read()`` for queries, ``write()`` for a transaction that lands whole."""

    def __init__(self, path: Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS):
        self.path = Path(path)
        self.engine = _make_engine(self.path, busy_timeout_ms)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except (OperationalError, DatabaseError) as exc:
            raise _explain(exc, self.path) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed if the block ends normally, rolled back otherwise."""
        try:
            with Session(self._write_engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except (OperationalError, DatabaseError) as exc:
            raise _explain(exc, self.path) from exc

    def backup_to(self, dest: Path) -> Path:
        """A consistent copy through SQLite's backup API (safe while others write)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            target = sqlite3.connect(dest)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
        return dest

    def close(self) -> None:
        self.engine.dispose()


def _read_header(path: Path) -> tuple[int, int, int]:
    """application_id, user_version and table count, read without writing to the file."""
    import sqlite3 as driver  # the same SQLite library the engine uses
    from urllib.parse import quote

    conn = driver.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                              ).fetchone()[0]
    finally:
        conn.close()
    return int(app_id), int(version), int(tables)


def _check_magic(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise ForeignFileError(
            f"{path.name} is not a Supervision Audit database (it is not a database file at all). "
            "It was not opened or changed."
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


def open_store(
    path: Path | str,
    *,
    create: bool = True,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    upgrade_to: int | None = None,
) -> Store:
    """Open (or create) the database at ``path``, refusing foreign or newer files.

    An older schema is upgraded after a backup copy is written beside the file.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise StoreError(f"There is no database at {path}.")
    _check_magic(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = schema_head() if upgrade_to is None else upgrade_to
    try:
        app_id, version, tables = _read_header(path) if path.exists() else (0, 0, 0)
    except sqlite3.DatabaseError as exc:
        raise _explain(exc, path) from exc
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
    store = Store(path, busy_timeout_ms)
    try:
        if app_id == 0:
            migrate(store, head)
            return store
        if version < head:
            store.backup_to(pre_migration_backup_path(path, version))
            migrate(store, head)
        return store
    except (OperationalError, DatabaseError) as exc:
        store.close()
        raise _explain(exc, path) from exc
    except StoreError:
        store.close()
        raise


