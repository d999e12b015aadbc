"""Moving between the main window's panes from the keyboard.

F6 moves the focus to the next pane and Shift+F6 to the one before, as desktop programs do:
on the "Staff and files" page the panes are the page tabs, the staff list and the open file;
on the dashboard, the page tabs and the dashboard. A pane gets back the control that last had
the focus in it, else its first control. Enter on a person in the staff list (or Ctrl+Shift+O
from anywhere) puts the focus on the first control of their file, and so does opening a
person from the dashboard; Find (Ctrl+F) from the dashboard goes to the staff search.

The window needs ``pages`` (a QTabWidget), ``splitter`` (the staff-and-files page),
``staff_page``, ``file_view`` and ``dashboard``; ``install_pane_navigation`` adds the
actions to the window (and to its View menu when it has one).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

NEXT_PANE = "F6"
PREVIOUS_PANE = "Shift+F6"
GO_TO_FILE = "Ctrl+Shift+O"


def takes_tab_focus(widget: QWidget) -> bool:
    """Whether Tab can put the focus on ``widget`` as it is now shown."""
    return (widget.isVisible() and widget.isEnabled() and widget.focusProxy() is None
            and bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value))


def first_control(container: QWidget) -> QWidget | None:
    """The first widget inside ``container``, in Tab order, that can take the focus."""
    widget = container.nextInFocusChain()
    while widget is not None and widget is not container:
        if container.isAncestorOf(widget) and takes_tab_focus(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


class PaneNavigator(QObject):
    """The F6 / Shift+F6 / Ctrl+Shift+O actions of one main window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._last: dict[int, QWidget] = {}  # pane (by id) -> the control last focused in it
        self.next_action = self._action("Next pane", NEXT_PANE, lambda: self.move(1))
        self.previous_action = self._action("Previous pane", PREVIOUS_PANE,
                                            lambda: self.move(-1))
        self.file_action = self._action("Go to the &file", GO_TO_FILE, self.focus_file)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        # with one page the tab bar hides itself, and Qt's Tab then stuck trying to give the
        # hidden bar the focus: the tabs take the focus only while they show
        self._tab_bar = window.pages.tabBar()  # type: ignore[attr-defined]
        self._tab_bar.installEventFilter(self)
        self._tabs_take_focus()
        if getattr(window, "dashboard", None) is not None:  # not every role has one
            window.dashboard.open_person.connect(lambda _id: self.focus_file())
        window.staff_page.activated.connect(lambda _id: self.focus_file())
        find = getattr(window, "find_action", None)
        if isinstance(find, QAction):  # from the dashboard the search is on the other page
            find.triggered.connect(lambda _checked=False: self.find_person())

    def _action(self, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.window.addAction(action)
        return action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._tab_bar and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._tabs_take_focus()
        return False

    def _tabs_take_focus(self) -> None:
        shown = not self._tab_bar.isHidden()
        self.window.pages.setFocusPolicy(  # type: ignore[attr-defined]
            Qt.FocusPolicy.TabFocus if shown else Qt.FocusPolicy.NoFocus)

    def actions(self) -> list[QAction]:
        return [self.next_action, self.previous_action, self.file_action]

    # -- panes ------------------------------------------------------------------------
    def panes(self) -> list[QWidget]:
        """The panes of the page shown, in the order F6 visits them."""
        w = self.window
        page = w.pages.currentWidget()  # type: ignore[attr-defined]
        tabs = w.pages.tabBar()  # type: ignore[attr-defined]
        if page is w.splitter:  # type: ignore[attr-defined]
            return [tabs, w.staff_page, w.file_view]  # type: ignore[attr-defined]
        return [tabs, page]

    def current_pane(self) -> QWidget | None:
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        for pane in self.panes():
            if pane is focus or pane.isAncestorOf(focus):
                return pane
        return None

    def move(self, step: int) -> QWidget | None:
        """Focus the next (``step`` 1) or previous (-1) pane that has a control; the control."""
        panes = self.panes()
        current = self.current_pane()
        start = panes.index(current) if current in panes else (-1 if step > 0 else 0)
        for offset in range(1, len(panes) + 1):
            pane = panes[(start + step * offset) % len(panes)]
            target = self._remembered(pane) or self._entry(pane)
            if target is not None:
                self._focus(target)
                return target
        return None

    def focus_file(self) -> QWidget | None:
        """Show the staff-and-files page and focus the first control of the open file."""
        w = self.window
        if w.pages.currentWidget() is not w.splitter:  # type: ignore[attr-defined]
            w.pages.setCurrentWidget(w.splitter)  # type: ignore[attr-defined]
        target = self._entry(w.file_view)  # type: ignore[attr-defined]
        if target is not None:  # the file from its top, as far down as the focus needs
            w.file_view.scroll.verticalScrollBar().setValue(0)  # type: ignore[attr-defined]
            self._focus(target)
        return target

    def find_person(self) -> None:
        """Show the staff-and-files page with the cursor in the staff search."""
        w = self.window
        if w.pages.currentWidget() is not w.splitter:  # type: ignore[attr-defined]
            w.pages.setCurrentWidget(w.splitter)  # type: ignore[attr-defined]
        w.staff_page.focus_search()  # type: ignore[attr-defined]

    def _entry(self, pane: QWidget) -> QWidget | None:
        if pane is getattr(self.window, "file_view", None):
            body = pane.currentWidget()  # type: ignore[attr-defined]
            inner = getattr(body, "widget", lambda: None)()
            return first_control(inner) if inner is not None else None
        if takes_tab_focus(pane):
            return pane
        return first_control(pane)

    def _remembered(self, pane: QWidget) -> QWidget | None:
        widget = self._last.get(id(pane))
        if widget is None or not shiboken6.isValid(widget):
            return None
        if (pane is widget or pane.isAncestorOf(widget)) and takes_tab_focus(widget):
            return widget
        return None

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        scroll = getattr(self.window.file_view, "scroll", None)  # type: ignore[attr-defined]
        if scroll is not None and scroll.isAncestorOf(widget):
            scroll.ensureWidgetVisible(widget, 16, 40)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not shiboken6.isValid(self) or new.window() is not self.window:
            return
        for pane in self.panes():
            if pane is new or pane.isAncestorOf(new):
                self._last[id(pane)] = new
                return


def install_pane_navigation(window: QMainWindow) -> PaneNavigator:
    """Give ``window`` its pane keys; they are listed in its View menu when it has one."""
    navigator = PaneNavigator(window)
    menu = getattr(window, "view_menu", None)
    if isinstance(menu, QMenu):
        menu.addSeparator()
        menu.addActions(navigator.actions())
    return navigator
