"""A draft audit given a new date gathers its evidence again for the period that date defines;
the auditor's own answers and comments stay, proposals that changed are marked, and a complete
audit never changes."""

from __future__ import annotations

from datetime import date

import pytest

from supervision_audit.db import Store
from supervision_audit.demo import acting_as
from supervision_audit.errors import ValidationError
from supervision_audit.models import FileAudit
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.audits import (
    change_audit_date,
    get_audit,
    save_audit,
    start_audit,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import signed_contract, signed_record

D = date
AUDIT_DAY = D(2026, 6, 26)  # covers the sessions of 31/03, 30/04 and 29/05/2026
EARLIER = D(2026, 4, 15)  # covers only the session of 31/03/2026
OVERRULE = "Case-file audits are kept on paper in the team office; seen."


@pytest.fixture
def file(unit_store: Store) -> dict[str, object]:
    """Wendy's file: a signed contract and three monthly records, the welfare item filled in
    March and April but not in May."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", "Head of Service",
                                      role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", "Team Manager", role="team_manager",
                                      supervisor_staff_id="H1"))
        save_staff(s, SYS, StaffInput("W1", "Wendy Worker", supervisor_staff_id="M1",
                                      employment_start=D(2024, 1, 1)))
        w1 = get_by_staff_id(s, "W1")
        signed_contract(s, w1.id, "2026-01-05", "Hana Head")
        records = [signed_record(s, "W1", day, welfare="" if day.month == 5 else "Leave booked",
                                 reflective="A hard visit", kss=["KSS1"],
                                 performance="Appraisal objectives reviewed").id
                   for day in (D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 29))]
        return {"store": unit_store, "w1": w1.id, "head": get_by_staff_id(s, "H1").id,
                "records": [str(r) for r in records]}


def _head(s, file) -> Actor:
    return acting_as(s, file["head"])


def _figure(audit: FileAudit, key: str, label: str) -> dict:
    return next(f for f in audit.proposals[key]["figures"] if f["label"] == label)


def _started_with_an_overrule(s, file) -> FileAudit:
    """An audit on AUDIT_DAY, the auditor overruling the evidence on audits, with a comment."""
    head = _head(s, file)
    audit = start_audit(s, head, file["w1"], AUDIT_DAY)
    assert audit.proposals["audits"]["outcome"] == "no"
    return save_audit(s, head, audit.id, {**audit.values, "audits_outcome": "yes",
                                          "audits_comment": OVERRULE,
                                          "welfare_action": "Write welfare up every month"})


def test_a_new_date_gathers_the_evidence_for_its_period(file) -> None:
    with file["store"].write() as s:
        audit = _started_with_an_overrule(s, file)
        assert _figure(audit, "welfare", "Records with the welfare item filled")["value"] == \
            "2 of 3 (67%)"
        assert _figure(audit, "timescales", "Sessions held")["value"] == "3"
        assert _figure(audit, "recording", "Records signed by both")["record_ids"] == \
            file["records"]
        assert audit.values["welfare_outcome"] == "no"  # taken from the evidence

        result = change_audit_date(s, _head(s, file), audit.id, EARLIER)

        audit = get_audit(s, audit.id)
        assert (audit.completed_on, audit.period_start) == (EARLIER, D(2025, 4, 15))
        assert audit.values["completed_on"] == "2026-04-15"
        assert audit.values["period"] == "15/04/2025 to 15/04/2026"
        welfare = _figure(audit, "welfare", "Records with the welfare item filled")
        assert welfare["value"] == "1 of 1 (100%)"
        assert welfare["record_ids"] == file["records"][:1]
        assert _figure(audit, "timescales", "Sessions held")["value"] == "1"
        assert _figure(audit, "recording", "Records signed by both")["record_ids"] == \
            file["records"][:1]
        # the welfare proposal changed, and says what it was; the answer that took it follows
        assert audit.proposals["welfare"]["outcome"] == "yes"
        assert audit.proposals["welfare"]["previous_outcome"] == "no"
        assert "previous_outcome" not in audit.proposals["contract"]
        assert result.changed == ["welfare"] and result.followed == ["welfare"]
        assert audit.values["welfare_outcome"] == "yes"
        # the auditor's overrule and comment, and their other entries, stay
        assert audit.values["audits_outcome"] == "yes"
        assert audit.values["audits_comment"] == OVERRULE
        assert audit.values["welfare_action"] == "Write welfare up every month"
        assert result.kept == []  # audits' proposal did not change
        assert audit.values["suggested_judgement"] == "Good"  # no "no" left
        # and it saves: the overrule still has its comment
        save_audit(s, _head(s, file), audit.id, dict(audit.values))


def test_an_overrule_with_a_comment_is_kept_when_the_evidence_moves(file) -> None:
    with file["store"].write() as s:
        head = _head(s, file)
        audit = start_audit(s, head, file["w1"], AUDIT_DAY)
        comment = "Welfare was discussed in May; not written up."
        save_audit(s, head, audit.id, {**audit.values, "welfare_outcome": "yes",
                                       "welfare_comment": comment})
        change_audit_date(s, head, audit.id, EARLIER)  # the evidence now agrees: yes
        assert audit.proposals["welfare"]["outcome"] == "yes"
        back = change_audit_date(s, head, audit.id, AUDIT_DAY)  # and disagrees again
        assert audit.proposals["welfare"]["outcome"] == "no"
        assert "previous_outcome" not in audit.proposals["welfare"]  # as first proposed
        assert back.kept == ["welfare"] and back.followed == []
        assert audit.values["welfare_outcome"] == "yes"
        assert audit.values["welfare_comment"] == comment
        assert _figure(audit, "welfare", "Records with the welfare item filled")["value"] == \
            "2 of 3 (67%)"


def test_answers_on_screen_are_merged_and_returned_not_stored(file) -> None:
    with file["store"].write() as s:
        head = _head(s, file)
        audit = start_audit(s, head, file["w1"], AUDIT_DAY)
        on_screen = {**audit.values, "contract_outcome": "no"}  # unsaved, no comment yet
        shown = change_audit_date(s, head, audit.id, EARLIER, on_screen)
        assert shown.values["contract_outcome"] == "no"
        assert shown.values["welfare_outcome"] == "yes"
        assert audit.values["contract_outcome"] == "yes"  # the unsaved answer is not stored
        assert audit.values["welfare_outcome"] == "yes"


def test_saving_with_a_new_date_gathers_again_too(file) -> None:
    """The command line and any other caller of save_audit get the same evidence."""
    with file["store"].write() as s:
        audit = _started_with_an_overrule(s, file)
        save_audit(s, _head(s, file), audit.id, {**audit.values, "completed_on": "2026-04-15"})
        assert audit.completed_on == EARLIER and audit.period_start == D(2025, 4, 15)
        assert audit.values["period"] == "15/04/2025 to 15/04/2026"
        assert _figure(audit, "timescales", "Sessions held")["value"] == "1"
        assert audit.proposals["welfare"]["previous_outcome"] == "no"
        assert audit.values["welfare_outcome"] == "yes"
        assert audit.values["audits_comment"] == OVERRULE


def test_a_date_before_the_person_started_changes_nothing(file) -> None:
    with file["store"].write() as s:
        audit = _started_with_an_overrule(s, file)
        before = (dict(audit.values), dict(audit.proposals))
        with pytest.raises(ValidationError) as caught:
            change_audit_date(s, _head(s, file), audit.id, D(2023, 6, 1))
        assert caught.value.for_field("completed_on")
        assert (audit.values, audit.proposals) == before and audit.completed_on == AUDIT_DAY


def test_a_complete_audit_never_changes(file) -> None:
    with file["store"].write() as s:
        head = _head(s, file)
        audit = _started_with_an_overrule(s, file)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good",
                                       "judgement_rationale": "Welfare not recorded"},
                   complete=True)
        before = (dict(audit.values), dict(audit.proposals))
        with pytest.raises(ValidationError, match="complete"):
            change_audit_date(s, head, audit.id, EARLIER)
        with pytest.raises(ValidationError, match="complete"):
            save_audit(s, head, audit.id, {**audit.values, "completed_on": "2026-04-15"})
    with file["store"].read() as s:
        audit = get_audit(s, audit.id)
        assert audit.completed_on == AUDIT_DAY and audit.status == "complete"
        assert (audit.values, audit.proposals) == before
