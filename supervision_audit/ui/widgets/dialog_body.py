"""The middle of a tall dialog (signing, a member of staff, the first run), which scrolls up
and down when the screen is too short for it (a 1280×720 laptop at 150 % is 480 logical
pixels high): the heading above it and the buttons below it stay in view. Where there is
room it is as tall as what it holds, so nothing scrolls."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
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
