"""Starting a record: for which planned session (one on or before today with no record yet),
or for another date."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.ui.common.style import heading_label, note_label, problem_label, show_problem
from supervision_audit.ui.records.record_data import PlannedSession
from supervision_audit.ui.widgets.date_field import DateField


class StartRecordDialog(QDialog):
    """Choose the session the record is for. After ``accept``, ``choice()`` holds it."""

    def __init__(self, title: str, intro: str, planned: list[PlannedSession],
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_record_dialog")
        self.setWindowTitle(title)
        self.planned = planned
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading_label(title, 1.3))
        layout.addWidget(note_label(intro))
        self.group = QButtonGroup(self)
        self.session_buttons: list[QRadioButton] = []
        for number, session in enumerate(planned, start=1):
            button = QRadioButton(session.text())
            button.setObjectName(f"planned_{number}")
            self.group.addButton(button)
            self.session_buttons.append(button)
            layout.addWidget(button)
        row = QHBoxLayout()
        self.other = QRadioButton("Another date:" if planned else "Date of the session:")
        self.other.setObjectName("other_date")
        self.group.addButton(self.other)
        self.date = DateField()
        self.date.setObjectName("held_on")
        self.date.set_label("Date the session was held")
        self.date.set_date(today or date.today())
        self.date.changed.connect(lambda: self.other.setChecked(True))
        row.addWidget(self.other)
        row.addWidget(self.date)
        row.addStretch(1)
        layout.addLayout(row)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        (self.session_buttons[0] if planned else self.other).setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Start record")
        ok.setObjectName("start")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def choice(self) -> tuple[uuid.UUID | None, date] | None:
        """(planned session id or None, the date held), or None when the date is not valid."""
        for button, session in zip(self.session_buttons, self.planned, strict=True):
            if button.isChecked():
                return session.id, session.planned_date
        try:
            held_on = self.date.date()
        except ValueError:
            return None
        return (None, held_on) if held_on else None

    def _accept(self) -> None:
        if self.choice() is None:
            show_problem(self.problem, self.date.problem() or "Give the date of the session.")
            return
        self.accept()
