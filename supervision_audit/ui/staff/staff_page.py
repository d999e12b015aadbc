"""The left-hand page: everyone on file, searchable and filterable by team and supervisor."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.services.staff import StaffRow
from supervision_audit.ui.common.style import note_label
from supervision_audit.ui.staff.staff_model import (
    ID_ROLE,
    StaffColumn,
    StaffFilterProxy,
    StaffTableModel,
)

ALL = "__all__"  # combo data meaning "no filter" (None cannot be told apart from "no data")
CELL_PADDING = 10  # a cell's margins beside its text (as Qt sizes a cell)
ROOMY_COLUMNS = (StaffColumn.NAME, StaffColumn.JOB_TITLE, StaffColumn.SUPERVISOR)
ROOMY_LIMIT = 260  # pixels: wider names and titles are elided


class StaffPage(QWidget):
    """Emits ``current_changed`` with the selected person's UUID (or None) and
    ``activated`` when a person is opened (Enter or double-click)."""

    current_changed = Signal(object)
    activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = StaffTableModel(parent=self)
        self.proxy = StaffFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setObjectName("staff_search")
        self.search.setPlaceholderText("Search by name  (Ctrl+F)")
        self.search.setAccessibleName("Search staff by name")
        self.search.setClearButtonEnabled(True)
        self.team_combo = QComboBox()
        self.team_combo.setObjectName("team_filter")
        self.supervisor_combo = QComboBox()
        self.supervisor_combo.setObjectName("supervisor_filter")
        for combo in (self.team_combo, self.supervisor_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)  # the list may be narrow on a laptop
        self.show_left = QCheckBox("Show people who have left")
        self.show_left.setObjectName("show_left")

        self.view = QTableView()
        self.view.setObjectName("staff_table")
        self.view.setAccessibleName("Staff")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(StaffColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # a double-click on a column's edge fits it to the first 200 rows, not to thousands
        header.setResizeContentsPrecision(200)
        self.count_label = note_label()
        self.count_label.setObjectName("staff_count")

        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        filters.addWidget(self.search, 0, 0, 1, 4)
        team_label = QLabel("&Team:")
        team_label.setBuddy(self.team_combo)
        supervisor_label = QLabel("Su&pervisor:")
        supervisor_label.setBuddy(self.supervisor_combo)
        filters.addWidget(team_label, 1, 0)
        filters.addWidget(self.team_combo, 1, 1)
        filters.addWidget(supervisor_label, 1, 2)
        filters.addWidget(self.supervisor_combo, 1, 3)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(filters)
        layout.addWidget(self.show_left)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._focus_table)
        self.team_combo.currentIndexChanged.connect(self._team_changed)
        self.supervisor_combo.currentIndexChanged.connect(self._supervisor_changed)
        self.show_left.toggled.connect(self._show_left_changed)
        # the selection, not the current row: a click makes the row current before it
        # selects it, so the current row's signal came while the old selection stood
        self.view.selectionModel().selectionChanged.connect(self._row_changed)
        self.view.activated.connect(self._activated)
        self._quiet = False  # True while the rows or filters change: one signal at the end
        self._fill_filters([], [])

    # -- data -------------------------------------------------------------------------
    def set_rows(self, rows: list[StaffRow], teams: list[str]) -> None:
        """Show ``rows`` (leavers included; the check box decides whether they show)."""
        keep = self.selected_id()
        self._quiet = True
        try:
            self.model.set_rows(rows)
            self._fill_filters(rows, teams)
            if keep is not None:
                self.select(keep)
        finally:
            self._quiet = False
        self._fit_columns()
        self.current_changed.emit(self.selected_id())
        self._update_count()

    def _fit_columns(self) -> None:
        """Each column as wide as its header or its widest text, measured on the longest
        texts of every row (not by asking the model about each of thousands of cells, as
        ``resizeColumnsToContents`` does); the names, job titles and supervisors get a
        little more room, up to a limit."""
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        for column in StaffColumn:
            widest = max((metrics.horizontalAdvance(text)
                          for text in self.model.longest_texts(column)), default=0)
            width = max(widest + CELL_PADDING, header.sectionSizeHint(column))
            if column in ROOMY_COLUMNS:
                width = min(width + 12, ROOMY_LIMIT)
            self.view.setColumnWidth(column, width)

    def _fill_filters(self, rows: list[StaffRow], teams: list[str]) -> None:
        team = self.team_combo.currentData()
        supervisor = self.supervisor_combo.currentData()
        self.team_combo.blockSignals(True)
        self.team_combo.clear()
        self.team_combo.addItem("All teams", ALL)
        for name in sorted(set(teams) | {r.team for r in rows if r.team}, key=str.casefold):
            self.team_combo.addItem(name, name)
        if any(not r.team for r in rows):
            self.team_combo.addItem("(no team)", "")
        self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(team)))
        self.team_combo.blockSignals(False)
        self.supervisor_combo.blockSignals(True)
        self.supervisor_combo.clear()
        self.supervisor_combo.addItem("All supervisors", ALL)
        bosses = {r.supervisor_id: r.supervisor_name for r in rows if r.supervisor_id}
        for boss_id, name in sorted(bosses.items(), key=lambda item: item[1].casefold()):
            self.supervisor_combo.addItem(name, str(boss_id))
        self.supervisor_combo.setCurrentIndex(max(0, self.supervisor_combo.findData(supervisor)))
        self.supervisor_combo.blockSignals(False)
        self._team_changed()
        self._supervisor_changed()

    # -- selection --------------------------------------------------------------------
    def selected_id(self) -> uuid.UUID | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def select(self, staff_uuid: uuid.UUID) -> bool:
        """Select a person if they are shown; True when they are."""
        source_row = self.model.row_of(staff_uuid)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def visible_names(self) -> list[str]:
        """The names shown, top to bottom."""
        return [self.proxy.index(r, StaffColumn.NAME).data() for r in range(self.proxy.rowCount())]

    def _focus_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        if self.selected_id() is None:
            self.view.selectRow(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _row_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._quiet:
            self.current_changed.emit(self.selected_id())

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(index.data(ID_ROLE))

    # -- filters ----------------------------------------------------------------------
    def _refilter(self, apply: Callable[[], None]) -> None:
        """Change a filter, keeping the chosen person if still shown, else choosing nobody
        (never a neighbour the filter happened to leave current)."""
        before = self.selected_id()
        quiet, self._quiet = self._quiet, True
        try:
            apply()
            if before is not None and not self.select(before):
                self.view.selectionModel().clear()
        finally:
            self._quiet = quiet
        after = self.selected_id()
        if after != before and not quiet:
            self.current_changed.emit(after)
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self._refilter(lambda: self.proxy.set_search(text))

    def _team_changed(self) -> None:
        team = self.team_combo.currentData()
        self._refilter(lambda: self.proxy.set_team(None if team in (ALL, None) else team))

    def _supervisor_changed(self) -> None:
        boss = self.supervisor_combo.currentData()
        self._refilter(lambda: self.proxy.set_supervisor(
            None if boss in (ALL, None) else uuid.UUID(boss)))

    def _show_left_changed(self, show: bool) -> None:
        self._refilter(lambda: self.proxy.set_show_left(show))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count_label.setText(f"{shown} {'person' if shown == 1 else 'people'} shown")
        else:
            self.count_label.setText(f"{shown} of {total} people shown")
