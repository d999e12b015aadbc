"""Marking an open action done at any time (not an edit of its record; logged)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.records import mark_action_done
from supervision_audit.ui.common.style import heading_label, note_label, problem_label, show_problem
from supervision_audit.ui.records.record_data import ActionRow
from supervision_audit.ui.widgets.date_field import DateField


class ActionDoneDialog(QDialog):
    """Choose an open action and the date it was done; saved on OK."""

    def __init__(self, store: Store, actor: Actor, actions: list[ActionRow],
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("action_done_dialog")
        self.setWindowTitle("Mark an action done")
        self.store, self.actor, self.actions = store, actor, actions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading_label("Mark an action done", 1.3))
        layout.addWidget(note_label("The open actions agreed in earlier supervision. Marking one "
                                    "done is logged; the record that agreed it does not change."))
        self.group = QButtonGroup(self)
        self.buttons_by_row: list[QRadioButton] = []
        for number, action in enumerate(actions, start=1):
            button = QRadioButton(f"{action.description} — {action.owner}, due "
                                  f"{action.due:%d/%m/%Y}")
            button.setToolTip(f"Agreed in supervision on {action.agreed_on:%d/%m/%Y}")
            button.setObjectName(f"action_{number}")
            self.group.addButton(button)
            self.buttons_by_row.append(button)
            layout.addWidget(button)
        if len(actions) == 1:
            self.buttons_by_row[0].setChecked(True)
        self.action_problem = problem_label()
        layout.addWidget(self.action_problem)
        form = QFormLayout()
        self.done_on = DateField()
        self.done_on.setObjectName("done_on")
        self.done_on.set_date(today or date.today())
        form.addRow("Done on", self.done_on)
        self.date_problem = problem_label()
        self.date_problem.setObjectName("done_on_problem")
        form.addRow("", self.date_problem)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Mark done")
        ok.setObjectName("mark_done")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def chosen(self) -> ActionRow | None:
        for button, action in zip(self.buttons_by_row, self.actions, strict=True):
            if button.isChecked():
                return action
        return None

    def save(self) -> bool:
        show_problem(self.action_problem, "")
        show_problem(self.date_problem, "")
        action = self.chosen()
        if action is None:
            show_problem(self.action_problem, "Choose the action that was done.")
            return False
        try:
            done_on = self.done_on.date()
        except ValueError as exc:
            show_problem(self.date_problem, str(exc))
            return False
        if done_on is None:
            show_problem(self.date_problem, "Give the date it was done.")
            return False
        try:
            with self.store.write() as session:
                mark_action_done(session, self.actor, action.id, done_on)
        except ValidationError as exc:
            show_problem(self.date_problem, "; ".join(p.message for p in exc.problems) + ".")
            return False
        except SupervisionAuditError as exc:
            show_problem(self.action_problem, str(exc))
            return False
        self.accept()
        return True
