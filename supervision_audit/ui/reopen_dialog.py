"""Setting a complete record that nobody has signed back to a draft, with the reason (logged),
so that the supervisor can correct it and complete it again before signing."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.records import REOPEN_REASON_MAX, reopen_record
from supervision_audit.ui.sign_dialog import describe
from supervision_audit.ui.style import heading_label, note_label, problem_label, show_problem


class ReopenDialog(QDialog):
    """Asks for the reason, reopens the record and closes (accepted)."""

    def __init__(self, store: Store, actor: Actor, record_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reopen_dialog")
        self.setWindowTitle("Reopen as draft")
        self.store, self.actor, self.record_id = store, actor, record_id
        with store.read() as session:
            what = describe(session, "record", record_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Reopen as draft", 1.35))
        layout.addWidget(note_label(what))
        layout.addWidget(note_label(
            "Nobody has signed it yet. As a draft again, it is corrected and completed again "
            "before anyone signs; its session stays held. The reason goes in the event log."))
        self.banner = problem_label()
        self.banner.setObjectName("reopen_problem")
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.reason = QLineEdit()
        self.reason.setObjectName("reopen_reason")
        self.reason.setMaxLength(REOPEN_REASON_MAX)
        self.reason.setPlaceholderText("e.g. the end time was wrong")
        self.reason_problem = problem_label()
        self.reason_problem.setObjectName("reason_problem")
        form.addRow("Reason", self.reason)
        form.addRow("", self.reason_problem)
        self.reason.textEdited.connect(lambda _text: show_problem(self.reason_problem, ""))
        layout.addLayout(form)
        self.buttons = QDialogButtonBox()
        self.reopen_button = self.buttons.addButton(
            "Reopen as draft", QDialogButtonBox.ButtonRole.AcceptRole)
        self.reopen_button.setObjectName("reopen")
        self.reopen_button.setDefault(True)
        self.reopen_button.clicked.connect(self.save)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.adjustSize()

    def save(self) -> bool:
        show_problem(self.reason_problem, "")
        show_problem(self.banner, "")
        if not self.reason.text().strip():
            show_problem(self.reason_problem, "Give the reason for reopening the record.")
            self.reason.setFocus()
            return False
        try:
            with self.store.write() as session:
                reopen_record(session, self.actor, self.record_id, self.reason.text())
        except ValidationError as exc:
            for problem in exc.problems:
                label = self.reason_problem if problem.field == "reason" else self.banner
                show_problem(label, problem.message + ".")
            return False
        except SupervisionAuditError as exc:
            show_problem(self.banner, str(exc))
            return False
        self.accept()
        return True
