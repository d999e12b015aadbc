"""The window and its dialogs fit a 1280×720 laptop screen: nothing is cut off and the
supervision file never scrolls sideways, whoever's file is open and however the staff list
was last widened."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.common.layout_checks import scrolls_sideways
from tests.ui.driving import click_row

SCREEN = (1280, 720)


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
