"""The monthly return from the window: defaults, a real workbook built in the background
with the progress bar reaching its end while the window keeps running, Cancel writing
nothing, and bad input said plainly."""

from __future__ import annotations

import threading
import time
from datetime import date
from datetime import time as clock

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer

from supervision_audit.models import SupervisionSession
from supervision_audit.services import monthly_return
from supervision_audit.services.access import Actor
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.reports import monthly_return_dialog
from supervision_audit.ui.reports.monthly_return_dialog import MonthlyReturnDialog, last_month

TODAY = date(2026, 3, 5)
REAL_BUILD = monthly_return.build_monthly_return


@pytest.fixture
def head(store, people) -> Actor:
    """Sam Head, senior manager over both teams, with a few sessions in February."""
    with store.write() as s:
        for staff_id, day, status in (("P1", 3, "completed"), ("P2", 10, "postponed"),
                                      ("P10", 17, "completed")):
            person = get_staff(s, people[staff_id])
            s.add(SupervisionSession(supervisee_id=person.id, supervisor_id=person.supervisor_id,
                                     planned_date=date(2026, 2, day), planned_time=clock(10),
                                     status=status))
        sam = get_staff(s, people["S1"])
        return Actor(username="sam", staff_id=sam.id, name=sam.name, staff_role=sam.role)


@pytest.fixture
def dialog(qtbot, store, head) -> MonthlyReturnDialog:
    widget = MonthlyReturnDialog(store, head, today=TODAY)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _slowed(monkeypatch, hold: threading.Event | None = None, at: int = 2) -> None:
    """Build the real workbook, a little slower per step (and held at step ``at`` until
    ``hold`` is set), so that the test can watch it happen."""
    def build(session, actor, month, out, *, progress, cancelled, today=None):
        def slow(done: int, total: int, what: str) -> None:
            progress(done, total, what)
            time.sleep(0.02)
            if hold is not None and done == at:
                hold.wait(10)
        return REAL_BUILD(session, actor, month, out, progress=slow, cancelled=cancelled,
                          today=today)
    monkeypatch.setattr(monthly_return, "build_monthly_return", build)


def test_it_offers_last_month_and_a_file_name(dialog) -> None:
    assert last_month(TODAY) == "2026-02" and last_month(date(2026, 1, 15)) == "2025-12"
    assert dialog.month.currentText() == "February 2026"
    assert dialog.month_text() == "2026-02"
    assert dialog.path.text().endswith("Monthly supervision return 2026-02.xlsx")
    dialog.month.setCurrentIndex(1)
    assert dialog.path.text().endswith("Monthly supervision return 2026-01.xlsx")
    assert not dialog.cancel_button.isEnabled()


def test_choosing_the_file_adds_the_extension(dialog, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(monthly_return_dialog, "choose_xlsx_path",
                        lambda _parent, _suggested: tmp_path / "february")
    dialog.browse.click()
    assert dialog.out_path() == tmp_path / "february.xlsx"
    dialog.month.setCurrentIndex(2)  # a chosen file stays chosen
    assert dialog.out_path() == tmp_path / "february.xlsx"


def test_build_writes_the_workbook_while_the_window_keeps_running(qtbot, dialog, tmp_path,
                                                                  monkeypatch) -> None:
    _slowed(monkeypatch)
    out = tmp_path / "return.xlsx"
    dialog.path.setText(str(out))
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(dialog.progress.value()))
    timer.start()
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None and dialog.cancel_button.isEnabled()
    assert not out.exists()  # the click came back to the event loop before the build ended
    assert not dialog.build_button.isEnabled() and not dialog.month.isEnabled()
    with qtbot.waitSignal(dialog.written, timeout=20_000) as blocker:
        pass
    timer.stop()
    assert blocker.args == [out] and out.exists()
    assert ticks  # the window's own timer ran
    assert dialog.progress.maximum() == 16 and dialog.progress.value() == 16
    assert values == sorted(values) and values[-1] == 16
    assert dialog.progress.isVisible() and not dialog.step.isVisible()
    assert str(out) in dialog.result.text() and dialog.result.isVisible()
    workbook = load_workbook(out)
    assert "Summary" in workbook.sheetnames
    summary = workbook["Summary"]
    assert summary["A1"].value.startswith("Monthly supervision return: February 2026")
    assert [c.value for c in summary[3]] == list(monthly_return.SUMMARY_HEADERS)
    qtbot.waitUntil(lambda: dialog.job is None)
    assert dialog.build_button.isEnabled() and not dialog.cancel_button.isEnabled()


def _held_before(monkeypatch, request, step: int) -> tuple[threading.Event, threading.Event]:
    """The real build, stopped in its own check for cancelling before step ``step`` (steps
    0 to ``step`` - 1 reported) until the test lets it go: ``waiting`` is set once it is
    there, ``go`` lets the check answer. Nothing is timed: the worker waits for the test,
    never for a clock (released at teardown too, so that a failing test leaves no thread
    waiting)."""
    waiting, go = threading.Event(), threading.Event()
    request.addfinalizer(go.set)

    def build(session, actor, month, out, *, progress, cancelled, today=None):
        reported: list[int] = []

        def ticked(done: int, total: int, what: str) -> None:
            reported.append(done)
            progress(done, total, what)

        def asked() -> bool:
            if len(reported) == step and not go.is_set():
                waiting.set()
                go.wait()
            return cancelled()
        return REAL_BUILD(session, actor, month, out, progress=ticked, cancelled=asked,
                          today=today)
    monkeypatch.setattr(monthly_return, "build_monthly_return", build)
    return waiting, go


def test_cancel_writes_nothing(qtbot, dialog, tmp_path, monkeypatch, request) -> None:
    """Cancel is pressed while the build waits in its check before step 3, and only then is
    the check answered: it answers "cancelled", so the build stops there, whatever the
    machine's load. (It used to be held in a progress report with a 10-second limit, after
    which it went on and wrote the workbook, and the cancel was first looked at only after
    the twelve months' figures that follow that report.)"""
    waiting, go = _held_before(monkeypatch, request, step=3)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path.setText(str(folder / "return.xlsx"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None
    qtbot.waitUntil(lambda: waiting.is_set() and dialog.progress.value() == 2,
                    timeout=60_000)
    assert dialog.step.text() == "Twelve months in timescale…"
    with qtbot.waitSignal(job.cancelled, timeout=60_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert job.cancel_requested and dialog.step.text() == "Cancelling…"
        go.set()
    assert list(folder.iterdir()) == []  # no workbook, no half-written temporary file
    assert dialog.result.text() == "Cancelled: nothing was written."
    qtbot.waitUntil(lambda: dialog.build_button.isEnabled())
    assert dialog.written_path is None


def test_a_bad_month_is_said_plainly(qtbot, dialog, tmp_path) -> None:
    dialog.path.setText(str(tmp_path / "r.xlsx"))
    dialog.set_month("2026-13")
    assert dialog.month_text() == "2026-13"
    assert dialog.build() is None
    assert dialog.month_problem.isVisible()
    assert dialog.month_problem.text() == \
        "'2026-13' is not a month (use YYYY-MM, e.g. 2026-10)"
    assert dialog.job is None and not (tmp_path / "r.xlsx").exists()
    dialog.set_month("2026-01")
    assert dialog.month.currentText() == "January 2026" and not dialog.month_problem.isVisible()


def test_an_unwritable_place_is_said_plainly(qtbot, dialog, tmp_path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    dialog.path.setText(str(blocker / "r.xlsx"))
    dialog.build()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    text = dialog.result.text()
    assert text.startswith("The monthly return was not built. Could not save r.xlsx")
    assert "Traceback" not in text and dialog.build_button.isEnabled()
    assert {p.name for p in tmp_path.iterdir()} >= {"a file"}
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".*.tmp"))


def test_no_file_chosen(dialog) -> None:
    dialog.path.setText("")
    assert dialog.build() is None
    assert dialog.path_problem.text() == "Choose where to save the workbook."


def test_closing_while_building_cancels_first(qtbot, dialog, tmp_path, monkeypatch) -> None:
    hold = threading.Event()
    _slowed(monkeypatch, hold, at=1)
    dialog.path.setText(str(tmp_path / "r.xlsx"))
    dialog.build()
    qtbot.waitUntil(lambda: dialog.progress.value() == 1, timeout=10_000)
    dialog.close_button.click()
    assert dialog.isVisible() and dialog.job.cancel_requested  # waits for the build to stop
    hold.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert not (tmp_path / "r.xlsx").exists()


def test_the_dialog_is_as_tall_as_what_it_holds_and_grows_to_build(qtbot, dialog, tmp_path,
                                                                   monkeypatch) -> None:
    assert dialog.height() <= dialog.sizeHint().height() + 4  # no band of empty space
    _slowed(monkeypatch)
    dialog.path.setText(str(tmp_path / "return.xlsx"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.written, timeout=20_000):
        pass
    for shown in (dialog.progress, dialog.result, dialog.close_button):
        assert dialog.rect().contains(shown.geometry()), shown.objectName()
    qtbot.waitUntil(lambda: dialog.job is None)
