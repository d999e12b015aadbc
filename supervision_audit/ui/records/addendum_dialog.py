"""Adding a dated, signed addendum to a final record: the reason, the correction, and the
author's password (the addendum is signed as it is added)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError, WrongKeyError
from supervision_audit.services.access import Actor
from supervision_audit.services.signatures import add_addendum
from supervision_audit.ui.common.style import show_problem
from supervision_audit.ui.records.sign_dialog import describe
from supervision_audit.ui.widgets.short_form import ShortFormDialog


class AddendumDialog(ShortFormDialog):
    """Adds one addendum and closes (accepted)."""

    def __init__(self, store: Store, actor: Actor, kind: str, record_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        with store.read() as session:
            what = describe(session, kind, record_id)
        super().__init__(
            "addendum_dialog", "Add an addendum", what,
            "The signed record does not change. An addendum is a dated correction or addition, "
            "signed by you, that is always shown and printed with the record.", parent)
        self.store, self.actor, self.kind, self.record_id = store, actor, kind, record_id
        self.form.setVerticalSpacing(4)
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
        for key, caption, widget in (("reason", "Reason", self.reason),
                                     ("text", "Addendum", self.text),
                                     ("password", "Your password", self.password)):
            self.add_field(key, caption, widget)
        self.add_button = self.add_buttons("Add and sign", "add", self.add)
        self.resize(600, self.sizeHint().height())
        self.reason.setFocus()

    def add(self) -> bool:
        self.clear_problems()
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
            self.show_problems(exc, "Nothing was added: ")
            return False
        except SupervisionAuditError as exc:
            show_problem(self.banner, f"Nothing was added: {exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
        return True
