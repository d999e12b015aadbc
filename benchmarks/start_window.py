"""One cold start, for ``benchmarks.run``: a new process that signs in and shows the main
window, then prints when the event loop first goes idle (a 0 ms timer firing).

    python -m benchmarks.start_window --db big.sqlite --user director --password ...
    python -m benchmarks.start_window --bare      # the baseline: QApplication + QMainWindow

Prints one line of JSON: ``idle_at`` (wall-clock seconds, for the parent to subtract its
own start time from), the steps inside this process (``imports_s``, ``sign_in_s``,
``window_s``, ``to_idle_s``) and ``maxrss_mib``. For the app it then waits for the
dashboard's figures (worked out in a worker thread) and adds ``dashboard_at`` and
``longest_stall_ms``: the longest gap between ticks of a 10 ms timer on the UI thread while
the figures were worked out (the UI thread shares the interpreter lock with the worker).
The process ends at once after printing (no closing backup).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

STARTED = time.perf_counter()


TICK_MS = 10
WAIT_FOR_DASHBOARD_S = 300


_STORES: list[Any] = []  # closed after the report, so the next start finds the store as a
# person closing the window leaves it (its check remembered, no log left to replay)


def _report(steps: dict[str, float]) -> None:
    from benchmarks.long_session import peak_mib

    steps["maxrss_mib"] = peak_mib()
    print(json.dumps(steps), flush=True)
    for store in _STORES:
        store.close()
    os._exit(0)  # measured: skip the teardown (and the backup taken when the window closes)


def _idle(steps: dict[str, float]) -> None:
    steps["to_idle_s"] = time.perf_counter() - STARTED
    steps["idle_at"] = time.time()


class Watch:
    """Ticks on the UI thread until the dashboard has its figures; the longest gap."""

    def __init__(self, window: Any, steps: dict[str, float]) -> None:
        from PySide6.QtCore import QTimer

        self.window, self.steps = window, steps
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        board = getattr(self.window, "dashboard", None)
        if board is None or not board.loading or now - STARTED > WAIT_FOR_DASHBOARD_S:
            self.steps["dashboard_at"] = time.time()
            self.steps["dashboard_s"] = now - STARTED
            self.steps["longest_stall_ms"] = self.longest * 1000
            _report(self.steps)


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    steps: dict[str, float] = {"imports_s": time.perf_counter() - STARTED}
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    steps["window_s"] = time.perf_counter() - STARTED

    def done() -> None:
        _idle(steps)
        _report(steps)

    QTimer.singleShot(0, done)
    return app.exec()


def app_window(db: Path, user: str, password: str) -> int:
    from PySide6.QtCore import QTimer

    from supervision_audit.services.signin import sign_in
    from supervision_audit.ui.app import application, create_main_window, settle_heap

    steps: dict[str, float] = {"imports_s": time.perf_counter() - STARTED}
    app = application(sys.argv[:1])
    before = time.perf_counter()
    opened = sign_in(db, user, password)
    steps["sign_in_s"] = time.perf_counter() - before
    _STORES.append(opened.store)
    window = create_main_window(opened.store, opened.actor)
    window.show()
    settle_heap()  # as run_gui does
    steps["window_s"] = time.perf_counter() - STARTED
    watch: list[Watch] = []

    def idle() -> None:
        _idle(steps)
        watch.append(Watch(window, steps))

    QTimer.singleShot(0, idle)
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.start_window")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--user", default="director")
    parser.add_argument("--password", default="benchmark-password")
    args = parser.parse_args(argv)
    if args.bare:
        return bare()
    if args.db is None:
        parser.error("--db is needed (or --bare)")
    return app_window(args.db, args.user, args.password)


if __name__ == "__main__":
    sys.exit(main())
