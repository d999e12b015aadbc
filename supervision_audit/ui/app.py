"""Starting the desktop app: the QApplication, the shipped fonts, the first run or the sign-in,
the main window, and signing in again after a sign-out."""

from __future__ import annotations

import gc
import sys
import traceback
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from supervision_audit import APP_NAME, __version__
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.paths import font_path
from supervision_audit.security.wipe import read_note
from supervision_audit.services.access import Actor
from supervision_audit.services.signin import OpenStore, is_encrypted, is_new
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.theme import apply_theme
from supervision_audit.ui.common.window_state import APPLICATION, ORGANISATION, app_settings
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.signin.first_run_dialog import FirstRunDialog
from supervision_audit.ui.signin.password_dialog import ChangePasswordDialog, must_change_password
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog, StoreNotOpened
from supervision_audit.ui.window.window_tools import WIPED_TITLE

APP_FONT_FAMILY = "DejaVu Sans"
APP_FONT_POINT_SIZE = 10
SHIPPED_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")


def load_fonts() -> list[str]:
    """Register the shipped fonts with Qt; the families that loaded."""
    families: list[str] = []
    for name in SHIPPED_FONTS:
        path = font_path(name)
        if not path.exists():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (made once), named for QSettings, with the app's font and icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv if argv is not None else sys.argv))
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    apply_theme(app)
    if APP_FONT_FAMILY in load_fonts() or APP_FONT_FAMILY in QFontDatabase.families():
        app.setFont(QFont(APP_FONT_FAMILY, APP_FONT_POINT_SIZE))
    return app


def create_main_window(store: Store, actor: Actor) -> MainWindow:
    """The main window of ``actor`` over an open store (not yet shown)."""
    return MainWindow(store, actor)


def settle_heap() -> None:
    """Once the window shows: what start-up made (modules, the window's objects) lives as
    long as the window, so it is set apart from Python's cyclic collector (``gc.freeze``).
    The collector then walks only what later work makes, and the organisation-wide figures
    (tens of thousands of rows) stop paying for walking the rest again and again."""
    gc.freeze()


def release_window_heap() -> None:
    """After the window has closed (sign out, restore): let the collector see it all again."""
    gc.unfreeze()
    gc.collect()


def _report_unexpected(kind: type[BaseException], exc: BaseException,
                       tb: TracebackType | None) -> None:
    """Last resort for a bug: the details go to stderr, the user gets words, not a traceback."""
    traceback.print_exception(kind, exc, tb)
    if isinstance(exc, SupervisionAuditError):
        text = str(exc)
    else:
        text = ("Something went wrong that Supervision Audit did not expect. Nothing has been "
                f"lost that was already saved.\n\n({kind.__name__}: {exc})")
    messages.show_critical(QApplication.activeWindow(), APP_NAME, text)


def wiped_text(db_path: Path) -> str | None:
    """What to tell someone opening a store that was wiped from this machine (a closed
    account's replica: its files are gone, a note says when and why), or None."""
    note = read_note(db_path)
    if note is None:
        return None
    return (f"{note}\n\nNothing was opened, and no new store was made in its place. Ask "
            "your administrator if this is wrong; if your account is opened again, make a "
            "new replica with 'replica init'.")


def _sign_in(db_path: Path) -> OpenStore | int:
    """Open the store: first run for a new one, else the sign-in. An exit code when nothing
    was opened (1 cancelled, 2 could not be opened, the reason shown). A replica wiped from
    this machine looks new, but its note is said instead of offering a first run there."""
    settings = app_settings()
    try:
        if is_new(db_path) and not is_encrypted(db_path):
            wiped = wiped_text(db_path)
            if wiped is not None:
                messages.show_critical(None, WIPED_TITLE, wiped)
                return 2
            opened = FirstRunDialog.ask(db_path)
        else:
            opened = SignInDialog.ask(db_path, str(settings.value("sign_in/username", "")))
    except StoreNotOpened:
        return 2
    except SupervisionAuditError as exc:
        messages.show_critical(None, APP_NAME, str(exc))
        return 2
    if opened is None:
        return 1
    settings.setValue("sign_in/username", opened.actor.username)
    try:
        if must_change_password(opened) and not ChangePasswordDialog.ask(opened, forced=True):
            opened.store.close()
            return 1
    except SupervisionAuditError as exc:
        opened.store.close()
        messages.show_critical(None, APP_NAME, str(exc))
        return 2
    return opened


def run_gui(db_path: Path, argv: list[str] | None = None) -> int:
    """Open the database at ``db_path`` (set it up on the first run, else sign in), show the
    main window and run until it closes; after a sign-out or a restore, sign in again.

    Returns the exit code: 0 normally, 1 when sign-in was cancelled, 2 when the database
    could not be opened (the reason is shown; nothing was opened).
    """
    app = application(argv)
    db_path = Path(db_path)
    previous_hook = sys.excepthook
    sys.excepthook = _report_unexpected
    try:
        while True:
            opened = _sign_in(db_path)
            if isinstance(opened, int):
                return opened
            try:
                window = create_main_window(opened.store, opened.actor)
                window.show()
                settle_heap()
                code = app.exec()
            finally:
                opened.store.close()
            if not window.sign_in_again:
                return code
            # delete it now, with every dialog it holds: the lambdas its widgets connect to
            # keep it alive otherwise, and a dialog left open could still write to the old,
            # closed store (say, a draft saved as the app quits)
            shiboken6.delete(window)
            del window
            release_window_heap()
    finally:
        sys.excepthook = previous_hook
