"""The middle of a tall dialog (signing, a member of staff, the first run), which scrolls up
and down when the screen is too short for it (a 1280×720 laptop at 150 % is 480 logical
pixels high): the heading above it and the buttons below it stay in view. Where there is
room it is as tall as what it holds, so nothing scrolls.

Panes a dialog puts side by side go one above the other when it is too narrow for them
(the same laptop at 200 % is 640 logical pixels wide): ``stack_when_narrow`` turns a row
of panes, and ``WidthWatch`` calls back when a widget's width changes."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QLayout,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.ui.common.layout_checks import least_size

LEAST_HEIGHT = 120  # the least it shrinks to: a few lines of the form still show


class DialogBody(QScrollArea):
    """Holds ``layout``'s widgets; takes no focus (Tab goes through what it holds, and it
    scrolls to the field with the focus)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_body")
        self.setAccessibleName("Dialog contents")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("dialog_body_contents")
        self.body: QVBoxLayout = QVBoxLayout(inner)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.setWidget(inner)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the field with the focus in view, Tab or not
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and shiboken6.isValid(self) and self.widget().isAncestorOf(new):
            self.ensureWidgetVisible(new, 16, 16)

    def _bar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def room(self, width: int) -> int:
        """The width what it holds has when it is ``width`` wide (a scroll bar allowed for,
        so that its coming and going changes nothing)."""
        return width - self._bar()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """All of what it holds, with room for a scroll bar beside it."""
        inner = self.widget().sizeHint()
        return QSize(inner.width() + self._bar(), inner.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As wide as what it holds must be (it never scrolls sideways), a few lines high."""
        width, height = least_size(self.widget())
        return QSize(width + self._bar(), min(height, LEAST_HEIGHT))


def dialog_body(layout: QLayout) -> QVBoxLayout:
    """A ``DialogBody`` added to ``layout``, taking its spare height; what is added to the
    returned layout scrolls when the screen is short."""
    body = DialogBody()
    layout.addWidget(body)
    if isinstance(layout, QVBoxLayout):
        layout.setStretchFactor(body, 1)
    return body.body


def side_by_side_width(row: QBoxLayout) -> int:
    """How wide ``row`` must be to hold its shown panes side by side (the same whichever
    way they are now, so that turning the row never turns it back)."""
    shown = [item.widget() for item in (row.itemAt(i) for i in range(row.count()))
             if item.widget() is not None and not item.widget().isHidden()]
    margins = row.contentsMargins()
    return (sum(least_size(pane)[0] for pane in shown) + row.spacing() * max(0, len(shown) - 1)
            + margins.left() + margins.right())


def stack_when_narrow(row: QBoxLayout, room: int) -> bool:
    """The panes of ``row`` side by side when ``room`` holds them, else one above the other;
    True when they are one above the other."""
    stacked = side_by_side_width(row) > room
    wanted = QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
    if row.direction() != wanted:
        row.setDirection(wanted)
        layout: QObject | None = row
        while isinstance(layout, QLayout):  # the sizes the layouts above it keep, anew
            layout.invalidate()
            layout = layout.parent()
        widget = row.parentWidget()
        while widget is not None:  # and those of the widgets holding it (a scroll area)
            widget.updateGeometry()
            widget = None if widget.isWindow() else widget.parentWidget()
    return stacked


class WidthWatch(QObject):
    """Calls ``changed(width)`` when ``widget`` is shown or its width changes."""

    def __init__(self, widget: QWidget, changed: Callable[[int], None]) -> None:
        super().__init__(widget)
        self.widget, self.changed, self.width = widget, changed, -1
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget and event.type() in (QEvent.Type.Show, QEvent.Type.Resize) \
                and self.widget.width() != self.width:
            self.width = self.widget.width()
            self.changed(self.width)
        return False
