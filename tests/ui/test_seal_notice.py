"""Exported PDFs unsealed are said before anything is exported: a line across the window
while no seal is set up, offering the set-up to an administrator and telling anyone else
who does it; it goes once the seal is set up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.demo import acting_as
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.ui.admin.certificate_dialog import CertificateDialog
from supervision_audit.ui.app import create_main_window
from tests.ui.signed_in import actor_of


@pytest.fixture
def open_as(qtbot, store, people):
    with store.write() as s:
        save_staff(s, acting_as(s, people["S1"]), StaffInput(
            "X1", "Alex Admin", "Systems Administrator", role="other"))

    def make(staff_id: str, **extra):
        window = create_main_window(store, actor_of(store, staff_id, **extra))
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


def test_a_supervisor_is_told_before_exporting_who_sets_the_seal_up(open_as) -> None:
    window = open_as("M1")
    notice = window.seal_notice
    assert notice.isVisible()
    assert notice.text.text().startswith("Exported PDFs will not be sealed")
    assert "An administrator sets the seal up (Admin > Signing certificate)" in \
        notice.text.text()
    assert not notice.set_up_button.isVisible()


def test_an_administrator_is_offered_the_set_up_and_the_notice_goes(qtbot, open_as) -> None:
    window = open_as("X1", is_admin=True)
    notice = window.seal_notice
    assert notice.isVisible() and notice.set_up_button.isVisible()
    qtbot.mouseClick(notice.set_up_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, CertificateDialog) and dialog.isVisible()
    QTest.keyClicks(dialog.passphrase, "a long seal passphrase")
    QTest.keyClicks(dialog.repeat, "a long seal passphrase")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "SHA-256 fingerprint" in dialog.current.text()
    dialog.reject()
    assert not notice.isVisible()
    second = open_as("M1")  # and nobody is told any more
    assert not second.seal_notice.isVisible()
