"""Recording that a planned session was postponed or cancelled (Appendix 3, R2)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.policy import RESCHEDULE_WINDOW_DAYS
from supervision_audit.services.access import Actor
from supervision_audit.services.sessions import get_session, miss_session
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import NOTE, WARNING_BG, WARNING_FG, note_label
from supervision_audit.ui.monitoring.monitoring_common import FieldProblems
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.time_field import TimeField, format_time


def _stacked(field: QWidget | QHBoxLayout, problem: QLabel) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(2)
    if isinstance(field, QWidget):
        column.addWidget(field)
    else:
        column.addLayout(field)
    column.addWidget(problem)
    return column


class PostponeDialog(QDialog):
    """Asks whether the session was postponed or cancelled, why, and any new date."""

    def __init__(self, store: Store, actor: Actor, session_id: uuid.UUID,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.session_id = store, actor, session_id
        self.today = today or date.today()
        with store.read() as session:
            row = get_session(session, session_id)
            self.missed_on, self.missed_time = row.planned_date, row.planned_time
        self.report_due = self.missed_on + timedelta(days=RESCHEDULE_WINDOW_DAYS)
        when = format_date(self.missed_on)
        if self.missed_time:
            when += f" at {format_time(self.missed_time)}"
        self.setWindowTitle(f"Postpone or cancel the session of {format_date(self.missed_on)}")

        self.postponed = QRadioButton("Postponed")
        self.postponed.setObjectName("status_postponed")
        self.cancelled = QRadioButton("Cancelled")
        self.cancelled.setObjectName("status_cancelled")
        self.postponed.setChecked(True)
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.postponed)
        self.kind.addButton(self.cancelled)
        kinds = QHBoxLayout()
        kinds.setSpacing(16)
        kinds.addWidget(self.postponed)
        kinds.addWidget(self.cancelled)
        kinds.addStretch(1)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("e.g. supervisor off sick; court hearing")
        self.reason.setMinimumWidth(340)
        self.new_date = DateField()
        self.new_date.setObjectName("rescheduled_for")
        self.new_time = TimeField()
        self.new_time.setObjectName("rescheduled_time")
        self.new_time.set_time(self.missed_time)
        when_row = QHBoxLayout()
        when_row.setSpacing(8)
        when_row.addWidget(self.new_date)
        at = QLabel("at")
        at.setStyleSheet(f"color: {NOTE};")
        when_row.addWidget(at)
        when_row.addWidget(self.new_time)
        when_row.addStretch(1)
        self.comments = QPlainTextEdit()
        self.comments.setObjectName("comments")
        self.comments.setTabChangesFocus(True)
        self.comments.setFixedHeight(self.comments.fontMetrics().lineSpacing() * 4 + 12)
        self.problems = FieldProblems("status", "reason", "rescheduled_for", "rescheduled_time",
                                      "comments")
        self.r2 = QLabel()
        self.r2.setObjectName("r2_note")
        self.r2.setWordWrap(True)

        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.addRow("What happened:", _stacked(kinds, self.problems["status"]))
        form.addRow("Reason:", _stacked(self.reason, self.problems["reason"]))
        when_column = _stacked(when_row, self.problems["rescheduled_for"])
        when_column.addWidget(self.problems["rescheduled_time"])
        form.addRow("New date:", when_column)
        form.addRow("Comments:", _stacked(self.comments, self.problems["comments"]))
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(note_label(f"The session planned for {when} did not take place. "
                                    "Give the reason and, if you can, the new date."))
        layout.addLayout(form)
        layout.addWidget(self.r2)
        layout.addWidget(self.problems["general"])
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        name_fields(self)  # each field named after its caption, for screen readers
        self.new_date.line.textChanged.connect(self._update_r2)
        self._update_r2()
        self.reason.setFocus()

    def _update_r2(self) -> None:
        try:
            has_date = self.new_date.date() is not None
        except ValueError:
            has_date = False
        due = format_date(self.report_due)
        if has_date:
            self.r2.setText("A new session will be booked on the new date. If it does not "
                            "take place, the miss must be reported to the supervisor's line "
                            "manager.")
            self.r2.setStyleSheet(f"color: {NOTE};")
        else:
            self.r2.setText(f"Without a new date set within {RESCHEDULE_WINDOW_DAYS} days "
                            f"(by {due}), the miss must be reported to the supervisor's line "
                            "manager (policy R2). You can set the new date later.")
            self.r2.setStyleSheet(f"QLabel {{ color: {WARNING_FG}; background: {WARNING_BG};"
                                  " border-radius: 4px; padding: 6px 8px; }")

    def status(self) -> str:
        return "cancelled" if self.cancelled.isChecked() else "postponed"

    def save(self) -> bool:
        problems = []
        try:
            new_date = self.new_date.date()
        except ValueError as exc:
            new_date = None
            problems.append(Problem("rescheduled_for", str(exc)))
        try:
            new_time = self.new_time.time()
        except ValueError as exc:
            new_time = None
            problems.append(Problem("rescheduled_time", str(exc)))
        if not self.reason.text().strip():
            problems.append(Problem("reason", "Give the reason for the postponement or "
                                              "cancellation"))
        if problems:
            self._show(problems)
            return False
        try:
            with self.store.write() as session:
                miss_session(session, self.actor, self.session_id, status=self.status(),
                             reason=self.reason.text(), rescheduled_for=new_date,
                             rescheduled_time=new_time if new_date else None,
                             comments=self.comments.toPlainText(), today=self.today)
        except ValidationError as exc:
            self._show(exc.problems)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Not recorded", str(exc))
            return False
        self.accept()
        return True

    def _show(self, problems: list[Problem]) -> None:
        self.problems.show(problems)
        first = self.problems.first()
        target = {"reason": self.reason, "rescheduled_for": self.new_date,
                  "rescheduled_time": self.new_time}.get(first or "")
        if target is not None:
            target.setFocus()
