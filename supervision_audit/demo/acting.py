"""How the demo seed acts for one of its people."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from supervision_audit.models import Staff
from supervision_audit.services.access import Actor


def acting_as(session: Session, staff_uuid: uuid.UUID | None) -> Actor:
    """The demo seed acting for one person (no password asked: it is the app itself)."""
    person = session.get(Staff, staff_uuid)
    assert person is not None
    return Actor(username=f"demo-{person.staff_id}", staff_id=person.id, name=person.name,
                 staff_role=person.role, is_system=True)
