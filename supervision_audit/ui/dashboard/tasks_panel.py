"""The signed-in person's task list: records awaiting signature and supervisees' copies due
(with the date each falls due; late ones in red). Activating a task emits
``open_record(record_id)``."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.signatures import TaskItem, tasks_for
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.style import PROBLEM, heading_label, note_label
from supervision_audit.ui.records.record_data import FORM_LABELS

COLUMNS = ("Task", "Supervisee", "Session", "Due")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def task_text(task: TaskItem) -> str:
    text = task.what[:1].upper() + task.what[1:]
    return f"Late: {task.what}" if task.late else text


class TasksPanel(QWidget):
    """Lists ``tasks_for(actor)``; ``refresh()`` reads them again."""

    open_record = Signal(object)  # the record's uuid.UUID

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasks_panel")
        self.store, self.actor = store, actor
        self.tasks: list[TaskItem] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(heading_label("Tasks", 1.2))
        self.count = QLabel()
        self.count.setObjectName("tasks_count")
        top.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        column.addLayout(top)
        column.addWidget(note_label("Records awaiting signature and supervisees' copies due "
                                    "(within 3 working days of the session)."))
        self.tree = QTreeWidget()
        self.tree.setObjectName("tasks_tree")
        name_view(self.tree, "Records to sign and copies due")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(lambda item, _col: self._activate(item))
        self.tree.itemSelectionChanged.connect(self._update_button)
        column.addWidget(self.tree, 1)
        self.empty = note_label("Nothing to do: every record is signed and every copy given.")
        self.empty.setObjectName("tasks_empty")
        column.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton("Open record")
        self.open_button.setObjectName("open_task")
        self.open_button.clicked.connect(lambda: self._activate(self.tree.currentItem()))
        buttons.addWidget(self.open_button)
        column.addLayout(buttons)
        self._update_button()

    def refresh(self, today: date | None = None) -> None:
        try:
            with self.store.read() as session:
                self.tasks = tasks_for(session, self.actor, today)
        except SupervisionAuditError as exc:
            self.tasks = []
            self.empty.setText(str(exc))
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for task in self.tasks:
            item = QTreeWidgetItem([
                task_text(task), task.supervisee,
                f"{task.held_on:%d/%m/%Y} · {FORM_LABELS.get(task.kind, task.kind)}",
                f"{task.due:%d/%m/%Y}" if task.due else ""])
            item.setData(0, ID_ROLE, task.record_id)
            item.setToolTip(0, f"{task.what} – record of {task.held_on:%d/%m/%Y}")
            if task.what == "awaiting your signature":
                item.setFont(0, bold)  # the signed-in person's own step
            if task.late:
                for col in range(len(COLUMNS)):
                    item.setForeground(col, QColor(PROBLEM))
                item.setFont(3, bold)
            self.tree.addTopLevelItem(item)
        late = sum(t.late for t in self.tasks)
        self.count.setText(f"{len(self.tasks)} open" + (f", {late} late" if late else "")
                           if self.tasks else "")
        self.tree.setVisible(bool(self.tasks))
        self.empty.setVisible(not self.tasks)
        self._update_button()

    def rows(self) -> list[tuple[str, ...]]:
        """The list as shown (for tests and screen readers)."""
        return [tuple(self.tree.topLevelItem(i).text(c) for c in range(len(COLUMNS)))
                for i in range(self.tree.topLevelItemCount())]

    def _activate(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        record_id = item.data(0, ID_ROLE)
        if isinstance(record_id, uuid.UUID):
            self.open_record.emit(record_id)

    def _update_button(self) -> None:
        self.open_button.setEnabled(self.tree.currentItem() is not None
                                    and bool(self.tree.selectedItems()))
