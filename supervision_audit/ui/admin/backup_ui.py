"""Backups in the window: where they go and how often (per-user settings), the automatic
backup on close and on a timer (kept by day, week and month: services.backup_retention),
the Backups dialog, and the offer of the latest good backup when the database is found
damaged at sign-in."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME, paths
from supervision_audit.db import Store
from supervision_audit.errors import StoreError, SupervisionAuditError, WrongKeyError
from supervision_audit.services.access import Action, Actor, PermissionDenied, require
from supervision_audit.services.backup_retention import RETENTION
from supervision_audit.services.backup_retention import taken_at as named_time
from supervision_audit.services.backups import (
    check_backup,
    list_backups,
    restore_as,
    restore_backup,
    take_backup,
)
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import heading_label, note_label
from supervision_audit.ui.common.window_state import app_settings
from supervision_audit.ui.common.workers import background_stopped
from supervision_audit.ui.reports.access_log_dialog import data_table
from supervision_audit.ui.signin.password_dialog import MARGINS, button_box
from supervision_audit.ui.widgets.dialog_body import dialog_body

DEFAULT_EVERY_MINUTES = 60


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    every_minutes: int = DEFAULT_EVERY_MINUTES


def default_backup_folder() -> Path:
    return paths.data_dir() / "backups"


def _number(value: object, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, low), high)


def backup_settings() -> BackupSettings:
    """This user's backup settings (QSettings), with the defaults where none are saved."""
    settings = app_settings()
    folder = settings.value("backups/folder", "")
    return BackupSettings(
        folder=Path(folder) if isinstance(folder, str) and folder else default_backup_folder(),
        every_minutes=_number(settings.value("backups/every_minutes", DEFAULT_EVERY_MINUTES),
                              DEFAULT_EVERY_MINUTES, 1, 24 * 60))


def save_backup_settings(chosen: BackupSettings) -> None:
    settings = app_settings()
    settings.setValue("backups/folder", str(chosen.folder))
    settings.setValue("backups/every_minutes", chosen.every_minutes)
    settings.sync()


def taken_at(path: Path) -> datetime:
    """When a backup was taken: from its name (NAME.backup-YYYYmmdd-HHMMSS-ffffff), else the
    file's time."""
    return named_time(path) or datetime.fromtimestamp(path.stat().st_mtime)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def when_text(path: Path) -> str:
    return taken_at(path).strftime("%d/%m/%Y at %H:%M")


def confirm(parent: QWidget | None, title: str, text: str, yes: str,
            informative: str = "") -> bool:
    """Ask before something that cannot be undone (tests replace this)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(informative)
    go = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is go


def choose_folder(parent: QWidget | None, current: Path) -> Path | None:
    """Ask for the backup folder (tests replace this)."""
    chosen = QFileDialog.getExistingDirectory(parent, "Folder for backups", str(current))
    return Path(chosen) if chosen else None


class AutoBackup(QObject):
    """The app's own backups, whoever is signed in: every few minutes and when the window
    closes. A failure is reported through ``reported`` (for the status bar), never raised.
    ``enabled`` is cleared once the store was replaced by a restore."""

    reported = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.enabled = True
        self.last_error = ""
        self.timer = QTimer(self)
        self.timer.setObjectName("backup_timer")
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        self.timer.start(backup_settings().every_minutes * 60_000)

    def stop(self) -> None:
        self.timer.stop()

    def run(self) -> Path | None:
        if not self.enabled:
            return None
        chosen = backup_settings()
        try:
            path = take_backup(self.store, chosen.folder)
        except Exception as exc:  # an automatic backup must never stop anyone's work
            if not isinstance(exc, (SupervisionAuditError, OSError)):
                traceback.print_exc()
            self.last_error = str(exc) or type(exc).__name__
            self.reported.emit(f"Automatic backup failed: {self.last_error}")
            return None
        self.last_error = ""
        self.reported.emit(f"Backed up at {datetime.now():%H:%M} to {path.parent}")
        return path


class BackupsDialog(QDialog):
    """For administrators: the backup folder and schedule, the backups there, "Back up now"
    and "Restore selected…". A restore closes the store, replaces it with the checked backup
    and emits ``restored``: the window then ends the session, to be signed in again."""

    restored = Signal(Path)

    def __init__(self, store: Store, actor: Actor, auto: AutoBackup | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        with store.read() as session:
            require(session, actor, Action.MANAGE_BACKUPS)
        self.store, self.auto = store, auto
        self.setWindowTitle(f"Backups – {APP_NAME}")
        chosen = backup_settings()
        self.folder = QLineEdit(str(chosen.folder))
        self.folder.setObjectName("backup_folder")
        self.folder.setReadOnly(True)
        change = QPushButton("Change…")
        change.clicked.connect(self.change_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(change)
        kept = RETENTION.describe()
        self.kept = QLabel(kept[:1].upper() + kept[1:] + ", and the newest always.")
        self.kept.setObjectName("kept")
        self.kept.setWordWrap(True)
        self.every = QSpinBox()
        self.every.setObjectName("every")
        self.every.setRange(1, 24 * 60)
        self.every.setValue(chosen.every_minutes)
        self.every.setSuffix(" minutes")
        form = QFormLayout()
        form.addRow("Folder:", folder_row)
        form.addRow("Kept:", self.kept)
        form.addRow("Back up every:", self.every)
        self.every.valueChanged.connect(lambda _v: self.save_settings())

        self.table = data_table(("Taken", "Size", "File"), "backups", "Backups")
        self.backup_button = QPushButton("Back up now")
        self.backup_button.setObjectName("back_up_now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("Restore selected…")
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.status = note_label()
        actions = QHBoxLayout()
        actions.addWidget(self.backup_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        buttons, _none = button_box(self, "", "Close")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Backups", 1.3))
        body = dialog_body(layout)  # scrolls on a short screen (200 %), the buttons in view
        body.setSpacing(10)
        body.addWidget(note_label(
            "Every signed-in user's copy of the app backs up this database when its window "
            "closes and on the schedule below, into the folder below; older backups are "
            "thinned out by day, week and month. Backups are encrypted like the database and "
            "are checked before a restore."))
        body.addLayout(form)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height()
                                    + 4 * self.table.verticalHeader().defaultSectionSize())
        body.addWidget(self.table, 1)
        body.addWidget(self.status)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        resize_within_screen(self, 720, 520)
        self.refresh()

    def settings(self) -> BackupSettings:
        return BackupSettings(Path(self.folder.text()), self.every.value())

    def save_settings(self) -> None:
        save_backup_settings(self.settings())
        if self.auto is not None:
            self.auto.start()

    def change_folder(self) -> None:
        chosen = choose_folder(self, Path(self.folder.text()))
        if chosen is not None:
            self.folder.setText(str(chosen))
            self.save_settings()
            self.refresh()

    def backups(self) -> list[Path]:
        return list_backups(Path(self.folder.text()), self.store.path)

    def refresh(self) -> None:
        found = self.backups()
        self.table.setRowCount(len(found))
        for row, path in enumerate(found):
            size = QTableWidgetItem(human_size(path.stat().st_size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            taken = QTableWidgetItem(when_text(path))
            taken.setData(Qt.ItemDataRole.UserRole, str(path))
            for column, item in enumerate((taken, size, QTableWidgetItem(path.name))):
                self.table.setItem(row, column, item)
        if found:
            self.table.selectRow(0)
        self.status.setText(f"{len(found)} backup{'' if len(found) == 1 else 's'} of "
                            f"{self.store.path.name} in this folder." if found else
                            f"There are no backups of {self.store.path.name} here yet.")
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> Path | None:
        items = self.table.selectedItems()
        if not items:
            return None
        first = self.table.item(items[0].row(), 0)
        return Path(first.data(Qt.ItemDataRole.UserRole)) if first else None

    def back_up_now(self) -> Path | None:
        chosen = self.settings()
        try:
            path = take_backup(self.store, chosen.folder)
        except (SupervisionAuditError, OSError) as exc:
            messages.show_error(self, "Back up now", str(exc))
            return None
        self.refresh()
        self.status.setText(f"Backed up to {path.name}.")
        return path

    def restore_selected(self) -> bool:
        path = self.selected()
        if path is None:
            return False
        try:
            check = check_backup(path, self.store.key)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Restore backup", f"This backup cannot be restored.\n\n{exc}")
            return False
        people = f"{check.staff} member{'' if check.staff == 1 else 's'} of staff"
        if not confirm(self, "Restore backup",
                       f"Replace the database with the backup taken {when_text(path)}?",
                       "Restore and sign in again",
                       f"The backup passed its checks ({people}). Everything saved after it "
                       "was taken will be replaced; the current file is kept beside the "
                       "database. Open windows close and you sign in again."):
            return False
        return self.restore(path)

    def restore(self, path: Path) -> bool:
        """Stop the work running in the background, close the store, put the backup in its
        place, and say so (or say why not)."""
        if not background_stopped(self, "Restore backup", "Nothing was restored"):
            return False
        if self.auto is not None:
            self.auto.stop()
        self.store.close()
        try:
            kept = restore_backup(path, self.store.path, self.store.key)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Restore backup", f"Nothing was restored.\n\n{exc}")
            if self.auto is not None:
                self.auto.start()
            return False
        if self.auto is not None:
            self.auto.enabled = False  # the session that ends here is not the store's now
        self.accept()
        messages.show_info(self.parentWidget(), "Backup restored", (
            f"The backup taken {when_text(path)} is restored; the file it replaced is kept "
            f"as {kept.name}. Sign in again to carry on."))
        self.restored.emit(path)
        return True


def offer_latest_backup(parent: QWidget | None, db_path: Path, username: str, password: str,
                        problem: str) -> bool:
    """The store at ``db_path`` is damaged: say so and offer the newest backup that passes its
    checks. True when one was restored (the damaged file is kept beside it)."""
    folder = backup_settings().folder
    found = list_backups(folder, db_path)
    if not found:
        messages.show_critical(parent, APP_NAME, (
            f"{problem}\n\nThere is no backup of {db_path.name} in {folder}. Nothing was "
            "opened. If a backup is kept elsewhere, choose that folder in Admin ▸ Backups on "
            "another copy, or copy the backup into this folder and try again."))
        return False
    if not confirm(parent, "The database is damaged", problem, "Restore the backup",
                   f"The latest backup in {folder} was taken {when_text(found[0])}. Restore "
                   "it? Anything saved after that is not in it. The damaged file is kept "
                   "beside the database, unchanged."):
        return False
    for tried, backup in enumerate(found):
        try:
            kept = restore_as(backup, db_path, username, password)
        except (WrongKeyError, PermissionDenied) as exc:
            messages.show_error(parent, "Restore backup", f"The backup was not restored. {exc}")
            return False
        except StoreError:
            continue  # damaged too: the next older one
        skipped = (f" The {tried} newer backup{'s' if tried > 1 else ''} failed "
                   "its checks." if tried else "")
        messages.show_info(parent, "Backup restored", (
            f"The backup taken {when_text(backup)} is restored.{skipped} The damaged file is "
            f"kept as {kept.name}."))
        return True
    messages.show_critical(parent, APP_NAME, (
        f"None of the {len(found)} backups in {folder} passed its checks. Nothing was "
        "changed and nothing was opened."))
    return False
