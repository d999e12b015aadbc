"""Marking a member of staff as left: asks the leaving date and calls ``mark_left``."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.staff import get_staff, list_staff, mark_left
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import note_label, problem_label, show_problem
from supervision_audit.ui.widgets.date_field import DateField


class LeaverDialog(QDialog):
    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.staff_uuid = staff_uuid
        with store.read() as session:
            person = get_staff(session, staff_uuid)
            name = person.name
            supervisees = [r.name for r in list_staff(session, actor, supervisor_id=staff_uuid)]
        self.setWindowTitle(f"Mark {name} as left")
        text = (f"{name} will stay on file with every record, but will no longer appear "
                "among active staff.")
        if supervisees:
            who = ", ".join(supervisees[:5]) + (" and others" if len(supervisees) > 5 else "")
            text += (f"\n\n{name} supervises {len(supervisees)} "
                     f"{'person' if len(supervisees) == 1 else 'people'} ({who}). "
                     "Give them a new supervisor afterwards.")
        self.date = DateField()
        self.date.setObjectName("left_on")
        self.date.set_date(today or date.today())
        self.problem = problem_label()
        self.problem.setObjectName("left_on_problem")
        self.date.problem_changed.connect(lambda m: show_problem(self.problem, m))
        form = QFormLayout()
        form.addRow(QLabel("Leaving date:"), self.date)
        form.addRow("", self.problem)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Mark as left", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(text))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        name_fields(self)  # each field named after its caption, for screen readers

    def save(self) -> bool:
        try:
            left_on = self.date.date()
        except ValueError as exc:
            show_problem(self.problem, str(exc))
            return False
        if left_on is None:
            show_problem(self.problem, "Enter the leaving date")
            return False
        try:
            with self.store.write() as session:
                mark_left(session, self.actor, self.staff_uuid, left_on)
        except ValidationError as exc:
            show_problem(self.problem, "\n".join(p.message for p in exc.problems))
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Not saved", str(exc))
            return False
        self.accept()
        return True
