"""Small pieces the monitoring-sheet and caseload panels share: the problem
labels beside form fields, a table that grows with its rows, and a confirmation that tests
can replace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
)

from supervision_audit.errors import Problem
from supervision_audit.ui.common.style import problem_label, show_problem

CELL_MARGINS = 16  # room a cell leaves beside its text (Qt's is 3 to 6 pixels each side)

Today = Callable[[], date]


def grow_to_fit(window: QWidget) -> None:
    """Make a shown window tall enough for its contents (after messages appeared in it)."""
    layout = window.layout()
    if layout is None or not window.isVisible():
        return
    layout.activate()
    need = (layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth()
            else layout.totalSizeHint().height())
    if window.height() < need:
        window.resize(window.width(), need)


class FieldProblems:
    """Red messages beside form fields, keyed by the field names the services use.

    A problem for a field without its own label is shown in the ``general`` label.
    """

    def __init__(self, *names: str) -> None:
        self.labels: dict[str, QLabel] = {}
        for name in (*names, "general"):
            label = problem_label()
            label.setObjectName(f"{name}_problem")
            self.labels[name] = label

    def __getitem__(self, name: str) -> QLabel:
        return self.labels[name]

    def clear(self) -> None:
        for label in self.labels.values():
            show_problem(label, "")

    def show(self, problems: list[Problem]) -> None:
        self.clear()
        found: dict[str, list[str]] = {}
        for problem in problems:
            key = problem.field if problem.field in self.labels else "general"
            found.setdefault(key, []).append(problem.message)
        for key, texts in found.items():
            show_problem(self.labels[key], "\n".join(texts))
        grow_to_fit(self.labels["general"].window())

    def text(self, name: str) -> str:
        label = self.labels[name]
        return "" if label.isHidden() else label.text()

    def first(self) -> str | None:
        """The name of the first field with a message shown, if any."""
        for name, label in self.labels.items():
            if not label.isHidden():
                return name
        return None


class RecordTable(QTableView):
    """A read-only table of whole rows that grows with its rows (up to ``max_rows``), for a
    page that scrolls as a whole. Enter or Return emits ``entered``. With ``wrap``, long text
    wraps and a row grows to hold it."""

    entered = Signal()

    def __init__(self, max_rows: int = 14, wrap: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self.wrap = wrap
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(wrap)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft
                                                    | Qt.AlignmentFlag.AlignVCenter)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_rows)
        if wrap:
            self.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.currentIndex().isValid():
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def fit_rows(self) -> None:
        """Make the table as tall as its rows (at least 3, at most ``max_rows``)."""
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        least = self.verticalHeader().defaultSectionSize()
        if self.wrap:
            bold = QFont(self.font())
            bold.setBold(True)
            metrics = QFontMetrics(bold)  # bold: the widest a cell's text is shown
            header = self.horizontalHeader()
            room = [header.sectionSize(c) - CELL_MARGINS for c in range(model.columnCount())]
            for row in range(rows):
                height = max(least, self.sizeHintForRow(row) + 8) \
                    if self._may_wrap(row, metrics, room) else least
                if self.rowHeight(row) != height:
                    self.setRowHeight(row, height)
        heights = [self.rowHeight(row) for row in range(min(rows, self.max_rows))]
        heights += [least] * max(0, 3 - len(heights))
        height = (self.horizontalHeader().sizeHint().height() + sum(heights)
                  + 2 * self.frameWidth())
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def _may_wrap(self, row: int, metrics: QFontMetrics, room: list[int]) -> bool:
        """Whether a cell of ``row`` may need more than one line: its text has a line break
        or is wider than ``room`` (its column less the margins). The other rows are one line
        high; asking the delegate about them (every role of every cell, through Python) is
        what made a long sheet slow to show."""
        model = self.model()
        for column, width in enumerate(room):
            text = model.index(row, column).data()
            if text and ("\n" in str(text) or metrics.horizontalAdvance(str(text)) > width):
                return True
        return False

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.height())

    def set_widths(self, samples: dict[int, str], stretch: int) -> None:
        """Size each column to fit its header and the sample text given for it; the
        ``stretch`` column takes the room that is left."""
        header = self.horizontalHeader()
        model = self.model()
        metrics = self.fontMetrics()
        bold = header.fontMetrics()
        for column in range(model.columnCount()):
            if column == stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(max(bold.horizontalAdvance(line) for line in title.split("\n")) + 28,
                        metrics.horizontalAdvance(samples.get(column, "")) + 24)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(40)


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before doing something that cannot be undone (tests replace this)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is yes
