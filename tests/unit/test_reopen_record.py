"""Reopening a complete record nobody has signed as a draft: who may, when it is refused,
and what completing it had made that is undone (the session stays held)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from supervision_audit.errors import StoreError, ValidationError
from supervision_audit.models import (
    ActionItem,
    ActionReview,
    EventLog,
    GroupAttendee,
    SupervisionRecord,
    SupervisionSession,
    utcnow,
)
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import PermissionDenied, actor_for
from supervision_audit.services.accounts import add_account
from supervision_audit.services.compliance import compute
from supervision_audit.services.records import (
    complete_record,
    drafts_of,
    get_record,
    open_actions,
    reopen_record,
    start_record,
)
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.records.record_data import load_records
from tests.record_helpers import plain_vault

pytestmark = pytest.mark.both_engines  # and on PostgreSQL when a server is named

D = date
PW = {"mia": "mia password 1", "pat": "pat password 1", "sam": "sam password 1"}
HELD = D(2026, 3, 2)
AS_OF = D(2026, 3, 10)


def _values(record: SupervisionRecord, action: str = "Update chronology") -> dict:
    return {**record.values, "start_time": "10:00", "end_time": "11:30", "welcome": "Fine.",
            "actions": [{"action": action, "due": "2026-03-16", "owner": "Pat"}]}


@pytest.fixture
def world(unit_store):
    """Mia supervises Pat; a planned session of 2 March, written up and completed, unsigned.
    Sam is another team's manager."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("M2", "Sam Other", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("P2", "Poppy Nologin", supervisor_staff_id="M1"))
        vault = plain_vault(unit_store)
        actors = {name: actor_for(s, add_account(s, vault, get_by_staff_id(s, staff).id, name,
                                                 PW[name]))
                  for name, staff in (("mia", "M1"), ("pat", "P1"), ("sam", "M2"))}
        planned = SupervisionSession(supervisee_id=actors["pat"].staff_id,
                                     supervisor_id=actors["mia"].staff_id, planned_date=HELD,
                                     planned_time=time(10))
        s.add(planned)
        s.flush()
        record = start_record(s, actors["mia"], form_key="individual", held_on=HELD,
                              session_id=planned.id)
        complete_record(s, actors["mia"], record.id, _values(record))
        return unit_store, actors, record.id, planned.id


def _reopen(store, actor, record_id, reason="The end time was wrong"):
    with store.write() as s:
        return reopen_record(s, actor, record_id, reason)


def test_reopened_record_is_a_draft_again_logged_and_its_session_stays_held(world) -> None:
    store, actors, record_id, session_id = world
    with store.read() as s:
        (before,) = compute(s, AS_OF, {actors["pat"].staff_id})
        assert (before.last_completed, before.unsigned_records,
                before.records_missing_12m) == ("2026-03-02", 1, 0)
    _reopen(store, actors["mia"], record_id, "  The end time was wrong  ")
    with store.read() as s:
        record = get_record(s, record_id)
        assert record.status == "draft" and record.values["welcome"] == "Fine."
        assert [d.id for d in drafts_of(s, actors["mia"])] == [record_id]  # offered again
        assert s.get(SupervisionSession, session_id).status == "completed"  # still held
        assert s.exec(select(ActionItem).where(ActionItem.record_id == record_id)).all() == []
        (entry,) = s.exec(select(EventLog).where(EventLog.action == "record.reopen")).all()
        assert entry.subject_id == str(record_id) and entry.detail == "The end time was wrong"
        assert entry.actor_username == "mia" and entry.about_staff_id == actors["pat"].staff_id
        (after,) = compute(s, AS_OF, {actors["pat"].staff_id})
        # held stays held (the cadence is unchanged); the session now waits for its record
        assert after.last_completed == "2026-03-02" and not after.overdue
        assert (after.unsigned_records, after.records_missing_12m) == (0, 1)


def test_completed_again_it_writes_its_actions_once_and_can_be_signed(world) -> None:
    store, actors, record_id, _session_id = world
    _reopen(store, actors["mia"], record_id)
    with store.write() as s:
        record = get_record(s, record_id)
        with pytest.raises(ValidationError, match="Finish the record"):
            sign(s, actors["mia"], "record", record_id, password=PW["mia"])
        complete_record(s, actors["mia"], record_id, {**_values(record, "Corrected action"),
                                                      "end_time": "11:45"})
    with store.write() as s:
        actions = s.exec(select(ActionItem).where(ActionItem.record_id == record_id)).all()
        assert [a.description for a in actions] == ["Corrected action"]
        sign(s, actors["mia"], "record", record_id, password=PW["mia"])
        assert get_record(s, record_id).end_time == time(11, 45)


def test_an_earlier_action_it_marked_done_is_open_again(world) -> None:
    store, actors, first_id, _session_id = world
    mia, pat = actors["mia"], actors["pat"]
    with store.write() as s:
        (earlier,) = open_actions(s, pat.staff_id)
        second = start_record(s, mia, form_key="individual", held_on=D(2026, 3, 30),
                              supervisee_uuid=pat.staff_id)
        complete_record(s, mia, second.id, _values(second, "Book training"),
                        reviews={str(earlier.id): "done"})
        assert [a.description for a in open_actions(s, pat.staff_id)] == ["Book training"]
    with pytest.raises(ValidationError, match="reviewed in a later record"):
        _reopen(store, mia, first_id)  # its action was reviewed by the second record
    _reopen(store, mia, second.id)
    with store.read() as s:
        assert [a.description for a in open_actions(s, pat.staff_id)] == ["Update chronology"]
        assert s.exec(select(ActionReview).where(ActionReview.record_id == second.id)
                      ).all() == []
    with store.write() as s:  # completed again, the earlier action is reviewed again
        record = get_record(s, second.id)
        with pytest.raises(ValidationError, match="Mark each earlier action"):
            complete_record(s, mia, second.id, _values(record, "Book training"))
    with store.write() as s:
        complete_record(s, mia, second.id, _values(record, "Book training"),
                        reviews={str(earlier.id): "carried_forward"})
        assert sorted(a.description for a in open_actions(s, pat.staff_id)) == [
            "Book training", "Update chronology"]


def test_a_signed_record_is_refused_and_takes_an_addendum(world) -> None:
    store, actors, record_id, _session_id = world
    with store.write() as s:
        sign(s, actors["mia"], "record", record_id, password=PW["mia"])
    with pytest.raises(ValidationError, match="has been signed, so it cannot be reopened"):
        _reopen(store, actors["mia"], record_id)
    with store.read() as s:
        assert get_record(s, record_id).status == "complete"
        assert len(s.exec(select(ActionItem).where(ActionItem.record_id == record_id)).all()) \
            == 1


def test_a_final_record_is_refused_and_the_store_still_locks_it(world) -> None:
    store, actors, record_id, _session_id = world
    with store.write() as s:
        sign(s, actors["mia"], "record", record_id, password=PW["mia"])
        sign(s, actors["pat"], "record", record_id, password=PW["pat"])
    with pytest.raises(ValidationError, match="add an addendum"):
        _reopen(store, actors["mia"], record_id)
    with pytest.raises((IntegrityError, StoreError), match="final"):  # triggers untouched
        with store.write() as s:
            get_record(s, record_id).status = "draft"


def test_a_locked_record_is_refused_even_without_signatures(world) -> None:
    store, actors, record_id, _session_id = world
    with store.write() as s:
        get_record(s, record_id).locked_at = utcnow()
    with pytest.raises(ValidationError, match="final .*add an addendum"):
        _reopen(store, actors["mia"], record_id)


@pytest.mark.parametrize("who", ["pat", "sam"])
def test_only_someone_who_writes_the_record_may_reopen_it(world, who) -> None:
    store, actors, record_id, _session_id = world
    with pytest.raises(PermissionDenied):
        _reopen(store, actors[who], record_id)
    with store.read() as s:
        assert get_record(s, record_id).status == "complete"
        assert s.exec(select(EventLog).where(EventLog.action == "record.reopen")).all() == []


def test_a_new_supervisor_may_not_reopen_the_last_ones_record(world) -> None:
    """Pat moves to Sam. Sam now writes Pat's records, but not this one: reopened, it would
    be a draft of Mia's, who may no longer write it. Both are refused; nothing changes."""
    store, actors, record_id, _session_id = world
    with store.write() as s:
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M2"),
                   actors["pat"].staff_id, today=AS_OF)
    with pytest.raises(PermissionDenied, match="only the supervisor who wrote it may"):
        _reopen(store, actors["sam"], record_id)
    with pytest.raises(PermissionDenied):
        _reopen(store, actors["mia"], record_id)
    with store.read() as s:
        assert get_record(s, record_id).status == "complete"
        rows = load_records(s, actors["sam"], actors["pat"].staff_id, today=AS_OF).rows
    assert [(r.id, r.may_reopen) for r in rows] == [(record_id, False)]
    assert rows[0].reopen_note == "Only the supervisor who writes this record may reopen it"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_reason_is_required(world, reason) -> None:
    store, actors, record_id, _session_id = world
    with pytest.raises(ValidationError) as caught:
        _reopen(store, actors["mia"], record_id, reason)
    assert [p.field for p in caught.value.problems] == ["reason"]
    with store.read() as s:
        assert get_record(s, record_id).status == "complete"


def test_a_draft_and_an_action_since_done_are_refused(world) -> None:
    store, actors, record_id, _session_id = world
    with store.write() as s:
        draft = start_record(s, actors["mia"], form_key="individual", held_on=D(2026, 4, 6),
                             supervisee_uuid=actors["pat"].staff_id)
    with pytest.raises(ValidationError, match="still a draft"):
        _reopen(store, actors["mia"], draft.id)
    from supervision_audit.services.records import mark_action_done

    with store.write() as s:
        (action,) = open_actions(s, actors["pat"].staff_id)
        mark_action_done(s, actors["mia"], action.id, D(2026, 3, 9))
    with pytest.raises(ValidationError, match="marked done"):
        _reopen(store, actors["mia"], record_id)


def test_a_group_record_reopened_keeps_its_attendees_as_chosen(world) -> None:
    store, actors, _record_id, _session_id = world
    mia, pat = actors["mia"], actors["pat"]
    with store.write() as s:
        poppy = get_by_staff_id(s, "P2").id
        group = start_record(s, mia, form_key="group", held_on=D(2026, 3, 4))
        values = {**group.values, "start_time": "10:00", "end_time": "11:00",
                  "agreed_agenda": "Neglect", "worried": "Drift", "working_well": "Direct",
                  "needs_to_happen": "Review", "learning_1": "One", "learning_2": "Two",
                  "learning_3": "Three"}
        complete_record(s, mia, group.id, values, attendee_ids=[pat.staff_id, poppy])
    _reopen(store, mia, group.id)
    with store.read() as s:
        record = get_record(s, group.id)
        assert record.status == "draft"
        assert sorted(record.values["attendees"]) == sorted([str(pat.staff_id), str(poppy)])
        assert s.exec(select(GroupAttendee).where(GroupAttendee.record_id == group.id)
                      ).all() == []
    with store.write() as s:  # completed again without a duplicate attendee
        complete_record(s, mia, group.id, values, attendee_ids=[pat.staff_id, poppy])
        assert len(s.exec(select(GroupAttendee).where(GroupAttendee.record_id == group.id)
                          ).all()) == 2
