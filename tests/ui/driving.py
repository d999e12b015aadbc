"""Driving widgets the way a person does: clicks on the row a person sees, keys on the
widget that has the focus. Tests use these rather than calling slots or ``select()``."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTreeWidget, QTreeWidgetItem


def _index_of(view: QAbstractItemView, text: str, column: int = 0) -> QModelIndex:
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, column)
        if index.data() == text:
            return index
    raise AssertionError(f"no row {text!r} in {view.objectName()}: "
                         f"{[model.index(r, column).data() for r in range(model.rowCount())]}")


def click_index(view: QAbstractItemView, index: QModelIndex, *, double: bool = False,
                button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> QPoint:
    """Click (or double-click) the middle of ``index`` as drawn on ``view``'s viewport."""
    view.scrollTo(index)
    QApplication.processEvents()
    rect = view.visualRect(index)
    assert rect.isValid() and view.viewport().rect().contains(rect.center()), \
        f"{index.data()!r} is not on screen"
    point = rect.center()
    QTest.mouseClick(view.viewport(), button, Qt.KeyboardModifier.NoModifier, point)
    if double:
        QTest.mouseDClick(view.viewport(), button, Qt.KeyboardModifier.NoModifier, point)
    QApplication.processEvents()
    return point


def click_row(view: QAbstractItemView, text: str, column: int = 0, *,
              double: bool = False) -> QPoint:
    """Click the row whose ``column`` shows ``text``."""
    return click_index(view, _index_of(view, text, column), double=double)


def click_tree_item(tree: QTreeWidget, item: QTreeWidgetItem, *, double: bool = False
                    ) -> QPoint:
    return click_index(tree, tree.indexFromItem(item), double=double)


def right_click_row(view: QAbstractItemView, text: str, column: int = 0) -> QPoint:
    """Open the context menu of the row whose ``column`` shows ``text`` (a right click: the
    row is chosen, then the menu asked for at that point)."""
    index = _index_of(view, text, column)
    point = click_index(view, index, button=Qt.MouseButton.RightButton)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                              view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    return point
