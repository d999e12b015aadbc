"""Signing in: the user name and password that unlock the store and say who is working."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.errors import SupervisionAuditError, WrongKeyError
from supervision_audit.services.signin import OpenStore, sign_in
from supervision_audit.ui.style import heading_label, note_label, problem_label, show_problem


class SignInDialog(QDialog):
    """After ``accept`` ``opened`` holds the store opened by the signed-in person. A wrong
    name or password is said in the dialog, which stays open; any other reason the store
    cannot be opened ends it, kept in ``failure``."""

    def __init__(self, db_path: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.opened: OpenStore | None = None
        self.failure: SupervisionAuditError | None = None
        self.setWindowTitle(f"Sign in – {APP_NAME}")
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = problem_label()
        self.problem.setObjectName("sign_in_problem")
        form = QFormLayout()
        form.addRow("&User name:", self.username)
        form.addRow("&Password:", self.password)
        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton("Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(APP_NAME, 1.4))
        layout.addWidget(note_label(f"Sign in to open {self.db_path.name}."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self) -> bool:
        if not self.username.text().strip():
            show_problem(self.problem, "Enter your user name.")
            self.username.setFocus()
            return False
        try:
            self.opened = sign_in(self.db_path, self.username.text(), self.password.text())
        except WrongKeyError as exc:
            show_problem(self.problem, str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        except SupervisionAuditError as exc:
            self.failure = exc
            self.reject()
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, db_path: Path, username: str = "") -> OpenStore | None:
        """Sign in (tests replace this). None when cancelled; raises what stopped the store
        from opening."""
        dialog = cls(db_path, username)
        dialog.exec()
        if dialog.failure is not None:
            raise dialog.failure
        return dialog.opened
