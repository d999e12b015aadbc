"""The administrator's migration role in the window: historical monitoring sheets brought in
for anyone, in any team (``import_monitoring(..., migration=True)``, each line logged as
brought in under that role), and what came in shown line by line afterwards."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.monitoring_xlsx import (
    MonitoringImportResult,
    SheetImport,
    import_monitoring,
    read_monitoring,
)
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.monitoring.monitoring_files import (
    ImportProblemsDialog,
    choose_import_path,
)
from supervision_audit.wording import plural

TITLE = "Import historical monitoring sheets"
COLUMNS = ("Supervisee", "Staff id", "Date", "Time", "Completed/Postponed",
           "Rescheduled for", "Comments / reasons")


def import_historical(store: Store, actor: Actor, path: Path
                      ) -> tuple[MonitoringImportResult, list[SheetImport]]:
    """Bring in ``path``'s sheets under the migration role, in one transaction (all or
    nothing); what was read from them, to show. ValidationError lists every problem."""
    with store.write() as session:
        result = import_monitoring(session, actor, path, migration=True)
        sheets = read_monitoring(session, path)  # the same sheets, as they were brought in
    return result, sheets


def summary(path: Path, result: MonitoringImportResult) -> str:
    return (f"Imported {path.name} as historical monitoring sheets: "
            f"{plural(result.sheets, 'sheet')}, {result.created} added, {result.updated} "
            "updated. Each line is logged as brought in by you under the migration role.")


class MigrationResultDialog(QDialog):
    """What came in: one line of the table for each line of each sheet."""

    def __init__(self, path: Path, result: MonitoringImportResult, sheets: list[SheetImport],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Imported: {path.name}")
        self.setObjectName("migration_result")
        self.status = QLabel(summary(path, result))
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        lines = [(sheet, entry) for sheet in sheets for entry in sheet.entries]
        self.table = QTableWidget(len(lines), len(COLUMNS))
        self.table.setObjectName("imported_lines")
        name_view(self.table, "Lines imported")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        for row, (sheet, entry) in enumerate(lines):
            cells = (sheet.supervisee.name, sheet.supervisee.staff_id,
                     f"{entry.planned_date:%d/%m/%Y}",
                     f"{entry.planned_time:%H:%M}" if entry.planned_time else "",
                     entry.status.capitalize(),
                     f"{entry.rescheduled_for:%d/%m/%Y}" if entry.rescheduled_for else "",
                     entry.text)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 900, 420)


def ask_and_import(store: Store, actor: Actor, parent: QWidget | None) -> QDialog | None:
    """Ask for a workbook and bring it in; the dialog that says what came in, or every
    problem of a workbook that was not imported (nothing written). None when cancelled."""
    path = choose_import_path(parent, last_folder("import"))
    if path is None:
        return None
    try:
        result, sheets = import_historical(store, actor, path)
    except ValidationError as exc:
        return ImportProblemsDialog(path, exc.problems, parent)
    remember_folder("import", str(path.parent))
    return MigrationResultDialog(path, result, sheets, parent)
