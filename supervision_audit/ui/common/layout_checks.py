"""Fitting the screen: a window's first size within the screen it opens on, and checks of
whether a window fits a screen (its smallest size against the screen's) and whether a scroll
area has to scroll sideways (used by the tests and by ``scripts/screenshots``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractScrollArea, QSizePolicy, QSplitter, QWidget


def resize_within_screen(widget: QWidget, width: int, height: int, share: float = 0.92
                         ) -> None:
    """Give ``widget`` the size it would like, ``width`` × ``height``, or ``share`` of the
    screen it is on where that is smaller (a laptop's 1280×720)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    area = screen.availableGeometry()
    widget.resize(min(width, int(area.width() * share)), min(height, int(area.height() * share)))


def fits_screen(widget: QWidget, width: int, height: int) -> str | None:
    """None when ``widget`` can be as small as ``width`` x ``height``; else what is too big."""
    least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if widget.layout() is not None:
        least = least.expandedTo(widget.layout().totalMinimumSize())
    frame = widget.frameGeometry().size() - widget.geometry().size()
    too = []
    if least.width() + frame.width() > width:
        too.append(f"at least {least.width()} wide")
    if least.height() + frame.height() > height:
        too.append(f"at least {least.height()} high")
    return f"{widget.objectName() or type(widget).__name__}: " + ", ".join(too) if too else None


def scrolls_sideways(area: QAbstractScrollArea) -> str | None:
    """None when ``area`` shows all its width; else how far it scrolls sideways."""
    bar = area.horizontalScrollBar()
    if area.isVisible() and bar.maximum() > 0 and bar.isVisible():
        return f"{area.objectName() or type(area).__name__} scrolls {bar.maximum()} px sideways"
    return None


def least_size(widget: QWidget) -> tuple[int, int]:
    """The smallest width and height a layout gives ``widget``, as Qt reckons it: its
    minimum size hint where its size policy lets it shrink, else its size hint (a push
    button's width), and never less than its minimum size."""
    hint, least, policy = widget.sizeHint(), widget.minimumSizeHint(), widget.sizePolicy()
    shrinks = QSizePolicy.PolicyFlag.ShrinkFlag.value
    width = least.width() if policy.horizontalPolicy().value & shrinks else hint.width()
    height = least.height() if policy.verticalPolicy().value & shrinks else hint.height()
    return max(width, widget.minimumWidth()), max(height, widget.minimumHeight())


def side_by_side_width(splitter: QSplitter) -> int:
    """How wide ``splitter`` must be to hold its shown panes side by side."""
    panes = [splitter.widget(i) for i in range(splitter.count())]
    shown = [pane for pane in panes if not pane.isHidden()]
    return (sum(least_size(pane)[0] for pane in shown)
            + splitter.handleWidth() * max(0, len(shown) - 1))


def stack_when_narrow(splitter: QSplitter, width: int, share: float = 0.4) -> bool:
    """The panes of ``splitter`` side by side when ``width`` holds them, else one above the
    other (a laptop at 150 % or 200 %), the first taking ``share`` of the height when they
    change; True when they are one above the other."""
    stacked = side_by_side_width(splitter) > width
    wanted = Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal
    if splitter.orientation() != wanted:
        splitter.setOrientation(wanted)
        extent = splitter.height() if stacked else splitter.width()
        first = int(extent * share)
        splitter.setSizes([first, max(1, extent - first)])
    return stacked
