"""The main window on a small screen (a 1280×720 laptop at 150 % or 200 % is 853×480 or
640×360 logical pixels): the pages scroll up and down when the window is shorter than a
page, and panes that sit side by side (the staff list and the file; the dashboard's lists
and chart, and its tiles) go one above the other when the window is too narrow for both,
so that nothing scrolls sideways and the status bar stays on screen. The control with the
focus is scrolled into view (the keys that move into the file, Tab), never left hidden below
the window's edge. With the staff list above the file, a click on a person scrolls down to
their file, and the hint while nobody is chosen says the list is above."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStyle,
    QTabWidget,
    QWidget,
)

from supervision_audit.ui.common.layout_checks import stack_when_narrow


def page_scroll(pages: QTabWidget) -> QScrollArea:
    """``pages`` in an area that scrolls when the window is smaller than a page. It takes
    no focus and draws no frame: at a usual size it is not seen at all."""
    scroll = QScrollArea()
    scroll.setObjectName("page_scroll")
    scroll.setAccessibleName("Pages")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidgetResizable(True)
    scroll.setWidget(pages)
    return scroll


class ScreenFit(QObject):
    """Keeps the window's panes fitted to its width: when it is shown or resized, and when
    ``fit`` is asked for because a page's content changed (a wider file, new tiles)."""

    def __init__(self, window: QMainWindow, scroll: QScrollArea) -> None:
        super().__init__(window)
        self.window = window
        self.scroll = scroll
        self.timer = QTimer(self, singleShot=True, interval=0)  # one fit per turn
        self.timer.timeout.connect(self.fit)
        window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        staff_page = getattr(window, "staff_page", None)
        if staff_page is not None:  # a click on a person (the keys move the focus there)
            staff_page.view.clicked.connect(
                lambda _index: QTimer.singleShot(0, self, self.show_file))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and shiboken6.isValid(self) and new.window() is self.window:
            # after the file's own scrolling to it has happened
            QTimer.singleShot(0, self, lambda: self.show_focus(new))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self.timer.start()
        return False

    def room(self) -> int:
        """The width a page has when the pages fill the window's width (a vertical scroll
        bar allowed for, so that its coming and going changes nothing)."""
        pages: QTabWidget = self.scroll.widget()  # type: ignore[assignment]
        page = pages.currentWidget()
        tab_frame = pages.width() - page.width() if page is not None else 0
        bar = self.window.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return self.scroll.width() - bar - tab_frame

    def fit(self) -> None:
        room = self.room()
        window = self.window
        dashboard = getattr(window, "dashboard", None)
        if dashboard is not None:
            dashboard.fit_width(room)
        stacked = stack_when_narrow(window.splitter, room)  # type: ignore[attr-defined]
        file_view = getattr(window, "file_view", None)
        if file_view is not None:
            file_view.set_list_above(stacked)

    def show_file(self) -> None:
        """With the staff list above the file, scroll the pages down to the top of the file
        (once the person chosen is shown in it); side by side, nothing to do."""
        splitter = getattr(self.window, "splitter", None)
        if (not shiboken6.isValid(self) or splitter is None
                or splitter.orientation() != Qt.Orientation.Vertical):
            return
        content = self.scroll.widget()
        file_side = splitter.widget(1)
        if file_side is None or not content.isAncestorOf(file_side):
            return
        bar = self.scroll.verticalScrollBar()
        bar.setValue(min(file_side.mapTo(content, QPoint(0, 0)).y(), bar.maximum()))

    def show_focus(self, widget: QWidget | None) -> None:
        """Scroll the pages so that ``widget``, which has the focus, is in view: the part
        of it that its own scrolling area (the file's) shows."""
        if (widget is None or not shiboken6.isValid(self) or not shiboken6.isValid(widget)
                or not self.scroll.widget().isAncestorOf(widget)):
            return
        content = self.scroll.widget()
        shown = QRect(widget.mapTo(content, QPoint(0, 0)), widget.size())
        parent = widget.parentWidget()
        while parent is not None and parent is not content:
            if isinstance(parent, QAbstractScrollArea):
                viewport = parent.viewport()
                shown = shown.intersected(QRect(viewport.mapTo(content, QPoint(0, 0)),
                                                viewport.size()))
            parent = parent.parentWidget()
        if not shown.isEmpty():
            centre = shown.center()
            self.scroll.ensureVisible(centre.x(), centre.y(), shown.width() // 2 + 8,
                                      shown.height() // 2 + 8)
