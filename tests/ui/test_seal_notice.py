"""Exported PDFs unsealed are said before anything is exported: a line across the window
while no seal is set up, offering the set-up to an administrator and telling anyone else
who does it; it goes once the seal is set up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.demo import acting_as
from supervision_audit.sealing.certificate import load_certificate, self_signed_pkcs12
from supervision_audit.services.seal_setup import CERTIFICATE_KEY
from supervision_audit.services.settings import put_setting
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.ui.admin.certificate_dialog import CertificateDialog
from supervision_audit.ui.app import create_main_window
from tests.ui.signed_in import actor_of

SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")
PASSPHRASE = "a long seal passphrase"


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


def test_on_a_replica_the_notice_says_the_server_seals_exports(qtbot, store, open_as) -> None:
    """A laptop's replica holds the organisation's seal certificate (sent by its server) but
    not its key: its records are sealed by the server at the next sync, and there is nothing
    to set up on the laptop, even for an administrator."""
    pem = load_certificate(self_signed_pkcs12("Sandwell", PASSPHRASE), PASSPHRASE).public_bytes(
        Encoding.PEM).decode("ascii")
    with store.write() as session:
        put_setting(session, CERTIFICATE_KEY, pem)  # as a sync takes it from the server
    for staff_id, extra in (("M1", {}), ("X1", {"is_admin": True})):
        window = open_as(staff_id, **extra)
        notice = window.seal_notice
        assert notice.isVisible()
        said = notice.text.text()
        assert said.startswith("Records exported on this laptop are sealed by the "
                               "organisation's server at the next sync")
        assert "Other exports from the laptop (contracts, the whole file, audits) are not " \
            "sealed." in said
        assert "no seal" not in said and "will not be sealed" not in said
        assert not notice.set_up_button.isVisible()
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / f"seal_notice_replica_{staff_id}.png"))
