"""Fields that hold lists: a table of rows (TABLE) and several of the choices (TAGS).

A table's cells are made by the same factories as the form's own fields, so a date in a
table is picked and checked as a date anywhere else is.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.forms import Field, Kind
from supervision_audit.forms.base import table_rows
from supervision_audit.ui.common.accessible import describe_field, plain
from supervision_audit.ui.common.style import NOTE, PROBLEM
from supervision_audit.ui.widgets.field_binding import Binding

VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


class WholeList(QListWidget):
    """A list as tall as all its rows at the width it is given, so that a form which
    scrolls does not hold a second, smaller scroll box (its rows wrap, so their height
    follows the width)."""

    def __init__(self) -> None:
        super().__init__()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._fitted_width = -1

    def fit(self) -> None:
        self.doItemsLayout()
        rows = self.contentsSize().height() if self.count() else 3 * self.fontMetrics().height()
        self.setFixedHeight(rows + 2 * self.frameWidth() + 4)
        self._fitted_width = self.viewport().width()
        # the scroll range was worked out for the old height: again once the new one holds
        QTimer.singleShot(0, self, self.updateGeometries)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.viewport().width() != self._fitted_width:
            self.fit()


class TagsBinding(Binding):
    """Check boxes in a list, one per choice. The choices may be set at run time
    (``set_choices``, e.g. the people who attended); a stored value no longer offered is
    still shown, so nothing is lost."""

    tall = True

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = WholeList()
        self.widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.widget.setWordWrap(True)
        self.widget.setAlternatingRowColors(True)
        self._readonly = False
        self.set_choices(field.choices)

    def set_choices(self, choices: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> None:
        chosen = self.value()
        self.widget.clear()
        for value, label in choices:
            self._add(value, label)
        self.set_value(chosen)
        self.widget.fit()

    def _add(self, value: Any, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(VALUE_ROLE, value)
        item.setCheckState(Qt.CheckState.Unchecked)
        self._set_checkable(item)
        self.widget.addItem(item)
        return item

    def _set_checkable(self, item: QListWidgetItem) -> None:
        flags = Qt.ItemFlag.ItemIsEnabled
        if not self._readonly:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)

    def _items(self) -> list[QListWidgetItem]:
        return [self.widget.item(i) for i in range(self.widget.count())]

    def value(self) -> list[Any]:
        return [item.data(VALUE_ROLE) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def set_value(self, value: Any) -> None:
        wanted = list(value) if isinstance(value, (list, tuple)) else []
        for item in self._items():
            item.setCheckState(Qt.CheckState.Unchecked)
        for entry in wanted:
            match = next((i for i in self._items() if i.data(VALUE_ROLE) == entry), None)
            if match is None:
                match = self._add(entry, self.field.choice_label(entry))
            match.setCheckState(Qt.CheckState.Checked)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.itemChanged.connect(lambda _item: slot())

    def set_readonly(self, readonly: bool) -> None:
        self._readonly = readonly
        for item in self._items():
            self._set_checkable(item)


class TableBinding(Binding):
    """Rows of the field's columns, each cell the widget of its column's kind, with buttons
    to add and remove rows (none when read-only). Blank rows are not part of the value."""

    tall = True

    def __init__(self, field: Field, make_cell: Callable[[Field], Binding]) -> None:
        super().__init__(field)
        self._make_cell = make_cell
        self._cell_makers: dict[str, Callable[[Field], Binding]] = {}  # a column's own
        self._rows: list[dict[str, Binding]] = []
        self._slot: Callable[[], None] | None = None
        self._readonly = False
        self._name = plain(field.label) or field.key  # for screen readers: "Action, Actions row 1"
        self.widget = QFrame()
        self.widget.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self.widget)
        outer.setContentsMargins(8, 6, 8, 8)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        outer.addLayout(self.grid)
        self.add_button = QPushButton("Add row")
        self.add_button.setObjectName(f"{field.key}_add_row")
        self.add_button.setAutoDefault(False)  # Return in a field above must not add a row
        self.add_button.clicked.connect(self._add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self._buttons = buttons
        self._rebuild([])

    # -- rows -------------------------------------------------------------------------
    def _rows_as_typed(self) -> list[dict[str, Any]]:
        return [{key: cell.value() for key, cell in row.items()} for row in self._rows]

    def _rebuild(self, rows: list[dict[str, Any]]) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._rows = []
        for col, column in enumerate(self.field.columns):
            star = (f" <span style='color:{PROBLEM}'>*</span>"
                    if column.required and not self._readonly else "")
            header = QLabel(html.escape(column.label, quote=False) + star)
            header.setStyleSheet(f"color: {NOTE};")
            header.setWordWrap(True)
            self.grid.addWidget(header, 0, col)
            self.grid.setColumnStretch(col, 0 if column.kind in (Kind.DATE, Kind.TIME) else 1)
        if not rows and not self._readonly:
            rows = [{}] * max(self.field.min_rows, 1)
        if not rows:
            empty = QLabel("Nothing yet.")
            empty.setStyleSheet("font-style: italic;")
            self.grid.addWidget(empty, 1, 0, 1, len(self.field.columns))
        for values in rows:
            self._add_row(values)
        self.add_button.setVisible(not self._readonly)
        full = self.field.max_rows is not None and len(self._rows) >= self.field.max_rows
        self.add_button.setEnabled(not full)

    def _add_row(self, values: dict[str, Any]) -> None:
        number = len(self._rows) + 1
        cells: dict[str, Binding] = {}
        for col, column in enumerate(self.field.columns):
            cell = self._cell_makers.get(column.key, self._make_cell)(column)
            cell.widget.setObjectName(f"{self.field.key}_{number}_{column.key}")
            cell.set_value(values.get(column.key))
            readonly = self._readonly or column.readonly
            cell.set_readonly(readonly)
            cell.set_accessible(f"{plain(column.label)}, {self._name} row {number}",
                                required=column.required and not readonly)
            if isinstance(cell.widget, QPlainTextEdit):
                line = cell.widget.fontMetrics().lineSpacing()
                cell.widget.setMinimumHeight(line * 2 + 12)
                cell.widget.setMaximumHeight(line * 4 + 12)
            if self._slot is not None:
                cell.connect_changed(self._slot)
            self.grid.addWidget(cell.widget, number, col, Qt.AlignmentFlag.AlignTop)
            cells[column.key] = cell
        if not self._readonly:
            remove = QToolButton()
            remove.setText("✕")
            remove.setObjectName(f"{self.field.key}_{number}_remove")
            remove.setToolTip("Remove this row")
            remove.setAccessibleName(f"Remove {self._name} row {number}")
            remove.clicked.connect(lambda _checked=False, i=number - 1: self._remove(i))
            self.grid.addWidget(remove, number, len(self.field.columns), Qt.AlignmentFlag.AlignTop)
        self._rows.append(cells)

    def use_cells(self, key: str, make: Callable[[Field], Binding]) -> None:
        """Make column ``key``'s cells with ``make`` (the rows typed so far are kept)."""
        self._cell_makers[key] = make
        self._rebuild(self._rows_as_typed())

    def add_beside_rows(self, widget: QWidget) -> None:
        """A button of the table's own, beside "Add row"."""
        self._buttons.insertWidget(1, widget)

    def add_row(self) -> None:
        self._rebuild(self._rows_as_typed() + [{}])
        self._changed()

    def _add_clicked(self) -> None:
        self._rebuild(self._rows_as_typed() + [{}])
        if self._rows:
            first = next(iter(self._rows[-1].values()))
            first.focus_target().setFocus()
        self._changed()

    def _remove(self, index: int) -> None:
        rows = self._rows_as_typed()
        del rows[index]
        self._rebuild(rows)
        self._changed()

    def _changed(self) -> None:
        if self._slot is not None:
            self._slot()

    def row_count(self) -> int:
        return len(self._rows)

    def cell(self, row: int, key: str) -> Binding:
        """The binding of one cell (rows from 0), for tests and focus."""
        return self._rows[row][key]

    # -- Binding ----------------------------------------------------------------------
    def value(self) -> list[dict[str, Any]]:
        return table_rows(self.field, self._rows_as_typed())

    def set_value(self, value: Any) -> None:
        self._rebuild(table_rows(self.field, value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self._slot = slot
        for row in self._rows:
            for cell in row.values():
                cell.connect_changed(slot)

    def set_accessible(self, name: str, *, required: bool = False) -> None:
        self._name = plain(name) or self.field.key
        self.add_button.setAccessibleName(f"Add a row to {self._name}")
        self._rebuild(self._rows_as_typed())  # the cells take the name

    def describe(self, *, required: bool = False, problem: str = "") -> None:
        """The table's problem is said on its first cell (where the focus goes)."""
        if not self._rows:
            describe_field(self.add_button, problem=problem)
            return
        column = self.field.columns[0]
        self._rows[0][column.key].describe(
            required=column.required and not (self._readonly or column.readonly),
            problem=problem)

    def focus_target(self) -> Any:
        if self._rows:
            return next(iter(self._rows[0].values())).focus_target()
        return self.add_button

    def set_readonly(self, readonly: bool) -> None:
        rows = self._rows_as_typed()
        self._readonly = readonly
        self._rebuild(table_rows(self.field, rows))
