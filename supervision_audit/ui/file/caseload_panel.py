"""Section 3 of the file: Workload/Allocation/Caseload — the open cases and when each is next
to be discussed in supervision (R8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Action, Actor, permitted, require
from supervision_audit.services.cases import CaseStatus, case_statuses, close_case
from supervision_audit.ui.common.messages import reports_errors
from supervision_audit.ui.common.style import BAD_BG, BAD_FG, NOTE, OK_FG, note_label
from supervision_audit.ui.file.case_dialog import CaseDialog
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.monitoring.monitoring_common import RecordTable, Today
from supervision_audit.ui.monitoring.monitoring_dialogs import WhenDialog

Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = "not discussed within its interval"


class CaseColumn(IntEnum):
    REFERENCE = 0
    TYPE = 1
    OPENED = 2
    LAST_DISCUSSED = 3
    DUE = 4


CASE_HEADERS = ("Reference", "Type", "Opened", "Last discussed", "Discussion due")


class CaseModel(QAbstractTableModel):
    """Read-only rows of ``services.cases.case_statuses``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseStatus] = []

    def set_rows(self, rows: list[CaseStatus]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CaseStatus | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, case_id: object) -> int:
        for number, row in enumerate(self._rows):
            if row.case.id == case_id:
                return number
        return -1

    def text_rows(self) -> list[tuple[str, ...]]:
        return [tuple(self._text(row, column) for column in CaseColumn) for row in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(CaseColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(CaseColumn)):
            return CASE_HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = CaseColumn(index.column())
        late = row.overdue and column == CaseColumn.DUE
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if late:
                return QBrush(QColor(BAD_FG))
            if column == CaseColumn.LAST_DISCUSSED and row.last_discussed is None:
                return QBrush(QColor(NOTE))
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(BAD_BG)) if late else None
        if role == Qt.ItemDataRole.FontRole and late:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == CaseColumn.DUE:
            return ("Overdue: this case was " + OVERDUE_TEXT if row.overdue else
                    "Discuss in formal supervision by this date (R8)")
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _text(row: CaseStatus, column: CaseColumn) -> str:
        if column == CaseColumn.REFERENCE:
            return row.case.reference
        if column == CaseColumn.TYPE:
            return row.type_label
        if column == CaseColumn.OPENED:
            return format_date(row.case.opened_on)
        if column == CaseColumn.LAST_DISCUSSED:
            return format_date(row.last_discussed) or "Not yet"
        due = format_date(row.due)
        return f"{due} – {OVERDUE_TEXT}" if row.overdue else due


def summary_text(rows: list[CaseStatus]) -> str:
    if not rows:
        return ""
    n = len(rows)
    text = f"{n} open {'case' if n == 1 else 'cases'}."
    late = sum(1 for r in rows if r.overdue)
    if late:
        text += (f" <span style='color:{BAD_FG}; font-weight:bold'>{late} "
                 f"{'was' if late == 1 else 'were'} not discussed within "
                 f"{'its' if late == 1 else 'their'} interval.</span>")
    return text


@register(3)
class CaseloadPanel(QWidget):
    """The open cases of the person whose file is shown."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseload_panel")
        self.store, self.actor = store, actor
        self.today: Today = date.today
        self.file: SupervisionFile | None = None
        self.may_write = False
        self.dialog: QDialog | None = None
        self.model = CaseModel(self)
        self.table = RecordTable(max_rows=12)
        self.table.setObjectName("caseload_table")
        self.table.setAccessibleName("Open cases")
        self.table.setModel(self.model)
        self.table.set_widths({CaseColumn.REFERENCE: "CP-000000",
                               CaseColumn.TYPE: "SAAT single assessment",
                               CaseColumn.OPENED: "00/00/0000",
                               CaseColumn.LAST_DISCUSSED: "00/00/0000"}, CaseColumn.DUE)
        self.summary = QLabel()
        self.summary.setObjectName("caseload_summary")
        self.summary.setWordWrap(True)
        self.empty = note_label("No open cases are recorded.")
        self.empty.setObjectName("caseload_empty")
        self.notice = QLabel()
        self.notice.setObjectName("caseload_notice")
        self.notice.setStyleSheet(f"color: {OK_FG};")
        self.notice.hide()
        self.add_button = QPushButton("Add case…")
        self.add_button.setObjectName("add_case")
        self.add_button.setToolTip("Add a case allocated to this person")
        self.add_button.clicked.connect(self.add_case)
        self.close_button = QPushButton("Close case…")
        self.close_button.setObjectName("close_case")
        self.close_button.setToolTip("Record that the selected case closed")
        self.close_button.clicked.connect(self.close_selected)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addWidget(self.notice)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        self.refresh()

    def refresh(self, select: object = None) -> None:
        if self.file is None:
            return
        current = self.selected()
        keep = select or (current.case.id if current else None)
        today = self.today()
        try:
            with self.store.read() as session:
                require(session, self.actor, Action.READ_FILE, self.file.id, today)
                self.may_write = permitted(session, self.actor, Action.WRITE_RECORDS,
                                           self.file.id, today)
                rows = case_statuses(session, self.file.id, today)
        except SupervisionAuditError as exc:
            self.may_write, rows = False, []
            self.empty.setText(str(exc))
        else:
            self.empty.setText("No open cases are recorded.")
        self.model.set_rows(rows)
        self.summary.setText(summary_text(rows))
        self.summary.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.table.fit_rows()
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, CaseColumn.REFERENCE))
        self._update_buttons()

    def selected(self) -> CaseStatus | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        write = self.may_write and self.file is not None
        self.add_button.setEnabled(write)
        self.close_button.setEnabled(write and self.selected() is not None)
        if self.file is not None and not self.may_write:
            for button in (self.add_button, self.close_button):
                button.setToolTip(f"Only {self.file.name}'s supervisor changes the caseload")

    def _open_dialog(self, dialog: QDialog, on_accept: Callable[[], Any]) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    @reports_errors("Add case")
    def add_case(self) -> None:
        if self.file is None or not self.may_write:
            return
        dialog = CaseDialog(self.store, self.actor, self.file.id, self.file.name, self,
                            today=self.today())
        self._open_dialog(dialog, lambda: self._added(dialog.saved_reference))

    def _added(self, reference: str) -> None:
        self._say(f"Case {reference} added.")
        self.refresh()
        for number in range(self.model.rowCount()):
            status = self.model.row_at(number)
            if status is not None and status.case.reference == reference:
                self.table.setCurrentIndex(self.model.index(number, CaseColumn.REFERENCE))

    @reports_errors("Close case")
    def close_selected(self) -> None:
        status = self.selected()
        if status is None or not self.may_write:
            return
        case = status.case

        def save(session: Any, on: date, _at: Any) -> object:
            return close_case(session, self.actor, case.id, on)

        dialog = WhenDialog(
            self.store, f"Close case {case.reference}",
            f"Case {case.reference} ({status.type_label}) was allocated on "
            f"{format_date(case.opened_on)}. It stays on record, no longer on the open "
            "caseload.", "Closed on:", "closed_on", save, action="Close case",
            initial=self.today(), parent=self)
        self._open_dialog(dialog, lambda: (self._say(f"Case {case.reference} closed."),
                                           self.refresh()))
