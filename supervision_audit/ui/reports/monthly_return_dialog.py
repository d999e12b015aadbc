"""The monthly supervision return from the window: choose the month and where to save the
workbook, then build it in the background with a progress bar; Cancel stops it and nothing is
written. The workbook itself is ``services.monthly_return``'s."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit import APP_NAME
from supervision_audit.dates import add_months
from supervision_audit.db import Store
from supervision_audit.errors import ValidationError
from supervision_audit.services import monthly_return
from supervision_audit.services.access import Actor
from supervision_audit.ui.common.style import (
    NOTE,
    OK_FG,
    PROBLEM,
    heading_label,
    note_label,
    problem_label,
)
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.common.workers import Job, JobContext, in_session, run_in_background

MONTHS_OFFERED = 24


def choose_xlsx_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the workbook (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Save the monthly return as",
                                                str(suggested), "Excel workbooks (*.xlsx)")
    return Path(name) if name else None


def last_month(today: date | None = None) -> str:
    """'YYYY-MM' of the month before ``today``'s."""
    return f"{add_months((today or date.today()).replace(day=1), -1):%Y-%m}"


def suggested_file_name(month: str) -> str:
    return f"Monthly supervision return {month}.xlsx"


class MonthlyReturnDialog(QDialog):
    """Build the monthly return for ``actor``'s scope.

    Signals: ``written(path)`` once the workbook is in place. ``job`` is the running build
    (None when idle); ``written_path`` the last workbook written.
    """

    written = Signal(Path)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthly_return_dialog")
        self.setWindowTitle(f"Monthly supervision return – {APP_NAME}")
        self.store, self.actor, self.today = store, actor, today
        self.job: Job | None = None
        self.written_path: Path | None = None
        self._path_chosen = False  # the user picked the file: keep it when the month changes
        self._close_when_stopped = False

        self.month = QComboBox()
        self.month.setObjectName("month")
        self.month.setEditable(True)
        self.month.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.month.setToolTip("Choose a month, or type one as YYYY-MM")
        first = (today or date.today()).replace(day=1)
        for back in range(1, MONTHS_OFFERED + 1):
            day = add_months(first, -back)
            self.month.addItem(f"{day:%B %Y}", f"{day:%Y-%m}")
        self.month.setCurrentIndex(0)
        self.month.currentTextChanged.connect(self._month_changed)
        self.month_problem = problem_label()
        self.path = QLineEdit()
        self.path.setObjectName("out_path")
        self.path.setMinimumWidth(380)
        self.path.textEdited.connect(lambda _text: setattr(self, "_path_chosen", True))
        self.browse = QPushButton("Choose…")
        self.browse.setObjectName("choose_file")
        self.browse.clicked.connect(self.choose_file)
        self.path_problem = problem_label()
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Month:", self.month)
        form.addRow("", self.month_problem)
        save_as = QLabel("&Save as:")
        save_as.setBuddy(self.path)
        form.addRow(save_as, file_row)
        form.addRow("", self.path_problem)
        self.month.lineEdit().setObjectName("month_text")

        self.progress = QProgressBar()
        self.progress.setObjectName("build_progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.hide()  # shown while building
        self.step = QLabel(" ")
        self.step.setObjectName("build_step")
        self.step.setStyleSheet(f"color: {NOTE};")
        self.result = QLabel()
        self.result.setObjectName("build_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()

        self.build_button = QPushButton("Build")
        self.build_button.setObjectName("build")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_build")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.build_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Monthly supervision return", 1.3))
        layout.addWidget(note_label(
            "A workbook for the leadership team: a summary by service and team, a sheet per "
            "team and a chart of the share supervised in timescale over twelve months, for "
            "everyone in your scope."))
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.step)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._month_changed()
        self.resize(620, self.sizeHint().height())  # no more than it holds; it grows to build

    # -- inputs -----------------------------------------------------------------------
    def month_text(self) -> str:
        """The month asked for as 'YYYY-MM' (a chosen entry), else the text as typed."""
        text = self.month.currentText().strip()
        index = self.month.findText(text, Qt.MatchFlag.MatchFixedString)
        return str(self.month.itemData(index)) if index >= 0 else text

    def set_month(self, month: str) -> None:
        """Choose ``month`` ('YYYY-MM'), typing it when it is not offered."""
        index = self.month.findData(month)
        if index >= 0:
            self.month.setCurrentIndex(index)
        else:
            self.month.setEditText(month)

    def out_path(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def _month_changed(self, _text: str = "") -> None:
        self.month_problem.hide()
        if self._path_chosen:
            return
        month = self.month_text()
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            return
        folder = Path(self.path.text()).parent if self.path.text() else \
            Path(last_folder("export"))
        self.path.setText(str(folder / suggested_file_name(month)))

    def choose_file(self) -> None:
        current = self.out_path() or Path(last_folder("export")) / \
            suggested_file_name(self.month_text())
        chosen = choose_xlsx_path(self, current)
        if chosen is not None:
            self.path.setText(str(chosen if chosen.suffix.lower() == ".xlsx"
                                  else chosen.with_name(chosen.name + ".xlsx")))
            self._path_chosen = True
            self.path_problem.hide()

    # -- building ---------------------------------------------------------------------
    def build(self) -> Job | None:
        """Check the inputs, then build the workbook in the background (None: not started)."""
        if self.job is not None:
            return None
        self.result.hide()
        month = self.month_text()
        try:
            monthly_return.parse_month(month)
        except ValidationError as exc:
            self._problem(self.month_problem, " ".join(exc.for_field("month")) or str(exc))
            return None
        self.month_problem.hide()
        out = self.out_path()
        if out is None:
            self._problem(self.path_problem, "Choose where to save the workbook.")
            return None
        if out.is_dir():
            self._problem(self.path_problem, f"{out} is a folder: add a file name.")
            return None
        self.path_problem.hide()
        actor, today = self.actor, self.today

        def work(session: Session, context: JobContext) -> Path:
            return monthly_return.build_monthly_return(
                session, actor, month, out, progress=context.progress,
                cancelled=context.cancelled, today=today)

        self.job = run_in_background(in_session(self.store, work))
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(self._cancelled)
        self.job.ended.connect(self._ended)
        self._set_busy(True)
        self.progress.setRange(0, 0)  # busy until the first step reports
        self.progress.show()
        self.step.show()
        self.step.setText("Starting…")
        return self.job

    def cancel(self) -> None:
        """Stop the build at its next step; nothing is written."""
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.step.setText("Cancelling…")

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.month, self.path, self.browse, self.build_button):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _progress(self, done: int, total: int, what: str) -> None:
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.step.setText(what if done >= total else f"{what}…")

    def _finished(self, path: object) -> None:
        self.written_path = Path(str(path))
        self.progress.setValue(self.progress.maximum())
        self.step.hide()
        remember_folder("export", str(self.written_path.parent))
        self._say(f"The monthly return for {self.month.currentText()} was written to "
                  f"{self.written_path}", OK_FG)
        self.written.emit(self.written_path)

    def _failed(self, message: str) -> None:
        self._stopped()
        self._say(f"The monthly return was not built. {message}", PROBLEM)

    def _cancelled(self) -> None:
        self._stopped()
        self._say("Cancelled: nothing was written.", PROBLEM)

    def _stopped(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()
        self.step.hide()

    def _ended(self) -> None:
        self.job = None
        self._set_busy(False)
        if self._close_when_stopped:
            super().reject()

    def _say(self, text: str, colour: str) -> None:
        self.result.setStyleSheet(f"color: {colour};")
        self.result.setText(text)
        self.result.show()

    @staticmethod
    def _problem(label: QLabel, message: str) -> None:
        label.setText(message)
        label.show()

    # -- closing ----------------------------------------------------------------------
    def reject(self) -> None:
        """Close; while building, cancel first and close once the build has stopped."""
        if self.job is not None:
            self._close_when_stopped = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
