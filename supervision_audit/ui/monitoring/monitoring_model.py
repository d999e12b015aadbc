"""The monitoring sheet (Appendix 3) as a table model: one row per planned session."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from supervision_audit.dates import format_date
from supervision_audit.forms.monitoring import MONITORING_HEADERS
from supervision_audit.policy import Escalation
from supervision_audit.services.sessions import MonitoringRow
from supervision_audit.ui.common.style import BAD_BG, BAD_FG, NOTE, OK_FG, WARNING_FG
from supervision_audit.ui.widgets.time_field import format_time
from supervision_audit.wording import plural

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    DATE = 0
    TIME = 1
    STATUS = 2
    RESCHEDULED = 3
    COMMENTS = 4
    ESCALATION = 5


HEADERS = (*MONITORING_HEADERS, "Line manager (R2)")
# as the table heads its columns: the form's words, broken over two lines to save room
SHORT_HEADERS = ("Date", "Time", "Completed/\nPostponed", "Date\nRescheduled for",
                 "Any comments /\nReasons for postponement", "Line manager\n(R2)")
STATUS_COLOURS = {"planned": NOTE, "completed": OK_FG, "postponed": WARNING_FG,
                  "cancelled": BAD_FG}


def escalation_text(escalation: Escalation | None) -> str:
    if escalation is None:
        return ""
    if escalation.reported_on is not None:
        return f"Reported {format_date(escalation.reported_on)}"
    # in words, not only in red: an overdue report reads differently from one still in time
    lead = "Overdue: report" if escalation.overdue else "Report"
    return f"{lead} to line manager by {format_date(escalation.report_due)}"


def escalation_tip(escalation: Escalation | None) -> str:
    if escalation is None:
        return ""
    if escalation.reported_on is not None:
        return (f"The miss of {format_date(escalation.missed_date)} was reported to the "
                f"supervisor's line manager on {format_date(escalation.reported_on)}.")
    lead = "Overdue: " if escalation.overdue else ""
    return (f"{lead}no new date was set within 14 days of the miss on "
            f"{format_date(escalation.missed_date)} (or the new session did not take place): "
            "report it to the supervisor's line manager and record when.")


def summary_text(rows: list[MonitoringRow]) -> str:
    """One line about the sheet: how many sessions, what became of them, what to report."""
    if not rows:
        return ""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    parts = [f"{counts[s]} {s}" for s in ("completed", "postponed", "cancelled", "planned")
             if counts.get(s)]
    text = f"{plural(len(rows), 'session')}: " + ", ".join(parts) + "."
    waiting = [r.escalation for r in rows if r.escalation and r.escalation.reported_on is None]
    overdue = sum(1 for e in waiting if e and e.overdue)
    if waiting:
        text += (f" <span style='color:{BAD_FG}; font-weight:bold'>"
                 f"{plural(len(waiting), 'miss', 'misses')} to report to the line manager"
                 + (f" ({overdue}&nbsp;overdue)" if overdue else "") + ".</span>")
    return text


class MonitoringModel(QAbstractTableModel):
    """Read-only rows of ``services.sessions.monitoring_sheet``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MonitoringRow] = []

    # -- data in and out --------------------------------------------------------------
    def set_rows(self, rows: list[MonitoringRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[MonitoringRow]:
        return list(self._rows)

    def row_at(self, row: int) -> MonitoringRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, session_id: object) -> int:
        """The row number of a session, or -1."""
        for number, row in enumerate(self._rows):
            if row.session_id == session_id:
                return number
        return -1

    def text_rows(self) -> list[tuple[str, ...]]:
        """Every row as shown (for tests and screen readers)."""
        return [tuple(self._text(row, column) for column in Column) for row in self._rows]

    # -- Qt ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return SHORT_HEADERS[section]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.ESCALATION:
            return ("R2: a session missed with no new date within 14 days is reported to the "
                    "supervisor's line manager")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.COMMENTS:
                return row.comments or None
            if column == Column.ESCALATION:
                return escalation_tip(row.escalation) or None
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == Column.ESCALATION and row.escalation and row.escalation.overdue:
                return QBrush(QColor(BAD_BG))
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == Column.ESCALATION and row.escalation and row.escalation.overdue:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _text(row: MonitoringRow, column: Column) -> str:
        if column == Column.DATE:
            return format_date(row.planned_date)
        if column == Column.TIME:
            return format_time(row.planned_time)
        if column == Column.STATUS:
            return row.status_label
        if column == Column.RESCHEDULED:
            return format_date(row.rescheduled_for)
        if column == Column.COMMENTS:
            return row.comments.strip()
        return escalation_text(row.escalation)

    @staticmethod
    def _colour(row: MonitoringRow, column: Column) -> QBrush | None:
        if column == Column.STATUS:
            return QBrush(QColor(STATUS_COLOURS.get(row.status, NOTE)))
        if column == Column.ESCALATION and row.escalation is not None:
            if row.escalation.reported_on is not None:
                return QBrush(QColor(OK_FG))
            return QBrush(QColor(BAD_FG if row.escalation.overdue else WARNING_FG))
        return None
