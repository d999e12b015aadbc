"""Group records (Appendix 6) on the task lists and dashboards of their attendees: awaited
once the supervisor has signed, gone from an attendee's list once they have signed."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import event

from supervision_audit.db import Store
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor, actor_for
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.dashboard import build
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.signatures import sign, tasks_for
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
ON = D(2026, 3, 4)
PW = {"M1": "mia password 1", "P1": "pat password 1", "P2": "poppy password 1",
      "S1": "sam password 1"}
GROUP_VALUES = {"start_time": "10:00", "end_time": "11:00", "agreed_agenda": "Neglect",
                "worried": "Drift", "working_well": "Direct work",
                "needs_to_happen": "Earlier review", "learning_1": "One", "learning_2": "Two",
                "learning_3": "Three"}


@pytest.fixture
def group(unit_store: Store) -> tuple[Store, dict[str, Actor], uuid.UUID]:
    """Mia holds a group attended by Pat and Poppy (both hers); Sam is above Mia."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("S1", "Sam Head", role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager",
                                      supervisor_staff_id="S1"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("P2", "Poppy Worker", supervisor_staff_id="M1"))
        vault = Vault(unit_store.path, None)
        actors = {sid: actor_for(s, add_account(s, vault, get_by_staff_id(s, sid).id,
                                                 sid.lower(), pw)) for sid, pw in PW.items()}
        record = start_record(s, actors["M1"], form_key="group", held_on=D(2026, 3, 2))
        complete_record(s, actors["M1"], record.id, {**record.values, **GROUP_VALUES},
                        attendee_ids=[actors["P1"].staff_id, actors["P2"].staff_id])
    return unit_store, actors, record.id


def _tasks(store: Store, actor: Actor) -> list[tuple[uuid.UUID, str, str]]:
    with store.read() as s:
        return [(t.record_id, t.supervisee, t.what) for t in tasks_for(s, actor, ON)]


def _awaiting(store: Store, actor: Actor) -> list[uuid.UUID | None]:
    with store.read() as s:
        return [i.record_id for i in build(s, actor, ON).awaiting_signature]


def _sign(store: Store, actor: Actor, sid: str, record_id: uuid.UUID) -> None:
    with store.write() as s:
        sign(s, actor, "record", record_id, password=PW[sid])


def test_each_attendee_sees_the_group_record_until_they_have_signed(group) -> None:
    store, who, record_id = group
    # the supervisor signs first: until then the attendees wait for her, as a supervisee does
    assert _tasks(store, who["P1"]) == [(record_id, "group", "awaiting Mia Manager's signature")]
    assert _tasks(store, who["M1"]) == [(record_id, "group", "awaiting your signature")]
    _sign(store, who["M1"], "M1", record_id)
    for sid in ("P1", "P2"):
        assert _tasks(store, who[sid]) == [(record_id, "group", "awaiting your signature")]
    assert _tasks(store, who["M1"]) == [
        (record_id, "group", "awaiting Pat Worker's signature and 1 other")]
    # Poppy signs before Pat (attendees sign in any order): hers goes, Pat's stays
    _sign(store, who["P2"], "P2", record_id)
    assert _tasks(store, who["P2"]) == []
    assert _tasks(store, who["P1"]) == [(record_id, "group", "awaiting your signature")]
    assert _tasks(store, who["M1"]) == [(record_id, "group", "awaiting Pat Worker's signature")]
    _sign(store, who["P1"], "P1", record_id)  # everyone has signed: final, on no list
    for sid in ("M1", "P1", "P2"):
        assert _tasks(store, who[sid]) == []


def test_dashboards_count_the_group_record_for_those_who_sign_it(group) -> None:
    store, who, record_id = group
    _sign(store, who["M1"], "M1", record_id)
    assert _awaiting(store, who["P1"]) == [record_id]
    assert _awaiting(store, who["P2"]) == [record_id]
    assert _awaiting(store, who["M1"]) == [record_id]  # awaiting the attendees
    _sign(store, who["P1"], "P1", record_id)
    assert _awaiting(store, who["P1"]) == []
    assert _awaiting(store, who["P2"]) == [record_id]
    assert _awaiting(store, who["M1"]) == [record_id]
    # as for individual records, the list is of one's own signatures: not the line's above
    assert _awaiting(store, who["S1"]) == []


def test_an_attendees_list_takes_a_few_queries_however_many_records(group) -> None:
    store, who, record_id = group
    _sign(store, who["M1"], "M1", record_id)

    def queries() -> tuple[int, int]:
        seen: list[str] = []
        with store.read() as s:
            event.listen(s.connection(), "before_cursor_execute",
                         lambda *args: seen.append(args[2]))
            count = len(tasks_for(s, who["P1"], ON))
        return count, len(seen)

    one, few = queries()
    with store.write() as s:
        for day in range(3, 9):
            record = start_record(s, who["M1"], form_key="group", held_on=D(2026, 2, day))
            complete_record(s, who["M1"], record.id, {**record.values, **GROUP_VALUES},
                            attendee_ids=[who["P1"].staff_id, who["P2"].staff_id])
            sign(s, who["M1"], "record", record.id, password=PW["M1"])
    many, more = queries()
    assert (one, many) == (1, 7)
    assert more == few  # not one query (or two) per record
