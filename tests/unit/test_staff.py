"""People: add, edit, leavers, supervisor history and loops."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from supervision_audit.errors import ValidationError
from supervision_audit.models import Staff, SupervisorChange
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.staff import (
    StaffInput,
    delete_staff,
    get_by_staff_id,
    line_of_management,
    list_staff,
    mark_left,
    save_staff,
    staff_input_of,
    supervisor_history,
)

START = date(2025, 1, 6)


def _org(session) -> None:
    save_staff(session, SYS, StaffInput("S1", "Sam Head", "Head of Service", team="Leadership",
                                   role="senior_manager"), today=START)
    save_staff(session, SYS, StaffInput("M1", "Mia Manager", "Team Manager", team="Assessment",
                                   role="team_manager", supervisor_staff_id="S1"), today=START)
    save_staff(session, SYS, StaffInput("P1", "Pat Worker", "Social Worker", team="Assessment",
                                   supervisor_staff_id="M1", employment_start=date(2024, 3, 1)),
               today=START)


def test_add_and_list_with_team_and_supervisor(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
    with unit_store.read() as session:
        rows = {r.staff_id: r for r in list_staff(session, SYS)}
        assert rows["P1"].team == "Assessment"
        assert rows["P1"].supervisor_name == "Mia Manager"
        assert [p.name for p in line_of_management(session, get_by_staff_id(session, "P1"))] == [
            "Mia Manager", "Sam Head"]
        assert {r.staff_id for r in list_staff(session, SYS, supervisor_id=rows["M1"].id)} == {"P1"}


def test_edit_round_trips_through_staff_input(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
        person = get_by_staff_id(session, "P1")
        data = staff_input_of(session, person)
        assert data.supervisor_staff_id == "M1" and data.team == "Assessment"
        changed = StaffInput(**{**data.__dict__, "job_title": "Senior Social Worker"})
        save_staff(session, SYS, changed, person.id)
    with unit_store.read() as session:
        assert get_by_staff_id(session, "P1").job_title == "Senior Social Worker"


def test_duplicate_staff_id_is_refused(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as session:
            save_staff(session, SYS, StaffInput("P1", "Someone Else"))
    assert caught.value.for_field("staff_id") == ["Staff id 'P1' already belongs to Pat Worker"]
    with unit_store.read() as session:
        assert len(session.exec(select(Staff)).all()) == 3


def test_supervisor_loop_is_refused(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as session:
            head = get_by_staff_id(session, "S1")
            data = staff_input_of(session, head)
            save_staff(session, SYS, StaffInput(**{**data.__dict__, "supervisor_staff_id": "P1"}),
                       head.id)
    assert "already supervised" in str(caught.value)
    with unit_store.read() as session:
        assert get_by_staff_id(session, "S1").supervisor_id is None


def test_change_of_supervisor_is_kept_as_history(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
        save_staff(session, SYS, StaffInput("M2", "Noor Manager", role="team_manager",
                                       supervisor_staff_id="S1"))
        person = get_by_staff_id(session, "P1")
        data = staff_input_of(session, person)
        save_staff(session, SYS, StaffInput(**{**data.__dict__, "supervisor_staff_id": "M2"}),
                   person.id, today=date(2026, 6, 1))
    with unit_store.read() as session:
        person = get_by_staff_id(session, "P1")
        history = supervisor_history(session, person.id)
        names = [session.get(Staff, h.supervisor_id).name for h in history]
        assert names == ["Mia Manager", "Noor Manager"]
        assert history[0].ended_on == date(2026, 6, 1)
        assert history[1].started_on == date(2026, 6, 1) and history[1].ended_on is None


def test_leaver_keeps_records_and_cannot_be_deleted(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
        person = get_by_staff_id(session, "P1")
        values = draft_values(session, SYS, person.id)
        values.update(venue="Room 1", date_agreed="2026-01-05")
        save_contract(session, SYS, person.id, values)
        mark_left(session, SYS, person.id, date(2026, 10, 31))
    with unit_store.read() as session:
        assert "P1" not in {r.staff_id for r in list_staff(session, SYS)}
        assert "P1" in {r.staff_id for r in list_staff(session, SYS, include_left=True)}
        assert get_by_staff_id(session, "P1").left_on == date(2026, 10, 31)
    with pytest.raises(ValidationError, match="mark them as left"):
        with unit_store.write() as session:
            delete_staff(session, SYS, get_by_staff_id(session, "P1").id)


def test_person_entered_by_mistake_can_be_deleted(unit_store) -> None:
    with unit_store.write() as session:
        _org(session)
        save_staff(session, SYS, StaffInput("X9", "Typo Person", supervisor_staff_id="M1"))
        delete_staff(session, SYS, get_by_staff_id(session, "X9").id)
    with unit_store.read() as session:
        assert session.exec(select(Staff).where(Staff.staff_id == "X9")).first() is None
        assert len(session.exec(select(SupervisorChange)).all()) == 2  # M1 and P1 only


@pytest.mark.parametrize(("data", "field", "message"), [
    (StaffInput("", "No Id"), "staff_id", "Staff id is required"),
    (StaffInput("Z1", "  "), "name", "Name is required"),
    (StaffInput("Z1", "Ann", role="wizard"), "role", "Role 'wizard' is not one of"),
    (StaffInput("Z1", "Ann", role="asye"), "asye_start", "ASYE start is required"),
    (StaffInput("Z1", "Ann", supervisor_staff_id="Z1"), "supervisor_id", "cannot supervise"),
    (StaffInput("Z1", "Ann", email="ann.example"), "email", "is not an e-mail address"),
    (StaffInput("Z1", "Ann", supervisor_staff_id="NOPE"), "supervisor_id", "'NOPE'"),
])
def test_bad_details_are_named_by_field(unit_store, data, field, message) -> None:
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as session:
            save_staff(session, SYS, data)
    assert any(message in m for m in caught.value.for_field(field)), caught.value.problems
    with unit_store.read() as session:
        assert session.exec(select(Staff)).all() == []


def test_stale_edit_is_detected_not_silently_overwritten(unit_store) -> None:
    from supervision_audit.errors import StaleEditError

    with unit_store.write() as session:
        _org(session)
    with unit_store.read() as session:  # two people open the same record
        opened = get_by_staff_id(session, "P1")
        first_view, second_view = staff_input_of(session, opened), opened.updated_at
    with unit_store.write() as session:  # the first saves
        save_staff(session, SYS, StaffInput(**{**first_view.__dict__, "phone": "0121 000 1111"}),
                   opened.id, expected_updated_at=second_view)
    with pytest.raises(StaleEditError, match="changed by someone else"):
        with unit_store.write() as session:  # the second, from the old copy
            stale = StaffInput(**{**first_view.__dict__, "phone": "0121 999 9999"})
            save_staff(session, SYS, stale, opened.id, expected_updated_at=second_view)
    with unit_store.read() as session:
        assert get_by_staff_id(session, "P1").phone == "0121 000 1111"
