"""The first run: setting up the organisation and its first administrator, then showing the
recovery key once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.signin import FirstRun, OpenStore, first_run
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import (
    ACCENT,
    WARNING_BG,
    WARNING_FG,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.signin.password_dialog import (
    MARGINS,
    PASSWORD_HINT,
    NewPasswordFields,
    button_box,
    with_problem,
)
from supervision_audit.ui.widgets.dialog_body import dialog_body

ENCRYPT_TEXT = "Encrypt the database (recommended)"


def _line(name: str, placeholder: str = "") -> QLineEdit:
    line = QLineEdit()
    line.setObjectName(name)
    line.setPlaceholderText(placeholder)
    line.setMinimumWidth(280)
    return line


class FirstRunDialog(QDialog):
    """Creates the store at ``db_path`` through ``first_run``. After ``accept`` ``opened``
    holds it, signed in as the new administrator, and ``recovery_key`` the key to show once
    (None for a store that is not encrypted)."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.opened: OpenStore | None = None
        self.recovery_key: str | None = None
        self.setWindowTitle(f"Set up {APP_NAME}")
        self.organisation = _line("organisation", "e.g. Sandwell Children's Trust")
        self.admin_name = _line("admin_name", "e.g. Ada Lovelace")
        self.staff_id = _line("staff_id", "as on the payroll or HR system")
        self.username = _line("username", "e.g. alovelace")
        self.problems: dict[str, QLabel] = {}

        org_form = QFormLayout()
        self._row(org_form, "organisation", "Name:", self.organisation)
        admin_form = QFormLayout()
        self._row(admin_form, "name", "Full name:", self.admin_name)
        self._row(admin_form, "staff_id", "Staff id:", self.staff_id)
        self._row(admin_form, "username", "User name:", self.username)
        self.passwords = NewPasswordFields(admin_form, "Password")
        admin_form.addRow("", note_label(PASSWORD_HINT))
        self.encrypt = QCheckBox(ENCRYPT_TEXT)
        self.encrypt.setObjectName("encrypt")
        self.encrypt.setChecked(True)
        self.encrypt_note = note_label(
            "The file is unreadable without a password. You will be given a recovery key to "
            "write down: it opens the database if every administrator forgets their password.")
        self.encrypt.toggled.connect(self._encrypt_toggled)

        organisation = QGroupBox("Organisation")
        organisation.setLayout(org_form)
        admin = QGroupBox("First administrator")
        admin_layout = QVBoxLayout(admin)
        admin_layout.addWidget(note_label(
            "The administrator manages accounts, staff, settings and backups. Their own "
            "staff record is created with them."))
        admin_layout.addLayout(admin_form)
        protection = QGroupBox("Protection")
        protect_layout = QVBoxLayout(protection)
        protect_layout.addWidget(self.encrypt)
        protect_layout.addWidget(self.encrypt_note)

        self.problem = problem_label()
        self.problem.setObjectName("first_run_problem")
        buttons, create_button = button_box(self, "Set up")
        assert create_button is not None
        self.create_button = create_button
        buttons.accepted.connect(self.create)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.setContentsMargins(*MARGINS)
        layout.addWidget(heading_label(f"Welcome to {APP_NAME}", 1.5))
        layout.addWidget(note_label(
            f"There is no database at {self.db_path} yet. Set up your organisation and its "
            "first administrator; you can add your staff and their accounts afterwards."))
        body = dialog_body(layout)  # scrolls on a shorter screen (150 %)
        body.addWidget(organisation)
        body.addWidget(admin)
        body.addWidget(protection)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        resize_within_screen(self, 560, self.sizeHint().height())
        name_fields(self)  # each field named after its caption, for screen readers
        self.organisation.setFocus()

    def _row(self, form: QFormLayout, key: str, label: str, field: QLineEdit) -> None:
        problem = problem_label()
        problem.setObjectName(f"{key}_problem")
        self.problems[key] = problem
        form.addRow(label, with_problem(field, problem))
        field.textEdited.connect(lambda _text: show_problem(problem, ""))

    def _encrypt_toggled(self, on: bool) -> None:
        self.encrypt_note.setText(
            "The file is unreadable without a password. You will be given a recovery key to "
            "write down: it opens the database if every administrator forgets their password."
            if on else
            "Not recommended: anyone who copies the file can read every supervision record "
            "in it. Use this only for training on a computer without real records.")
        self.encrypt_note.setStyleSheet("" if on else f"color: {WARNING_FG};")

    def setup(self) -> FirstRun:
        return FirstRun(organisation=self.organisation.text().strip(),
                        admin_name=self.admin_name.text().strip(),
                        admin_staff_id=self.staff_id.text().strip(),
                        username=self.username.text().strip(),
                        password=self.passwords.password.text(),
                        encrypted=self.encrypt.isChecked())

    def create(self) -> bool:
        """Set up the store; problems are said beside their fields and nothing is created."""
        for label in self.problems.values():
            show_problem(label, "")
        show_problem(self.problem, "")
        if self.passwords.value() is None:
            return False
        try:
            self.opened, self.recovery_key = first_run(self.db_path, self.setup())
        except ValidationError as exc:
            self._show(exc)
            return False
        except SupervisionAuditError as exc:
            show_problem(self.problem, str(exc))
            return False
        self.accept()
        return True

    def _show(self, exc: ValidationError) -> None:
        unplaced = []
        if not exc.problems:  # the organisation's name is the only check without a field
            show_problem(self.problems["organisation"], exc.summary)
            self.organisation.setFocus()
            return
        for problem in exc.problems:
            if problem.field == "password":
                self.passwords.show(exc)
            elif problem.field in self.problems:
                show_problem(self.problems[problem.field], problem.message)
            else:
                unplaced.append(str(problem))
        show_problem(self.problem, "\n".join(unplaced))

    @classmethod
    def ask(cls, db_path: Path) -> OpenStore | None:
        """Set up a new store and show its recovery key once; None when cancelled."""
        dialog = cls(db_path)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.opened is None:
            return None
        if dialog.recovery_key:
            RecoveryKeyDialog(dialog.recovery_key).exec()
        return dialog.opened


def key_lines(key: str, per_line: int = 5) -> str:
    """The recovery key laid out in lines of ``per_line`` groups, for reading aloud."""
    groups = key.split("-")
    return "\n".join("  ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line))


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key, once. Continue is enabled only when the person confirms they
    have written it down; the dialog cannot be dismissed before that."""

    def __init__(self, key: str, parent: QWidget | None = None, *, reason: str = "") -> None:
        """``reason``: why the database has a new key (the old recovery key then no longer
        opens it)."""
        super().__init__(parent)
        self.key = key
        self.setWindowTitle(f"Recovery key – {APP_NAME}")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        warning = QLabel("This key will <b>not be shown again</b>. Write it down now.")
        warning.setWordWrap(True)
        warning.setStyleSheet(f"background: {WARNING_BG}; color: {WARNING_FG};"
                              " border-radius: 6px; padding: 8px 10px;")
        self.key_label = QLabel(key_lines(key))
        self.key_label.setObjectName("recovery_key")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.45)
        mono.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(mono)
        frame = QFrame()
        frame.setObjectName("key_frame")
        frame.setStyleSheet(f"#key_frame {{ border: 2px dashed {ACCENT}; border-radius: 8px;"
                            " background: palette(base); }")
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(16, 14, 16, 14)
        frame_layout.addWidget(self.key_label)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setObjectName("copy")
        self.copy_button.setToolTip("Copy the key to the clipboard, e.g. to print it")
        self.copy_button.clicked.connect(self.copy)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        self.written = QCheckBox("I have written down the recovery key")
        self.written.setObjectName("written_down")
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton("Continue",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setObjectName("continue")
        self.continue_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        self.written.toggled.connect(self.continue_button.setEnabled)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(*MARGINS)
        layout.addWidget(heading_label("Write down the recovery key", 1.4))
        if reason:
            changed = note_label(
                f"The database has a new key because {reason}: copies of the keyring kept "
                "elsewhere, old passwords and the recovery key written down before no longer "
                "open it. Replace the old recovery key with this one.")
            changed.setObjectName("new_key_reason")
            layout.addWidget(changed)
        layout.addWidget(note_label(
            "The recovery key opens this database if every administrator forgets their "
            "password, and sets a new password with “Forgot password?” at sign-in. Keep it "
            "on paper in a locked place, away from this computer. Anyone who has it and the "
            "database file can read every record."))
        layout.addWidget(warning)
        layout.addWidget(frame)
        layout.addLayout(copy_row)
        layout.addWidget(self.written)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copy_button.setText("Copied")

    def accept(self) -> None:
        if self.written.isChecked():
            super().accept()

    def reject(self) -> None:  # Escape does not lose the key unseen
        if self.written.isChecked():
            super().accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.written.isChecked():
            event.ignore()
            return
        super().closeEvent(event)
