"""Opening any supervision record in its dialog: a group record in the group dialog (with
its attendee picker), any other in the record dialog. Kept apart from both dialogs so that
neither imports the other (the group dialog is a record dialog)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QWidget

from supervision_audit.db import Store
from supervision_audit.models import SupervisionRecord
from supervision_audit.services.access import Actor
from supervision_audit.ui.records.group_dialog import GroupRecordDialog
from supervision_audit.ui.records.record_dialog import AUTOSAVE_MS, RecordDialog


def open_record_dialog(store: Store, actor: Actor, record_id: uuid.UUID,
                       parent: QWidget | None = None, *, autosave_ms: int = AUTOSAVE_MS
                       ) -> RecordDialog:
    """The dialog for any record: a group record gets its attendee picker."""
    with store.read() as session:
        record = session.get(SupervisionRecord, record_id)
        form_key = record.form_key if record is not None else ""
    kind = GroupRecordDialog if form_key == "group" else RecordDialog
    return kind(store, actor, record_id, parent, autosave_ms=autosave_ms)
