"""The organisation's signing certificate: see it, create a self-signed one, or import the
organisation's PKCS#12 file. Administrators only (the services check)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.seal_setup import current_certificate, set_up_seal
from supervision_audit.ui.common.style import note_label

PROBLEM_STYLE = "color: #b3261e;"


class CertificateDialog(QDialog):
    """Shows the seal in use; Create… and Import… replace it (after a passphrase)."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.setWindowTitle("Signing certificate")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(
            "Exported records are sealed with the organisation's certificate, so anyone can "
            "later check that a printed or e-mailed record was not altered. Create a "
            "self-signed certificate, or import the organisation's own PKCS#12 (.p12) file."))
        self.current = QLabel()
        self.current.setObjectName("certificate_current")
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setObjectName("repeat")
        form.addRow("Passphrase:", self.passphrase)
        form.addRow("Repeat (for a new one):", self.repeat)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("certificate_problem")
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.create_button = QPushButton("Create a self-signed certificate")
        self.import_button = QPushButton("Import a PKCS#12 file…")
        self.create_button.clicked.connect(self.create)
        self.import_button.clicked.connect(self.import_file)
        row.addWidget(self.create_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_current()

    def show_current(self) -> None:
        try:
            with self.store.read() as session:
                info = current_certificate(session)
        except SupervisionAuditError as exc:
            info = None
            self._say(str(exc))
        self.current.setText(
            "No certificate yet: exported PDFs are not sealed." if info is None else
            f"<b>{info.common_name}</b> ({info.organisation}), valid "
            f"{info.not_before:%d/%m/%Y} to {info.not_after:%d/%m/%Y}<br>"
            f"SHA-256 fingerprint: <code>{info.sha256_fingerprint}</code>")

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    @staticmethod
    def choose_p12(parent: QWidget) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import a certificate", "",
                                              "PKCS#12 files (*.p12 *.pfx)")
        return Path(name) if name else None

    def create(self) -> None:
        if self.passphrase.text() != self.repeat.text():
            self._say("The two passphrases are not the same.")
            return
        self._set_up(None)

    def import_file(self) -> None:
        path = self.choose_p12(self)
        if path is not None:
            self._set_up(path)

    def _set_up(self, source: Path | None) -> None:
        try:
            with self.store.write() as session:
                set_up_seal(session, self.actor, self.passphrase.text(), import_from=source)
        except SupervisionAuditError as exc:
            self._say(str(exc))
            return
        self._say("")
        self.passphrase.clear()
        self.repeat.clear()
        self.show_current()
