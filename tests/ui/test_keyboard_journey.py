"""A supervisor's whole round without a mouse (WCAG 2.1.1): sign in, find a person, open
their file, start the record of a planned session, type its times, complete it and sign
it, every step a key press (``QTest.keyClick``) on whatever has the focus."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlmodel import select

from supervision_audit.db import Store
from supervision_audit.models import Signature, SupervisionRecord, SupervisionSession
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.sign_dialog import SignDialog
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog

PASSWORD = "mia password 1"
PLANNED = date(2025, 3, 3)
NO_KEYS = Qt.KeyboardModifier.NoModifier


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the focus"
    return widget


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = NO_KEYS) -> QWidget | None:
    """Press a key on what has the focus; what has it then (None once a dialog closed)."""
    QTest.keyClick(focus(), k, modifier)
    return QApplication.focusWidget()


def type_text(text: str) -> None:
    QTest.keyClicks(focus(), text)


def tab_to(wanted: Callable[[QWidget], bool], what: str, limit: int = 120) -> QWidget:
    """Press Tab until the focus is on what is wanted (as a person tabs down a screen)."""
    for _ in range(limit):
        if wanted(focus()):
            return focus()
        key(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {what}")


def named(name: str) -> Callable[[QWidget], bool]:
    return lambda widget: widget.objectName() == name


def when_modal(qtbot, act: Callable[[QWidget], None]) -> None:
    """Run ``act`` on the modal dialog once it shows (it runs its own loop: the key press that
    opened it returns only when it closes)."""
    def attempt() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or not modal.isVisible():
            QTimer.singleShot(20, attempt)
            return
        if QApplication.activeWindow() is not modal:  # as a window manager would
            modal.activateWindow()
            QTimer.singleShot(20, attempt)
            return
        act(modal)
    QTimer.singleShot(20, attempt)


def back_to(qtbot, window: QWidget) -> None:
    """The window is active again once a dialog over it closes (the window manager's part,
    which the off-screen platform leaves undone)."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


@pytest.fixture
def mia(store: Store, people: dict[str, uuid.UUID]) -> uuid.UUID:
    """Mia (M1) has an account; a session with Pat (P1) is planned and not yet written up."""
    with store.write() as s:
        add_account(s, Vault(store.path, None), people["M1"], "mia", PASSWORD)
        s.add(SupervisionSession(supervisee_id=people["P1"], supervisor_id=people["M1"],
                                 planned_date=PLANNED, planned_time=time(10)))
    return people["M1"]


@pytest.mark.slow
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing|propagateSizeHints)")
def test_a_supervisor_records_and_signs_a_session_from_the_keyboard_alone(
        qtbot, store, people, mia) -> None:
    # sign in
    sign_in = SignInDialog(store.path)
    qtbot.addWidget(sign_in)
    sign_in.show()
    sign_in.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sign_in.username)
    type_text("mia")
    key(Qt.Key.Key_Tab)
    type_text(PASSWORD)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sign_in.opened is not None)
    opened = sign_in.opened
    window = MainWindow(opened.store, opened.actor)
    qtbot.addWidget(window)
    try:
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        _record_and_sign(qtbot, window, people)
    finally:
        window.close()
        opened.store.close()
    with store.read() as s:
        record = s.exec(select(SupervisionRecord)).one()
        signatures = s.exec(select(Signature).where(Signature.record_id == record.id)).all()
    assert record.supervisee_id == people["P1"] and record.held_on == PLANNED
    assert record.status == "complete"
    assert (record.values["start_time"], record.values["end_time"]) == ("10:00", "11:30")
    assert [(sig.signer_staff_id, sig.role, sig.account_username) for sig in signatures] == \
        [(people["M1"], "supervisor", "mia")]


def _record_and_sign(qtbot, window: MainWindow, people: dict[str, uuid.UUID]) -> None:
    # find Pat: Ctrl+F from the dashboard, type, Return to the list, Return into the file
    assert window.pages.currentWidget() is window.dashboard
    window.dashboard.setFocus()
    assert key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier) is window.staff_page.search
    type_text("Pat")
    assert key(Qt.Key.Key_Return) is window.staff_page.view
    in_file = key(Qt.Key.Key_Return)
    assert window.file_view.file is not None and window.file_view.file.name == "Pat Worker"
    assert in_file is not None and window.file_view.isAncestorOf(in_file)

    # New record…: Space on the button; the planned session is offered, Return starts it
    tab_to(named("new_record"), "New record…")
    when_modal(qtbot, lambda _dialog: key(Qt.Key.Key_Return))
    key(Qt.Key.Key_Space)
    panel = window.file_view.panels[2]
    dialog = panel.dialog
    assert isinstance(dialog, RecordDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)

    # the times typed as people type them, then Complete
    tab_to(named("start_time"), "the start time")
    type_text("1000")
    assert key(Qt.Key.Key_Tab) is dialog.editor.widget_for("end_time")
    type_text("11.30am")
    key(Qt.Key.Key_Tab)
    assert dialog.editor.widget_for("end_time").text() == "11:30"
    tab_to(named("complete"), "Complete")
    key(Qt.Key.Key_Space)
    assert dialog.completed, dialog.editor.findChild(QWidget, "form_problems")
    back_to(qtbot, window)

    # Sign…: the record is still chosen in the table; the password, then Return signs
    assert panel.selected_row() is not None and panel.selected_row().status == "awaiting"
    tab_to(named("sign_record"), "Sign…")
    key(Qt.Key.Key_Space)
    signing = panel.dialog
    assert isinstance(signing, SignDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is signing.password)
    type_text(PASSWORD)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not signing.isVisible())
    assert signing.signed_as.startswith("Mia Manager")
