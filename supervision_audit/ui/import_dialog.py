"""Importing staff from a spreadsheet: choose a file, import all or nothing, see what happened.

The dialog takes plain data in (a function that imports one file and returns its counts) and
hands plain data back (``result``), so it knows nothing of the store. Tests replace
``choose_file``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.ui.style import OK_FG, PROBLEM, note_label

COLUMNS_HELP = ("The first row must name the columns: staff_id, name, job_title, team, location, "
                "role, supervisor_id, employment_start, asye_start, email, phone (service is "
                "optional). People are matched by staff id: new ids are added, known ids "
                "updated. If any row has a problem, nothing is imported.")


class Counts(Protocol):
    created: int
    updated: int


class ImportDialog(QDialog):
    """After the dialog closes, ``result`` holds the counts of a successful import (or None)."""

    def __init__(self, run_import: Callable[[Path], Counts], start_dir: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import staff")
        self.run_import = run_import
        self.start_dir = start_dir
        self.result: Counts | None = None

        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setPlaceholderText("A .xlsx or .csv file")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setObjectName("choose_file")
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("import")
        self.import_button.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("import_problems")
        self.table.setHorizontalHeaderLabels(["Row", "Column", "Problem"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("File:"))
        chooser.addWidget(self.path, 1)
        chooser.addWidget(self.choose_button)
        chooser.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(COLUMNS_HELP))
        layout.addLayout(chooser)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, 260)

        self.path.textChanged.connect(lambda text: self.import_button.setEnabled(bool(text)))
        self.path.returnPressed.connect(self.do_import)
        self.choose_button.clicked.connect(self._choose)
        self.import_button.clicked.connect(self.do_import)

    @staticmethod
    def choose_file(parent: QWidget | None, start_dir: str) -> Path | None:
        """Ask for the file to import (tests replace this)."""
        name, _filter = QFileDialog.getOpenFileName(
            parent, "Import staff", start_dir,
            "Staff lists (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)")
        return Path(name) if name else None

    def _choose(self) -> None:
        path = type(self).choose_file(self, self.start_dir)
        if path is not None:
            self.path.setText(str(path))
            self.import_button.setDefault(True)
            self.import_button.setFocus()

    def do_import(self) -> bool:
        """Import the chosen file; show the counts or every problem."""
        text = self.path.text().strip()
        if not text:
            return False
        path = Path(text)
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            result = self.run_import(path)
        except ValidationError as exc:
            self._show_problems(path, exc.problems)
            return False
        except SupervisionAuditError as exc:
            self._show_problems(path, [Problem("file", str(exc))])
            return False
        finally:
            self.unsetCursor()
        self.result = result
        self.table.hide()
        self.status.setStyleSheet(f"color: {OK_FG}; font-weight: bold;")
        self.status.setText(f"Imported {path.name}: {result.created} added, "
                            f"{result.updated} updated.")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        return True

    def _show_problems(self, path: Path, problems: list[Problem]) -> None:
        count = len(problems)
        self.status.setStyleSheet(f"color: {PROBLEM}; font-weight: bold;")
        self.status.setText(f"{path.name} has {count} {'problem' if count == 1 else 'problems'}. "
                            "Nothing was imported.")
        self.table.setRowCount(count)
        for row, p in enumerate(problems):
            cells = ("" if p.row is None else str(p.row), p.field, p.message)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.table.show()
        if self.height() < 440:
            self.resize(max(self.width(), 720), 440)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """The problems table as shown (Row, Column, Problem)."""
        return [tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(self.table.rowCount())]
