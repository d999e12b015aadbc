"""Slow work off the UI thread: a job in Qt's thread pool that reports progress, can be
cancelled, and hands its result (or a message saying what went wrong) back to the window.

The work is a plain function of one argument, a :class:`JobContext`, whose ``progress`` and
``cancelled`` fit the services' callbacks::

    job = run_in_background(in_session(store, lambda session, ctx: build_monthly_return(
        session, actor, "2026-10", out, progress=ctx.progress, cancelled=ctx.cancelled)))
    job.progress.connect(...); job.finished.connect(...); job.failed.connect(...)

A SQLAlchemy session belongs to one thread, so :func:`in_session` opens the job's own session
in the worker thread (never pass a session from the window to a job).

Closing the window (:func:`stop_all`) cancels every job. It waits for a job that writes (a
write is never left half done), but only briefly for one that only reads: a read-only job
(``read_only=True``, or any ``in_session(..., write=False)``) is abandoned. Its queries stop
at once when it is cancelled (SQLite's progress handler), it stops at its next
``cancelled()`` check, and Qt waits for it to end before the process exits.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.ui.common import messages


class JobContext:
    """What the work sees of its job: report progress, ask whether to stop."""

    def __init__(self, relay: _Relay, stop: threading.Event) -> None:
        self._relay: _Relay | None = relay
        self._stop = stop

    def progress(self, done: int, total: int, what: str) -> None:
        """Report ``done`` of ``total`` steps; ``what`` says what is being done now."""
        relay = self._relay
        if relay is not None:  # (after the work has ended there is nobody to tell)
            relay.progress.emit(int(done), int(total), str(what))

    def _let_go(self) -> None:
        self._relay = None

    def cancelled(self) -> bool:
        """True once the user asked to stop; the work should stop at its next step."""
        return self._stop.is_set()


Work = Callable[[JobContext], Any]
READ_WAIT_MS = 300  # how long closing waits for a read-only job before abandoning it
PROGRESS_STEPS = 20_000  # SQLite VM steps between checks of a read job's cancellation


class _Relay(QObject):
    """Carries the worker thread's news to the UI thread (queued connections)."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    problem = Signal(str)
    stopped = Signal()


def describe_error(exc: BaseException) -> str:
    """Words for the user: the app's own errors as they are, file errors plainly, and a
    bug as a short note (its traceback goes to stderr)."""
    if isinstance(exc, SupervisionAuditError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"A file could not be used{where}: {exc.strerror or exc}"
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    return (f"Something went wrong that Supervision Audit did not expect ({type(exc).__name__}: "
            f"{exc}). Nothing already saved has been lost.")


class _Runnable(QRunnable):
    def __init__(self, work: Work, relay: _Relay, stop: threading.Event,
                 done: threading.Event, *, read_only: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work, self._relay, self._stop, self._done = work, relay, stop, done
        self._read_only = read_only

    def run(self) -> None:  # in a worker thread
        context = JobContext(self._relay, self._stop)
        try:
            if self._stop.is_set():  # cancelled before it started: nothing done
                self._report(self._relay.stopped)
                return
            try:
                result = self._work(context)
            except BaseException as exc:  # everything is reported; nothing escapes the thread
                if self._stop.is_set():
                    self._report(self._relay.stopped)
                else:
                    self._report(self._relay.problem, describe_error(exc))
                return
            if self._read_only and self._stop.is_set():
                # asked to stop, it wrote nothing and its result is no longer wanted,
                # whether it stopped by returning early or only after finishing
                self._report(self._relay.stopped)
            else:  # (work that writes and finished anyway: what it wrote stays)
                self._report(self._relay.succeeded, result)
        finally:
            # let go of the relay here (and the work's context too), so that the Job, in the
            # UI thread, is its last owner and it is never deleted in this thread
            context._let_go()
            self._work = self._relay = None  # type: ignore[assignment]
            self._done.set()

    def _report(self, signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # its Job went first (the window closed, or the app is ending):
            pass  # there is nobody left to tell


_RUNNING: set[Job] = set()  # jobs stay alive until they end, whoever holds them
_ENDED: list[Job] = []  # ended jobs, kept until it is safe to let them go (_release_ended)


def _release_ended() -> None:
    """Let go of the ended jobs whose worker has finished (and so let go of the relay, which
    is then destroyed here, in the UI thread). Called from a timer, so that a job is never
    deleted inside its own slot either."""
    _ENDED[:] = [job for job in _ENDED if not job._done.is_set()]
    if _ENDED:
        QTimer.singleShot(10, _release_ended)


class Job(QObject):
    """One piece of background work, seen from the UI thread.

    Signals (all delivered in the UI thread): ``progress(done, total, what)``, then exactly
    one outcome, then ``ended()``. The outcome is decided in one place (``_Runnable.run``):

    ============================================  ==================================
    the work ...                                  outcome
    ============================================  ==================================
    raised, after :meth:`cancel`                  ``cancelled()``
    raised, not cancelled                         ``failed(message)``
    returned, after :meth:`cancel`, read-only     ``cancelled()`` (result discarded)
    returned, after :meth:`cancel`, writes        ``finished(result)`` (it wrote)
    returned, not cancelled                       ``finished(result)``
    never started (cancelled first)               ``cancelled()``
    ============================================  ==================================
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, *, read_only: bool = False) -> None:
        super().__init__()  # no parent: a window deleted first would take the job with it,
        # and its end would never be counted (the jobs keep themselves alive, see _RUNNING)
        self.read_only = read_only  # closing may abandon it (see stop_all)
        self._stop = threading.Event()
        self._done = threading.Event()  # set in the worker thread when the work has ended
        self._relay = _Relay()
        self._relay.progress.connect(self._on_progress)
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.problem.connect(self._on_problem)
        self._relay.stopped.connect(self._on_stopped)
        self.running = False
        self.last_progress: tuple[int, int, str] | None = None

    def start(self, work: Work, pool: QThreadPool | None = None) -> Job:
        self.running = True
        _RUNNING.add(self)
        (pool or QThreadPool.globalInstance()).start(
            _Runnable(work, self._relay, self._stop, self._done, read_only=self.read_only))
        return self

    def wait(self, timeout_s: float) -> bool:
        """Block until the work has ended in its thread (at most ``timeout_s``); True if it
        has. (Its signals still arrive through the event loop.)"""
        return self._done.wait(max(0.0, timeout_s))

    def cancel(self) -> None:
        """Ask the work to stop (it stops at its next step; nothing is written)."""
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.last_progress = (done, total, what)
        self.progress.emit(done, total, what)

    def _end(self) -> None:
        self.running = False
        _RUNNING.discard(self)
        _ENDED.append(self)  # whoever held it may drop it now; it lives until _release_ended
        QTimer.singleShot(0, _release_ended)
        self.ended.emit()

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.finished.emit(result)
        self._end()

    @Slot(str)
    def _on_problem(self, message: str) -> None:
        self.failed.emit(message)
        self._end()

    @Slot()
    def _on_stopped(self) -> None:
        self.cancelled.emit()
        self._end()


def run_in_background(work: Work, pool: QThreadPool | None = None, *,
                      read_only: bool | None = None) -> Job:
    """Start ``work(context)`` in the thread pool; connect to the returned job's signals
    straight away (nothing is delivered before control returns to the event loop).

    ``read_only`` says the work writes nothing (to the store or elsewhere), so that closing
    the window need not wait for it; by default it is what ``in_session`` says of its work
    (``write=False``), else False. A job has no parent: it lives until it ends, whoever
    started it (a window closed and deleted meanwhile simply hears nothing)."""
    if read_only is None:
        read_only = bool(getattr(work, "read_only", False))
    return Job(read_only=read_only).start(work, pool)


def in_session(store: Store, work: Callable[[Session, JobContext], Any], *,
               write: bool = True) -> Work:
    """``work(session, context)`` run in the job's own session, opened in the worker thread:
    a write transaction (committed whole, or rolled back when the work raises) or a read.
    A read's queries stop (SQLite's "interrupted") as soon as the job is cancelled."""
    def run(context: JobContext) -> Any:
        with (store.write() if write else store.read()) as session:
            if write:
                return work(session, context)
            raw = _dbapi_connection(session)
            raw.set_progress_handler(lambda: 1 if context.cancelled() else 0, PROGRESS_STEPS)
            try:
                return work(session, context)
            finally:
                raw.set_progress_handler(None, 0)  # the connection goes back to the pool
    run.read_only = not write  # type: ignore[attr-defined]
    return run


def _dbapi_connection(session: Session) -> Any:
    """The SQLite connection under ``session`` (its transaction begins here)."""
    return session.connection().connection.dbapi_connection


def running_jobs() -> int:
    """How many jobs have not ended yet (the window waits for them before closing)."""
    return len(_RUNNING)


def stop_all(timeout_ms: int = 10_000, pool: QThreadPool | None = None, *,
             read_wait_ms: int = READ_WAIT_MS) -> bool:
    """Cancel every running job, for the window's close, before the store is closed. Wait up
    to ``timeout_ms`` for the jobs that write (never abandoned mid-transaction), but at
    most ``read_wait_ms`` for read-only ones: those still running are left to end on their
    own (Qt waits for them before the process exits). True when nothing is still running."""
    jobs = sorted(_RUNNING, key=lambda job: job.read_only)  # the writers first
    for job in jobs:
        job.cancel()
    started = time.monotonic()
    ended = True
    for job in jobs:
        limit = min(read_wait_ms, timeout_ms) if job.read_only else timeout_ms
        ended = job.wait(limit / 1000 - (time.monotonic() - started)) and ended
    if not ended:
        return False
    left_ms = max(0, int(timeout_ms - 1000 * (time.monotonic() - started)))
    return (pool or QThreadPool.globalInstance()).waitForDone(left_ms)


STOP_WAIT_MS = 10_000  # how long a re-key or a restore waits for background work to stop


def background_stopped(parent: QWidget | None, title: str,
                       not_done: str = "Nothing was changed") -> bool:
    """Stop the work running in the background before the store's key or file changes under
    it; False, having said so (``not_done``: what was therefore not done), if it did not stop
    in time."""
    if stop_all(read_wait_ms=STOP_WAIT_MS, timeout_ms=STOP_WAIT_MS):
        return True
    messages.show_error(parent, title, (
        "Work running in the background (an export or a report) did not stop in time. "
        f"{not_done}; try again when it has finished."))
    return False
