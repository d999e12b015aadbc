"""Before anything is exported: while the organisation's seal is not set up, a line across
the top of the window says that exported PDFs will not be sealed, and how that is put right.
An administrator is offered the set-up there and then (the first time they sign in to a new
store, and until it is done); anyone else is told who does it. On a laptop's replica the
seal is the server's (the laptop holds its certificate, not its key): the line says that
records exported there are sealed by the server at the next sync, and what is not."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from supervision_audit.db import Store
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.seal_setup import seal_ready, sealed_elsewhere
from supervision_audit.ui.common.style import WARNING_BG, WARNING_FG

UNSEALED = ("Exported PDFs will not be sealed: without the organisation's seal, nobody can "
            "later tell an altered copy from the record.")
ASK_ADMIN = " An administrator sets the seal up (Admin > Signing certificate)."
BY_THE_SERVER = ("Records exported on this laptop are sealed by the organisation's server at "
                 "the next sync (until then each page says \"Not yet sealed\"). Other exports "
                 "from the laptop (contracts, the whole file, audits) are not sealed.")


class SealNotice(QFrame):
    """Shown while no seal is set up; ``set_up`` opens the certificate dialog (for those
    who may set it up). ``dialog_opened`` carries the dialog (for the window's tests)."""

    dialog_opened = Signal(QDialog)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seal_notice")
        self.store, self.actor = store, actor
        self.setStyleSheet(f"QFrame#seal_notice {{ background: {WARNING_BG}; }}"
                           f" QFrame#seal_notice QLabel {{ color: {WARNING_FG}; }}")
        with store.read() as session:
            self.may_set_up = permitted(session, actor, Action.MANAGE_CERTIFICATE)
        self.text = QLabel()
        self.text.setObjectName("seal_notice_text")
        self.text.setWordWrap(True)
        self.set_up_button = QPushButton("Set up the seal…")
        self.set_up_button.setObjectName("set_up_seal")
        self.set_up_button.clicked.connect(lambda _c=False: self.set_up())
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.set_up_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.check()

    def check(self) -> bool:
        """Show the notice while this store cannot seal its exports itself; True when it
        shows (a replica's says the server seals them; nothing to set up there)."""
        with self.store.read() as session:
            missing = not seal_ready(session)
            elsewhere = missing and sealed_elsewhere(session)
        if elsewhere:
            self.text.setText(BY_THE_SERVER)
        else:
            self.text.setText(UNSEALED + ("" if self.may_set_up else ASK_ADMIN))
        self.set_up_button.setVisible(self.may_set_up and not elsewhere)
        self.setVisible(missing and not self.actor.is_system)
        return missing

    def set_up(self) -> QDialog | None:
        from supervision_audit.ui.admin.certificate_dialog import CertificateDialog

        if not self.may_set_up:
            return None
        dialog = CertificateDialog(self.store, self.actor, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.check())
        self.dialog_opened.emit(dialog)
        dialog.open()
        return dialog
