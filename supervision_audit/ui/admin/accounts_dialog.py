"""User accounts, for administrators: who may sign in, new accounts for members of staff,
inspector access for a scope and an end date, password resets and closing an account."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.accounts import (
    Vault,
    create_account,
    grant_inspector,
    list_accounts,
)
from supervision_audit.services.staff import get_staff, list_staff, list_teams
from supervision_audit.services.store_keys import close_account
from supervision_audit.ui.admin.rekey_ui import show_new_key
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import (
    NOTE,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.common.workers import background_stopped
from supervision_audit.ui.reports.access_log_dialog import data_table
from supervision_audit.ui.signin.password_dialog import (
    MARGINS,
    NewPasswordFields,
    ResetPasswordDialog,
    button_box,
    with_problem,
)
from supervision_audit.ui.widgets.date_field import DateField

COLUMNS = ("User name", "Person", "Administrator", "Inspector until", "Active", "Last signed in")


def confirm_close(parent: QWidget | None, username: str, person: str) -> bool:
    """Ask before closing an account (tests replace this)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Close account",
                      f"Close the account {username} of {person}?",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("They will no longer be able to sign in. Their records and the log "
                           "of what they did are kept.")
    go = box.addButton("Close account", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is go


def suggested_username(name: str) -> str:
    """"Łucja Żak" -> "lzak": the first initial and the last name, plain letters."""
    plain = unicodedata.normalize("NFKD", name.replace("Ł", "L").replace("ł", "l"))
    words = re.sub(r"[^a-z ]", "", plain.encode("ascii", "ignore").decode().lower()).split()
    if not words:
        return ""
    return words[0] if len(words) == 1 else words[0][0] + words[-1]


def _item(text: str, data: object = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class AccountFormDialog(QDialog):
    """A new account for a member of staff, or (``inspector``) read-only inspector access
    for the whole organisation or chosen teams until an end date."""

    def __init__(self, store: Store, actor: Actor, vault: Vault, inspector: bool = False,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.vault, self.inspector = store, actor, vault, inspector
        self.created: str | None = None
        with store.read() as session:
            staff = list_staff(session, actor)
            teams = [t.name for t in list_teams(session)]
            taken = {a.staff_id for a in list_accounts(session, actor) if a.active}
        self.setWindowTitle("Grant inspector access" if inspector else "New account")
        self.person = QComboBox()
        self.person.setObjectName("person")
        for row in staff:
            mark = "  – has an account" if row.id in taken else ""
            self.person.addItem(f"{row.name} ({row.staff_id}){mark}", row.id)
        self.person.setCurrentIndex(next((i for i, r in enumerate(staff) if r.id not in taken),
                                         0))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self._typed_name = False
        self.username.textEdited.connect(lambda _t: setattr(self, "_typed_name", True))
        self.person.currentIndexChanged.connect(lambda _i: self._suggest())
        self.problems: dict[str, QLabel] = {k: problem_label() for k in
                                            ("staff", "username", "scope", "until")}
        form = QFormLayout()
        form.addRow("Member of staff:", with_problem(self.person, self.problems["staff"]))
        form.addRow("User name:", with_problem(self.username, self.problems["username"]))
        self.passwords = NewPasswordFields(form, "Password")
        self.admin = QCheckBox("Administrator: manages accounts, staff, settings and backups")
        self.admin.setObjectName("administrator")
        self.whole = QRadioButton("The whole organisation")
        self.whole.setObjectName("whole_organisation")
        self.some = QRadioButton("Only these teams:")
        self.teams = QListWidget()
        self.teams.setObjectName("teams")
        for name in teams:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.teams.addItem(item)
        rows = max(1, min(self.teams.count(), 6))
        self.teams.setMaximumHeight(rows * self.teams.sizeHintForRow(0) + 8
                                    if self.teams.count() else 40)
        self.whole.setChecked(True)
        self.teams.setEnabled(False)
        self.some.toggled.connect(self.teams.setEnabled)
        self.until = DateField()
        self.until.setObjectName("until")
        self.until.set_date((today or date.today()) + timedelta(days=28))
        if inspector:
            scope = QVBoxLayout()
            scope.addWidget(self.whole)
            scope.addWidget(self.some)
            scope.addWidget(self.teams)
            scope.addWidget(self.problems["scope"])
            form.addRow("May read:", scope)
            form.addRow("Until (inclusive):", with_problem(self.until, self.problems["until"]))
        else:
            form.addRow("", self.admin)
        self.problem = problem_label()
        buttons, save_button = button_box(self, "Grant access" if inspector
                                          else "Create account")
        assert save_button is not None
        self.save_button = save_button
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label(self.windowTitle(), 1.2))
        layout.addWidget(note_label(
            "An inspector reads the supervision files in the scope below until the end date, "
            "and changes nothing. Add the inspector as a member of staff first."
            if inspector else
            "Each account belongs to a member of staff; what they may see follows their "
            "place in the line of management. Give them the password in person; they can "
            "change it under Account ▸ Change my password."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        name_fields(self)  # each field named after its caption, for screen readers
        self._suggest()

    def _suggest(self) -> None:
        if not self._typed_name:
            name = self.person.currentText().split(" (")[0]
            self.username.setText(suggested_username(name))

    def chosen_teams(self) -> list[str] | None:
        if self.whole.isChecked():
            return None
        return [self.teams.item(i).text() for i in range(self.teams.count())
                if self.teams.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> bool:
        for label in (*self.problems.values(), self.problem):
            show_problem(label, "")
        staff_uuid = self.person.currentData()
        if not isinstance(staff_uuid, uuid.UUID):
            show_problem(self.problems["staff"], "Add the person as a member of staff first.")
            return False
        until: date | None = None
        if self.inspector:
            try:
                until = self.until.date()
            except ValueError as exc:
                show_problem(self.problems["until"], str(exc))
                return False
            if until is None:
                show_problem(self.problems["until"], "Give the last day of the access.")
                return False
        password = self.passwords.value()
        if password is None:
            return False
        try:
            with self.store.write() as session:
                if until is not None:
                    account = grant_inspector(session, self.actor, self.vault, staff_uuid,
                                              self.username.text(), password, until=until,
                                              team_names=self.chosen_teams())
                else:
                    account = create_account(session, self.actor, self.vault, staff_uuid,
                                             self.username.text(), password,
                                             is_admin=self.admin.isChecked())
                self.created = account.username
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
        for problem in exc.problems:
            if problem.field == "password":
                self.passwords.show(exc)
            elif problem.field in self.problems:
                show_problem(self.problems[problem.field], problem.message)
            else:
                unplaced.append(str(problem))
        show_problem(self.problem, "\n".join(unplaced) if exc.problems else exc.summary)


class AccountsDialog(QDialog):
    """The accounts table and what an administrator does with them. Sub-dialogs open
    without blocking; the last one is ``dialog`` (tests drive it)."""

    def __init__(self, store: Store, actor: Actor, vault: Vault,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.vault = store, actor, vault
        self.dialog: QDialog | None = None
        self.setWindowTitle(f"Accounts – {APP_NAME}")
        self.table = data_table(COLUMNS, "accounts", "Accounts")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.new_button = self._button("New account…", "new_account", self.new_account)
        self.inspector_button = self._button("Grant inspector access…", "grant_inspector",
                                             self.grant_inspector)
        self.reset_button = self._button("Reset password…", "reset_password",
                                         self.reset_password)
        self.close_button = self._button("Close account…", "close_account", self.close_account)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        row = QHBoxLayout()
        for button in (self.new_button, self.inspector_button):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.reset_button, self.close_button):
            row.addWidget(button)
        buttons, _none = button_box(self, "", "Close")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Accounts", 1.3))
        layout.addWidget(note_label("Who may sign in to this database. Closing an account "
                                    "keeps everything the person wrote and the log."))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        resize_within_screen(self, 940, 480)
        self.refresh()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def refresh(self, select: str | None = None) -> None:
        with self.store.read() as session:
            accounts = list_accounts(session, self.actor)
            people = {a.staff_id: get_staff(session, a.staff_id) for a in accounts}
        self.rows = [(a.username, people[a.staff_id].name, a.active) for a in accounts]
        self.table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            person = people[account.staff_id]
            until = format_date(account.inspector_until) if account.is_inspector else ""
            if account.is_inspector:
                scope = ("whole organisation" if "*" in account.inspector_scope
                         else f"{len(account.inspector_scope)} team(s)")
                until = f"{until} ({scope})"
            last = (account.last_signed_in_at.strftime("%d/%m/%Y %H:%M")
                    if account.last_signed_in_at else "never")
            cells = (_item(account.username, account.username),
                     _item(f"{person.name} ({person.staff_id})"),
                     _item("Yes" if account.is_admin else ""), _item(until),
                     _item("Yes" if account.active else "Closed"), _item(last))
            for column, item in enumerate(cells):
                if not account.active:  # a closed account: grey, still 4.5:1 or more
                    item.setForeground(QColor(NOTE))
                self.table.setItem(row, column, item)
        names = [r[0] for r in self.rows]
        if select in names:
            self.table.selectRow(names.index(select))
        elif names:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> tuple[str, str, bool] | None:
        items = self.table.selectedItems()
        return self.rows[items[0].row()] if items else None

    def select(self, username: str) -> bool:
        names = [r[0] for r in self.rows]
        if username not in names:
            return False
        self.table.selectRow(names.index(username))
        return True

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.reset_button.setEnabled(chosen is not None and chosen[2])
        self.close_button.setEnabled(chosen is not None and chosen[2])

    def _open(self, dialog: QDialog, on_accept: Callable[[], object]) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_account(self) -> QDialog:
        dialog = AccountFormDialog(self.store, self.actor, self.vault, False, self)
        return self._open(dialog, lambda: self._saved(dialog.created, "Created"))

    def grant_inspector(self) -> QDialog:
        dialog = AccountFormDialog(self.store, self.actor, self.vault, True, self)
        return self._open(dialog, lambda: self._saved(dialog.created, "Granted access to"))

    def _saved(self, username: str | None, verb: str) -> None:
        self.refresh(select=username)
        if username:
            self.setWindowTitle(f"Accounts – {verb} {username}")

    def reset_password(self) -> QDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        username, person, _active = chosen
        dialog = ResetPasswordDialog(self.store, self.actor, self.vault, username, person, self)

        def reset() -> None:
            self._saved(username, "New password for")
            self.key_dialog = show_new_key(self, dialog.rekeyed,
                                           f"the password of {username} was reset")

        return self._open(dialog, reset)

    def close_account(self) -> bool:
        chosen = self.selected()
        if chosen is None or not confirm_close(self, chosen[0], chosen[1]):
            return False
        if not background_stopped(self, "Close account"):
            return False
        try:  # the store is re-keyed: a keyring copy the person kept no longer opens it
            rekeyed = close_account(self.store, self.actor, self.vault, chosen[0])
        except SupervisionAuditError as exc:
            messages.show_error(self, "Close account", str(exc))
            return False
        self.refresh(select=chosen[0])
        self.key_dialog = show_new_key(self, rekeyed, f"the account {chosen[0]} was closed")
        return True
