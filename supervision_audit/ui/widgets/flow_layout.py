"""A row of buttons that wraps onto a second line when the pane is narrow, instead of
making the whole file scroll sideways (the file must fit a 1280-pixel laptop screen)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    """Lays its items out left to right and starts a new line when the next does not fit.
    Its smallest width is its widest item's, so a pane holding it may be that narrow.
    ``stretch_at`` (an item's index, from ``add_stretch``) pushes what follows it to the
    right-hand end of the line when the whole row fits on one line."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch_at: int | None = None
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # -- filling ----------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def add_widgets(self, *widgets: QWidget) -> None:
        for widget in widgets:
            self.addWidget(widget)

    def add_stretch(self) -> None:
        """What is added after this goes to the right-hand end while the row fits."""
        self._stretch_at = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if 0 <= index < len(self._items):
            if self._stretch_at is not None and index < self._stretch_at:
                self._stretch_at -= 1
            return self._items.pop(index)
        return None

    # -- sizing -----------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self.spacing() * max(
            len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size.grownBy(self.contentsMargins())

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _arrange(self, rect: QRect, move: bool) -> int:
        margins: QMargins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        spacing = self.spacing()
        lines: list[list[QLayoutItem]] = [[]]
        x = 0
        for item in self._items:
            if item.isEmpty():
                continue
            width = item.sizeHint().width()
            if lines[-1] and x + width > area.width():
                lines.append([])
                x = 0
            lines[-1].append(item)
            x += width + spacing
        y = area.y()
        one_line = len(lines) == 1
        for line in lines:
            height = max((i.sizeHint().height() for i in line), default=0)
            if move:
                self._place(line, area, y, height, one_line)
            y += height + spacing
        return y - spacing - area.y() + margins.top() + margins.bottom() if lines[0] else 0

    def _place(self, line: list[QLayoutItem], area: QRect, y: int, height: int,
               one_line: bool) -> None:
        spacing = self.spacing()
        right: list[QLayoutItem] = []
        if one_line and self._stretch_at is not None:
            shown_before = [i for i in self._items[:self._stretch_at] if not i.isEmpty()]
            right = [i for i in line if i not in shown_before]
        x = area.x()
        for item in line:
            if item in right:
                break
            size = item.sizeHint()
            item.setGeometry(QRect(QPoint(x, y + (height - size.height()) // 2), size))
            x += size.width() + spacing
        x = area.right() + 1
        for item in reversed(right):
            size = item.sizeHint()
            x -= size.width()
            item.setGeometry(QRect(QPoint(x, y + (height - size.height()) // 2), size))
            x -= spacing


def button_row(*widgets: QWidget, right: tuple[QWidget, ...] = (), spacing: int = 8
               ) -> FlowLayout:
    """A wrapping row of ``widgets``, then ``right`` at the right-hand end."""
    row = FlowLayout(spacing=spacing)
    row.add_widgets(*widgets)
    if right:
        row.add_stretch()
        row.add_widgets(*right)
    for widget in (*widgets, *right):
        policy = widget.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        widget.setSizePolicy(policy)
    return row

