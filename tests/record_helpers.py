"""Records written the way the tests of several areas need them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.demo import acting_as
from supervision_audit.models import Contract, Staff, SupervisionRecord, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.accounts import Vault
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.signatures import record_copy_given, sign
from supervision_audit.services.staff import get_by_staff_id, get_staff


def completed_record(s: Session, person: Staff, day: date, **values: object
                     ) -> SupervisionRecord:
    """A session planned for ``day`` (10:00) with its individual record completed, held
    10:00 to 11:30; ``values`` fill the record's items."""
    planned = SupervisionSession(supervisee_id=person.id, supervisor_id=person.supervisor_id,
                                 planned_date=day, planned_time=time(10))
    s.add(planned)
    s.flush()
    record = start_record(s, SYS, form_key="individual", held_on=day, session_id=planned.id)
    return complete_record(s, SYS, record.id, {**record.values, "start_time": "10:00",
                                               "end_time": "11:30", **values})


def signed_record(s: Session, staff_id: str, day: date, **values: object) -> SupervisionRecord:
    """A session held on ``day`` with its individual record completed, signed by both and
    its copy given the same day; ``values`` fill the record's items."""
    person = get_by_staff_id(s, staff_id)
    record = completed_record(s, person, day, **values)
    sign(s, acting_as(s, person.supervisor_id), "record", record.id, password=None)
    sign(s, acting_as(s, person.id), "record", record.id, password=None)
    record_copy_given(s, acting_as(s, person.supervisor_id), record.id, day, "printed")
    return record


def signed_contract(s: Session, staff_uuid: uuid.UUID, date_agreed: str,
                    intermediary: str) -> Contract:
    """A supervision contract for the person, agreed on ``date_agreed`` (ISO) and signed
    that day by their supervisor and by them (so it is in force from then, R4)."""
    person = get_staff(s, staff_uuid)
    values = draft_values(s, SYS, person.id)
    values.update(venue="Room 1", date_agreed=date_agreed, intermediary=intermediary)
    contract = save_contract(s, SYS, person.id, values)
    at = datetime.combine(date.fromisoformat(date_agreed), time(12)).astimezone()
    sign(s, acting_as(s, person.supervisor_id), "contract", contract.id, password=None, at=at)
    sign(s, acting_as(s, person.id), "contract", contract.id, password=None, at=at)
    return contract


def plain_vault(store: object) -> Vault:
    """Where the accounts of a store without a store key keep their key slots: beside a
    SQLite file; for PostgreSQL none (as on the server: its key is no laptop's matter)."""
    return Vault(store.path if isinstance(store, Store) else Path(), None)
