"""The ASYE tracker: milestones due and overdue, the cadence kept, reflection counted."""

from __future__ import annotations

from datetime import date

import pytest

from supervision_audit.demo import acting_as
from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.asye import (
    cadence_gaps,
    get_tracker,
    milestones,
    reflection_counts,
    save_tracker,
)
from supervision_audit.services.compliance import compute
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
START = D(2026, 1, 5)


@pytest.fixture
def asye(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("A1", "Asha New", role="asye", asye_start=START,
                                      employment_start=START, supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
    return unit_store


def test_milestones_are_due_from_the_asye_start(asye) -> None:
    with asye.write() as s:
        person = get_by_staff_id(s, "A1")
        save_tracker(s, SYS, person.id, {"review_3_answer": "yes", "review_3_date": "2026-04-01"})
        values = get_tracker(s, SYS, person.id)
        states = {m.name: m for m in milestones(person, values, D(2026, 7, 10))}
    assert states["3-month review"].due == D(2026, 4, 5) and states["3-month review"].state == \
        "done" and states["3-month review"].done_on == D(2026, 4, 1)
    assert states["6-month review"].due == D(2026, 7, 5)
    assert states["6-month review"].state == "overdue"
    assert states["9-month review"].due == D(2026, 10, 5)
    assert states["9-month review"].state == "not yet due"
    assert states["final evidence meeting"].due == D(2027, 1, 5)
    with asye.read() as s:
        row = {r.staff_id: r for r in compute(s, D(2026, 7, 10))}["A1"]
    assert row.asye_milestones_overdue == ["6-month review"]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"review_3_answer": "yes", "review_3_date": "2025-12-01"}, "review_3_date",
     "before the ASYE started"),
    ({"outcome": "pass"}, "qa_panel_date", "needs the date of the QA panel"),
    ({"crl_2_feedback": "Good log"}, "crl_2_date", "CRL 2 needs its date"),
])
def test_bad_tracker_entries_are_refused(asye, values, field, message) -> None:
    with pytest.raises(ValidationError) as caught:
        with asye.write() as s:
            save_tracker(s, SYS, get_by_staff_id(s, "A1").id, values)
    assert any(message in m for m in caught.value.for_field(field)), caught.value.problems


def test_only_asye_workers_have_a_tracker(asye) -> None:
    with pytest.raises(ValidationError, match="not in their ASYE"):
        with asye.write() as s:
            save_tracker(s, SYS, get_by_staff_id(s, "P1").id, {})


def test_gaps_longer_than_the_cadence_are_marked(asye) -> None:
    with asye.read() as s:
        person = get_by_staff_id(s, "A1")
    held = [D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 30),  # 11 days: weekly allowed 7
            D(2026, 2, 6), D(2026, 2, 13), D(2026, 3, 6),  # 21 days from 13 Feb (weekly)
            D(2026, 3, 20), D(2026, 4, 10)]  # 21 days, fortnightly allowed 14
    gaps = cadence_gaps(person, held, D(2026, 5, 1))
    assert [(g.start, g.end, g.allowed_until, g.cadence) for g in gaps] == [
        (D(2026, 1, 19), D(2026, 1, 30), D(2026, 1, 26), "asye-weekly"),
        (D(2026, 2, 13), D(2026, 3, 6), D(2026, 2, 20), "asye-weekly"),
        (D(2026, 3, 20), D(2026, 4, 10), D(2026, 4, 3), "asye-fortnightly"),
        (D(2026, 4, 10), D(2026, 5, 1), D(2026, 4, 24), "asye-fortnightly"),
    ]
    assert gaps[0].days_over == 4


def test_reflection_counts_per_statement(asye) -> None:
    with asye.write() as s:
        person = get_by_staff_id(s, "A1")
        for day, kss in ((D(2026, 1, 12), ["KSS1", "KSS2"]), (D(2026, 2, 9), ["KSS1"])):
            record = start_record(s, SYS, form_key="individual", held_on=day,
                                  supervisee_uuid=person.id)
            complete_record(s, SYS, record.id, {**record.values, "start_time": "10:00",
                                                "end_time": "11:30", "kss": kss,
                                                "pcf": ["PCF6"]})
        values = {"crl_1_date": "2026-02-20", "crl_1_kss": ["KSS9"], "crl_1_pcf": ["PCF1"]}
        save_tracker(s, SYS, person.id, values)
        counts = reflection_counts(s, person, get_tracker(s, SYS, person.id), D(2026, 3, 1))
    assert counts["kss"]["KSS1"] == 2 and counts["kss"]["KSS2"] == 1
    assert counts["kss"]["KSS9"] == 1 and counts["kss"]["KSS10"] == 0
    assert counts["pcf"]["PCF6"] == 2 and counts["pcf"]["PCF1"] == 1
    assert sorted(k for k, v in counts["kss"].items() if v == 0) == [
        "KSS10", "KSS3", "KSS4", "KSS5", "KSS6", "KSS7", "KSS8"]


def test_signed_tracker_is_final(asye) -> None:
    with asye.write() as s:
        person = get_by_staff_id(s, "A1")
        tracker = save_tracker(s, SYS, person.id, {"learning_agreement_answer": "yes"})
        sign(s, acting_as(s, person.supervisor_id), "asye", tracker.id, password=None)
        sign(s, acting_as(s, person.id), "asye", tracker.id, password=None)
        assert tracker.locked_at is not None
        with pytest.raises(ValidationError, match="signed and final"):
            save_tracker(s, SYS, person.id, {"pdp_answer": "yes"})


def test_demo_has_asye_workers_at_different_points(tmp_path) -> None:
    from supervision_audit.demo import create_demo

    opened, _ = create_demo(tmp_path / "demo.sqlite", encrypted=False)
    with opened.store.read() as s:
        rows = {r.staff_id: r for r in compute(s, date.today())}
        tracker = get_tracker(s, SYS, get_by_staff_id(s, "A303").id)
    opened.store.close()
    assert rows["A204"].asye_milestones_overdue == ["6-month review"]
    assert rows["A104"].cadence == "asye-weekly"
    assert tracker["outcome"] == "defer" and tracker["qa_panel_date"]
