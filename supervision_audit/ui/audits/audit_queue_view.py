"""A senior manager's audits due this month (R6), as the dashboard's "Audits due" tile opens
them: whose file, whose supervision it is, when the file was last audited and how it was
judged; one click on "Start audit" (or "Continue audit") opens the audit with the file's
evidence. "Audit programme…" shows every supervisor below, to pick another file or record an
observation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.audit_queue import AuditQueue, QueueLine, audit_queue
from supervision_audit.services.audits import start_audit
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.style import BAD_FG, chip_style, note_label

COLUMNS = ("File of", "Supervisor", "Last audit", "Judgement", "")
ACTION_COLUMN = len(COLUMNS) - 1


class AuditQueueView(QWidget):
    """The month's audits due for ``actor``. ``changed`` is emitted when an audit it opened
    closes (the dashboard then counts again)."""

    changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("audit_queue")
        self.store, self.actor, self.today = store, actor, today
        self.queue: AuditQueue | None = None
        self.dialog: QDialog | None = None  # the audit (or programme) opened last
        self.chip = QLabel()
        self.chip.setObjectName("audit_queue_chip")
        self.intro = note_label()
        self.intro.setObjectName("audit_queue_intro")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("audit_queue_table")
        name_view(self.table, "Audits due this month")  # named; Tab leaves it
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setToolTip("Enter or a double-click opens the audit of the chosen file")
        self.table.itemActivated.connect(lambda item: self.open_row(item.row()))
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.programme_button = QPushButton("Audit programme…")
        self.programme_button.setObjectName("open_audit_programme")
        self.programme_button.setToolTip("Every supervisor below you: when each was last "
                                         "audited and observed; pick a file at random or "
                                         "record an observation")
        self.programme_button.clicked.connect(lambda _c=False: self.open_programme())
        top = QHBoxLayout()
        top.addWidget(self.chip)
        top.addWidget(self.intro, 1)
        top.addWidget(self.programme_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    # -- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        with self.store.read() as session:
            self.queue = queue = audit_queue(session, self.actor, self.today())
        self.chip.setText(f"{queue.done} of {queue.cap} done")
        self.chip.setStyleSheet(chip_style("ok" if queue.remaining == 0 else "warning"))
        self.chip.setToolTip(f"Audits you have completed in {queue.month_start:%B %Y}, of "
                             "the month's R6 programme")
        self.intro.setText(
            f"{queue.month_start:%B %Y}: one file for each supervisor below you not yet "
            "audited this month, the longest waiting first." if queue.lines else
            f"Nothing more is due in {queue.month_start:%B %Y}: every supervisor below you "
            "is audited this month, or the month's audits are done.")
        self.table.setRowCount(len(queue.lines))
        for row, line in enumerate(queue.lines):
            for column, text in enumerate((line.supervisee, line.supervisor,
                                           line.last_audit_text, line.judgement or "—")):
                item = QTableWidgetItem(text)
                if column == 0 and line.overdue:
                    item.setForeground(QColor(BAD_FG))
                    item.setToolTip(f"No audit of {line.supervisor}'s supervision in 12 "
                                    "months")
                self.table.setItem(row, column, item)
            self.table.setItem(row, ACTION_COLUMN, QTableWidgetItem())
            button = QPushButton("Continue audit" if line.draft_id else "Start audit")
            button.setObjectName("audit_queue_open")
            button.setAccessibleName(f"{button.text()} of {line.supervisee}'s file")
            button.clicked.connect(lambda _c=False, r=row: self.open_row(r))
            self.table.setCellWidget(row, ACTION_COLUMN, button)
        self.table.resizeColumnsToContents()
        if queue.lines and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def row_texts(self) -> list[tuple[str, ...]]:
        """The rows as shown (for tests and screen readers)."""
        return [tuple(self.table.item(r, c).text() for c in range(ACTION_COLUMN))
                + (self.table.cellWidget(r, ACTION_COLUMN).text(),)  # type: ignore[union-attr]
                for r in range(self.table.rowCount())]

    def button_at(self, row: int) -> QPushButton:
        return self.table.cellWidget(row, ACTION_COLUMN)  # type: ignore[return-value]

    # -- doing ------------------------------------------------------------------------
    def line_for(self, staff_uuid: uuid.UUID) -> int:
        """The row of ``staff_uuid``'s file, or -1."""
        lines = self.queue.lines if self.queue else []
        return next((n for n, line in enumerate(lines) if line.supervisee_id == staff_uuid),
                    -1)

    def open_row(self, row: int) -> QDialog | None:
        """Open the audit of the file on ``row``: the one started, or a new one dated today
        with the file's evidence."""
        if self.queue is None or not 0 <= row < len(self.queue.lines):
            return None
        line = self.queue.lines[row]
        try:
            audit_id = line.draft_id or self._start(line)
            from supervision_audit.ui.audits.audit_dialog import AuditDialog

            dialog = AuditDialog(self.store, self.actor, audit_id, self.window())
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit", str(exc))
            return None
        return self._show(dialog)

    def _start(self, line: QueueLine) -> uuid.UUID:
        with self.store.write() as session:
            return start_audit(session, self.actor, line.supervisee_id, self.today()).id

    def open_programme(self) -> QDialog | None:
        from supervision_audit.ui.audits.audit_programme_dialog import AuditProgrammeDialog

        try:
            dialog = AuditProgrammeDialog(self.store, self.actor, self.window(),
                                          today=self.today)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit programme", str(exc))
            return None
        return self._show(dialog)

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._closed())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self) -> None:
        self.reload()
        self.changed.emit()
