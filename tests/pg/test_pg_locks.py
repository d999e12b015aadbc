"""The store's locks hold on PostgreSQL too, tested by going around the app with plain SQL:
final records, their actions and attendees, signatures, addenda and the event log."""

from __future__ import annotations

import uuid
from datetime import date

import psycopg
import pytest
from sqlmodel import select

from supervision_audit.demo import acting_as
from supervision_audit.models import EventLog, SupervisionRecord
from supervision_audit.pg.store import PgStore
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.events import log_event, verify_chain
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.signatures import add_addendum
from supervision_audit.services.staff import get_staff
from tests.record_helpers import completed_record, signed_contract, signed_record

FINAL = "a final record cannot be changed"


@pytest.fixture
def final(pg_store: PgStore, people: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """A record signed by both (final), its contract, an addendum and a record not signed."""
    with pg_store.write() as s:
        record = signed_record(s, "P1", date(2025, 2, 3), actions=[
            {"action": "Read the case file", "owner": "Pat", "due": "2025-03-01"}])
        contract = signed_contract(s, people["P1"], "2025-01-06", "Head of Service")
        addendum = add_addendum(s, acting_as(s, people["M1"]), "record", record.id,
                                reason="A date was wrong", text="Held on the 3rd.",
                                password=None)
        unsigned = completed_record(s, get_staff(s, people["P2"]), date(2025, 2, 4))
        log_event(s, SYSTEM_ACTOR.who, "test.entry", detail="one")
    return {"record": record.id, "contract": contract.id, "addendum": addendum.id,
            "unsigned": unsigned.id}


def refused(raw: psycopg.Connection, sql: str, *params: object, says: str = FINAL) -> None:
    with pytest.raises(psycopg.errors.IntegrityError, match=says):
        raw.execute(sql, params)


def test_a_final_record_refuses_every_change_made_around_the_app(
        raw: psycopg.Connection, final: dict[str, uuid.UUID]) -> None:
    rid = final["record"]
    assert raw.execute("SELECT locked_at IS NOT NULL FROM supervision_record WHERE id = %s",
                       (rid,)).fetchone() == (True,)
    refused(raw, """UPDATE supervision_record SET "values" = '{}' WHERE id = %s""", rid)
    refused(raw, "UPDATE supervision_record SET held_on = '2025-02-04' WHERE id = %s", rid)
    refused(raw, "UPDATE supervision_record SET locked_at = NULL WHERE id = %s", rid)
    refused(raw, "DELETE FROM supervision_record WHERE id = %s", rid)
    refused(raw, "TRUNCATE supervision_record CASCADE")
    # its actions' content, and adding one
    refused(raw, "UPDATE action_item SET description = 'changed' WHERE record_id = %s", rid)
    refused(raw, "DELETE FROM action_item WHERE record_id = %s", rid)
    refused(raw, """INSERT INTO action_item (id, created_at, updated_at, record_id, number,
                    description, owner, due_date, status) VALUES (%s, now(), now(), %s, 9,
                    'sneaked in', 'x', '2025-03-01', 'open')""", uuid.uuid4(), rid)
    # what may still change of a final record: its copy, and an action marked done
    raw.execute("UPDATE supervision_record SET copy_method = 'emailed' WHERE id = %s", (rid,))
    raw.execute("UPDATE action_item SET status = 'done', done_on = '2025-03-01' "
                "WHERE record_id = %s", (rid,))
    values = raw.execute('SELECT "values"::text FROM supervision_record WHERE id = %s',
                         (rid,)).fetchone()
    assert values is not None and "Read the case file" in values[0]


def test_signatures_addenda_and_other_final_rows_refuse_changes(
        raw: psycopg.Connection, final: dict[str, uuid.UUID]) -> None:
    refused(raw, "UPDATE signature SET content_hash = 'x' WHERE record_id = %s",
            final["record"], says="a signature cannot be changed")
    refused(raw, "DELETE FROM signature WHERE record_id = %s", final["record"],
            says="a signature cannot be removed")
    refused(raw, "TRUNCATE signature", says="a signature cannot be removed")
    refused(raw, "UPDATE addendum SET text = 'other' WHERE id = %s", final["addendum"],
            says="an addendum cannot be changed")
    refused(raw, "DELETE FROM addendum WHERE id = %s", final["addendum"],
            says="an addendum cannot be removed")
    refused(raw, """UPDATE contract SET "values" = '{}' WHERE id = %s""", final["contract"])
    refused(raw, "DELETE FROM contract WHERE id = %s", final["contract"])


def test_a_record_not_yet_signed_can_still_be_changed(raw: psycopg.Connection,
                                             final: dict[str, uuid.UUID]) -> None:
    raw.execute("UPDATE supervision_record SET held_on = '2025-02-05' WHERE id = %s",
                (final["unsigned"],))
    assert raw.execute("SELECT held_on FROM supervision_record WHERE id = %s",
                       (final["unsigned"],)).fetchone() == (date(2025, 2, 5),)


def test_the_event_log_is_append_only(raw: psycopg.Connection, pg_store: PgStore,
                                      final: dict[str, uuid.UUID]) -> None:
    refused(raw, "UPDATE event_log SET detail = 'forged'",
            says="the event log is append-only: entries cannot be changed")
    refused(raw, "DELETE FROM event_log", says="entries cannot be removed")
    refused(raw, "TRUNCATE event_log", says="entries cannot be removed")
    with pg_store.read() as s:
        entries = s.exec(select(EventLog)).all()
        assert len(entries) > 3 and verify_chain(s).intact


def test_the_services_see_a_lock_as_an_integrity_error_and_signatures_check_out(
        pg_store: PgStore, final: dict[str, uuid.UUID]) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match=FINAL), pg_store.write() as s:
        record = s.get(SupervisionRecord, final["record"])
        assert record is not None
        record.values = {**record.values, "concerns": "changed after signing"}
    with pg_store.read() as s:
        assert signature_problems(s, "record", final["record"]) == []
        assert signature_problems(s, "contract", final["contract"]) == []
