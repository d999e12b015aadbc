"""Opening a file reads the columns the view shows, in a few statements, with no ORM object
for each of its sessions and records (a five-year file has a hundred of each)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from supervision_audit.db import Store
from supervision_audit.demo import acting_as
from supervision_audit.models import SupervisionRecord, SupervisionSession
from supervision_audit.services.records import RecordView, records_of
from supervision_audit.services.sessions import miss_session, monitoring_sheet
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.file.file_data import load_file
from tests.record_helpers import completed_record, signed_contract, signed_record


def _file(store: Store, people: dict[str, uuid.UUID]) -> uuid.UUID:
    """Pat's file: two contract versions, a year of signed records, a missed session."""
    today = date.today()
    with store.write() as s:
        signed_contract(s, people["P1"], (today - timedelta(days=400)).isoformat(), "Sam Head")
        signed_contract(s, people["P1"], (today - timedelta(days=30)).isoformat(), "Sam Head")
        for months in range(1, 12):
            signed_record(s, "P1", today - timedelta(days=30 * months))
        completed_record(s, get_staff(s, people["P1"]), today - timedelta(days=3))  # unsigned
        missed = SupervisionSession(supervisee_id=people["P1"], supervisor_id=people["M1"],
                                    planned_date=today - timedelta(days=10))
        s.add(missed)
        s.flush()
        miss_session(s, acting_as(s, people["M1"]), missed.id, status="postponed",
                     reason="Sickness")
    return people["P1"]


def test_a_file_opens_in_a_few_statements_without_an_orm_object_per_row(
        store: Store, people: dict[str, uuid.UUID]) -> None:
    person = _file(store, people)
    statements: list[str] = []

    def sent(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    with store.read() as s:
        manager = acting_as(s, people["M1"])
    event.listen(store.engine, "before_cursor_execute", sent)
    try:
        with store.read() as s:
            shown = load_file(s, manager, person)
            header = len(statements)
            sheet = monitoring_sheet(s, manager, person)
            records = records_of(s, manager, person)
            held = [o for o in s.identity_map.values()
                    if isinstance(o, (SupervisionRecord, SupervisionSession))]
    finally:
        event.remove(store.engine, "before_cursor_execute", sent)
    assert shown.contract is not None and shown.contract.status == "current"
    assert len(shown.contract.earlier) == 1 and shown.history
    assert len(sheet) >= 13 and any(r.escalation is not None for r in sheet)
    assert len(records) == 12 and all(isinstance(r, RecordView) for r in records)
    assert [r.held_on for r in records] == sorted((r.held_on for r in records), reverse=True)
    assert held == [], "no ORM object for the sheet's sessions or the file's records"
    assert header <= 8, f"the header (person, contract, history) in a few statements: {header}"
    assert len(statements) - header == 2, "the sheet and the records: one statement each"
