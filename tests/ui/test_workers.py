"""Background work: results, progress and errors come back to the UI thread, cancellation
stops the work, the event loop keeps running meanwhile, and a job's session is its own."""

from __future__ import annotations

import threading
import time
import weakref

import pytest
from PySide6.QtCore import Qt, QThread, QTimer

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.staff import (
    StaffInput,
    find_by_staff_id,
    get_by_staff_id,
    save_staff,
)
from supervision_audit.ui.common import workers
from supervision_audit.ui.common.workers import (
    JobContext,
    in_session,
    run_in_background,
    running_jobs,
    stop_all,
)


def test_result_and_progress_arrive_in_the_ui_thread(qtbot) -> None:
    ui_thread = QThread.currentThread()
    seen: list[tuple[int, int, str, bool]] = []
    worker_thread: list[int] = []

    def work(context: JobContext) -> str:
        worker_thread.append(threading.get_ident())
        for i in range(1, 4):
            context.progress(i, 3, f"step {i}")
        return "done"

    job = run_in_background(work)
    job.progress.connect(lambda d, t, w: seen.append((d, t, w,
                                                      QThread.currentThread() is ui_thread)))
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == ["done"]
    assert seen == [(1, 3, "step 1", True), (2, 3, "step 2", True), (3, 3, "step 3", True)]
    assert worker_thread and worker_thread[0] != threading.get_ident()
    assert job.last_progress == (3, 3, "step 3")
    qtbot.waitUntil(lambda: not job.running)
    assert running_jobs() == 0


@pytest.mark.parametrize(("error", "expected"), [
    (SupervisionAuditError("The month is wrong."), "The month is wrong."),
    (PermissionError(13, "Permission denied", "/x/r.xlsx"),
     "A file could not be used (/x/r.xlsx): Permission denied"),
])
def test_errors_come_back_as_words(qtbot, error, expected) -> None:
    def work(_context: JobContext) -> None:
        raise error

    job = run_in_background(work)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == [expected]


def test_a_bug_is_reported_without_a_traceback_for_the_user(qtbot, capsys) -> None:
    job = run_in_background(lambda _context: 1 / 0)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert "ZeroDivisionError" in blocker.args[0] and "Traceback" not in blocker.args[0]
    assert "Traceback" in capsys.readouterr().err


def test_cancel_stops_work_that_polls(qtbot) -> None:
    steps: list[int] = []

    def work(context: JobContext) -> str:
        for i in range(500):
            if context.cancelled():
                raise SupervisionAuditError("stopped")
            steps.append(i)
            context.progress(i, 500, "working")
            time.sleep(0.01)
        return "finished anyway"

    job = run_in_background(work)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=5000)
    outcomes: list[str] = []
    job.finished.connect(lambda _r: outcomes.append("finished"))
    job.failed.connect(lambda _m: outcomes.append("failed"))
    job.cancelled.connect(lambda: outcomes.append("cancelled"))
    with qtbot.waitSignal(job.ended, timeout=5000):
        job.cancel()
    assert outcomes == ["cancelled"] and len(steps) < 500
    assert job.cancel_requested and not job.running


def test_the_event_loop_runs_while_the_work_does(qtbot) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    job = run_in_background(lambda _context: time.sleep(0.4) or "slept")
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    timer.stop()
    assert len(ticks) >= 10  # a blocked UI thread would not have ticked at all


def test_a_job_writes_in_its_own_session(qtbot, store) -> None:
    threads: list[int] = []

    def add_person(session, context: JobContext) -> str:
        threads.append(threading.get_ident())
        context.progress(1, 1, "saving")
        return save_staff(session, SYSTEM_ACTOR, StaffInput("Z9", "Zed Background")).name

    job = run_in_background(in_session(store, add_person))
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == ["Zed Background"] and threads[0] != threading.get_ident()
    with store.read() as session:
        assert get_by_staff_id(session, "Z9").name == "Zed Background"


def test_a_job_that_fails_rolls_its_session_back(qtbot, store) -> None:
    def add_then_fail(session, _context: JobContext) -> None:
        save_staff(session, SYSTEM_ACTOR, StaffInput("Z8", "Zoe Rolledback"))
        raise SupervisionAuditError("changed my mind")

    job = run_in_background(in_session(store, add_then_fail))
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["changed my mind"]
    with store.read() as session:
        assert find_by_staff_id(session, "Z8") is None


@pytest.mark.parametrize(("how", "read_only", "expected"), [
    ("returns", True, "cancelled"),   # obeys by returning early: its result is not wanted
    ("raises", True, "cancelled"),
    ("returns", False, "finished"),   # wrote and returned: what it wrote stays, and says so
    ("raises", False, "cancelled"),
    ("fails", True, "failed"),        # a real error, not a stop, when nobody asked to stop
])
def test_a_job_has_one_outcome_decided_by_what_its_work_did(qtbot, how, read_only,
                                                            expected) -> None:
    """The outcome does not depend on timing: the work returns or raises only after the
    cancel (or, for "fails", without one)."""
    started, go_on = threading.Event(), threading.Event()

    def work(context: JobContext) -> str:
        started.set()
        go_on.wait(5)
        if how == "fails":
            raise SupervisionAuditError("broken")
        if how == "raises" and context.cancelled():
            raise SupervisionAuditError("stopped")
        return "result"

    job = run_in_background(work, read_only=read_only)
    outcomes: list[str] = []
    job.finished.connect(lambda _r: outcomes.append("finished"))
    job.failed.connect(lambda _m: outcomes.append("failed"))
    job.cancelled.connect(lambda: outcomes.append("cancelled"))
    assert started.wait(5)
    if how != "fails":
        job.cancel()
    go_on.set()
    with qtbot.waitSignal(job.ended, timeout=5000):
        pass
    assert outcomes == [expected]


def test_stop_all_cancels_and_waits(qtbot) -> None:
    started = threading.Event()

    def work(context: JobContext) -> None:
        started.set()
        while not context.cancelled():
            time.sleep(0.005)
        raise SupervisionAuditError("stopped")

    job = run_in_background(work)
    assert started.wait(5)
    assert stop_all(5000)  # the thread has finished its work when this returns
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        pass
    assert running_jobs() == 0


# -- closing while jobs run -----------------------------------------------------------------
def test_closing_abandons_a_long_read_but_waits_for_a_write(qtbot, store) -> None:
    """A read that ignores cancellation is left to end on its own after a short wait; a
    write that is slow to notice it is waited for, and lands whole."""
    release = threading.Event()
    reading = threading.Event()
    writing = threading.Event()

    def long_read(context: JobContext) -> str:
        reading.set()
        release.wait(20)  # a long computation that never asks whether to stop
        return "read"

    def slow_write(session, context: JobContext) -> str:
        writing.set()
        time.sleep(0.6)  # well past the wait for reads, still inside its transaction
        return save_staff(session, SYSTEM_ACTOR, StaffInput("Z7", "Zia Written")).name

    read_job = run_in_background(long_read, read_only=True)
    assert reading.wait(5)
    write_job = run_in_background(in_session(store, slow_write))
    assert not write_job.read_only and read_job.read_only
    try:
        assert writing.wait(5)
        started = time.monotonic()
        assert not stop_all(10_000, read_wait_ms=200)  # the read is still running
        took = time.monotonic() - started
    finally:
        release.set()
    assert 0.3 <= took < 3  # waited for the write, not for the read
    assert write_job.wait(0)
    with store.read() as session:  # committed before stop_all returned
        assert get_by_staff_id(session, "Z7").name == "Zia Written"
    ended: list[object] = []
    read_job.finished.connect(ended.append)
    read_job.cancelled.connect(lambda: ended.append("cancelled"))
    # released, the computation returns; it was asked to stop, so its result is not wanted
    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=5000)
    assert ended == ["cancelled"]


def test_a_cancelled_read_stops_its_query_at_once(qtbot, store) -> None:
    """A read in ``in_session(write=False)`` is abandoned-able by default, and cancelling it
    interrupts the query it is running (one that would take minutes)."""
    from sqlalchemy import text

    started = threading.Event()

    def count_forever(session, _context: JobContext) -> int:
        started.set()
        return session.connection().execute(text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT count(*) FROM n WHERE i < 5000000000")).scalar_one()

    job = run_in_background(in_session(store, count_forever, write=False))
    assert job.read_only and started.wait(5)
    time.sleep(0.1)
    begun = time.monotonic()
    assert stop_all(10_000)  # cancelled, and it stopped within the short wait for reads
    assert time.monotonic() - begun < 1
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        pass
    with store.read() as session:  # the connection went back to the pool usable
        assert session.connection().execute(text("SELECT 2")).scalar_one() == 2


def test_a_job_cancelled_before_it_starts_does_nothing(qtbot) -> None:
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    gate = threading.Event()
    ran: list[str] = []
    first = run_in_background(lambda _c: gate.wait(5), pool=pool)
    queued = run_in_background(lambda _c: ran.append("queued"), pool=pool)
    queued.cancel()
    gate.set()
    with qtbot.waitSignal(queued.cancelled, timeout=5000):
        pass
    assert ran == [] and first.wait(5)
    pool.waitForDone(5000)


def test_the_process_exits_soon_after_closing_on_a_long_read(tmp_path) -> None:
    """The window closes at once; the abandoned read stops at its next check and the process
    exits cleanly (status 0, no error from a job whose window has gone)."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "close.py"
    script.write_text(textwrap.dedent('''
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from supervision_audit.ui.common.workers import run_in_background, stop_all
        app = QApplication([])
        def work(context):
            end = time.monotonic() + 30
            while time.monotonic() < end and not context.cancelled():
                sum(range(20_000))  # a computation that checks now and then
            raise RuntimeError("stopped")
        run_in_background(work, read_only=True)
        def close():
            begun = time.monotonic()
            print("stopped" if not stop_all(read_wait_ms=0) else "ended", flush=True)
            print(f"{time.monotonic() - begun:.2f}", flush=True)
            app.quit()
        QTimer.singleShot(200, close)
        sys.exit(app.exec())
    '''))
    begun = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    said, waited = done.stdout.split()
    assert said == "stopped" and float(waited) < 0.5
    assert time.monotonic() - begun < 25  # not the 30 s the work would take
    assert "Traceback" not in done.stderr and "Error" not in done.stderr


def test_jobs_dropped_by_their_holders_as_they_end_are_let_go_safely(qtbot) -> None:
    """A dialog forgets its job in the job's own ``ended`` handler. The job must not be
    deleted while Qt is still delivering that signal to it (that crashes the process),
    and must still be let go once its work has finished."""
    refs: list[weakref.ref] = []
    ended: list[int] = []
    holders: list[dict] = []
    for i in range(60):
        holder: dict = {"job": run_in_background(lambda _context, i=i: i)}
        refs.append(weakref.ref(holder["job"]))
        holder["job"].ended.connect(lambda h=holder, i=i: (h.clear(), ended.append(i)))
        holders.append(holder)
    qtbot.waitUntil(lambda: len(ended) == 60, timeout=10_000)
    assert all(not holder for holder in holders) and running_jobs() == 0
    qtbot.waitUntil(lambda: all(ref() is None for ref in refs), timeout=10_000)


class _LingeringEvent(threading.Event):
    """An event whose setter dawdles afterwards, as a thread on a loaded machine may."""

    def set(self) -> None:
        super().set()
        time.sleep(0.05)


@pytest.mark.parametrize("lingers", ["after reporting", "after saying it is done"])
def test_a_jobs_relay_is_destroyed_in_the_ui_thread(qtbot, monkeypatch, lingers) -> None:
    """The relay lives in the UI thread. If the worker were its last owner (the window
    having dropped the job as soon as it ended), it would be destroyed in the pool thread
    while the UI thread disconnects from it: a crash, now and then. The worker is made to
    linger at the two places where it might still hold the relay."""
    if lingers == "after reporting":
        real_report = workers._Runnable._report

        def report_then_linger(self, signal, *args) -> None:  # type: ignore[no-untyped-def]
            real_report(self, signal, *args)
            time.sleep(0.05)

        monkeypatch.setattr(workers._Runnable, "_report", report_then_linger)
    else:
        monkeypatch.setattr(workers.threading, "Event", _LingeringEvent)
    destroyed_in: list[int] = []
    ended: list[bool] = []

    def work(context: JobContext) -> str:
        context.progress(1, 1, "working")
        return "done"

    holder = {"job": run_in_background(work)}
    holder["job"]._relay.destroyed.connect(lambda: destroyed_in.append(threading.get_ident()),
                                           Qt.ConnectionType.DirectConnection)
    holder["job"].ended.connect(lambda: (holder.clear(), ended.append(True)))
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    qtbot.waitUntil(lambda: bool(destroyed_in), timeout=5000)
    assert destroyed_in == [threading.get_ident()]
