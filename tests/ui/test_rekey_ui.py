"""Closing an account in the window re-keys the store: the administrator is shown the new
recovery key once, the window goes on working, and a keyring copy kept from before no longer
opens the store."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from supervision_audit.errors import WrongKeyError
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.signin import open_with_recovery_key, sign_in
from supervision_audit.services.staff import list_staff
from supervision_audit.ui.admin import accounts_dialog
from supervision_audit.ui.signin.first_run_dialog import RecoveryKeyDialog
from tests.ui.test_admin_tools import PASSWORD, org, window_of  # noqa: F401 (fixtures)


def test_closing_an_account_shows_the_new_recovery_key_and_old_copies_fail(
        window_of, org, qtbot, monkeypatch, tmp_path) -> None:  # noqa: F811
    kept = tmp_path / "pat-kept-keyring"
    shutil.copy2(keyring_path(org), kept)
    window = window_of("ada")
    window.accounts_action.trigger()
    accounts = window.dialog
    assert accounts.select("pat")
    monkeypatch.setattr(accounts_dialog, "confirm_close", lambda *_a: True)
    qtbot.mouseClick(accounts.close_button, Qt.MouseButton.LeftButton)
    shown = accounts.key_dialog
    assert isinstance(shown, RecoveryKeyDialog)
    qtbot.waitExposed(shown)
    reason = shown.findChild(QLabel, "new_key_reason")
    assert reason is not None and "the account pat was closed" in reason.text()
    new_key = shown.key
    shown.written.setChecked(True)
    qtbot.mouseClick(shown.continue_button, Qt.MouseButton.LeftButton)
    with window.store.read() as session:  # the window reads on with the new key
        assert len(list_staff(session, window.actor)) == 6  # five staff and the admin
    window.close()
    window.store.close()
    shutil.copy2(kept, keyring_path(org))
    for user in ("pat", "ada", "sam"):
        with pytest.raises(WrongKeyError):
            sign_in(org, user, PASSWORD)
    open_with_recovery_key(org, new_key).close()
