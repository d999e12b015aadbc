"""A long session in the window, for ``benchmarks.run``: a new process signs in, shows the
main window, waits for the dashboard, then opens one file after another as a person
going through their organisation would, and reports the process's memory.

    python -m benchmarks.long_session --db big.sqlite --user director --password ... \
        [--files 300]

Prints one line of JSON: ``rss_shown_mib`` (resident memory once the window shows and the
dashboard has its figures), ``rss_after_mib`` (after opening ``--files`` files, each
selected in the staff list with every panel filled and painted), ``maxrss_mib`` (the peak)
and ``files``. Resident memory is what the process holds now (``/proc/self/statm``), not
its peak: what a long session costs the computer.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def rss_mib() -> float:
    """Resident memory now (Linux); the peak where /proc is not there."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_mib()


def peak_mib() -> float:
    """This program's peak resident memory. On Linux the high-water mark of its own memory
    (VmHWM): ``ru_maxrss`` also counts the parent's memory this process was forked with
    before it started this program, as big as the benchmark that started it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.long_session")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from supervision_audit.services.signin import sign_in
    from supervision_audit.ui.app import application, create_main_window, settle_heap
    from supervision_audit.ui.staff.staff_model import ID_ROLE

    app = application([sys.argv[0]])
    opened = sign_in(args.db, args.user, args.password)
    window = create_main_window(opened.store, opened.actor)
    window.show()
    settle_heap()
    board = getattr(window, "dashboard", None)
    deadline = time.monotonic() + 600
    while board is not None and board.loading and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    pages = getattr(window, "pages", None)
    if pages is not None:
        pages.setCurrentWidget(window.splitter)
    QApplication.processEvents()
    shown = rss_mib()
    model = window.staff_page.model
    people = [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())]
    step = max(1, len(people) // max(1, args.files))
    opened_files = 0
    started = time.perf_counter()
    for person in people[::step][:args.files]:
        if window.staff_page.select(person):
            QApplication.processEvents()
            opened_files += 1
    took = time.perf_counter() - started
    print(json.dumps({"rss_shown_mib": shown, "rss_after_mib": rss_mib(),
                      "maxrss_mib": peak_mib(),
                      "files": opened_files, "seconds": took}), flush=True)
    opened.store.close()  # as closing the window leaves it (its check remembered)
    os._exit(0)  # measured: skip the teardown (and the backup taken when the window closes)


if __name__ == "__main__":
    sys.exit(main())
