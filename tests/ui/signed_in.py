"""People as they sign in, for tests of what each role's window shows."""

from __future__ import annotations

from supervision_audit.db import Store
from supervision_audit.services.access import Actor
from supervision_audit.services.staff import get_by_staff_id


def actor_of(store: Store, staff_id: str, **extra: object) -> Actor:
    """The person as they sign in (not the app acting for them, as ``acting_as`` is)."""
    with store.read() as s:
        person = get_by_staff_id(s, staff_id)
        return Actor(username=staff_id.lower(), staff_id=person.id, name=person.name,
                     staff_role=person.role, **extra)  # type: ignore[arg-type]
