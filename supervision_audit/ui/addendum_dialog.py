"""Adding a dated, signed addendum to a final record: the reason, the correction, and the
author's password (the addendum is signed as it is added)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError, WrongKeyError
from supervision_audit.services.access import Actor
from supervision_audit.services.signatures import add_addendum
from supervision_audit.ui.sign_dialog import describe
from supervision_audit.ui.style import heading_label, note_label, problem_label, show_problem


class AddendumDialog(QDialog):
    """Adds one addendum and closes (accepted)."""

    def __init__(self, store: Store, actor: Actor, kind: str, record_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addendum_dialog")
        self.setWindowTitle("Add an addendum")
        self.store, self.actor, self.kind, self.record_id = store, actor, kind, record_id
        with store.read() as session:
            what = describe(session, kind, record_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Add an addendum", 1.35))
        layout.addWidget(note_label(what))
        layout.addWidget(note_label(
            "The signed record does not change. An addendum is a dated correction or addition, "
            "signed by you, that is always shown and printed with the record."))
        self.banner = problem_label()
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setVerticalSpacing(4)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why the record needs correcting or adding to")
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("The correction or addition, as it should be read")
        self.text.setMinimumHeight(self.text.fontMetrics().lineSpacing() * 7 + 16)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("The password you sign in with")
        self.problems: dict[str, QLabel] = {}
        for key, caption, widget in (("reason", "Reason", self.reason),
                                     ("text", "Addendum", self.text),
                                     ("password", "Your password", self.password)):
            form.addRow(caption, widget)
            self.problems[key] = problem_label()
            self.problems[key].setObjectName(f"{key}_problem")
            form.addRow("", self.problems[key])
        layout.addLayout(form)
        self.buttons = QDialogButtonBox()
        self.add_button = self.buttons.addButton("Add and sign",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("add")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(600, self.sizeHint().height())
        self.reason.setFocus()

    def problem_text(self, key: str) -> str:
        label = self.problems[key]
        return label.text() if not label.isHidden() else ""

    def add(self) -> bool:
        for label in (*self.problems.values(), self.banner):
            show_problem(label, "")
        if not self.password.text():
            show_problem(self.problems["password"], "Type your password to sign the addendum.")
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.write() as session:
                add_addendum(session, self.actor, self.kind, self.record_id,
                             reason=self.reason.text(), text=self.text.toPlainText(),
                             password=self.password.text())
        except WrongKeyError as exc:
            self.password.clear()
            show_problem(self.problems["password"], str(exc).replace("signed", "added"))
            return False
        except ValidationError as exc:
            general = []
            for problem in exc.problems:
                if problem.field in self.problems:
                    show_problem(self.problems[problem.field], problem.message + ".")
                else:
                    general.append(problem.message)
            if general:
                show_problem(self.banner, "Nothing was added: " + "; ".join(general) + ".")
            return False
        except SupervisionAuditError as exc:
            show_problem(self.banner, f"Nothing was added: {exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
        return True
