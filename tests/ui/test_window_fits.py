"""The window and its dialogs fit a 1280×720 laptop screen: nothing is cut off and the
supervision file never scrolls sideways, whoever's file is open and however the staff list
was last widened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.common.layout_checks import scrolls_sideways
from tests.ui.driving import click_row

SCREEN = (1280, 720)
SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")


@pytest.fixture
def window(qtbot, store, actor, people):
    made = create_main_window(store, actor)
    qtbot.addWidget(made)
    made.resize(*SCREEN)
    made.show()
    qtbot.waitExposed(made)
    made.pages.setCurrentWidget(made.splitter)
    return made


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("staff_width", [None, 900])
def test_no_file_scrolls_sideways_at_1280_wide(qtbot, window, staff_width) -> None:
    if staff_width is not None:  # a staff list widened last time, as restored
        window.splitter.setSizes([staff_width, SCREEN[0] - staff_width])
    view = window.file_view
    for name in window.staff_page.visible_names():  # the ASYE file shows its year too
        click_row(window.staff_page.view, name)
        _settle()
        # a file wider than the last (the ASYE year) widens its pane once the splitter has
        # laid out again, which may take a turn of the event loop more
        qtbot.waitUntil(lambda: view.width() >= view.minimumSizeHint().width(), timeout=2000)
        assert window.file_view.file.name == name
        assert scrolls_sideways(window.file_view.scroll) is None, name
        body = window.file_view.scroll.widget()
        assert body.width() >= body.minimumSizeHint().width(), name


def test_a_small_window_puts_the_file_under_the_staff_list(qtbot, window) -> None:
    """A window as small as a 1280×720 laptop at 200 % (640×360 logical pixels) keeps its
    status bar on show and scrolls its pages up and down: the staff list goes above the file,
    so that neither scrolls sideways, nor does the dashboard. Enter on a person scrolls the
    first control of their file into view. Made wide again, the window puts them side by
    side again."""
    window.resize(640, 360)
    vertical = Qt.Orientation.Vertical
    qtbot.waitUntil(lambda: window.splitter.orientation() == vertical, timeout=3000)
    assert window.statusBar().isVisible()
    assert window.statusBar().geometry().bottom() < window.height()
    view = window.file_view
    for name in window.staff_page.visible_names():
        click_row(window.staff_page.view, name)
        _settle()
        assert view.file.name == name
        assert scrolls_sideways(view.scroll) is None, name
        assert scrolls_sideways(window.page_scroll) is None, name
    window.staff_page.view.setFocus()
    QTest.keyClick(window.staff_page.view, Qt.Key.Key_Return)  # into the file: in view
    focused = QApplication.focusWidget()
    assert focused is not None and window.file_view.isAncestorOf(focused)
    viewport = window.page_scroll.viewport()
    qtbot.waitUntil(lambda: viewport.rect().contains(
        focused.mapTo(viewport, focused.rect().center())), timeout=3000)
    if window.dashboard is not None:  # its tiles in more rows where they need them
        window.pages.setCurrentWidget(window.dashboard)
        qtbot.waitUntil(lambda: bool(window.dashboard.tiles), timeout=5000)
        for title, tile in window.dashboard.tiles.items():  # each opens its list
            qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
            _settle()
            assert scrolls_sideways(window.page_scroll) is None, title
    window.resize(*SCREEN)
    horizontal = Qt.Orientation.Horizontal
    qtbot.waitUntil(lambda: window.splitter.orientation() == horizontal, timeout=3000)


def test_at_640_wide_a_click_on_a_person_scrolls_down_to_their_file(qtbot, window) -> None:
    """With the staff list above the file (a laptop at 200 %), the hint says the list is
    above, and a click on a person brings their file into view below it; side by side again,
    the hint says the list is on the left."""
    hint = window.file_view.placeholder
    assert hint.text() == "Choose a person on the left to see their supervision file."
    window.resize(640, 360)
    qtbot.waitUntil(lambda: window.splitter.orientation() == Qt.Orientation.Vertical,
                    timeout=3000)
    assert window.file_view.currentWidget() is hint and hint.isVisible()
    assert hint.text() == "Choose a person above to see their supervision file."
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "narrow_nobody_chosen.png"))
    bar = window.page_scroll.verticalScrollBar()  # the pages scroll, once laid out
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    assert bar.value() == 0
    viewport = window.page_scroll.viewport()
    file_top = window.file_view.mapTo(viewport, window.file_view.rect().topLeft())
    assert file_top.y() > viewport.height() // 2
    names = window.staff_page.visible_names()
    click_row(window.staff_page.view, names[-1])
    assert window.file_view.file.name == names[-1]
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
    top = window.file_view.mapTo(viewport, window.file_view.rect().topLeft())
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "narrow_file_shown.png"))
    assert viewport.rect().contains(top)  # the top of the file in view, moved up
    assert top.y() < file_top.y()
    # as far up as the pages go: the file's top at the top, or the pages scrolled to the end
    assert top.y() <= 2 or bar.value() == bar.maximum()
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: window.splitter.orientation() == Qt.Orientation.Horizontal,
                    timeout=3000)
    assert hint.text() == "Choose a person on the left to see their supervision file."
