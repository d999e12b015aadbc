"""The staff list as a Qt table model, and the proxy that searches, filters and sorts it."""

from __future__ import annotations

import uuid
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services.staff import StaffRow

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the StaffRow itself
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the person's UUID
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a key that sorts sensibly (case-folded text)


class StaffColumn(IntEnum):
    NAME = 0
    STAFF_ID = 1
    JOB_TITLE = 2
    TEAM = 3
    ROLE = 4
    SUPERVISOR = 5
    STATUS = 6


HEADERS: dict[StaffColumn, str] = {
    StaffColumn.NAME: "Name",
    StaffColumn.STAFF_ID: "Staff id",
    StaffColumn.JOB_TITLE: "Job title",
    StaffColumn.TEAM: "Team",
    StaffColumn.ROLE: "Role",
    StaffColumn.SUPERVISOR: "Supervisor",
    StaffColumn.STATUS: "Status",
}


def cell_text(row: StaffRow, column: StaffColumn) -> str:
    match column:
        case StaffColumn.NAME:
            return row.name
        case StaffColumn.STAFF_ID:
            return row.staff_id
        case StaffColumn.JOB_TITLE:
            return row.job_title
        case StaffColumn.TEAM:
            return row.team
        case StaffColumn.ROLE:
            return ROLE_LABELS.get(row.role, row.role)
        case StaffColumn.SUPERVISOR:
            return row.supervisor_name
        case StaffColumn.STATUS:
            return "Active" if row.active else "Left"


class StaffTableModel(QAbstractTableModel):
    """Read-only rows of ``StaffRow``; replace them all with ``set_rows``."""

    def __init__(self, rows: list[StaffRow] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[StaffRow] = list(rows or [])

    def set_rows(self, rows: list[StaffRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[StaffRow]:
        return list(self._rows)

    def row_of(self, staff_uuid: uuid.UUID) -> int:
        """The source row of a person, -1 when not listed."""
        for i, row in enumerate(self._rows):
            if row.id == staff_uuid:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(StaffColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = StaffColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == StaffColumn.STATUS and not row.active:
            return "Has left; their records are kept"
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor("#7b868c"))
        if role == SORT_ROLE:
            return cell_text(row, column).casefold()
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(StaffColumn)):
            return HEADERS[StaffColumn(section)]
        return None


def name_collator() -> QCollator:
    """Compares names as people expect (Łucja beside Lucy, SW2 before SW10), in the user's
    language, or British English when the system names none (the "C" locale)."""
    locale = QLocale()
    if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    collator = QCollator(locale)
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    return collator


class StaffFilterProxy(QSortFilterProxyModel):
    """Search by name (any part, any case), by team and by supervisor; leavers optional."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._team: str | None = None
        self._supervisor: uuid.UUID | None = None
        self._show_left = False
        self.setSortRole(SORT_ROLE)
        self._collator = name_collator()

    def _change_filter(self, **changes: Any) -> None:
        """Set filter attributes and refilter the rows (Qt 6.9+ API, else the older call)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            for name, value in changes.items():
                setattr(self, name, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt before 6.9
            for name, value in changes.items():
                setattr(self, name, value)
            self.invalidateRowsFilter()

    def set_search(self, text: str) -> None:
        self._change_filter(_search=text.strip().casefold())

    def set_team(self, team: str | None) -> None:
        """Only people in ``team`` (None: every team; "": people with no team)."""
        self._change_filter(_team=team)

    def set_supervisor(self, supervisor_id: uuid.UUID | None) -> None:
        self._change_filter(_supervisor=supervisor_id)

    def set_show_left(self, show: bool) -> None:
        self._change_filter(_show_left=show)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = str(left.data(SORT_ROLE) or ""), str(right.data(SORT_ROLE) or "")
        return self._collator.compare(a, b) < 0

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        row: StaffRow | None = self.sourceModel().data(index, ROW_ROLE)
        if row is None:
            return False
        if not row.active and not self._show_left:
            return False
        if self._search and self._search not in row.name.casefold():
            return False
        if self._team is not None and row.team != self._team:
            return False
        return self._supervisor is None or row.supervisor_id == self._supervisor
