"""Sessions and records: schedule, monitoring sheet, postponements, actions, group records."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, time

import pytest

from supervision_audit.demo import acting_as
from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import PermissionDenied, actor_for
from supervision_audit.services.accounts import add_account
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.records import (
    complete_record,
    drafts_of,
    mark_action_done,
    open_actions,
    open_record,
    records_of,
    save_draft,
    start_record,
)
from supervision_audit.services.sessions import (
    miss_session,
    monitoring_sheet,
    move_session,
    plan_year,
    record_reported,
    remove_planned,
    sessions_of,
)
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import plain_vault

pytestmark = pytest.mark.both_engines  # and on PostgreSQL when a server is named

D = date


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("S1", "Sam Head", role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager",
                                      supervisor_staff_id="S1"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1",
                                      employment_start=D(2024, 1, 1)))
        save_staff(s, SYS, StaffInput("P2", "Poppy Worker", supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("A1", "Asha New", role="asye", asye_start=D(2026, 1, 5),
                                      supervisor_staff_id="M1"))
    return unit_store


def _id(s, staff_id):
    return get_by_staff_id(s, staff_id).id


def test_plan_year_monthly_and_asye_and_agreed_interval(org) -> None:
    with org.write() as s:
        monthly = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))
        asye = plan_year(s, SYS, _id(s, "A1"), D(2026, 1, 5), 0, time(10))
        values = draft_values(s, SYS, _id(s, "P2"))
        values.update(venue="Room 1", date_agreed="2026-01-01", frequency="agreed",
                      agreed_interval_days=14, intermediary="Sam Head")
        contract = save_contract(s, SYS, _id(s, "P2"), values)
        for who in (_id(s, "M1"), _id(s, "P2")):  # a draft's terms would not apply (R4)
            sign(s, acting_as(s, who), "contract", contract.id, password=None)
        agreed = plan_year(s, SYS, _id(s, "P2"), D(2026, 1, 5), 0, time(10))
        again = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))
    assert len(monthly) == 12 and all(m.duration_minutes == 90 for m in monthly)
    assert len(asye) == 6 + 10 + 6
    assert len(agreed) == 27  # fortnightly all year
    assert D(2026, 4, 6) not in {a.planned_date for a in agreed}  # Easter Monday skipped
    assert again == []  # dates already booked are left alone


def test_move_and_remove_planned_dates(org) -> None:
    with org.write() as s:
        first, second, *_ = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))
        move_session(s, SYS, first.id, D(2026, 1, 7), time(14, 30))
        remove_planned(s, SYS, second.id)
        dates = [x.planned_date for x in sessions_of(s, _id(s, "P1"))]
    assert dates[0] == D(2026, 1, 7) and D(2026, 2, 9) not in dates and len(dates) == 11


def test_postponement_needs_a_reason_and_a_later_date(org) -> None:
    with org.write() as s:
        first = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))[0]
    for kwargs, field in (({"reason": " "}, "reason"),
                          ({"reason": "Sick", "rescheduled_for": D(2026, 1, 2)},
                           "rescheduled_for")):
        with pytest.raises(ValidationError) as caught:
            with org.write() as s:
                miss_session(s, SYS, first.id, status="postponed", **kwargs)
        assert caught.value.for_field(field)
    with org.read() as s:
        assert sessions_of(s, _id(s, "P1"))[0].status == "planned"


def test_miss_without_new_date_escalates_until_reported(org) -> None:
    with org.write() as s:
        first = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))[0]
        miss_session(s, SYS, first.id, status="cancelled", reason="Court hearing")
        rows = monitoring_sheet(s, SYS, _id(s, "P1"), on=D(2026, 1, 25))
        assert rows[0].status_label == "Cancelled" and rows[0].comments == "Court hearing"
        assert rows[0].escalation.report_due == D(2026, 1, 19) and rows[0].escalation.overdue
        record_reported(s, SYS, first.id, D(2026, 1, 26))
        rows = monitoring_sheet(s, SYS, _id(s, "P1"), on=D(2026, 2, 1))
    assert rows[0].escalation.reported_on == D(2026, 1, 26) and not rows[0].escalation.overdue


def test_rescheduled_session_is_booked_and_clears_the_miss_when_held(org) -> None:
    with org.write() as s:
        first = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))[0]
        miss_session(s, SYS, first.id, status="postponed", reason="Annual leave",
                     rescheduled_for=D(2026, 1, 8), today=D(2026, 1, 5))
        rows = monitoring_sheet(s, SYS, _id(s, "P1"), on=D(2026, 1, 6))
        assert [r.planned_date for r in rows[:2]] == [D(2026, 1, 5), D(2026, 1, 8)]
        assert rows[0].rescheduled_for == D(2026, 1, 8) and rows[0].escalation is None
        follow = sessions_of(s, _id(s, "P1"))[1]
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 1, 8),
                              session_id=follow.id)
        complete_record(s, SYS, record.id, _filled(record.values, "09:30", "11:00"))
        rows = monitoring_sheet(s, SYS, _id(s, "P1"), on=D(2026, 2, 1))
    assert rows[1].status == "completed" and rows[0].escalation is None


def _filled(values, start="10:00", end="11:30", actions=None):
    return {**values, "start_time": start, "end_time": end, "actions": actions or []}


def test_actions_carry_forward_until_done(org) -> None:
    with org.write() as s:
        p1 = _id(s, "P1")
        first = start_record(s, SYS, form_key="individual", held_on=D(2026, 1, 5),
                             supervisee_uuid=p1)
        assert first.values["supervisee_name"] == "Pat Worker"
        assert first.values["supervisor_name"] == "Mia Manager"
        complete_record(s, SYS, first.id, _filled(first.values, actions=[
            {"action": "Update the chronology", "due": "2026-01-20", "owner": "Pat"},
            {"action": "Book safeguarding course", "due": "2026-02-01", "owner": "Mia"}]))
        second = start_record(s, SYS, form_key="individual", held_on=D(2026, 2, 2),
                              supervisee_uuid=p1)
        shown = second.values["actions_reviewed"]
        assert [r["action"] for r in shown] == ["Update the chronology",
                                                 "Book safeguarding course"]
        with pytest.raises(ValidationError, match="not reviewed"):
            complete_record(s, SYS, second.id, _filled(second.values))
        complete_record(s, SYS, second.id, _filled(second.values), reviews={
            shown[0]["id"]: "done", shown[1]["id"]: "carried_forward"})
        still = open_actions(s, p1)
        assert [a.description for a in still] == ["Book safeguarding course"]
        third = start_record(s, SYS, form_key="individual", held_on=D(2026, 3, 2),
                             supervisee_uuid=p1)
        assert [r["action"] for r in third.values["actions_reviewed"]] == [
            "Book safeguarding course"]
        mark_action_done(s, SYS, still[0].id, D(2026, 2, 20))
        assert open_actions(s, p1) == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"start_time": "11:00", "end_time": "10:00"}, "end_time", "ends before it starts"),
    ({"actions": [{"action": "Do it", "due": "2026-02-01", "owner": ""}]}, "actions",
     "By whom is required"),
    ({"actions": [{"action": "Do it", "due": "", "owner": "Pat"}]}, "actions",
     "Timescale is required"),
    ({"held_on": ""}, "held_on", "Date is required"),
])
def test_bad_record_is_refused_and_stays_a_draft(org, changes, field, message) -> None:
    with org.write() as s:
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 1, 5),
                              supervisee_uuid=_id(s, "P1"))
    with pytest.raises(ValidationError) as caught:
        with org.write() as s:
            complete_record(s, SYS, record.id, {**_filled(record.values), **changes})
    assert any(message in m for m in caught.value.for_field(field)), caught.value.problems
    with org.read() as s:
        assert open_actions(s, _id(s, "P1")) == []
        assert records_of(s, SYS, _id(s, "P1"))[0].status == "draft"


def _group_values(values, learning=3):
    values = {**values, "start_time": "13:00", "end_time": "14:30",
              "agreed_agenda": "Neglect themes", "worried": "Drift in plans",
              "working_well": "Family time", "needs_to_happen": "Earlier reviews"}
    for i in range(1, learning + 1):
        values[f"learning_{i}"] = f"Point {i}"
    return values


def test_group_record_goes_on_every_attendees_file(org, tmp_path) -> None:
    with org.write() as s:
        mia = actor_for(s, add_account(s, _vault(org), _id(s, "M1"), "mia", "mia password 1"))
        record = start_record(s, mia, form_key="group", held_on=D(2026, 3, 4))
        with pytest.raises(ValidationError) as caught:
            complete_record(s, mia, record.id, _group_values(record.values, learning=2),
                            attendee_ids=[])
        fields = {p.field for p in caught.value.problems}
        assert {"attendees", "learning_3"} <= fields
        complete_record(s, mia, record.id, _group_values(record.values),
                        attendee_ids=[_id(s, "P1"), _id(s, "P2")])
        assert [r.id for r in records_of(s, SYS, _id(s, "P1"))] == [record.id]
        assert [r.id for r in records_of(s, SYS, _id(s, "P2"))] == [record.id]
        assert records_of(s, SYS, _id(s, "A1")) == []
        assert record.values["attendees"] == ["Pat Worker", "Poppy Worker"]
        sam = actor_for(s, add_account(s, _vault(org), _id(s, "S1"), "sam", "sam password 1"))
        assert open_record(s, sam, record.id).id == record.id  # an attendee's line manager
        asha = actor_for(s, add_account(s, _vault(org), _id(s, "A1"), "asha", "asha password"))
        with pytest.raises(PermissionDenied):
            open_record(s, asha, record.id)


def _vault(store):
    return plain_vault(store)


DRAFTER = """
import os, signal, sys
from datetime import date
from pathlib import Path
from supervision_audit.db import open_store
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.services.staff import get_by_staff_id

store = open_store(Path(sys.argv[1]))
with store.write() as s:
    record = start_record(s, SYS, form_key="individual", held_on=date(2026, 1, 5),
                          supervisee_uuid=get_by_staff_id(s, "P1").id)
for n in range(1, 6):
    with store.write() as s:
        save_draft(s, SYS, record.id, {**record.values, "welcome": f"typed {n}"})
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.sqlite_only  # the file, reopened after the process writing it was killed
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_draft_survives_a_killed_process(org) -> None:
    path = org.path
    org.close()
    result = subprocess.run([sys.executable, "-c", DRAFTER, str(path)], capture_output=True,
                            text=True, timeout=60, env=os.environ.copy())
    assert result.returncode == -signal.SIGKILL, result.stderr
    from supervision_audit.db import open_store

    store = open_store(path)
    with store.read() as s:
        drafts = drafts_of(s, SYS)
        mia_drafts = [d for d in records_of(s, SYS, _id(s, "P1")) if d.status == "draft"]
    store.close()
    assert mia_drafts and mia_drafts[0].values["welcome"] == "typed 5"
    assert drafts == []  # the system actor supervises no one; the draft is Mia's
    assert mia_drafts[0].supervisor_id is not None


def test_saving_a_draft_of_a_complete_record_is_refused(org) -> None:
    with org.write() as s:
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 1, 5),
                              supervisee_uuid=_id(s, "P1"))
        complete_record(s, SYS, record.id, _filled(record.values))
        with pytest.raises(ValidationError, match="no longer a draft"):
            save_draft(s, SYS, record.id, {})


def test_cases_discussed_and_cases_not_discussed_in_their_interval(org) -> None:
    from supervision_audit.models import CaseDiscussion
    from supervision_audit.services.cases import (
        add_case,
        case_file_is_late,
        case_statuses,
        close_case,
    )

    with org.write() as s:
        p1 = _id(s, "P1")
        cp = add_case(s, SYS, p1, "CP-1001", "child_protection", D(2026, 1, 1))
        lac = add_case(s, SYS, p1, "LAC-2002", "looked_after", D(2026, 1, 1))
        closed = add_case(s, SYS, p1, "CIN-3003", "child_in_need", D(2026, 1, 1))
        close_case(s, SYS, closed.id, D(2026, 1, 20))
        with pytest.raises(ValidationError, match="already open"):
            add_case(s, SYS, p1, "CP-1001", "child_protection", D(2026, 2, 1))
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 2, 2),
                              supervisee_uuid=p1)
        with pytest.raises(ValidationError, match="'NOPE' is not open"):
            complete_record(s, SYS, record.id, {**_filled(record.values), "cases_discussed": [
                {"case": "NOPE", "recorded_on": "2026-02-03", "note": ""}]})
    with org.write() as s:
        record = records_of(s, SYS, p1)[0]
        complete_record(s, SYS, record.id, {**_filled(record.values), "cases_discussed": [
            {"case": "CP-1001", "recorded_on": "2026-02-03", "note": "Strategy meeting"},
            {"case": "LAC-2002", "recorded_on": "2026-02-05", "note": "Placement review"}]})
        discussions = {d.case_id: d for d in s.exec(
            __import__("sqlmodel").select(CaseDiscussion))}
        assert not case_file_is_late(record, discussions[cp.id])  # next day: within 24 hours
        assert case_file_is_late(record, discussions[lac.id])  # three days later
        statuses = {c.case.reference: c for c in case_statuses(s, p1, D(2026, 3, 5))}
    assert set(statuses) == {"CP-1001", "LAC-2002"}
    assert statuses["CP-1001"].last_discussed == D(2026, 2, 2)
    assert statuses["CP-1001"].due == D(2026, 3, 2) and statuses["CP-1001"].overdue
    assert statuses["LAC-2002"].due == D(2026, 3, 2) and statuses["LAC-2002"].type_label == \
        "Looked After Child"


def test_moves_and_reports_that_make_no_sense_are_refused(org) -> None:
    with org.write() as s:
        first, second, *_ = plan_year(s, SYS, _id(s, "P1"), D(2026, 1, 5), 0, time(10))
        with pytest.raises(ValidationError, match="weekend or a bank holiday"):
            move_session(s, SYS, first.id, D(2026, 4, 6))  # Easter Monday
        with pytest.raises(ValidationError, match="already a session"):
            move_session(s, SYS, first.id, second.planned_date)
        miss_session(s, SYS, first.id, status="cancelled", reason="Sickness")
        with pytest.raises(ValidationError, match="in the future"):
            record_reported(s, SYS, first.id, date.today() + __import__("datetime").timedelta(
                days=3))
