"""Setting a complete record that nobody has signed back to a draft, with the reason (logged),
so that the supervisor can correct it and complete it again before signing."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLineEdit, QWidget

from supervision_audit.db import Store
from supervision_audit.services.access import Actor
from supervision_audit.services.records import REOPEN_REASON_MAX, reopen_record
from supervision_audit.ui.common.style import show_problem
from supervision_audit.ui.records.sign_dialog import describe
from supervision_audit.ui.widgets.short_form import ShortFormDialog


class ReopenDialog(ShortFormDialog):
    """Asks for the reason, reopens the record and closes (accepted)."""

    def __init__(self, store: Store, actor: Actor, record_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        with store.read() as session:
            what = describe(session, "record", record_id)
        super().__init__(
            "reopen_dialog", "Reopen as draft", what,
            "Nobody has signed it yet. As a draft again, it is corrected and completed again "
            "before anyone signs; its session stays held. The reason goes in the event log.",
            parent)
        self.store, self.actor, self.record_id = store, actor, record_id
        self.banner.setObjectName("reopen_problem")
        self.reason = QLineEdit()
        self.reason.setObjectName("reopen_reason")
        self.reason.setMaxLength(REOPEN_REASON_MAX)
        self.reason.setPlaceholderText("e.g. the end time was wrong")
        self.reason_problem = self.add_field("reason", "Reason", self.reason)
        self.reason.textEdited.connect(lambda _text: show_problem(self.reason_problem, ""))
        self.reopen_button = self.add_buttons("Reopen as draft", "reopen", self.save)
        self.setMinimumWidth(480)
        self.adjustSize()

    def save(self) -> bool:
        self.clear_problems()
        if not self.reason.text().strip():
            show_problem(self.reason_problem, "Give the reason for reopening the record.")
            self.reason.setFocus()
            return False
        return self.write_and_close(self.store, lambda session: reopen_record(
            session, self.actor, self.record_id, self.reason.text()))
