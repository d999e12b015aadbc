"""A group supervision record (Appendix 6): the record dialog with the attendees chosen from
the supervisor's supervisees (check boxes); the one record goes on every attendee's file."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from supervision_audit.models import Staff, SupervisionRecord
from supervision_audit.ui.records.record_data import supervisees_of
from supervision_audit.ui.records.record_dialog import RecordDialog


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class GroupRecordDialog(RecordDialog):
    """Attendees are offered as check boxes; at least one must be ticked to complete."""

    def _load_extra(self, session: Session, record: SupervisionRecord) -> None:
        self.choices: list[tuple[str, str]] = []
        if not self.editable:
            return  # a completed record keeps the attendees' names
        self.choices = supervisees_of(session, self.actor)
        offered = {value for value, _label in self.choices}
        for value in record.values.get("attendees") or []:  # chosen before, since moved on
            person = session.get(Staff, _as_uuid(value)) if _as_uuid(value) else None
            if person is not None and str(person.id) not in offered:
                self.choices.append((str(person.id), person.name))

    def _prepare_editor(self) -> None:
        if self.editable:
            self.editor.set_choices("attendees", self.choices)

    def attendee_ids(self) -> list[uuid.UUID]:
        chosen = (_as_uuid(v) for v in self.editor.values().get("attendees") or [])
        return [c for c in chosen if c is not None]

    def _complete_kwargs(self) -> dict[str, Any]:
        return {"attendee_ids": self.attendee_ids()}
