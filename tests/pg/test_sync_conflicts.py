"""The sync's conflict rules (README, "Offline laptops"), each with laptops written offline
and synced to a real server process over HTTP:

- a draft has one author; an edit made on an older version than the server's is refused and
  the laptop keeps its text beside the server's, for its author to merge;
- a signature is valid only for the content it hashed;
- final records never change; addenda, signatures and log entries only add;
- staff, teams, accounts and settings are the server's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from supervision_audit.models import AsyeTracker, Signature, Staff, SupervisionRecord
from supervision_audit.pg.store import open_pg_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.asye import get_tracker, save_tracker
from supervision_audit.services.records import (
    complete_record,
    reopen_record,
    save_draft,
    start_record,
)
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import (
    StaffInput,
    delete_staff,
    save_staff,
    staff_input_of,
)
from supervision_audit.sync.conflicts import kept_changes, take_mine
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import PASSWORD, Laptop, completed, seed, server_rows


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]

    def laptop(self, tmp_path: Path, username: str, name: str = "") -> Laptop:
        found = Laptop(tmp_path / f"{name or username}.sqlite", username, self.base)
        found.create()
        return found


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            yield Org(base, db, ids)
    finally:
        drop_database(db)


def _values(laptop: Laptop, record_id: uuid.UUID) -> dict[str, object]:
    with laptop.reading() as (session, _actor):
        record = session.get(SupervisionRecord, record_id)
        assert record is not None
        return dict(record.values)


def test_a_draft_edited_on_two_laptops_keeps_the_later_text_beside_the_server_text(
        org: Org, tmp_path: Path) -> None:
    first, second = org.laptop(tmp_path, "mia", "mia-a"), org.laptop(tmp_path, "mia", "mia-b")
    with first.writing() as (session, actor):
        draft = start_record(session, actor, form_key="individual", held_on=date(2025, 4, 7),
                             supervisee_uuid=org.ids["P2"])
        record_id, base = draft.id, dict(draft.values)
    first.sync()
    second.sync()
    with second.writing() as (session, actor):  # both offline, both typing
        save_draft(session, actor, record_id, {**base, "discussion": "Written on laptop B"})
    with first.writing() as (session, actor):
        save_draft(session, actor, record_id, {**base, "discussion": "Written on laptop A"})
    assert second.sync().refused == []
    report = first.sync()
    assert [(r.table, r.kind) for r in report.refused] == [("supervision_record", "conflict")]
    assert "changed on the server since this laptop last had it" in report.refused[0].reason
    # the laptop now holds the server's text, and keeps its own beside it
    assert _values(first, record_id)["discussion"] == "Written on laptop B"
    with first.reading() as (session, _actor):
        kept = kept_changes(session.connection())
    assert len(kept) == 1 and kept[0].local is not None and kept[0].server is not None
    assert kept[0].local["values"]["discussion"] == "Written on laptop A"
    assert kept[0].server["values"]["discussion"] == "Written on laptop B"
    assert "values" in kept[0].differences()
    (server_values,), = server_rows(org.db, 'SELECT "values" FROM supervision_record '
                                            "WHERE id = %s", record_id)
    assert server_values["discussion"] == "Written on laptop B"
    # its author takes the laptop's text after reading both: it goes up as a new edit
    with first.writing() as (session, _actor):
        take_mine(session, kept[0].id)
    assert first.sync().refused == []
    (server_values,), = server_rows(org.db, 'SELECT "values" FROM supervision_record '
                                            "WHERE id = %s", record_id)
    assert server_values["discussion"] == "Written on laptop A"
    with first.reading() as (session, _actor):
        assert kept_changes(session.connection()) == []


def test_a_draft_has_one_author(org: Org, tmp_path: Path) -> None:
    mia, head = org.laptop(tmp_path, "mia"), org.laptop(tmp_path, "head")
    with mia.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P1"], date(2025, 4, 14))
    mia.sync()
    head.sync()
    with head.reading() as (session, _actor):  # complete: her line manager reads it
        assert session.get(SupervisionRecord, record_id) is not None
    # her manager's laptop changes the record around the app: the server refuses
    with head.writing() as (session, _actor):
        session.connection().exec_driver_sql(
            "UPDATE supervision_record SET \"values\" = json_set(\"values\", '$.discussion', "
            "'Rewritten by the manager') WHERE id = ?", (record_id.hex,))
    report = head.sync()
    assert [r.kind for r in report.refused] == ["refused"]
    assert "may not write records" in report.refused[0].reason
    assert "Rewritten" not in str(_values(head, record_id))  # the server's text again


def test_a_signature_on_content_changed_since_is_refused_and_the_signer_told(
        org: Org, tmp_path: Path) -> None:
    first, second = org.laptop(tmp_path, "mia", "mia-a"), org.laptop(tmp_path, "mia", "mia-b")
    with first.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P2"], date(2025, 5, 5),
                              discussion="First version")
    first.sync()
    second.sync()
    with second.writing() as (session, actor):  # reopened and corrected on the other laptop
        reopen_record(session, actor, record_id, "A correction")
        record = session.get(SupervisionRecord, record_id)
        assert record is not None
        complete_record(session, actor, record_id, {**record.values,
                                                    "discussion": "Corrected version"})
    with first.writing() as (session, actor):  # meanwhile signed, as it was, on this one
        sign(session, actor, "record", record_id, password=PASSWORD)
    assert second.sync().refused == []
    report = first.sync()
    assert [(r.table, r.kind) for r in report.refused] == [("signature", "signature")]
    assert "changed on the server after Mia Manager signed it" in report.refused[0].reason
    with first.reading() as (session, _actor):
        assert list(session.exec(select(Signature).where(
            Signature.record_id == record_id))) == []  # not signed: as on the server
        assert _values(first, record_id)["discussion"] == "Corrected version"
        kept = kept_changes(session.connection())
    assert kept[0].kind == "signature" and kept[0].local is not None
    assert server_rows(org.db, "SELECT 1 FROM signature WHERE record_id = %s", record_id) == []


def test_a_final_record_is_never_changed_by_a_laptop_that_had_it_unsigned(
        org: Org, tmp_path: Path) -> None:
    first, pat = org.laptop(tmp_path, "mia", "mia-a"), org.laptop(tmp_path, "pat")
    second = org.laptop(tmp_path, "mia", "mia-b")
    with first.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P1"], date(2025, 5, 12),
                              discussion="As agreed")
    first.sync()
    second.sync()  # holds it complete and unsigned
    with first.writing() as (session, actor):
        sign(session, actor, "record", record_id, password=PASSWORD)
    first.sync()
    pat.sync()
    with pat.writing() as (session, actor):
        sign(session, actor, "record", record_id, password=PASSWORD)
    pat.sync()  # final on the server
    with second.writing() as (session, actor):  # offline all along: reopens and rewrites
        reopen_record(session, actor, record_id, "Rewriting")
        record = session.get(SupervisionRecord, record_id)
        assert record is not None
        complete_record(session, actor, record_id, {**record.values,
                                                    "discussion": "Rewritten"})
    report = second.sync()
    assert "supervision_record" in {r.table for r in report.refused}
    assert any("final" in r.reason for r in report.refused)
    with second.reading() as (session, _actor):
        record = session.get(SupervisionRecord, record_id)
        assert record is not None and record.locked_at is not None
        assert record.values["discussion"] == "As agreed"
    (server_values,), = server_rows(org.db, 'SELECT "values" FROM supervision_record '
                                            "WHERE id = %s", record_id)
    assert server_values["discussion"] == "As agreed"


def test_signatures_addenda_and_log_entries_only_add(org: Org, tmp_path: Path) -> None:
    mia = org.laptop(tmp_path, "mia")
    with mia.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P2"], date(2025, 5, 19))
        signature = sign(session, actor, "record", record_id, password=PASSWORD)
    mia.sync()
    # a batch that removes the signature, sent as a laptop would (around the app: the
    # laptop's own locks refuse to remove it)
    token = httpx.post(f"{org.base}/v1/auth/token",
                       json={"username": "mia", "password": PASSWORD}).json()["access_token"]
    answer = httpx.post(f"{org.base}/v1/sync/push", headers={
        "Authorization": f"Bearer {token}"}, json={
        "device": "forged-device", "first": 1, "last": 2, "items": [
            {"seq": 1, "t": "signature", "op": "D", "k": str(signature.id), "row": None,
             "old": None},
            {"seq": 2, "t": "event_log", "op": "I", "k": "1", "row": {
                "seq": 1, "id": str(uuid.uuid4()), "at": "2025-05-19T10:00:00+00:00",
                "actor_username": "mia", "action": "record.open", "subject_kind": "record",
                "subject_id": str(record_id), "detail": "", "prev_hash": "",
                "hash": "0" * 64}}]}, timeout=30)
    assert answer.status_code == 200, answer.text
    refused = {r["t"]: r["reason"] for r in answer.json()["refused"]}
    assert "only add" in refused["signature"]
    assert "was changed after it was written" in refused["event_log"]
    assert server_rows(org.db, "SELECT 1 FROM signature WHERE id = %s", signature.id) != []


def test_staff_teams_accounts_and_settings_are_the_servers(org: Org, tmp_path: Path) -> None:
    admin = org.laptop(tmp_path, "admin")
    with admin.writing() as (session, actor):  # an administrator edits staff offline
        person = session.exec(select(Staff).where(Staff.staff_id == "P10")).one()
        data = replace(staff_input_of(session, person), job_title="Changed offline")
        save_staff(session, actor, data, person.id)
    report = admin.sync()
    assert report.refused and {r.table for r in report.refused} == {"staff"}
    assert "kept on the organisation's server" in report.refused[0].reason
    with admin.reading() as (session, _actor):
        person = session.exec(select(Staff).where(Staff.staff_id == "P10")).one()
        assert person.job_title == "Social Worker"  # the server's, taken back
        assert [k.table for k in kept_changes(session.connection())] == ["staff"]
    assert server_rows(org.db, "SELECT job_title FROM staff WHERE staff_id = 'P10'") == [
        ("Social Worker",)]


def test_a_tracker_made_on_two_laptops_keeps_the_second_aside(org: Org, tmp_path: Path
                                                              ) -> None:
    first = org.laptop(tmp_path, "omar", "omar-a")
    second = org.laptop(tmp_path, "omar", "omar-b")
    for laptop, note in ((first, "Made on laptop A"), (second, "Made on laptop B")):
        with laptop.writing() as (session, actor):  # both offline: a tracker for Aisha
            values = get_tracker(session, actor, org.ids["P3"])
            save_tracker(session, actor, org.ids["P3"], {**values, "reflections": note})
    assert first.sync().refused == []
    report = second.sync()
    assert [(r.table, r.kind) for r in report.refused] == [("asye_tracker", "conflict")]
    assert "Another was made on the server first (the same supervisee id)" in \
        report.refused[0].reason
    with second.reading() as (session, _actor):
        trackers = list(session.exec(select(AsyeTracker)))
        kept = kept_changes(session.connection())
    assert [t.values["reflections"] for t in trackers] == ["Made on laptop A"]
    assert [k.local["values"]["reflections"] for k in kept if k.local] == ["Made on laptop B"]


def test_a_person_made_again_with_the_same_staff_id_reaches_the_laptops(
        org: Org, tmp_path: Path) -> None:
    admin = org.laptop(tmp_path, "admin")
    store = open_pg_store(org.db)
    try:
        with store.write() as session:
            first = save_staff(session, SYSTEM_ACTOR, StaffInput("T1", "Tess Temp", "Temp"))
        admin.sync()
        with store.write() as session:  # entered by mistake, then entered again
            delete_staff(session, SYSTEM_ACTOR, first.id)
            again = save_staff(session, SYSTEM_ACTOR, StaffInput("T1", "Tess Temple", "Temp"))
    finally:
        store.close()
    assert admin.sync().refused == []
    with admin.reading() as (session, _actor):
        found = session.exec(select(Staff).where(Staff.staff_id == "T1")).all()
    assert [(p.id, p.name) for p in found] == [(again.id, "Tess Temple")]
