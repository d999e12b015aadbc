"""What a read session keeps: answers worked out once per read session (``memo``) and the
page cache of SQLite an organisation-wide read lifts while it runs and gives back after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlcipher3 import dbapi2 as driver
from sqlmodel import Session

from supervision_audit.memory import give_back_freed_memory

# SQLite's page cache per pooled connection, in KiB: what a connection keeps of the pages
# it has read (decrypted, for an encrypted store). Small, so that a window open all day,
# each of its pooled connections holding a full cache, stays small.
PAGE_CACHE_KIB = 16384
# An organisation-wide read (one that uses ``memo``) lifts its connection's cache to this
# while it runs, so that its queries do not decrypt the same pages again, and gives the
# pages back when the connection returns to the pool (``PRAGMA shrink_memory``).
WIDE_CACHE_KIB = 131072
_WIDE = "wide_read"  # marks a pooled connection that served an organisation-wide read


def give_back_cache(dbapi_conn: Any) -> None:
    """The connection's cache back to its cap, and every page it holds freed."""
    try:
        dbapi_conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        dbapi_conn.execute("PRAGMA shrink_memory")
    except driver.Error:
        return  # a connection being discarded; its memory goes with it
    give_back_freed_memory()


def wide_read(session: Session) -> None:
    """Mark ``session``'s connection as serving an organisation-wide read: its page cache
    is lifted to ``WIDE_CACHE_KIB`` now and given back when it returns to the pool. (The
    organisation's PostgreSQL keeps its own cache: nothing to do there.)"""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.info.get(_WIDE):
        connection.info[_WIDE] = True
        connection.exec_driver_sql(f"PRAGMA cache_size = -{WIDE_CACHE_KIB}")


T = TypeVar("T")
_READ_ONLY = "read_only"
_READING = "reading"  # a write session between writes: see ``reading_only``
_MEMO = "memo"


def memo(session: Session, key: object, work: Callable[[], T], *, wide: bool = True) -> T:
    """``work()`` once per read session, kept for the session's later calls: a read session
    sees one snapshot of the store, so the answer cannot change while it lasts. In a write
    session (which may change what ``work`` reads) it is worked out at every call.

    For organisation-wide lookups several services make in one go (the supervisor map, the
    latest contracts); what ``work`` returns must not be changed by its callers. The
    session counts as an organisation-wide read (``wide_read``) unless ``wide`` is False
    (what a scope narrowed to a few people reads).
    """
    if wide:
        wide_read(session)
    if not (session.info.get(_READ_ONLY) or session.info.get(_READING)):
        return work()
    kept = session.info.setdefault(_MEMO, {})
    if key not in kept:
        kept[key] = work()
    return kept[key]  # type: ignore[no-any-return]


def kept(session: Session, key: object) -> Any:
    """What ``memo`` keeps under ``key`` in this session, or None."""
    return session.info.get(_MEMO, {}).get(key)


@contextmanager
def reading_only(session: Session) -> Iterator[None]:
    """A stretch of a write session that only reads (a report built before it logs that it
    was made): ``memo`` keeps its answers there as in a read session, since nothing can
    change what they read, and forgets them at the end, before anything is written."""
    if session.info.get(_READ_ONLY) or session.info.get(_READING):
        yield
        return
    session.info[_READING] = True
    try:
        yield
    finally:
        del session.info[_READING]
        session.info.pop(_MEMO, None)
