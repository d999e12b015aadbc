"""The tables a replica holds, how a row is named (its key) and how it travels (JSON).

Every table of the models is replicated except the event log (a laptop's log entries are
pushed and appended to the organisation's log; the organisation's log never comes down).
Staff, teams, accounts and settings are the server's: laptops take them and never change
them. A row goes over the wire as a JSON object of its columns, typed by the models
(UUIDs and dates as text, bytes as base64), and is read back by the same column types.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Table, TypeDecorator, and_, or_, select, tuple_
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import supervision_audit.models  # noqa: F401  (registers the tables)

LOG = "event_log"
NOT_REPLICATED = {LOG, "alembic_version"}
SERVER_OWNED = frozenset({"team", "staff", "supervisor_change", "user_account", "setting"})
# settings that stay on the server (its token key; the seal's passphrase: sealing is the
# server's)
PRIVATE_SETTINGS = ("server.", "seal_")
# set by the server from the signatures, never taken from a laptop
DERIVED = frozenset({"locked_at"})
# bookkeeping: a change to these alone is no change (a draft saved again unchanged)
BOOKKEEPING = frozenset({"updated_at", "draft_saved_at"})
IGNORED_UPDATES: dict[str, frozenset[str]] = {"user_account": frozenset({"last_signed_in_at"})}
SERVER_OWNED_REASON = ("Staff, teams, accounts and settings are kept on the organisation's "
                       "server: change them there (this laptop takes them from it).")
BATCH = 500
SIGNED_LAST = ("addendum", "signature")


def replicated() -> list[Table]:
    """The replicated tables, parents before children; addenda and signatures last (what
    they are of is named by kind and key, not by a foreign key)."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_REPLICATED]
    last = [t for name in SIGNED_LAST for t in tables if t.name == name]
    return [t for t in tables if t.name not in SIGNED_LAST] + last


def table(name: str) -> Table:
    found = SQLModel.metadata.tables.get(name)
    if found is None or name == "alembic_version":
        raise KeyError(name)
    return found


def key_columns(t: Table) -> list[Column[Any]]:
    return list(t.primary_key.columns)


def ignored_on_update(name: str) -> frozenset[str]:
    """Columns whose change alone is not worth sending (the trigger's filter too)."""
    return BOOKKEEPING | IGNORED_UPDATES.get(name, frozenset())


def private_setting(key: str) -> bool:
    return key.startswith(PRIVATE_SETTINGS)


# -- values ------------------------------------------------------------------------------

def _python_type(column: Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, JSON):
        return None
    try:
        return kind.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def encode_value(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(column: Column[Any], value: Any, *, hex_bytes: bool = False) -> Any:
    """A value of ``column`` from JSON (``hex_bytes``: bytes in hexadecimal, the way a
    replica's triggers (SQLite's hex()) and the server's change table (``\\x...``) keep a
    row's old values)."""
    if value is None:
        return None
    kind = _python_type(column)
    if kind is None:
        return value
    if kind is uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if kind is datetime:
        found = datetime.fromisoformat(str(value))
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    if kind is date:
        return date.fromisoformat(str(value)[:10])
    if kind is time:
        return time.fromisoformat(str(value))
    if kind is bytes or isinstance(column.type, LargeBinary):
        return bytes.fromhex(str(value).removeprefix("\\x")) if hex_bytes \
            else base64.b64decode(value)
    if kind is bool:
        return bool(value)
    if kind is int:
        return int(value)
    return value


def encode_row(t: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    return {c.name: encode_value(c, row[c.name]) for c in t.columns if c.name in row}


def decode_row(t: Table, data: Mapping[str, Any], *, hex_bytes: bool = False
               ) -> dict[str, Any]:
    """The columns of ``t`` found in ``data``, as the models' Python values (columns this
    version does not know are left out)."""
    return {c.name: decode_value(c, data[c.name], hex_bytes=hex_bytes)
            for c in t.columns if c.name in data}


# -- keys --------------------------------------------------------------------------------

def key_of(t: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in key_columns(t))


def key_text(t: Table, key: Sequence[Any]) -> str:
    """A row's key as one string, as the server's change sequence names it."""
    return "|".join(str(decode_value(c, v, hex_bytes=True))
                    for c, v in zip(key_columns(t), key, strict=True))


def parse_key(t: Table, text: str) -> tuple[Any, ...]:
    columns = key_columns(t)
    parts = text.split("|") if len(columns) > 1 else [text]
    return tuple(decode_value(c, p) for c, p in zip(columns, parts, strict=True))


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for first in range(0, len(items), size):
        yield items[first:first + size]


def rows_by_key(conn: Connection, t: Table, keys: Iterable[tuple[Any, ...]]
                ) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The rows of ``t`` with these keys (those that exist)."""
    columns = key_columns(t)
    wanted = list(dict.fromkeys(keys))
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for chunk in chunks(wanted):
        if len(columns) == 1:
            where = columns[0].in_([k[0] for k in chunk])
        else:
            where = or_(*[and_(*[c == v for c, v in zip(columns, k, strict=True)])
                          for k in chunk]) if len(chunk) < 50 else \
                tuple_(*columns).in_(list(chunk))
        for row in conn.execute(select(t).where(where)).mappings():
            found = dict(row)
            out[key_of(t, found)] = found
    return out


def rows_where(conn: Connection, t: Table, column: str, values: Iterable[Any]
               ) -> list[dict[str, Any]]:
    """The rows of ``t`` whose ``column`` is one of ``values``."""
    wanted = list(dict.fromkeys(v for v in values if v is not None))
    out: list[dict[str, Any]] = []
    for chunk in chunks(wanted):
        out += [dict(r) for r in conn.execute(select(t).where(t.c[column].in_(chunk))
                                              ).mappings()]
    return out


def model(name: str) -> type[SQLModel]:
    """The model class of table ``name``."""
    for mapper in SQLModel._sa_registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_  # type: ignore[no-any-return]
    raise KeyError(name)
