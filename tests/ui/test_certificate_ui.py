"""The administrator sets up the organisation's signing certificate in the window."""

from __future__ import annotations

from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.seal_setup import seal_ready
from supervision_audit.ui.admin.certificate_dialog import CertificateDialog


def test_create_then_a_wrong_passphrase_import_changes_nothing(qtbot, store, tmp_path,
                                                               monkeypatch) -> None:
    dialog = CertificateDialog(store, SYSTEM_ACTOR)
    qtbot.addWidget(dialog)
    assert "No certificate yet" in dialog.current.text()
    dialog.passphrase.setText("a long passphrase")
    dialog.repeat.setText("a different one")
    dialog.create_button.click()
    assert "not the same" in dialog.problem.text()
    dialog.repeat.setText("a long passphrase")
    dialog.create_button.click()
    with store.read() as s:
        assert seal_ready(s)
    before = dialog.current.text()
    assert "SHA-256 fingerprint" in before
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"not a certificate at all")
    monkeypatch.setattr(CertificateDialog, "choose_p12", staticmethod(lambda _p: junk))
    dialog.passphrase.setText("whatever it is")
    dialog.import_button.click()
    assert dialog.problem.isVisibleTo(dialog) and dialog.problem.text()
    assert dialog.current.text() == before
