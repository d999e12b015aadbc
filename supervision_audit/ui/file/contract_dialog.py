"""The supervision contract (Appendix 1) in a form editor: a new version or a stored one."""

from __future__ import annotations

import uuid

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from supervision_audit.db import Store
from supervision_audit.errors import StaleEditError, SupervisionAuditError, ValidationError
from supervision_audit.forms import CONTRACT
from supervision_audit.services.access import Action, Actor, permitted, require
from supervision_audit.services.contracts import (
    draft_values,
    get_contract,
    save_contract,
    shown_values,
)
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import note_label
from supervision_audit.ui.widgets.form_editor import FormEditor, return_stays_in_the_form


class ContractDialog(QDialog):
    """Edits one contract. After ``accept`` ``saved_id`` holds the saved contract's id.

    ``contract_id`` None drafts a new version. A superseded version, or a contract the
    ``actor`` may read but not write, opens read-only.
    """

    def __init__(self, store: Store, actor: Actor, supervisee_id: uuid.UUID,
                 contract_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.supervisee_id = supervisee_id
        self.contract_id = contract_id
        self.saved_id: uuid.UUID | None = None
        self._opened_at = None  # the stored version's stamp, to notice someone else's save
        with store.read() as session:
            name = get_staff(session, supervisee_id).name
            if contract_id is None:
                values = draft_values(session, actor, supervisee_id)
                intro = (f"A new supervision contract for {name}, filled from the staff records"
                         " and the terms of the current contract. Save it once it is agreed.")
                read_only = False
                self.setWindowTitle(f"New supervision contract – {name}")
            else:
                require(session, actor, Action.READ_FILE, supervisee_id)
                contract = get_contract(session, contract_id)
                values = shown_values(session, contract)
                self._opened_at = contract.updated_at
                intro = f"Version {contract.version} of {name}'s supervision contract."
                if contract.superseded_by_id is not None:
                    read_only = True
                    intro += " A newer version replaced it, so it is shown read-only."
                elif contract.locked_at is not None:
                    read_only = True
                    intro += (" Both parties have signed it, so it is final: changes go in a "
                              "new version.")
                else:
                    read_only = not permitted(session, actor, Action.WRITE_RECORDS,
                                              supervisee_id)
                    if read_only:
                        intro += " Only the supervisor may change it, so it is shown read-only."
                self.setWindowTitle(f"Supervision contract v{contract.version} – {name}")

        self.editor = FormEditor(CONTRACT, self)
        self.editor.set_values(values)
        self.editor.set_read_only(read_only)
        self._clean = self.editor.values()

        buttons = QDialogButtonBox()
        if read_only:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.save_button = None
        else:
            self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
            self.save_button.setText("Save contract")
            self.save_button.setObjectName("save")
            self.save_button.setDefault(True)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        return_stays_in_the_form(buttons)
        self.buttons = buttons

        intro_label = note_label(intro)
        intro_label.setObjectName("intro")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 12)
        intro_label.setContentsMargins(16, 0, 16, 0)
        layout.addWidget(intro_label)
        layout.addWidget(self.editor, 1)
        buttons.setContentsMargins(16, 0, 16, 0)
        layout.addWidget(buttons)
        self._size_to_screen()

    def _size_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(940, int(area.width() * 0.9)), min(860, int(area.height() * 0.9)))

    def has_changes(self) -> bool:
        return self.editor.values() != self._clean

    def save(self) -> bool:
        """Save in one transaction; on problems show them beside the fields and stay open."""
        if self.save_button is None:
            self.accept()
            return True
        try:
            with self.store.write() as session:
                contract = save_contract(session, self.actor, self.supervisee_id,
                                         self.editor.values(), self.contract_id,
                                         expected_updated_at=self._opened_at)
                saved_id = contract.id
        except ValidationError as exc:
            self.editor.show_problems(exc.problems)
            return False
        except StaleEditError as exc:
            self._opened_at = None  # as the message says: saving again overwrites
            messages.show_error(self, "Contract not saved", str(exc))
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Contract not saved", str(exc))
            return False
        self.saved_id = saved_id
        self._clean = self.editor.values()
        self.accept()
        return True

    def reject(self) -> None:
        """Cancel or Esc: ask first when there are unsaved changes."""
        if self.has_changes() and not messages.ask_discard(self, "supervision contract"):
            return
        super().reject()
