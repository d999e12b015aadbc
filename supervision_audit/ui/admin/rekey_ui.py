"""What the window does around a re-key of the store (closing an account, an administrator's
password reset): the new recovery key is shown once. (Background work is stopped first:
``workers.background_stopped``.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from supervision_audit.services.store_keys import Rekeyed
from supervision_audit.ui.common import messages
from supervision_audit.ui.signin.first_run_dialog import RecoveryKeyDialog


def show_new_key(parent: QWidget | None, rekeyed: Rekeyed | None, reason: str
                 ) -> RecoveryKeyDialog | None:
    """The store's new recovery key, shown once (the old one no longer opens it); and the
    accounts the new key could not reach, named."""
    if rekeyed is None:
        return None
    if rekeyed.dropped:
        messages.show_info(parent, "New database key", (
            "These accounts were set up by an earlier version and have not signed in since, "
            "so the new key could not be given to them: " + ", ".join(rekeyed.dropped)
            + ". Give each a new password (Reset password…)."))
    dialog = RecoveryKeyDialog(rekeyed.recovery_key, parent, reason=reason)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
