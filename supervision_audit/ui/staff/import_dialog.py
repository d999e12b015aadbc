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
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import NOTE, OK_FG, PROBLEM, heading_label, note_label

COLUMNS_HELP = ("The first row must name the columns: staff_id, name, job_title, team, location, "
                "role, supervisor_id, employment_start, asye_start, email, phone (service is "
                "optional). People are matched by staff id: new ids are added, known ids "
                "updated. If any row has a problem, nothing is imported.")


class Counts(Protocol):
    created: int
    updated: int


class Row(Protocol):
    row: int
    staff_id: str
    name: str
    changes: tuple[str, ...]


class Preview(Protocol):
    added: list[Row]
    changed: list[Row]
    unchanged: int


PREVIEW_COLUMNS = ("Row", "Staff id", "Name", "What the import does")


class ImportDialog(QDialog):
    """After the dialog closes, ``result`` holds the counts of a successful import (or None)."""

    def __init__(self, run_import: Callable[[Path], Counts], start_dir: str = "",
                 parent: QWidget | None = None, *,
                 preview: Callable[[Path], Preview] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import staff")
        self.run_import = run_import
        self.run_preview = preview
        self.start_dir = start_dir
        self.result: Counts | None = None
        self.checked: Path | None = None  # the file the preview shows, while it is good

        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setPlaceholderText("A .xlsx or .csv file")
        self.path.setAccessibleName("File to import")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setObjectName("choose_file")
        self.check_button = QPushButton("Check file")
        self.check_button.setObjectName("check_file")
        self.check_button.setToolTip("See what the file would add and change, or its problems, "
                                     "before anything is written")
        self.check_button.setVisible(preview is not None)
        self.check_button.setEnabled(False)
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
        self.preview_table = QTableWidget(0, len(PREVIEW_COLUMNS))
        self.preview_table.setObjectName("import_preview")
        self.preview_table.setAccessibleName("What the import does")
        self.preview_table.setHorizontalHeaderLabels(PREVIEW_COLUMNS)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.setWordWrap(True)
        self.preview_table.setAlternatingRowColors(True)
        header = self.preview_table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.preview_table.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("File:"))
        chooser.addWidget(self.path, 1)
        chooser.addWidget(self.choose_button)
        chooser.addWidget(self.check_button)
        chooser.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(heading_label("Import staff", 1.35))
        layout.addWidget(note_label(COLUMNS_HELP))
        layout.addLayout(chooser)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 760, 300)

        self.path.textChanged.connect(self._path_changed)
        self.path.returnPressed.connect(self.check if preview is not None else self.do_import)
        self.choose_button.clicked.connect(self._choose)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.do_import)

    def _path_changed(self, text: str) -> None:
        self.checked = None
        if self.run_preview is None:
            self.import_button.setEnabled(bool(text))
            return
        self.check_button.setEnabled(bool(text.strip()))
        self.import_button.setEnabled(False)

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
            if self.run_preview is not None:
                self.check()
                return
            self.import_button.setDefault(True)
            self.import_button.setFocus()

    def check(self) -> bool:
        """Show what the chosen file would add and change, or every problem in it; Import is
        offered only for a good file."""
        text = self.path.text().strip()
        if not text or self.run_preview is None:
            return False
        path = Path(text)
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            preview = self.run_preview(path)
        except ValidationError as exc:
            self._show_problems(path, exc.problems, "Nothing will be imported until they are "
                                                    "put right.")
            return False
        except SupervisionAuditError as exc:
            self._show_problems(path, [Problem("file", str(exc))],
                                "Nothing will be imported.")
            return False
        finally:
            self.unsetCursor()
        self._show_preview(path, preview)
        return True

    def _show_preview(self, path: Path, preview: Preview) -> None:
        self.table.hide()
        rows = [(r, "Added: a new member of staff") for r in preview.added] + \
            [(r, "; ".join(r.changes)) for r in preview.changed]
        self.preview_table.setRowCount(len(rows))
        for number, (row, what) in enumerate(rows):
            for column, text in enumerate((str(row.row), row.staff_id, row.name, what)):
                self.preview_table.setItem(number, column, QTableWidgetItem(text))
        self.preview_table.resizeRowsToContents()
        self.preview_table.setVisible(bool(rows))
        work = bool(rows)
        self.status.setStyleSheet(f"color: {OK_FG if work else NOTE}; font-weight: bold;")
        self.status.setText(
            f"{path.name}: {len(preview.added)} to add, {len(preview.changed)} to change, "
            f"{preview.unchanged} unchanged. " + (
                "Nothing is written until you click Import." if work else
                "There is nothing to import."))
        self.checked = path if work else None
        self.import_button.setEnabled(work)
        if work:
            self.import_button.setDefault(True)
            self.import_button.setFocus()
            self._grow()

    def preview_rows(self) -> list[tuple[str, str, str, str]]:
        """The preview as shown (Row, Staff id, Name, What the import does)."""
        return [tuple(self.preview_table.item(r, c).text()  # type: ignore[misc]
                      for c in range(len(PREVIEW_COLUMNS)))
                for r in range(self.preview_table.rowCount())]

    def _grow(self) -> None:
        if self.height() < 440:
            resize_within_screen(self, max(self.width(), 760), 440)

    def do_import(self) -> bool:
        """Import the chosen file; show the counts or every problem."""
        text = self.path.text().strip()
        if not text:
            return False
        path = Path(text)
        if self.run_preview is not None and self.checked != path:
            self.check()  # see what it would do first; Import then writes it
            return False
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
        self.checked = None
        self.import_button.setEnabled(False)
        self.table.hide()
        self.preview_table.hide()
        self.status.setStyleSheet(f"color: {OK_FG}; font-weight: bold;")
        self.status.setText(f"Imported {path.name}: {result.created} added, "
                            f"{result.updated} updated.")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        return True

    def _show_problems(self, path: Path, problems: list[Problem],
                       outcome: str = "Nothing was imported.") -> None:
        count = len(problems)
        self.checked = None
        self.import_button.setEnabled(self.run_preview is None)
        self.preview_table.hide()
        self.status.setStyleSheet(f"color: {PROBLEM}; font-weight: bold;")
        self.status.setText(f"{path.name} has {count} {'problem' if count == 1 else 'problems'}. "
                            + outcome)
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
        self._grow()

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """The problems table as shown (Row, Column, Problem)."""
        return [tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(self.table.rowCount())]
