"""The organisation's log, appended in turns (group commit).

Every entry of the hash chain is written by a writer holding the store's writer lock (the
chain reads its head and appends after it, so two at once would fork it). On the server most
entries come from reads: a file listed, a record opened, a sign-in, a refusal. Were each of
those its own locked transaction, every read would wait in one queue for the lock, and a
transaction holds it for several round trips to PostgreSQL. Here a request hands its entries
to the process's ``LogWriter`` and waits; one thread takes everything waiting, appends it in
one locked transaction (one read of the head, one insert of the lot), commits, and lets the
requests go on. Every entry is in the chain, committed, before its request is answered, and
the chain is ordered as the writer lock admits each turn (several server processes on one
database take turns through the same lock).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from supervision_audit.errors import StoreError
from supervision_audit.pg.store import PgStore
from supervision_audit.services.events import NewEvent, log_events

log = logging.getLogger("supervision_audit.server")
Also = Callable[[Session], None]  # more to write in the same transaction as the entries
MOST = 500  # entries in one turn at most
WAIT_SECONDS = 60.0


@dataclass
class _Job:
    batch: Sequence[NewEvent]
    also: Also | None
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


def write_now(store: PgStore, batch: Sequence[NewEvent], also: Also | None = None) -> None:
    """Append ``batch`` (and do ``also``) in one locked transaction of this thread."""
    _write(store, [_Job(batch, also)])


def _write(store: PgStore, jobs: Sequence[_Job]) -> None:
    with store.write() as session:
        for job in jobs:
            if job.also is not None:
                job.also(session)
        log_events(session, [entry for job in jobs for entry in job.batch])


class LogWriter:
    """Takes entries from any thread; one thread of its own appends them in turns."""

    def __init__(self, store: PgStore) -> None:
        self.store = store
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()
        self.turns = 0  # transactions written (for the operator's figures)

    def append(self, batch: Sequence[NewEvent], also: Also | None = None) -> None:
        """Append ``batch`` to the chain (and do ``also`` in the same transaction); returns
        once committed. StoreError when it could not be written."""
        if not batch and also is None:
            return
        job = _Job(batch, also)
        self._jobs.put(job)
        if not job.done.wait(WAIT_SECONDS):
            raise StoreError("The organisation's log could not be written in time.")
        if isinstance(job.error, StoreError):
            raise job.error
        if job.error is not None:
            raise StoreError(f"The organisation's log could not be written: {job.error}"
                             ) from job.error

    def close(self) -> None:
        """Write what is waiting, then stop the thread."""
        self._jobs.put(None)
        self._thread.join(timeout=WAIT_SECONDS)

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            jobs, count, stopping = [first], len(first.batch), False
            while count < MOST:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                jobs.append(more)
                count += len(more.batch)
            self._turn(jobs)
            if stopping:
                return

    def _turn(self, jobs: list[_Job]) -> None:
        try:
            _write(self.store, jobs)
            self.turns += 1
        except Exception as exc:  # noqa: BLE001 - handed to the waiting requests
            if len(jobs) > 1:  # one job's failure must not lose the others' entries
                for job in jobs:
                    self._turn([job])
                return
            jobs[0].error = exc
            log.error(json.dumps({"event": "log not written", "error": str(exc)[:200]}))
        for job in jobs:
            job.done.set()
