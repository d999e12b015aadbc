"""The staff list as a Qt table model, and the proxy that searches, filters and sorts it."""

from __future__ import annotations

import functools
import heapq
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
from supervision_audit.ui.common.style import NOTE

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the StaffRow itself
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the person's UUID
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # the cell's rank in the name collator's order
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
LEFT_BRUSH = QBrush(QColor(NOTE))  # the text of people who have left (grey, 4.5:1 or more)


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


def collation_ranks(texts: list[str], collator: QCollator) -> list[int]:
    """Each text's place in ``collator``'s order (texts it finds equal share a place): plain
    integers that sort, compared anywhere, as the collator would."""
    order = sorted(set(texts), key=functools.cmp_to_key(collator.compare))
    place: dict[str, int] = {}
    rank = -1
    for n, text in enumerate(order):
        if n == 0 or collator.compare(order[n - 1], text) != 0:
            rank += 1
        place[text] = rank
    return [place[text] for text in texts]


class StaffTableModel(QAbstractTableModel):
    """Read-only rows of ``StaffRow``; replace them all with ``set_rows``.

    Built for thousands of rows: the cells' texts are worked out once, in ``set_rows``, and
    the model sorts itself (``sort``, which ``StaffFilterProxy.sort`` passes on): a column's
    ranks in the name collator's order are worked out the first time it is sorted, then one
    ``sorted`` call orders the rows. (A proxy sorting in C++ would still ask this Python
    model for two values at each of its ~25,000 comparisons: 120 ms for 2,000 people.)
    As with Qt's stable sort, rows with equal values keep the order they had (sorted by
    name, then by team: each team's people stay in name order)."""

    def __init__(self, rows: list[StaffRow] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._collator = name_collator()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._store(list(rows or []))

    def _store(self, rows: list[StaffRow]) -> None:
        self._given = rows
        self._given_texts = [tuple(cell_text(row, column) for column in StaffColumn)
                             for row in rows]
        self._ranks: dict[int, list[int]] = {}  # column -> rank of each row, in given order
        self._arrange()

    def _arrange(self, start: list[int] | None = None) -> None:
        """Put the rows in the chosen sort order, from the order ``start`` (the order they
        were given when None): rows with equal values keep their order in ``start``."""
        order = list(range(len(self._given)) if start is None else start)
        if 0 <= self._sort_column < len(StaffColumn):
            ranks = self.sort_ranks(self._sort_column)
            order.sort(key=ranks.__getitem__,
                       reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._order = order  # source row -> given position
        self._rows = [self._given[n] for n in order]
        self._texts = [self._given_texts[n] for n in order]
        self._folded = [row.name.casefold() for row in self._rows]  # for the search
        self._where = {row.id: n for n, row in reversed(list(enumerate(self._rows)))}

    def set_rows(self, rows: list[StaffRow]) -> None:
        self.beginResetModel()
        self._store(list(rows))
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (the layout changes; persistent indexes follow)."""
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        given = [self._order[index.row()] for index in kept]
        self._sort_column, self._sort_order = column, order
        self._arrange(self._order)  # as Qt's stable sort: ties stay in the previous order
        place = {n: row for row, n in enumerate(self._order)}
        moved = [self.index(place[n], index.column())
                 for n, index in zip(given, kept, strict=True)]
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()

    def rows(self) -> list[StaffRow]:
        """The rows in the order they were given."""
        return list(self._given)

    def longest_texts(self, column: int, count: int = 40) -> list[str]:
        """The ``count`` longest different texts of ``column`` (to size it by)."""
        return heapq.nlargest(count, {texts[column] for texts in self._given_texts}, key=len)

    def row_at(self, row: int) -> StaffRow:
        """The ``StaffRow`` of source row ``row`` (for the proxy: no trip through Qt)."""
        return self._rows[row]

    def folded_name(self, row: int) -> str:
        """The case-folded name of source row ``row``, as the search compares it."""
        return self._folded[row]

    def row_of(self, staff_uuid: uuid.UUID) -> int:
        """The source row of a person, -1 when not listed."""
        return self._where.get(staff_uuid, -1)

    def sort_ranks(self, column: int) -> list[int]:
        """The rank in ``column`` of every row, in the order the rows were given (see
        ``collation_ranks``)."""
        ranks = self._ranks.get(column)
        if ranks is None:
            ranks = self._ranks[column] = collation_ranks(
                [texts[column] for texts in self._given_texts], self._collator)
        return ranks

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(StaffColumn)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        if role == DISPLAY:
            return self._texts[row][index.column()]
        if role == SORT_ROLE:
            return self.sort_ranks(index.column())[self._order[row]]
        if role == ID_ROLE:
            return self._rows[row].id
        if role == ROW_ROLE:
            return self._rows[row]
        if role == FOREGROUND:
            return None if self._rows[row].active else LEFT_BRUSH
        if role == TOOLTIP and index.column() == StaffColumn.STATUS and \
                not self._rows[row].active:
            return "Has left; their records are kept"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(StaffColumn)):
            return HEADERS[StaffColumn(section)]
        return None


class StaffFilterProxy(QSortFilterProxyModel):
    """Search by name (any part, any case), by team and by supervisor; leavers optional."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._team: str | None = None
        self._supervisor: uuid.UUID | None = None
        self._show_left = False
        self._staff: StaffTableModel | None = None
        self.setSortRole(SORT_ROLE)  # for a model other than the staff model

    def setSourceModel(self, model: Any) -> None:
        self._staff = model if isinstance(model, StaffTableModel) else None
        super().setSourceModel(model)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``: the staff model orders its own rows (see StaffTableModel) and
        this proxy keeps their order; any other model is sorted here as Qt does."""
        if self._staff is None:
            super().sort(column, order)
            return
        if self.sortColumn() != -1:
            super().sort(-1)  # back to the source's order
        self._staff.sort(column, order)

    def _change_filter(self, **changes: Any) -> None:
        """Set filter attributes and refilter the rows (Qt 6.9+ API, else the older call);
        nothing when they already have those values (refiltering re-sorts every row)."""
        if all(getattr(self, name) == value for name, value in changes.items()):
            return
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

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        staff = self._staff
        if staff is not None:  # straight from the rows: no trip through Qt for each one
            row: StaffRow | None = staff.row_at(source_row)
            folded = staff.folded_name(source_row)
        else:
            model = self.sourceModel()
            row = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
            folded = row.name.casefold() if row is not None else ""
        if row is None:
            return False
        if not row.active and not self._show_left:
            return False
        if self._search and self._search not in folded:
            return False
        if self._team is not None and row.team != self._team:
            return False
        return self._supervisor is None or row.supervisor_id == self._supervisor
