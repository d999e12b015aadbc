"""A small dialog asking one date (and perhaps a time) and handing it to a service: a missed
session's new date, the date a miss was reported to the line manager, a case's closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import NOTE, note_label
from supervision_audit.ui.monitoring.monitoring_common import FieldProblems
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.time_field import TimeField

# (session, the date, the time or None) -> anything; raises ValidationError for bad input
SaveDate = Callable[[Session, date, time | None], object]


class WhenDialog(QDialog):
    """One required date, an optional time; ``save`` runs ``on_save`` in a write session and
    shows the service's problems beside the fields (``field`` names the date's problems)."""

    def __init__(self, store: Store, title: str, intro: str, caption: str, field: str,
                 on_save: SaveDate, *, action: str = "Save", initial: date | None = None,
                 with_time: bool = False, initial_time: time | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.on_save, self.field = store, on_save, field
        self.setWindowTitle(title)
        self.date = DateField()
        self.date.setObjectName("when_date")
        self.date.set_date(initial)
        self.with_time = with_time
        self.time = TimeField(self)
        self.time.setObjectName("when_time")
        self.time.set_time(initial_time)
        self.time.setVisible(with_time)
        self.problems = FieldProblems(field, "time")
        self.date.problem_changed.connect(self._date_problem)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.date)
        if with_time:
            at = QLabel("at")
            at.setStyleSheet(f"color: {NOTE};")
            row.addWidget(at)
            row.addWidget(self.time)
        row.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.problems[field])
        column.addWidget(self.problems["time"])
        form = QFormLayout()
        form.addRow(caption, column)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        if intro:
            layout.addWidget(note_label(intro))
        layout.addLayout(form)
        layout.addWidget(self.problems["general"])
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        name_fields(self)  # each field named after its caption, for screen readers
        self.date.setFocus()

    def _date_problem(self, message: str) -> None:
        self.problems.show([Problem(self.field, message)] if message else [])

    def save(self) -> bool:
        problems = []
        try:
            on = self.date.date()
            if on is None:
                problems.append(Problem(self.field, "Enter the date"))
        except ValueError as exc:
            on = None
            problems.append(Problem(self.field, str(exc)))
        try:
            at = self.time.time() if self.with_time else None
        except ValueError as exc:
            at = None
            problems.append(Problem("time", str(exc)))
        if problems or on is None:
            self.problems.show(problems)
            return False
        try:
            with self.store.write() as session:
                self.on_save(session, on, at)
        except ValidationError as exc:
            self.problems.show(exc.problems)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, self.windowTitle(), str(exc))
            return False
        self.accept()
        return True
