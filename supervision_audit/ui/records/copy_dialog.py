"""Recording that the supervisee was given their copy of a record (R3): when and how."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.policy import copy_due
from supervision_audit.services.access import Actor
from supervision_audit.services.records import get_record
from supervision_audit.services.signatures import COPY_METHODS, record_copy_given
from supervision_audit.ui.common.style import show_problem
from supervision_audit.ui.records.sign_dialog import describe
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.short_form import ShortFormDialog


class CopyDialog(ShortFormDialog):
    """Records the copy given and closes (accepted)."""

    def __init__(self, store: Store, actor: Actor, record_id: uuid.UUID,
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        with store.read() as session:
            record = get_record(session, record_id)
            what = describe(session, "record", record_id)
            due = copy_due(record.held_on)
            given, method = record.copy_given_on, record.copy_method
        super().__init__(
            "copy_dialog", "Supervisee's copy given", what,
            f"The supervisee's copy is due within 3 working days of the session: by "
            f"{due:%A %d/%m/%Y}.", parent)
        self.store, self.actor, self.record_id = store, actor, record_id
        self.given_on = DateField()
        self.given_on.setObjectName("copy_given_on")
        self.given_on.set_date(given or today or date.today())
        self.methods = QButtonGroup(self)
        methods = QWidget()
        column = QVBoxLayout(methods)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.method_buttons: dict[str, QRadioButton] = {}
        for key, label in COPY_METHODS.items():
            button = QRadioButton(label)
            button.setObjectName(f"method_{key}")
            button.setChecked(key == method)
            self.methods.addButton(button)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.method_buttons[key] = button
        self.add_field("copy_given_on", "Date given", self.given_on)
        self.add_field("copy_method", "How", methods)
        self.given_on.problem_changed.connect(
            lambda message: show_problem(self.problems["copy_given_on"], message))
        self.save_button = self.add_buttons(QDialogButtonBox.StandardButton.Save, "save",
                                            self.save)
        self.resize(480, self.sizeHint().height())

    def method(self) -> str:
        return next((key for key, b in self.method_buttons.items() if b.isChecked()), "")

    def save(self) -> bool:
        self.clear_problems()
        try:
            given_on = self.given_on.date()
        except ValueError as exc:
            show_problem(self.problems["copy_given_on"], str(exc))
            return False
        if given_on is None:
            show_problem(self.problems["copy_given_on"], "Give the date the copy was given.")
            return False
        return self.write_and_close(self.store, lambda session: record_copy_given(
            session, self.actor, self.record_id, given_on, self.method()))
