"""Fitting the screen: a window's first size within the screen it opens on, and checks of
whether a window fits a screen (its smallest size against the screen's) and whether a scroll
area has to scroll sideways (used by the tests and by ``scripts/screenshots``)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


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
