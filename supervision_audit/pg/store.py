"""The organisation's store on PostgreSQL: the same models, migrations and services as a
standalone SQLite store, through SQLAlchemy and psycopg 3.

``PgStore`` offers what the services use of ``db.Store``: ``read()`` (one snapshot for the
whole session, as a SQLite read is) and ``write()`` (one transaction that lands whole).
Writers take one transaction-scoped advisory lock, as SQLite's ``BEGIN IMMEDIATE`` admits
one writer at a time: the event log's hash chain reads its last entry and appends the next,
so two writers at once would fork it. Reads never wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from supervision_audit.db import (
    _READ_ONLY,
    ANCHOR_INFO,
    _migrations_dir,
    revision_id,
    schema_head,
)
from supervision_audit.errors import ForeignFileError, NewerSchemaError, StoreError

# pg_advisory_xact_lock keys: "SAUD" (the application id) for writers, +1 for upgrades
WRITE_LOCK = 0x53415544
MIGRATE_LOCK = WRITE_LOCK + 1


def engine_url(url: str) -> str:
    """``postgresql://…`` as SQLAlchemy's psycopg 3 URL; refuses anything not PostgreSQL."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy raises ArgumentError and others
        raise StoreError(f"'{url}' is not a database URL (postgresql://user@host:port/name)."
                         ) from exc
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"'{parsed.render_as_string(hide_password=True)}' is not a "
                         "PostgreSQL URL (postgresql://user@host:port/name).")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def explain_pg(exc: Exception, url: str) -> StoreError:
    """A PostgreSQL error as a message for the person running the server."""
    where = shown(url)
    if isinstance(exc, OperationalError):
        return StoreError(f"The organisation's database {where} could not be reached or "
                          f"refused the connection: {str(exc.orig).strip()}")
    return StoreError(f"The organisation's database {where} could not be used: {exc}")


class PgStore:
    """An open PostgreSQL database. ``read()`` for queries, ``write()`` for a transaction."""

    encrypted = False  # at rest as PostgreSQL keeps it; the store key is a laptop's matter

    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 20,
                 pre_ping: bool = True):
        self.url = engine_url(url)
        self.engine: Engine = create_engine(
            self.url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=pre_ping,
            connect_args={"connect_timeout": 10, "application_name": "supervision-audit"})
        self._read_engine = self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True)
        self.locks_restored: list[str] = []
        # the log's checkpoints (pg.log_seal), carried by every write once the server sets it
        self.log_anchor: Any = None

    @property
    def name(self) -> str:
        return shown(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session that sees one snapshot of the store from its first query."""
        try:
            with Session(self._read_engine, expire_on_commit=False) as session:
                session.info[_READ_ONLY] = True
                yield session
        except DBAPIError as exc:
            raise explain_pg(exc, self.url) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed if the block ends normally, rolled back otherwise.

        Integrity errors (a lock, a constraint) reach the caller as SQLAlchemy raised them,
        as they do from a SQLite store."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                if self.log_anchor is not None:
                    session.info[ANCHOR_INFO] = self.log_anchor
                with session.begin():
                    session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                                 {"k": WRITE_LOCK})
                    yield session
        except OperationalError as exc:
            raise explain_pg(exc, self.url) from exc

    def close(self) -> None:
        self.engine.dispose()


def schema_version(conn: Connection) -> tuple[int, int]:
    """(schema version, number of tables) of the database behind ``conn``; version 0 for
    an empty database."""
    tables = inspect(conn).get_table_names()
    if "alembic_version" not in tables:
        return 0, len(tables)
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return (int(found) if found and str(found).isdigit() else -1), len(tables)


def migrate_pg(store: PgStore, target: int | None = None) -> int:
    """Bring the database to ``target`` (default: this build's schema) in one transaction;
    returns the version it had. An empty database gets the whole schema; a database of
    another application, or of a newer version of the app, is refused untouched. Several
    server processes starting at once upgrade it once (an advisory lock)."""
    from alembic import command
    from alembic.config import Config

    target = schema_head() if target is None else target
    try:
        with store.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
            version, tables = schema_version(conn)
            if version < 0 or (version == 0 and tables):
                raise ForeignFileError(
                    f"The database {store.name} holds tables of another application, not of "
                    "Supervision Audit. It was not changed; name an empty database.")
            if version > schema_head():
                raise NewerSchemaError(
                    f"The database {store.name} was written by a newer version of Supervision "
                    f"Audit (schema {version}; this version knows up to {schema_head()}). "
                    "Please update the server. The database was not changed.")
            if version < target:
                cfg = Config()
                cfg.set_main_option("script_location", str(_migrations_dir()))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision_id(target))
            return version
    except DBAPIError as exc:
        raise explain_pg(exc, store.url) from exc


def open_pg_store(url: str, *, upgrade: bool = True, **pool: Any) -> PgStore:
    """Open the organisation's database at ``url``, creating or upgrading its schema."""
    store = PgStore(url, **pool)
    try:
        if upgrade:
            migrate_pg(store)
        else:
            with store.engine.connect() as conn:
                version, _ = schema_version(conn)
            if version != schema_head():
                raise StoreError(f"The database {store.name} has schema {version}, not "
                                 f"{schema_head()}: start the server to upgrade it.")
    except Exception:
        store.close()
        raise
    return store
