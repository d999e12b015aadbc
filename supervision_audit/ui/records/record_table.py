"""The table of a person's records: Date | Form | Status | Short? | Copy given, newest first."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.style import NOTE, OK_FG, PROBLEM, WARNING_FG
from supervision_audit.ui.records.record_data import RecordRow

COLUMNS = ("Date", "Form", "Status", "Short?", "Copy given")
STATUS_COLOURS = {"draft": NOTE, "awaiting": WARNING_FG, "final": OK_FG}
VISIBLE_ROWS = 8  # taller than this, the table scrolls


class RecordsTable(QTableWidget):
    """Read-only rows of ``RecordRow``; one row selected at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("records_table")
        name_view(self, "Supervision records")
        self.rows: list[RecordRow] = []
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

    def fill(self, rows: list[RecordRow], keep: uuid.UUID | None = None) -> None:
        """Show ``rows``, keeping the record ``keep`` selected if it is still there."""
        self.rows = list(rows)
        self.setRowCount(0)
        self.setRowCount(len(rows))
        for number, row in enumerate(rows):
            cells = (f"{row.held_on:%d/%m/%Y}", row.form_label, row.status_label,
                     f"Short ({row.short_minutes} min)" if row.short_minutes else "",
                     row.copy_text())
            for col, text in enumerate(cells):
                self.setItem(number, col, QTableWidgetItem(text))
            status = self.item(number, 2)
            status.setForeground(QColor(STATUS_COLOURS[row.status]))
            if row.status == "awaiting":
                status.setToolTip(f"Still to sign: {row.waiting_text}")
            if row.changed:
                status.setForeground(QColor(PROBLEM))
                font = status.font()
                font.setBold(True)
                status.setFont(font)
                status.setToolTip(f"Not what was signed: {row.changed}. The database was "
                                  "altered outside the app; this record cannot be exported.")
            if row.short_minutes:
                self.item(number, 3).setForeground(QColor(WARNING_FG))
            if row.copy_late:
                self.item(number, 4).setForeground(QColor(PROBLEM))
                self.item(number, 4).setToolTip("Not given within 3 working days of the session")
            if row.id == keep:
                self.selectRow(number)
        self._fit_height()

    def _fit_height(self) -> None:
        shown = min(max(len(self.rows), 3), VISIBLE_ROWS)
        row_height = self.verticalHeader().defaultSectionSize()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        self.setFixedHeight(height + shown * row_height + 2)

    def selected_row(self) -> RecordRow | None:
        selected = self.selectionModel().selectedRows()
        if not selected:
            return None
        index = selected[0].row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def select_record(self, record_id: uuid.UUID) -> bool:
        for number, row in enumerate(self.rows):
            if row.id == record_id:
                self.selectRow(number)
                return True
        return False

    def texts(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row (for tests and screen readers)."""
        return [tuple(self.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.rowCount())]
