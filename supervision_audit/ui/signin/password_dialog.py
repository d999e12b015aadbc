"""Passwords: choosing a new one (after a reset, or from the menu), an administrator's reset
of someone else's, and recovering an account with the recovery key.

Every check of what makes a good password is the service's; the dialogs only ask and say.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.security.passwords import MIN_PASSWORD_LENGTH
from supervision_audit.services.access import Actor
from supervision_audit.services.accounts import (
    Vault,
    account_named,
    change_own_password,
    check_new_password,
)
from supervision_audit.services.signin import OpenStore, check_password, recover_account
from supervision_audit.services.store_keys import Rekeyed, reset_password_and_rekey
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import heading_label, note_label, problem_label, show_problem
from supervision_audit.ui.common.workers import background_stopped

PASSWORD_HINT = f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence is easy to remember."


MARGINS = (18, 16, 18, 14)


def with_problem(field: QWidget, problem: QWidget) -> QWidget:
    """A field with its message just beneath it; a hidden message takes no room."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    layout.addWidget(field)
    layout.addWidget(problem)
    return box


def button_box(dialog: QDialog, ok_text: str = "", cancel_text: str = "Cancel"
               ) -> tuple[QDialogButtonBox, QPushButton | None]:
    """Plain text buttons (no theme icons, so that every button looks alike); Cancel or Close
    rejects the dialog; the OK button, if any, is the default."""
    buttons = QDialogButtonBox()
    ok = None
    if ok_text:
        ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("save")
        ok.setDefault(True)
    buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole).setAutoDefault(False)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def password_line(placeholder: str = "") -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setPlaceholderText(placeholder)
    line.setMinimumWidth(260)
    return line


class NewPasswordFields:
    """A new password typed twice, with what is wrong said beside each field."""

    def __init__(self, form: QFormLayout, label: str = "New password") -> None:
        self.password = password_line(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.password.setObjectName("new_password")
        self.repeat = password_line("the same again")
        self.repeat.setObjectName("repeat_password")
        self.password_problem = problem_label()
        self.password_problem.setObjectName("new_password_problem")
        self.repeat_problem = problem_label()
        self.repeat_problem.setObjectName("repeat_password_problem")
        form.addRow(f"{label}:", with_problem(self.password, self.password_problem))
        form.addRow("Repeat it:", with_problem(self.repeat, self.repeat_problem))
        self.password.textEdited.connect(lambda _t: self.clear())
        self.repeat.textEdited.connect(lambda _t: show_problem(self.repeat_problem, ""))

    def clear(self) -> None:
        show_problem(self.password_problem, "")
        show_problem(self.repeat_problem, "")

    def show(self, exc: ValidationError) -> bool:
        """Say the password's problems from a service's error; True when there were any."""
        found = exc.for_field("password")
        show_problem(self.password_problem, "; ".join(found))
        return bool(found)

    def value(self) -> str | None:
        """The new password if it is acceptable and typed the same twice; else says why."""
        self.clear()
        password = self.password.text()
        try:
            check_new_password(password)
        except ValidationError as exc:
            self.show(exc)
            self.password.setFocus()
            return None
        if self.repeat.text() != password:
            show_problem(self.repeat_problem, "The two passwords are not the same.")
            self.repeat.setFocus()
            return None
        return password


def _buttons(dialog: QDialog, ok_text: str, cancel_text: str = "Cancel"
             ) -> tuple[QDialogButtonBox, QPushButton]:
    buttons, ok = button_box(dialog, ok_text, cancel_text)
    assert ok is not None
    return buttons, ok


def must_change_password(opened: OpenStore) -> bool:
    """Whether the signed-in person's password was set by someone else and must change."""
    with opened.store.read() as session:
        account = account_named(session, opened.actor.username)
        return account is not None and account.must_change_password


class ChangePasswordDialog(QDialog):
    """The signed-in person chooses a new password. ``forced``: after a reset or recovery,
    before the window opens (the way out is to sign out); otherwise the current password is
    asked first."""

    def __init__(self, opened: OpenStore, forced: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opened = opened
        self.forced = forced
        self.setWindowTitle(f"Change password – {APP_NAME}")
        form = QFormLayout()
        self.current: QLineEdit | None = None
        self.current_problem = problem_label()
        if not forced:
            self.current = password_line()
            self.current.setObjectName("current_password")
            form.addRow("Current password:", with_problem(self.current, self.current_problem))
        self.fields = NewPasswordFields(form)
        self.problem = problem_label()
        buttons, self.save_button = _buttons(self, "Save password",
                                             "Sign out" if forced else "Cancel")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Choose a new password", 1.2))
        who = f"{opened.actor.name} ({opened.actor.username})"
        layout.addWidget(note_label(
            f"Your password was set for you, {who}. Choose a new one that only you know "
            "before you carry on." if forced else f"Signed in as {who}. {PASSWORD_HINT}"))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        name_fields(self)  # each field named after its caption, for screen readers
        (self.current or self.fields.password).setFocus()

    def save(self) -> bool:
        if self.current is not None and not check_password(self.opened, self.current.text()):
            show_problem(self.current_problem, "That is not your current password.")
            self.current.clear()
            self.current.setFocus()
            return False
        show_problem(self.current_problem, "")
        password = self.fields.value()
        if password is None:
            return False
        try:
            with self.opened.store.write() as session:
                change_own_password(session, self.opened.actor, self.opened.vault, password)
        except ValidationError as exc:
            if not self.fields.show(exc):
                show_problem(self.problem, str(exc))
            return False
        except SupervisionAuditError as exc:
            show_problem(self.problem, str(exc))
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, opened: OpenStore, forced: bool = True, parent: QWidget | None = None) -> bool:
        """Ask until a new password is saved (True) or the person gives up (tests replace)."""
        return cls(opened, forced, parent).exec() == QDialog.DialogCode.Accepted


class ResetPasswordDialog(QDialog):
    """An administrator gives ``username`` a new password, to be changed at next sign-in."""

    def __init__(self, store: Store, actor: Actor, vault: Vault, username: str, person: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.vault, self.username = store, actor, vault, username
        self.rekeyed: Rekeyed | None = None  # the store's new key, once reset
        self.setWindowTitle(f"Reset password – {username}")
        form = QFormLayout()
        self.fields = NewPasswordFields(form, "Temporary password")
        self.problem = problem_label()
        buttons, self.save_button = _buttons(self, "Reset password")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label(f"New password for {person}", 1.2))
        layout.addWidget(note_label(
            f"Give {person} this password in person or by phone, never by e-mail. They will "
            "be asked to choose their own when they next sign in. Nothing they wrote is lost."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        name_fields(self)  # each field named after its caption, for screen readers

    def save(self) -> bool:
        password = self.fields.value()
        if password is None:
            return False
        if not background_stopped(self, "Reset password"):
            return False
        try:  # and a new key: the old password with an old keyring copy opens nothing
            self.rekeyed = reset_password_and_rekey(self.store, self.actor, self.vault,
                                                    self.username, password)
        except SupervisionAuditError as exc:
            show_problem(self.problem, str(exc))
            return False
        self.accept()
        return True


class RecoveryDialog(QDialog):
    """Set a new password with the recovery key written down at set-up (e.g. when the only
    administrator forgot theirs). After ``accept`` ``username`` holds whose it was."""

    def __init__(self, db_path: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.setWindowTitle(f"Use the recovery key – {APP_NAME}")
        self.key = QLineEdit()
        self.key.setObjectName("recovery_key")
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-…  (13 groups)")
        self.key.setMinimumWidth(380)
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.key_problem = problem_label()
        form = QFormLayout()
        form.addRow("Recovery key:", with_problem(self.key, self.key_problem))
        form.addRow("User name:", self.username)
        self.fields = NewPasswordFields(form)
        self.problem = problem_label()
        buttons, self.save_button = _buttons(self, "Set new password")
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Forgotten password", 1.2))
        layout.addWidget(note_label(
            "Type the recovery key that was shown when this database was set up, the user "
            "name, and a new password. You will be asked to change it again after signing "
            "in. The change is recorded in the log."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        name_fields(self)  # each field named after its caption, for screen readers
        self.key.setFocus()

    def save(self) -> bool:
        show_problem(self.key_problem, "")
        show_problem(self.problem, "")
        if not self.key.text().strip():
            show_problem(self.key_problem, "Type the recovery key.")
            return False
        password = self.fields.value()
        if password is None:
            return False
        try:
            recover_account(self.db_path, self.key.text(), self.username.text().strip(),
                            password)
        except ValidationError as exc:
            if not self.fields.show(exc):
                show_problem(self.problem, str(exc))
            return False
        except SupervisionAuditError as exc:
            show_problem(self.problem, str(exc))
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, db_path: Path, username: str = "", parent: QWidget | None = None
            ) -> str | None:
        """The user name whose password was set, or None (tests replace this)."""
        dialog = cls(db_path, username, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.username.text().strip()


__all__ = ["ChangePasswordDialog", "NewPasswordFields", "RecoveryDialog", "ResetPasswordDialog",
           "button_box", "must_change_password", "password_line", "with_problem"]
