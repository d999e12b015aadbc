"""The supervision file audit: evidence on a file whose answers are known by hand, the
overrule and rationale rules, actions, observations, the programme and the cap."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from supervision_audit.demo import acting_as
from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import PermissionDenied
from supervision_audit.services.attachments import add_attachment, checklist
from supervision_audit.services.audit_actions import mark_audit_action_done, open_audit_actions
from supervision_audit.services.audit_programme import (
    pick_supervisee,
    programme,
    record_observation,
)
from supervision_audit.services.audits import (
    save_audit,
    start_audit,
    suggest_judgement,
)
from supervision_audit.services.records import start_record
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import signed_contract, signed_record

D = date
AUDIT_DAY = D(2026, 6, 26)


@pytest.fixture
def file(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", "Head of Service",
                                      role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", "Team Manager", role="team_manager",
                                      supervisor_staff_id="H1"))
        save_staff(s, SYS, StaffInput("M2", "Max Manager", "Team Manager", role="team_manager",
                                      supervisor_staff_id="H1"))
        save_staff(s, SYS, StaffInput("W1", "Wendy Worker", supervisor_staff_id="M1",
                                      employment_start=D(2024, 1, 1)))
        save_staff(s, SYS, StaffInput("W2", "Will Worker", supervisor_staff_id="M2",
                                      employment_start=D(2024, 1, 1)))
        w1 = get_by_staff_id(s, "W1")
        signed_contract(s, w1.id, "2026-01-05", "Hana Head")
        for day in (D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 29)):  # monthly, in timescale
            welfare = "Leave booked" if day.month != 5 else ""  # 2 of 3: under 75%
            signed_record(s, "W1", day, welfare=welfare, reflective="A hard visit", kss=["KSS1"],
                          performance="Appraisal objectives reviewed")
    return unit_store


def test_evidence_proposes_the_answers_known_by_hand(file) -> None:
    with file.write() as s:
        audit = start_audit(s, acting_as(s, get_by_staff_id(s, "H1").id),
                            get_by_staff_id(s, "W1").id, AUDIT_DAY)
    p = {k: v["outcome"] for k, v in audit.proposals.items()}
    assert p["contract"] == "yes"
    assert p["welfare"] == "no"
    assert audit.proposals["welfare"]["figures"][0]["value"] == "2 of 3 (67%)"
    assert len(audit.proposals["welfare"]["figures"][0]["record_ids"]) == 2
    assert p["timescales"] == "yes" and p["recording"] == "yes"
    assert p["reflective"] == "yes" and p["appraisal"] == "yes"
    assert p["journey"] == "n_a" and p["asye"] == "n_a" and p["probation"] == "n_a"
    assert p["audits"] == "no"  # no case-file audits on file
    assert audit.values["welfare_outcome"] == "no"  # the form starts with the proposals
    assert audit.values["period"] == "26/06/2025 to 26/06/2026"


def test_overruling_needs_a_comment_and_keeps_the_proposal(file) -> None:
    with file.write() as s:
        head = acting_as(s, get_by_staff_id(s, "H1").id)
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        values = {**audit.values, "welfare_outcome": "yes"}
        with pytest.raises(ValidationError) as caught:
            save_audit(s, head, audit.id, values)
        assert caught.value.for_field("welfare_comment")
        values["welfare_comment"] = "Welfare discussed at length in May, not written up."
        save_audit(s, head, audit.id, values)
        assert audit.values["welfare_outcome"] == "yes"
        assert audit.proposals["welfare"]["outcome"] == "no"


@pytest.mark.parametrize(("answers", "expected"), [
    ({}, None),
    ({k: "yes" for k in ("contract", "welfare", "timescales", "recording", "journey",
                         "reflective", "audits", "appraisal", "disagreement", "additional",
                         "asye", "capability", "probation")}, "outstanding"),
    ({"contract": "yes", "timescales": "yes", "recording": "yes", "journey": "n_a"}, "good"),
    ({"contract": "yes", "timescales": "no", "recording": "yes"}, "requires_improvement"),
    ({"contract": "yes", "welfare": "no", "audits": "no", "appraisal": "no"}, "inadequate"),
])
def test_judgement_rule(answers, expected) -> None:
    assert suggest_judgement(answers) == expected


def test_a_different_judgement_needs_a_rationale_and_completing_raises_actions(file) -> None:
    with file.write() as s:
        head = acting_as(s, get_by_staff_id(s, "H1").id)
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        values = {**audit.values, "judgement": "outstanding", "actions": [
            {"action": "Record welfare every month", "owner": "Mia Manager",
             "due": "2026-07-31"}]}
        assert audit.values["suggested_judgement"] == "Good"
        with pytest.raises(ValidationError) as caught:
            save_audit(s, head, audit.id, values, complete=True)
        assert caught.value.for_field("judgement_rationale")
        values["judgement"] = "good"
        save_audit(s, head, audit.id, values, complete=True)
        mia = get_by_staff_id(s, "M1")
        actions = open_audit_actions(s, mia.id)
        assert [a.description for a in actions] == ["Record welfare every month"]
        record = start_record(s, SYS, form_key="manager", held_on=D(2026, 7, 10),
                              supervisee_uuid=mia.id)
        assert [r["action"] for r in record.values["audit_actions"]] == [
            "Record welfare every month"]


def test_judgement_without_answers_and_audit_before_the_start(file) -> None:
    with file.write() as s:
        head = acting_as(s, get_by_staff_id(s, "H1").id)
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        blank = {k: v for k, v in audit.values.items() if not k.endswith("_outcome")}
        with pytest.raises(ValidationError, match="Answer the questions"):
            save_audit(s, head, audit.id, {**blank, "judgement": "good"})
        with pytest.raises(ValidationError, match="no supervision to audit"):
            start_audit(s, head, get_by_staff_id(s, "W1").id, D(2023, 6, 1))


def test_only_a_senior_manager_above_audits(file) -> None:
    with pytest.raises(PermissionDenied):
        with file.write() as s:
            start_audit(s, _plain(s, "M2"), get_by_staff_id(s, "W1").id, AUDIT_DAY)


def _plain(s, staff_id):
    from supervision_audit.services.access import Actor

    person = get_by_staff_id(s, staff_id)
    return Actor(username=staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role)


def test_programme_observations_and_the_cap(file) -> None:
    with file.write() as s:
        head = _plain(s, "H1")
        before = programme(s, head, AUDIT_DAY)
        assert [(line.name, line.no_audit_12m, line.no_observation_12m)
                for line in before.lines] == [("Max Manager", True, True),
                                              ("Mia Manager", True, True)]
        assert before.cap == 2  # a Head of Service: one per supervisor, up to three
        record_observation(s, head, get_by_staff_id(s, "M1").id, D(2026, 6, 2),
                           strengths="Warm, focused", areas_to_develop="More challenge")
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good"}, complete=True)
        after = {line.name: line for line in programme(s, head, AUDIT_DAY).lines}
        assert after["Mia Manager"].audited_this_month and not after["Mia Manager"].no_audit_12m
        assert not after["Mia Manager"].no_observation_12m
        assert [line.name for line in programme(s, head, AUDIT_DAY).needing_audit] == [
            "Max Manager"]
        assert programme(s, head, AUDIT_DAY).audits_this_month == 1
        assert pick_supervisee(s, get_by_staff_id(s, "M2").id).staff_id == "W2"
        with pytest.raises(ValidationError):
            record_observation(s, head, get_by_staff_id(s, "M2").id, D(2026, 6, 2),
                               strengths="", areas_to_develop="")


def test_attachments_and_the_folder_checklist(file, tmp_path) -> None:
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * (20 * 1024 * 1024 + 1))
    doc = tmp_path / "appraisal-2026.pdf"
    doc.write_bytes(b"%PDF-1.4 appraisal")
    with file.write() as s:
        w1 = get_by_staff_id(s, "W1").id
        mia = _plain(s, "M1")
        with pytest.raises(ValidationError, match="larger than the 20 MB"):
            add_attachment(s, mia, w1, 4, big)
        with pytest.raises(ValidationError, match="cannot be read"):
            add_attachment(s, mia, w1, 4, tmp_path / "missing.pdf")
        add_attachment(s, mia, w1, 4, doc, D(2026, 4, 1))
        sections = {c.number: c for c in checklist(s, SYS, w1)}
    assert sections[4].present == ["appraisal-2026.pdf"]
    assert sections[1].present == ["3 monitoring entries"]
    assert sections[2].present == ["3 supervision records"]
    assert sections[7].missing and not sections[7].present


def test_audit_outputs_read_back(file, tmp_path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from supervision_audit.services.audit_outputs import (
        audit_summary,
        export_audit_pdf,
        export_whole_file,
    )

    with file.write() as s:
        head = _plain(s, "H1")
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good", "actions": [
            {"action": "Welfare every month", "owner": "Mia", "due": "2026-07-31"}]},
            complete=True)
        export_audit_pdf(s, head, audit.id, tmp_path / "audit.pdf")
        audit_summary(s, head, "2026-01", "2026-12", tmp_path / "summary.xlsx")
        export_whole_file(s, head, get_by_staff_id(s, "W1").id, tmp_path / "file.pdf")
        with pytest.raises(ValidationError, match="ends before it starts"):
            audit_summary(s, head, "2026-06", "2026-01", tmp_path / "x.xlsx")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "audit.pdf").pages)
    assert "Supervision File Audit" in text and "Wendy Worker" in text
    assert "Is the supervision contract on the file?" in text
    wb = load_workbook(tmp_path / "summary.xlsx")
    rows = [[c.value for c in r] for r in wb["Judgements"].iter_rows()]
    assert rows[1][1] == datetime(2026, 6, 1)  # the month as a real date, shown as one
    assert wb["Judgements"]["B2"].number_format == "MMM YYYY"
    assert rows[1][3] == 1  # one Good
    assert [r[0].value for r in wb["Subjects answered no"].iter_rows(min_row=2)] == [
        "Welfare", "Audits"]
    assert wb["Open audit actions"]["B2"].value == "Welfare every month"
    whole = PdfReader(tmp_path / "file.pdf")
    index = whole.pages[0].extract_text()
    assert "Section 1 – Supervision Monitoring Sheet" in index
    assert "Section 6 – Case-file Audits" in index
    pages = [int(x) for x in __import__("re").findall(r"\.\.\.\.\s+page\s+(\d+)", index)]
    assert pages == sorted(pages) and pages[-1] < len(whole.pages) + 1
    last = pages[-1] - 1  # the audit starts on the page the index gives
    assert "Supervision File Audit" in whole.pages[last].extract_text()


def test_audits_and_observations_are_signed_and_then_final(file) -> None:
    with file.write() as s:
        head = _plain(s, "H1")
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        with pytest.raises(ValidationError, match="Finish the record"):
            sign(s, acting_as(s, head.staff_id), "audit", audit.id, password=None)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good"}, complete=True)
        signature = sign(s, acting_as(s, head.staff_id), "audit", audit.id, password=None)
        assert signature.role == "auditor" and audit.locked_at is not None
        seen = record_observation(s, head, get_by_staff_id(s, "M1").id, D(2026, 6, 2),
                                  strengths="Warm", areas_to_develop="Challenge")
        sign(s, acting_as(s, head.staff_id), "observation", seen.id, password=None)
        assert seen.locked_at is None  # the supervisor observed signs too
        sign(s, acting_as(s, seen.supervisor_id), "observation", seen.id, password=None)
        assert seen.locked_at is not None
    with pytest.raises(Exception, match="final"):
        with file.engine.begin() as conn:
            conn.exec_driver_sql(
                f"UPDATE file_audit SET judgement = 'outstanding' WHERE id = '{audit.id.hex}'")


def test_a_signed_audit_locks_its_evidence_and_its_actions_as_a_record_does(file) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import select

    from supervision_audit.models import AuditAction

    with file.write() as s:
        head = _plain(s, "H1")
        audit = start_audit(s, head, get_by_staff_id(s, "W1").id, AUDIT_DAY)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good",
                                        "judgement_rationale": "As seen", "actions": [
                                            {"action": "Welfare every month", "owner": "Mia",
                                             "due": "2026-07-31"}]}, complete=True)
        action = s.exec(select(AuditAction).where(AuditAction.audit_id == audit.id)).one()
        # before it is signed, the store lets the app change it
        action.owner = "Mia Manager"
        s.flush()
        sign(s, acting_as(s, head.staff_id), "audit", audit.id, password=None)
        audit_id, action_id, supervisor = audit.id, action.id, action.supervisor_id
    refused = (
        f"UPDATE file_audit SET proposals = '{{}}' WHERE id = '{audit_id.hex}'",
        f"UPDATE file_audit SET period_start = '2020-01-01' WHERE id = '{audit_id.hex}'",
        f"UPDATE audit_action SET description = 'Something else' WHERE id = "
        f"'{action_id.hex}'",
        f"UPDATE audit_action SET due_date = '2027-01-01' WHERE id = '{action_id.hex}'",
        f"DELETE FROM audit_action WHERE id = '{action_id.hex}'",
        f"INSERT INTO audit_action (id, created_at, updated_at, audit_id, supervisor_id, "
        f"number, description, owner, due_date, status) VALUES ('{'0' * 32}', "
        f"'2026-07-01', '2026-07-01', '{audit_id.hex}', '{supervisor.hex}', 2, 'Added', "
        f"'Mia', '2026-08-01', 'open')",
    )
    for statement in refused:
        with pytest.raises(IntegrityError, match="final record cannot be changed"):
            with file.engine.begin() as conn:
                conn.exec_driver_sql(statement)
    with file.write() as s:  # marking the action done stays allowed
        mark_audit_action_done(s, _plain(s, "H1"), action_id, date(2026, 7, 20))
    with file.read() as s:
        done = s.get(AuditAction, action_id)
        assert (done.status, done.description, done.owner) == ("done", "Welfare every month",
                                                               "Mia Manager")
