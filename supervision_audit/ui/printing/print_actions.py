"""Print (Ctrl+P) of any document the app exports: the same pages as its PDF, rendered as an
unsealed copy to a temporary file, shown in the print preview, and logged when printed."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.record_export import note_printed
from supervision_audit.ui.common import messages
from supervision_audit.ui.printing import preview


def print_key() -> QKeySequence:
    """Ctrl+P (the platform's Print key; made once an application exists)."""
    return QKeySequence(QKeySequence.StandardKey.Print)


@dataclass(frozen=True)
class Printable:
    """What is printed: its title (the preview's and the print job's), the kind and id the
    log names, whose file it is on, and how its PDF is drawn: ``render(session, path)``
    writes an unsealed copy to ``path``."""

    title: str
    kind: str
    subject_id: uuid.UUID
    about_staff_id: uuid.UUID | None
    render: Callable[[Session, Path], object]


def print_document(parent: QWidget | None, store: Store, actor: Actor,
                   document: Printable) -> bool:
    """Render ``document``, show its print preview and log the print; True when printed.
    A refusal (no access, nothing to print) is shown and nothing is printed."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "print.pdf"
        try:
            with store.write() as session:
                document.render(session, pdf)
        except SupervisionAuditError as exc:
            messages.show_error(parent, f"Print {document.title.lower()}", str(exc))
            return False
        if not preview.preview_and_print(pdf, document.title, parent):
            return False
    with store.write() as session:
        note_printed(session, actor, document.kind, document.subject_id,
                     document.about_staff_id)
    return True


def print_action(parent: QWidget, slot: Callable[[], object], *, name: str,
                 text: str = "Print…") -> QAction:
    """A Print… action with Ctrl+P, active while focus is in ``parent`` (its window or a
    panel), added to ``parent`` so the key works without a menu."""
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setShortcut(print_key())
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(f"Print preview, then print ({print_key().toString()})")
    action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)
    return action


def add_print_button(dialog: QWidget, buttons: QDialogButtonBox,
                     slot: Callable[[], object], name: str) -> QPushButton:
    """A Print… button among a dialog's buttons, and Ctrl+P anywhere in the dialog."""
    button = buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole)
    button.setObjectName(name)
    button.setToolTip(f"Print preview, then print ({print_key().toString()})")
    button.setAutoDefault(False)
    button.clicked.connect(lambda _checked=False: slot())
    print_action(dialog, slot, name=f"{name}_action")
    return button


def print_record(parent: QWidget | None, store: Store, actor: Actor, record_id: uuid.UUID,
                 on_file: uuid.UUID | None) -> bool:
    """A supervision or group record, as its form (Appendix 4, 5 or 6)."""
    from supervision_audit.services.record_export import export_record_pdf

    return print_document(parent, store, actor, Printable(
        "Supervision record", "record", record_id, on_file,
        lambda session, pdf: export_record_pdf(session, actor, record_id, pdf, seal=False)))


def print_contract(parent: QWidget | None, store: Store, actor: Actor,
                   contract_id: uuid.UUID, supervisee_id: uuid.UUID) -> bool:
    from supervision_audit.services.contract_export import export_contract_pdf

    return print_document(parent, store, actor, Printable(
        "Supervision contract", "contract", contract_id, supervisee_id,
        lambda session, pdf: export_contract_pdf(session, actor, contract_id, pdf,
                                                 seal=False)))


def print_audit(parent: QWidget | None, store: Store, actor: Actor, audit_id: uuid.UUID,
                supervisee_id: uuid.UUID) -> bool:
    from supervision_audit.services.audit_outputs import export_audit_pdf

    return print_document(parent, store, actor, Printable(
        "Supervision file audit", "audit", audit_id, supervisee_id,
        lambda session, pdf: export_audit_pdf(session, actor, audit_id, pdf, seal=False)))


def print_tracker(parent: QWidget | None, store: Store, actor: Actor,
                  staff_uuid: uuid.UUID) -> bool:
    from supervision_audit.services.asye_export import export_asye_pdf

    return print_document(parent, store, actor, Printable(
        "ASYE tracker", "asye", staff_uuid, staff_uuid,
        lambda session, pdf: export_asye_pdf(session, actor, staff_uuid, pdf, seal=False)))


def print_whole_file(parent: QWidget | None, store: Store, actor: Actor,
                     staff_uuid: uuid.UUID) -> bool:
    """The whole supervision file with its index, in the Appendix 8 order."""
    from supervision_audit.services.audit_outputs import write_whole_file

    return print_document(parent, store, actor, Printable(
        "Supervision file", "file", staff_uuid, staff_uuid,
        lambda session, pdf: write_whole_file(session, actor, staff_uuid, pdf, seal=False)))
