"""Screenshots of the main screens as each demo role meets them, at laptop sizes and scales.

    .venv/bin/python -m scripts.screenshots --out shots \\
        [--sizes 1280x720,1440x900] [--scale 1,2] [--roles rachel,catherine,lucja,admin]

Linux, with ``xvfb-run`` installed: each size and scale runs in a process of its own on a
virtual screen of that size (times the scale, as a laptop at 150 % or 200 % is), with
``QT_SCALE_FACTOR`` set, since Qt reads both once at start. A demo store is made in a
temporary folder, with private settings and data folders, so nothing of the user's is read
or written. For each role it opens the screens that person uses, as they would (clicks on
the tiles, the staff list, the records), and saves ``SCALE-SIZE-ROLE-SCREEN.png``.

It prints each file it writes and, beside it, anything that does not fit: a window or dialog
whose least size is larger than the screen, or a file that scrolls sideways. The exit status
is 1 if anything did not fit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROLES = ("rachel", "catherine", "lucja", "admin")  # team, senior manager, worker, admin
TITLE_BAR = 30  # a window's title bar, which the virtual screen (no window manager) lacks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--sizes", default="1280x720,1440x900")
    parser.add_argument("--scale", default="1,2")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--here", action="store_true",
                        help="shoot on this display (one size, one scale) instead of a "
                             "virtual screen each")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    roles = [r for r in args.roles.split(",") if r]
    if args.here:
        width, height = (int(n) for n in args.sizes.split(",")[0].lower().split("x"))
        with tempfile.TemporaryDirectory() as folder:
            return shoot(Path(folder), args.out, width, height,
                         os.environ.get("QT_SCALE_FACTOR", "1"), roles)
    failed = 0
    for scale in (s.strip() for s in args.scale.split(",") if s.strip()):
        for size in (s.strip() for s in args.sizes.split(",") if s.strip()):
            width, height = (int(n) for n in size.lower().split("x"))
            screen = f"{round(width * float(scale))}x{round(height * float(scale))}x24"
            env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "xcb"}
            failed |= subprocess.call(
                ["xvfb-run", "-a", "-s", f"-screen 0 {screen}", sys.executable, "-m",
                 "scripts.screenshots", "--here", "--out", str(args.out), "--sizes", size,
                 "--roles", ",".join(roles)], env=env)
    return 1 if failed else 0


def shoot(folder: Path, out: Path, width: int, height: int, scale: str,
          roles: list[str]) -> int:
    """Every role's screens at ``width`` × ``height`` (logical pixels) on this display."""
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder / "settings"))
    from supervision_audit.demo import DEMO_PASSWORD, create_demo
    from supervision_audit.services.signin import sign_in
    from supervision_audit.ui.app import application
    from supervision_audit.ui.common import messages

    def say(_parent: object, title: str, text: str, *_args: object) -> None:
        print(f"    message: {title}: {text}")

    for kind in ("show_error", "show_critical", "show_info", "about"):
        setattr(messages, kind, say)  # a message box would wait for a click nobody makes
    app = application([])
    db = folder / "demo.sqlite"
    opened, _recovery = create_demo(db, encrypted=False)
    opened.store.close()
    problems = 0
    for role in roles:
        signed_in = sign_in(db, role, DEMO_PASSWORD)
        try:
            for name, widget, fits in screens(signed_in, width, height - TITLE_BAR):
                path = out / f"{scale}x-{width}x{height}-{role}-{name}.png"
                widget.grab().save(str(path))
                print(path, "" if fits is None else f"  DOES NOT FIT: {fits}")
                problems += fits is not None
        finally:
            signed_in.store.close()
    app.processEvents()
    return 1 if problems else 0


def screens(opened: Any, width: int, height: int
            ) -> Iterator[tuple[str, Any, str | None]]:
    """(name, widget, what does not fit or None) for each screen of one person."""
    from PySide6.QtWidgets import QDialog

    from supervision_audit.ui.common.layout_checks import fits_screen, scrolls_sideways
    from supervision_audit.ui.main_window import MainWindow

    window = MainWindow(opened.store, opened.actor)
    window.resize(width, height)
    window.show()
    settle(lambda: window.dashboard is None or not window.dashboard.loading)
    yield "home", window, (scrolls_sideways(window.page_scroll)
                           or fits_screen(window, width, height))
    for name, step in journeys(window):
        try:
            shown = step()
        except Exception:  # one screen that cannot be reached does not stop the rest
            traceback.print_exc()
            continue
        settle()
        if isinstance(shown, QDialog):
            yield name, shown, fits_screen(shown, width, height)
            shown.reject()
            settle()
        elif shown is not None:
            sideways = (scrolls_sideways(window.file_view.scroll)
                        or scrolls_sideways(window.page_scroll))
            yield name, window, sideways or fits_screen(window, width, height)
    window.close()
    window.deleteLater()
    settle()


def journeys(window: Any) -> list[tuple[str, Callable[[], Any]]]:
    """The screens a person of this role reaches from the window, in the order they do,
    each reached by clicks on what they see."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window
    page = w.dashboard

    def click(widget: Any) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        settle()

    def click_row(view: Any, row: int) -> None:
        index = view.model().index(row, 0)
        view.scrollTo(index)
        settle()
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, view.visualRect(index).center())
        settle()

    def tile(title: str) -> Any:
        click(page.tiles[title])
        return w

    def open_file() -> Any:
        w.pages.setCurrentWidget(w.splitter)
        names = w.staff_page.visible_names()
        others = [n for n in names if n != w.actor.name] or names
        click_row(w.staff_page.view, names.index(others[0]))
        return w

    def choose_record() -> Any:
        table = w.records_panel.table
        if table.rowCount() == 0:
            return None
        w.file_view.scroll.ensureWidgetVisible(table)
        settle()
        click_row(table, 0)
        return w

    def open_record() -> Any:
        if choose_record() is None:
            return None
        w.records_panel.actions.open.trigger()
        return w.records_panel.dialog

    def dialog_of(trigger: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            trigger()
            settle()
            return w.dialog
        return run

    def import_staff() -> Any:
        """The import dialog with a file chosen: what it would add and change."""
        from supervision_audit.ui.staff.import_dialog import ImportDialog

        sheet = Path(tempfile.mkdtemp()) / "staff.csv"
        sheet.write_text(
            "staff_id,name,job_title,team,location,role,supervisor_id,employment_start,"
            "asye_start,email,phone\n"
            "P102,Daniel Osei,Senior Social Worker,Assessment Team,Riverside House,"
            "practitioner,T100,,,,\n"
            "P150,Nadia Hussain,Social Worker,Assessment Team,Riverside House,practitioner,"
            "T100,,,,\n", encoding="utf-8")
        ImportDialog.choose_file = staticmethod(lambda _parent, _start: sheet)  # type: ignore
        w.import_action.trigger()
        settle()
        click(w.dialog.choose_button)
        return w.dialog

    def sign_waiting() -> Any:
        if not w.waiting.open_current():
            return None
        return w.dialog

    def audit_queue() -> Any:
        return tile("Audits due")

    def start_audit() -> Any:
        queue = page.audit_queue
        if queue.table.rowCount() == 0:
            return None
        click(queue.button_at(0))
        return queue.dialog

    steps: list[tuple[str, Callable[[], Any]]] = []
    caps = w.caps
    if page is not None:
        busiest = max(page.tiles.values(), key=lambda t: t.count)
        steps.append(("dashboard-list", lambda: tile(busiest.section)))
        if caps.audits:
            steps += [("audit-queue", audit_queue), ("audit-dialog", start_audit),
                      ("audit-programme", dialog_of(w.programme_action.trigger))]
    if caps.supervisee_only:
        steps += [("sign-from-home", sign_waiting), ("record-dialog", open_record)]
    else:
        steps += [("file", open_file), ("file-record-chosen", choose_record),
                  ("record-dialog", open_record)]
    if caps.monthly_return:
        steps.append(("monthly-return", dialog_of(w.monthly_return_action.trigger)))
    if caps.manages_staff:
        steps += [("new-person", dialog_of(w.new_person_action.trigger)),
                  ("import-staff", import_staff),
                  ("accounts", dialog_of(w.accounts_action.trigger)),
                  ("backups", dialog_of(w.backups_action.trigger))]
    return steps


def settle(done: Callable[[], bool] = lambda: True, rounds: int = 250) -> None:
    """Let the window paint and its background work finish (up to five seconds)."""
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()
        if done():
            break
        QThread.msleep(20)
    for _ in range(5):
        QApplication.processEvents()


if __name__ == "__main__":
    sys.exit(main())
