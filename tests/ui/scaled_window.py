"""Run by ``test_scaling`` in a process of its own, with ``QT_SCALE_FACTOR`` set (Qt reads it
once, when the application starts) and an offscreen screen of the laptop's physical size:
each demo role's main window is opened as the app opens it, then every file on its staff
list by a click, and what did not fit is printed as JSON.

    python -m tests.ui.scaled_window FOLDER ROLE [ROLE ...]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def settle(until: Callable[[], bool] = lambda: True, seconds: float = 20) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    for _ in range(3):
        QApplication.processEvents()
    while not until() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(3):
        QApplication.processEvents()


def status_bar_on_screen(window: Any) -> bool:
    """The status bar is shown and all of it lies within the screen's free area."""
    bar = window.statusBar()
    area = window.screen().availableGeometry()
    corners = (bar.mapToGlobal(bar.rect().topLeft()), bar.mapToGlobal(bar.rect().bottomRight()))
    return bar.isVisible() and all(area.contains(corner) for corner in corners)


def check_role(db: Path, role: str) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from supervision_audit.demo import DEMO_PASSWORD
    from supervision_audit.services.signin import sign_in
    from supervision_audit.ui.app import create_main_window
    from supervision_audit.ui.common.layout_checks import fits_screen, scrolls_sideways
    from tests.ui.driving import click_row

    opened = sign_in(db, role, DEMO_PASSWORD)
    window = create_main_window(opened.store, opened.actor)
    area = window.screen().availableGeometry()
    window.show()
    settle(lambda: window.dashboard is None or not window.dashboard.loading)
    seen: dict[str, Any] = {"screen": [area.width(), area.height()],
                            "window_fits": fits_screen(window, area.width(), area.height()),
                            "sideways": {}}
    frame = window.frameGeometry().size() - window.geometry().size()
    window.resize(area.size() - frame)  # as large as the screen allows (maximised)
    window.move(area.topLeft())
    settle()
    seen["status_bar_on_screen"] = status_bar_on_screen(window)
    seen["pages_sideways"] = scrolls_sideways(window.page_scroll)
    seen["lists_sideways"] = {}
    tiles = window.dashboard.tiles if window.dashboard is not None else {}
    for title, tile in tiles.items():  # each tile opens its list (the audit queue is wider)
        QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
        settle()
        seen["lists_sideways"][title] = scrolls_sideways(window.page_scroll)
    bar = window.pages.tabBar()
    if bar.isVisible():  # to the files, by their tab
        tab = window.pages.indexOf(window.splitter)
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         bar.tabRect(tab).center())
        settle()
    view = window.file_view
    names = window.staff_page.visible_names() if window.staff_page.isVisible() else []
    if not names:  # a supervisee's own file, open from the start
        names = [view.file.name] if view.file is not None else []
    for name in names:
        if window.staff_page.isVisible():
            click_row(window.staff_page.view, name)
        settle(lambda shown=name: view.file is not None and view.file.name == shown
               and view.width() >= view.minimumSizeHint().width())
        body = view.scroll.widget()
        least = body.minimumSizeHint().width()
        sideways = (scrolls_sideways(view.scroll) or scrolls_sideways(window.page_scroll)
                    or (f"the file is {body.width()} wide, less than its {least}"
                        if body.width() < least else None))
        seen["sideways"][name] = sideways
    seen["status_bar_on_screen_in_files"] = status_bar_on_screen(window)
    window.close()
    opened.store.close()
    return seen


def main(argv: list[str]) -> int:
    folder, roles = Path(argv[0]), argv[1:]
    from supervision_audit.demo import create_demo
    from supervision_audit.ui.app import application
    from supervision_audit.ui.common import messages

    def say(_parent: object, title: str, text: str, *_args: object) -> None:
        print(f"message: {title}: {text}", file=sys.stderr)

    for kind in ("show_error", "show_critical", "show_info", "about"):
        setattr(messages, kind, say)  # a message box would wait for a click nobody makes
    app = application([sys.argv[0]])
    db = folder / "demo.sqlite"
    opened, _recovery = create_demo(db, encrypted=False)
    opened.store.close()
    seen = {role: check_role(db, role) for role in roles}
    app.processEvents()
    print(json.dumps({"scale": app.primaryScreen().devicePixelRatio(), "roles": seen}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
