"""Signing in: the user name and password that unlock the store and say who is working;
the way back in with the recovery key; the offer of a backup when the store is damaged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.errors import DamagedStoreError, SupervisionAuditError, WrongKeyError
from supervision_audit.services.signin import OpenStore, is_encrypted, sign_in
from supervision_audit.sync.trust import OfflineTooLong
from supervision_audit.ui.admin import backup_ui
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.style import (
    ACCENT,
    PROBLEM,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.signin.password_dialog import MARGINS, RecoveryDialog, button_box


class StoreNotOpened(SupervisionAuditError):
    """The store was not opened, and the person has already been told why."""


BUSY = "Signing in… (a laptop long away from the server reaches it first: up to 15 seconds)"


class SignInDialog(QDialog):
    """After ``accept`` ``opened`` holds the store opened by the signed-in person. A wrong
    name or password is said in the dialog, which stays open; so is a laptop's replica
    refused for being offline too long (the person connects and tries again). Any other
    reason the store cannot be opened ends it, kept in ``failure``."""

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
        for line in (self.username, self.password):
            line.setMinimumWidth(240)
        self.problem = problem_label()
        self.problem.setObjectName("sign_in_problem")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("&User name:", self.username)
        form.addRow("&Password:", self.password)
        self.forgot = QLabel(f'<a href="recover" style="color: {ACCENT};">Forgot password? '
                             "Use the recovery key…</a>")
        self.forgot.setObjectName("forgot_password")
        self.forgot.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.forgot.linkActivated.connect(lambda _link: self.use_recovery_key())
        self.forgot.setVisible(is_encrypted(self.db_path))
        form.addRow("", self.forgot)
        buttons, sign_in_button = button_box(self, "Sign in")
        assert sign_in_button is not None
        self.sign_in_button = sign_in_button
        self.sign_in_button.setObjectName("sign_in")
        buttons.accepted.connect(self.try_sign_in)

        badge = QLabel()
        badge.setPixmap(icon("app").pixmap(48, 48))
        badge.setAlignment(Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(heading_label(APP_NAME, 1.4))
        titles.addWidget(note_label(f"Sign in to open {self.db_path.name}."))
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(badge)
        header.addLayout(titles, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self, *, after_restore: bool = False) -> bool:
        if not self.username.text().strip():
            self.say("Enter your user name.")
            self.username.setFocus()
            return False
        try:
            with self.busy():
                self.opened = sign_in(self.db_path, self.username.text(), self.password.text())
        except WrongKeyError as exc:
            self.say(str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        except OfflineTooLong as exc:  # the password was right: kept, to try again
            self.say(str(exc))
            self.sign_in_button.setFocus()
            return False
        except DamagedStoreError as exc:
            if not after_restore and backup_ui.offer_latest_backup(
                    self, self.db_path, self.username.text().strip(), self.password.text(),
                    str(exc)):
                return self.try_sign_in(after_restore=True)
            self.failure = StoreNotOpened(str(exc))
            self.reject()
            return False
        except SupervisionAuditError as exc:
            self.failure = exc
            self.reject()
            return False
        self.accept()
        return True

    @contextmanager
    def busy(self) -> Iterator[None]:
        """While signing in (a moment for the password; for a laptop's replica long away from
        the server, up to the 15 seconds it gives the server to answer): said under the
        fields, the button off and the wait cursor shown."""
        self.say(BUSY, good=True)
        self.sign_in_button.setEnabled(False)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QApplication.processEvents()  # painted before the wait
        try:
            yield
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.sign_in_button.setEnabled(True)
            show_problem(self.problem, "")

    def use_recovery_key(self) -> None:
        """Set a new password with the recovery key, then sign in with it."""
        username = RecoveryDialog.ask(self.db_path, self.username.text().strip(), self)
        if username is None:
            return
        self.username.setText(username)
        self.password.clear()
        self.password.setFocus()
        self.say(f"A new password is set for {username}. Sign in with it; you will then be "
                 "asked to choose another.", good=True)

    def say(self, text: str, good: bool = False) -> None:
        """A line under the fields: what went wrong (red), or good news (green)."""
        self.problem.setStyleSheet(f"color: {ACCENT if good else PROBLEM};")
        show_problem(self.problem, text)
        layout = self.layout()
        if self.isVisible() and layout is not None:  # a long reason (offline too long) whole
            layout.activate()
            need = (layout.heightForWidth(self.width()) if layout.hasHeightForWidth()
                    else layout.sizeHint().height())
            if self.height() < need:
                self.resize(self.width(), need)

    @classmethod
    def ask(cls, db_path: Path, username: str = "") -> OpenStore | None:
        """Sign in (tests replace this). None when cancelled; raises what stopped the store
        from opening."""
        dialog = cls(db_path, username)
        dialog.exec()
        if dialog.failure is not None:
            raise dialog.failure
        return dialog.opened
