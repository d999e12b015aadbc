"""Reaching the open file from the keyboard: Enter on a person moves the focus into their
file, F6 and Shift+F6 move between the window's panes, Ctrl+Shift+O goes to the file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.window.pane_navigation import first_control


def _key(widget: QWidget | None, key: Qt.Key,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget | None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget or QApplication.focusWidget(), key, modifier)
    return QApplication.focusWidget()


@pytest.fixture
def window(qtbot, store, actor, people) -> MainWindow:
    win = create_main_window(store, actor)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitActive(win):
        win.activateWindow()
    win.pages.setCurrentWidget(win.splitter)
    return win


def _in(container: QWidget, widget: QWidget | None) -> bool:
    return widget is not None and (widget is container or container.isAncestorOf(widget))


def test_enter_on_a_person_puts_the_focus_on_the_first_control_of_their_file(
        window, qtbot) -> None:
    page = window.staff_page
    page.search.setFocus()
    qtbot.keyClicks(page.search, "Pat")
    assert _key(page.search, Qt.Key.Key_Return) is page.view  # Return in the search: the list
    assert window.file_view.file is not None and window.file_view.file.name == "Pat Worker"
    focus = _key(page.view, Qt.Key.Key_Return)
    # the first control of the file in Tab order (not the scroll area around it)
    assert _in(window.file_view.scroll.widget(), focus) and focus.isVisible()
    assert focus is first_control(window.file_view.scroll.widget())
    assert focus.objectName() == "new_contract"  # Pat has no contract yet: the one button


def test_f6_moves_between_the_tabs_the_staff_list_and_the_file_and_back(window, people) -> None:
    window.staff_page.select(people["P2"])
    window.staff_page.view.setFocus()
    first = _key(window.staff_page.view, Qt.Key.Key_F6)
    assert _in(window.file_view, first), first
    tabs = _key(first, Qt.Key.Key_F6)
    assert tabs is window.pages.tabBar()
    back = _key(tabs, Qt.Key.Key_F6)
    assert back is window.staff_page.view  # the control the list last had focused
    assert _key(back, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) is tabs
    assert _key(tabs, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier) is first


def test_the_file_shortcut_works_from_the_dashboard(window, people) -> None:
    window.staff_page.select(people["P1"])
    window.pages.setCurrentWidget(window.dashboard)
    window.pages.tabBar().setFocus()
    focus = _key(window.pages.tabBar(), Qt.Key.Key_O,
                 Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.pages.currentWidget() is window.splitter
    assert _in(window.file_view, focus)


def test_the_pane_keys_are_listed_in_the_view_menu(window) -> None:
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString()
                 for a in window.view_menu.actions()}
    assert shortcuts["Next pane"] == "F6"
    assert shortcuts["Previous pane"] == "Shift+F6"
    assert shortcuts["Go to the file"] == "Ctrl+Shift+O"


def test_find_from_the_dashboard_goes_to_the_staff_search(window) -> None:
    window.pages.setCurrentWidget(window.dashboard)
    window.pages.tabBar().setFocus()
    focus = _key(window.pages.tabBar(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.splitter
    assert focus is window.staff_page.search
