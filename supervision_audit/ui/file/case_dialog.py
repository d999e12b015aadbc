"""Adding a case to a supervisee's caseload (R8)."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.policy import CASE_TYPE_LABELS
from supervision_audit.services.access import Actor
from supervision_audit.services.cases import add_case
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import note_label
from supervision_audit.ui.monitoring.monitoring_common import FieldProblems
from supervision_audit.ui.widgets.date_field import DateField


def _stacked(field: QWidget, problem: QLabel) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(problem)
    return column


class CaseDialog(QDialog):
    """After acceptance ``saved_reference`` holds the new case's reference."""

    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID, person_name: str,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.staff_uuid = store, actor, staff_uuid
        self.saved_reference = ""
        self.setWindowTitle(f"Add a case – {person_name}")
        self.reference = QLineEdit()
        self.reference.setObjectName("case_reference")
        self.reference.setPlaceholderText("The case number on the case-management system")
        self.reference.setMaxLength(50)
        self.reference.setMinimumWidth(300)
        self.case_type = QComboBox()
        self.case_type.setObjectName("case_type")
        self.case_type.addItem("Choose…", "")
        for value, label in CASE_TYPE_LABELS.items():
            self.case_type.addItem(label, value.value)
        self.opened = DateField()
        self.opened.setObjectName("case_opened")
        self.opened.set_date(today or date.today())
        self.problems = FieldProblems("reference", "case_type", "opened_on")
        self.opened.problem_changed.connect(
            lambda m: self.problems.show([Problem("opened_on", m)] if m else []))
        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.addRow("Case reference:", _stacked(self.reference, self.problems["reference"]))
        form.addRow("Type:", _stacked(self.case_type, self.problems["case_type"]))
        form.addRow("Allocated on:", _stacked(self.opened, self.problems["opened_on"]))
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Add case", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(note_label(
            "The case is discussed in formal supervision at the interval its type needs "
            "(policy R8); the file shows when a discussion is due."))
        layout.addLayout(form)
        layout.addWidget(self.problems["general"])
        layout.addWidget(buttons)
        self.setMinimumWidth(500)
        name_fields(self)  # each field named after its caption, for screen readers
        self.reference.setFocus()

    def save(self) -> bool:
        try:
            opened = self.opened.date()
            if opened is None:
                self.problems.show([Problem("opened_on", "Enter the date the case was "
                                                         "allocated")])
                return False
        except ValueError as exc:
            self.problems.show([Problem("opened_on", str(exc))])
            return False
        try:
            with self.store.write() as session:
                case = add_case(session, self.actor, self.staff_uuid, self.reference.text(),
                                str(self.case_type.currentData() or ""), opened)
                self.saved_reference = case.reference
        except ValidationError as exc:
            self.problems.show(exc.problems)
            target = {"reference": self.reference, "case_type": self.case_type}.get(
                self.problems.first() or "")
            if target is not None:
                target.setFocus()
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Case not added", str(exc))
            return False
        self.accept()
        return True
