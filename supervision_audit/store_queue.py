"""Bookkeeping writes that must not wait for another program's write.

Signing in writes a log entry. While another program holds the store for a long write (an
import committing), that entry cannot be written; rather than make a read-only command (or
the window) wait for it, or fail as busy, the entry is queued: it is written first thing in
the store's next write, or when the store closes, by a thread that waits for the other
program and then lets go of the file (a command's output is printed meanwhile; the process
ends when the entry is written).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from supervision_audit.errors import StoreError, StoreLockedError

if TYPE_CHECKING:
    from supervision_audit.db import Store

Work = Callable[[Session], object]
# how long a closed store's queued entries wait for another program's write to end
PENDING_WAIT_S = 300.0


class Pending:
    """Work queued for the next write transaction, kept in order (thread-safe)."""

    def __init__(self) -> None:
        self._works: list[Work] = []
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._works)

    def add(self, work: Work) -> None:
        with self._lock:
            self._works.append(work)

    def take(self) -> list[Work]:
        with self._lock:
            works, self._works = self._works, []
        return works

    def put_back(self, works: list[Work]) -> None:
        """Works taken for a transaction that did not commit: first in the queue again."""
        if works:
            with self._lock:
                self._works[:0] = works

    @staticmethod
    def run(session: Session, works: list[Work]) -> None:
        """Each work in its own savepoint: one that fails is dropped (it is bookkeeping),
        never the caller's transaction. The store being busy or failing is raised (the
        works are then put back by the caller)."""
        if works:
            session.connection()  # the transaction's lock is taken (or refused) here
        for work in works:
            try:
                with session.begin_nested():
                    work(session)
            except (OperationalError, DatabaseError):
                raise
            except Exception:  # noqa: BLE001 - a record that cannot be written is let go
                pass


def write_or_queue(store: Store, work: Work) -> None:
    """``work`` in a write transaction at once if no other program is writing; else queued."""
    try:
        with store.write(wait=False) as session:
            work(session)
    except StoreLockedError:
        store.pending.add(work)


def close_after_pending(store: Store, let_go: Callable[[], None]) -> None:
    """Write what ``store`` has queued, then ``let_go`` of it: at once if the store is free,
    else in a thread that waits (up to PENDING_WAIT_S) for the other program's write."""
    if not _write_pending(store, wait=False):
        let_go()
        return

    def finish() -> None:
        deadline = time.monotonic() + PENDING_WAIT_S
        while store.pending and time.monotonic() < deadline and _write_pending(store,
                                                                               wait=True):
            pass
        let_go()

    threading.Thread(target=finish, name="store-bookkeeping", daemon=False).start()


def _write_pending(store: Store, *, wait: bool) -> bool:
    """One try at writing the queue; True when the store was busy (try again)."""
    if not store.pending:
        return False
    try:
        with store.write(wait=wait):
            pass  # the queue is written as the transaction starts
    except StoreLockedError:
        return True
    except StoreError:
        store.pending.take()  # a damaged or unwritable store: nothing more can be done
    return False
