"""Background work: results, progress and errors come back to the UI thread, cancellation
stops the work, the event loop keeps running meanwhile, and a job's session is its own."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread, QTimer

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.staff import (
    StaffInput,
    find_by_staff_id,
    get_by_staff_id,
    save_staff,
)
from supervision_audit.ui.workers import (
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
