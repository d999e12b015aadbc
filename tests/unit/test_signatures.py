"""Signatures, locking, addenda and the supervisee's copy (R3, R4)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from supervision_audit.errors import StoreError, ValidationError, WrongKeyError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import actor_for
from supervision_audit.services.accounts import add_account
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.records import (
    complete_record,
    mark_action_done,
    open_actions,
    start_record,
)
from supervision_audit.services.signatures import (
    DISAGREE_MEANING,
    SUPERVISEE_MEANING,
    SUPERVISOR_MEANING,
    add_addendum,
    addenda_of,
    record_copy_given,
    sign,
    signatures_of,
    tasks_for,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import plain_vault

pytestmark = pytest.mark.both_engines  # and on PostgreSQL when a server is named

D = date
PW = {"mia": "mia password 1", "pat": "pat password 1"}


@pytest.fixture
def world(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("P2", "Poppy Nologin", supervisor_staff_id="M1"))
        vault = plain_vault(unit_store)
        mia = actor_for(s, add_account(s, vault, get_by_staff_id(s, "M1").id, "mia", PW["mia"]))
        pat = actor_for(s, add_account(s, vault, get_by_staff_id(s, "P1").id, "pat", PW["pat"]))
        record = start_record(s, mia, form_key="individual", held_on=D(2026, 3, 2),
                              supervisee_uuid=pat.staff_id)
        complete_record(s, mia, record.id, {
            **record.values, "start_time": "10:00", "end_time": "11:30", "welcome": "Fine.",
            "actions": [{"action": "Update chronology", "due": "2026-03-16", "owner": "Pat"}]})
    return unit_store, mia, pat, record.id


def test_supervisee_cannot_sign_first_and_nobody_signs_twice(world) -> None:
    store, mia, pat, record_id = world
    with pytest.raises(ValidationError, match="supervisor signs first"):
        with store.write() as s:
            sign(s, pat, "record", record_id, password=PW["pat"])
    with store.write() as s:
        first = sign(s, mia, "record", record_id, password=PW["mia"])
        assert first.meaning == SUPERVISOR_MEANING and first.role == "supervisor"
        with pytest.raises(ValidationError, match="already been signed by you"):
            sign(s, mia, "record", record_id, password=PW["mia"])


def test_wrong_password_signs_nothing(world) -> None:
    store, mia, _pat, record_id = world
    with pytest.raises(WrongKeyError):
        with store.write() as s:
            sign(s, mia, "record", record_id, password="not it at all")
    with store.read() as s:
        assert signatures_of(s, "record", record_id) == []


def test_both_signatures_make_the_record_final(world) -> None:
    store, mia, pat, record_id = world
    with store.write() as s:
        sign(s, mia, "record", record_id, password=PW["mia"])
        second = sign(s, pat, "record", record_id, password=PW["pat"],
                      disagreement="The caseload figure is wrong")
        from supervision_audit.services.records import get_record

        record = get_record(s, record_id)
        assert record.locked_at is not None
        assert second.meaning == DISAGREE_MEANING.format(text="The caseload figure is wrong")
        sigs = signatures_of(s, "record", record_id)
        assert sigs[0].content_hash == sigs[1].content_hash and len(sigs[0].content_hash) == 64
        assert signature_problems(s, "record", record_id) == []


@pytest.fixture
def final(world):
    store, mia, pat, record_id = world
    with store.write() as s:
        sign(s, mia, "record", record_id, password=PW["mia"])
        sign(s, pat, "record", record_id, password=PW["pat"])
    return world


@pytest.mark.parametrize("statement", [
    "UPDATE supervision_record SET \"values\" = '{}' WHERE id = :id",
    "UPDATE supervision_record SET held_on = '2026-01-01' WHERE id = :id",
    "DELETE FROM supervision_record WHERE id = :id",
    "UPDATE action_item SET description = 'changed' WHERE record_id = :id",
    "DELETE FROM action_item WHERE record_id = :id",
    "UPDATE signature SET content_hash = 'x' WHERE record_id = :id",
    "UPDATE signature SET record_id = 'ffffffffffffffffffffffffffffffff' WHERE record_id = :id",
    "DELETE FROM signature WHERE record_id = :id",
])
def test_the_store_refuses_to_change_a_final_record(final, statement) -> None:
    store, _mia, _pat, record_id = final
    with pytest.raises((StoreError, IntegrityError, Exception), match="final|signature"):
        with store.engine.begin() as conn:
            conn.exec_driver_sql(statement.replace(":id", f"'{record_id.hex}'"))


def test_marking_an_action_done_and_the_copy_stay_allowed(final) -> None:
    store, mia, _pat, record_id = final
    with store.write() as s:
        action = open_actions(s, _pat.staff_id)[0]
        mark_action_done(s, mia, action.id, D(2026, 3, 10))
        record_copy_given(s, mia, record_id, D(2026, 3, 3), "emailed")
    with store.read() as s:
        assert open_actions(s, _pat.staff_id) == []


def test_a_changed_record_through_the_services_is_refused(final) -> None:
    store, mia, _pat, record_id = final
    with pytest.raises(Exception, match="final"):
        with store.write() as s:
            from supervision_audit.services.records import get_record

            record = get_record(s, record_id)
            record.values = {**record.values, "welcome": "Rewritten"}
            s.flush()


def test_addendum_to_a_final_record_is_signed_and_kept(final) -> None:
    store, mia, pat, record_id = final
    with store.write() as s:
        with pytest.raises(ValidationError, match="reason is required"):
            add_addendum(s, mia, "record", record_id, reason=" ", text="x",
                         password=PW["mia"])
        added = add_addendum(s, pat, "record", record_id, reason="Date of visit was wrong",
                             text="The visit was on 27/02, not 26/02.", password=PW["pat"],
                             written_on=D(2026, 3, 9))
        assert [a.id for a in addenda_of(s, "record", record_id)] == [added.id]
        assert signatures_of(s, "addendum", added.id)[0].role == "author"
    with pytest.raises(Exception, match="addendum cannot be changed"):
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE addendum SET text = 'x' WHERE id = '{added.id.hex}'")


def test_addendum_needs_a_final_record(world) -> None:
    store, mia, _pat, record_id = world
    with pytest.raises(ValidationError, match="Only a final"):
        with store.write() as s:
            add_addendum(s, mia, "record", record_id, reason="r", text="t", password=PW["mia"])


def test_in_person_signature_for_a_supervisee_without_an_account(world) -> None:
    store, mia, _pat, _ = world
    with store.write() as s:
        poppy = get_by_staff_id(s, "P2")
        record = start_record(s, mia, form_key="individual", held_on=D(2026, 3, 3),
                              supervisee_uuid=poppy.id)
        complete_record(s, mia, record.id, {**record.values, "start_time": "10:00",
                                            "end_time": "11:30"})
        sign(s, mia, "record", record.id, password=PW["mia"])
        with pytest.raises(ValidationError, match="typed full name and the drawn signature"):
            sign(s, mia, "record", record.id, password=PW["mia"], in_person_for=poppy.id,
                 typed_name="Poppy Nologin")
        signature = sign(s, mia, "record", record.id, password=PW["mia"],
                         in_person_for=poppy.id, typed_name="Poppy Nologin",
                         image_png=b"\x89PNG fake")
        assert signature.in_person and signature.witnessed_by == mia.staff_id
        assert signature.meaning == SUPERVISEE_MEANING and record.locked_at is not None


def test_contract_is_signed_locked_and_a_new_version_replaces_it(world) -> None:
    store, mia, pat, _ = world
    with store.write() as s:
        values = draft_values(s, mia, pat.staff_id)
        values.update(venue="Room 2", date_agreed="2026-03-02", intermediary="Head of Service")
        contract = save_contract(s, mia, pat.staff_id, values)
        sign(s, mia, "contract", contract.id, password=PW["mia"])
        sign(s, pat, "contract", contract.id, password=PW["pat"])
        assert contract.locked_at is not None
        with pytest.raises(ValidationError, match="signed and final"):
            save_contract(s, mia, pat.staff_id, values, contract.id)
        newer = save_contract(s, mia, pat.staff_id, {**values, "date_agreed": "2026-09-01"})
        assert newer.version == 2 and contract.superseded_by_id == newer.id


def test_task_list_shows_signatures_awaited_and_copies_due(world) -> None:
    store, mia, pat, record_id = world
    with store.read() as s:
        tasks = tasks_for(s, mia, on=D(2026, 3, 4))
        assert [(t.what, t.due) for t in tasks] == [
            ("awaiting your signature", None), ("copy due", D(2026, 3, 5))]
        assert [t.what for t in tasks_for(s, pat, on=D(2026, 3, 4))] == [
            "awaiting Mia Manager's signature"]
    with store.write() as s:
        sign(s, mia, "record", record_id, password=PW["mia"])
    with store.read() as s:
        assert [t.what for t in tasks_for(s, pat, on=D(2026, 3, 4))] == [
            "awaiting your signature"]
        late = [t for t in tasks_for(s, mia, on=D(2026, 3, 6)) if t.what == "copy due"]
        assert late[0].late


def test_a_signed_record_can_no_longer_be_edited(world) -> None:
    store, mia, _pat, record_id = world
    with store.write() as s:
        sign(s, mia, "record", record_id, password=PW["mia"])
        from supervision_audit.services.records import get_record

        record = get_record(s, record_id)
        with pytest.raises(ValidationError, match="signed and can no longer be edited"):
            complete_record(s, mia, record_id, {**record.values, "welcome": "Changed"})


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 90), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 70), (290, 30)], fill="black",
                               width=4)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_printed_record_shows_signatures_hash_and_addenda_on_every_page(final, tmp_path
                                                                          ) -> None:
    from pypdf import PdfReader

    from supervision_audit.services.record_export import export_record_pdf
    from supervision_audit.services.signatures import content_hash_of

    store, mia, pat, record_id = final
    with store.write() as s:
        add_addendum(s, pat, "record", record_id, reason="Wrong date of visit",
                     text="The visit was on 27/02, not 26/02.", password=PW["pat"])
        out = export_record_pdf(s, mia, record_id, tmp_path / "r.pdf")
        digest = content_hash_of(s, "record", record_id)
    pages = PdfReader(out).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {len(pages)}" in text
        assert digest in text.replace("\n", "")
        assert "Mia Manager (Supervisor)" in text and "Pat Worker (Supervisee)" in text
        assert SUPERVISOR_MEANING in text and SUPERVISEE_MEANING in text
    whole = " ".join(p.extract_text() for p in pages)
    assert "Addenda" in whole and "The visit was on 27/02, not 26/02." in whole


def test_drawn_signature_is_printed(world, tmp_path) -> None:
    from pypdf import PdfReader

    from supervision_audit.services.record_export import export_record_pdf

    store, mia, pat, record_id = world
    with store.write() as s:
        sign(s, mia, "record", record_id, password=PW["mia"], image_png=_png())
        out = export_record_pdf(s, mia, record_id, tmp_path / "r.pdf")
    assert len(PdfReader(out).pages[0].images) >= 1
