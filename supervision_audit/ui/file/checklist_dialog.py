"""The folder checklist (Appendix 8): for each of the eleven sections of a person's
supervision folder, what it holds and what it still lacks."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.services.access import Actor
from supervision_audit.services.attachments import SectionCheck, checklist
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.style import (
    BAD_BG,
    BAD_FG,
    NOTE,
    OK_BG,
    OK_FG,
    chip_style,
    heading_label,
    note_label,
)

COLUMNS = ("Section", "Title", "Status", "Present", "Missing")


def read_only_table(columns: tuple[str, ...] | list[str], name: str, label: str,
                    parent: QWidget | None = None) -> QTableWidget:
    """A read-only table of whole rows, one selectable at a time (shared by the audit and
    document screens), called ``label`` by screen readers; Tab leaves it."""
    table = QTableWidget(0, len(columns), parent)
    table.setObjectName(name)
    name_view(table, label)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setStyleSheet("QTableWidget::item { padding: 0 6px; }"
                        " QHeaderView::section { padding: 2px 6px; }")
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def fit_rows(table: QTableWidget, least: int = 2, most: int = 8) -> None:
    """Make ``table`` exactly as tall as its rows (between ``least`` and ``most`` of them)."""
    shown = min(max(table.rowCount(), least), most)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    table.setFixedHeight(height + shown * table.verticalHeader().defaultSectionSize() + 2)


class ChecklistDialog(QDialog):
    """Read-only: the checklist of one person's folder, from ``services.attachments``."""

    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist_dialog")
        self.setWindowTitle(f"Folder checklist – {name}")
        with store.read() as session:
            self.checks: list[SectionCheck] = checklist(session, actor, staff_uuid)
        filled = sum(1 for c in self.checks if c.present)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(heading_label("Supervision folder checklist", 1.35))
        top.addStretch(1)
        self.summary = QLabel(f"{filled} of {len(self.checks)} sections hold something")
        self.summary.setObjectName("checklist_summary")
        self.summary.setStyleSheet(chip_style("ok" if filled == len(self.checks) else
                                              "warning"))
        top.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        layout.addWidget(note_label(
            f"The eleven sections of {name}'s staff supervision folder (Appendix 8). Sections "
            "1, 2, 3 and 6 are filled from the app's own records; the others from the "
            "documents added to them."))
        self.table = read_only_table(COLUMNS, "checklist_table", "Folder checklist")
        self.table.setWordWrap(True)
        self._fill()
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_args: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(1180, int(area.width() * 0.92)), min(640, int(area.height() * 0.9)))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.table.resizeRowsToContents()  # now the columns have their final widths

    def _fill(self) -> None:
        table = self.table
        table.setRowCount(len(self.checks))
        bold = QFont(table.font())
        bold.setBold(True)
        for row, check in enumerate(self.checks):
            status = "Present" if check.present else "Missing"
            cells = (str(check.number), check.title, status, "\n".join(check.present) or "—",
                     "\n".join(check.missing) or "—")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
            badge = table.item(row, 2)
            badge.setFont(bold)
            badge.setForeground(QColor(OK_FG if check.present else BAD_FG))
            badge.setBackground(QColor(OK_BG if check.present else BAD_BG))
            badge.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.item(row, 4).setForeground(QColor(NOTE))
        header = table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(3, 280)
        table.setCurrentItem(None)

    def rows(self) -> list[tuple[int, str, str]]:
        """(section, status, present) as shown, for tests and screen readers."""
        return [(int(self.table.item(r, 0).text()), self.table.item(r, 2).text(),
                 self.table.item(r, 3).text()) for r in range(self.table.rowCount())]
