"""The subject access export is a document to hand to the person: their details, every
contract, record and audit of their file printed as its own export prints it (signatures,
addenda), the log entries about them, dates as dd/mm/yyyy; the JSON beside it holds the
same for computers."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.records import open_record
from supervision_audit.services.signatures import add_addendum, sign
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.services.subject_access import export_subject_access
from tests.record_helpers import signed_contract, signed_record

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def opened(tmp_path):
    """Łucja's file: a signed contract, two signed records (the first with an addendum), a
    signed audit; her supervisor has opened a record of hers."""
    opened, _ = first_run(tmp_path / "sar.sqlite", FirstRun("Org", "Ada Admin", "AD", "ada",
                                                            "correct horse battery"))
    with opened.store.write() as s:
        save_staff(s, SYS, StaffInput("S1", "Sam Head", "Head of Service",
                                      role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", "Team Manager", role="team_manager",
                                      supervisor_staff_id="S1"))
        save_staff(s, SYS, StaffInput("P1", "Łucja Żak", "Social Worker",
                                      supervisor_staff_id="M1",
                                      employment_start=date(2025, 9, 1)))
        lucja = get_by_staff_id(s, "P1")
        signed_contract(s, lucja.id, "2026-01-05", "Sam Head")
        first = signed_record(s, "P1", date(2026, 2, 3), welfare="Leave booked",
                              reflective="A hard visit")
        add_addendum(s, acting_as(s, lucja.supervisor_id), "record", first.id,
                     reason="Wrong venue", text="The session was held in Room 2.",
                     password=None, written_on=date(2026, 2, 10))
        signed_record(s, "P1", date(2026, 3, 3), welfare="All well")
        head = acting_as(s, get_by_staff_id(s, "S1").id)
        audit = start_audit(s, head, lucja.id, date(2026, 3, 20))
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good",
                                        "judgement_rationale": "Seen in the file"},
                   complete=True)
        sign(s, head, "audit", audit.id, password=None)
        open_record(s, acting_as(s, lucja.supervisor_id), first.id)
    yield opened
    opened.store.close()


def _pages(path: Path) -> list[str]:
    """Each page's text, less the bundle's own "· file page N of M" beside a document's
    "Page n of m" (a document alone has no file pages)."""
    return [re.sub(r" \u00b7 file page \d+ of \d+", "", page.extract_text())
            for page in PdfReader(path).pages]


def test_the_pdf_is_a_document_fit_to_hand_to_the_person(opened, tmp_path) -> None:
    with opened.store.write() as s:
        json_path, pdf_path = export_subject_access(s, opened.actor, "P1", tmp_path / "sar")
        lucja = get_by_staff_id(s, "P1")
        data = json.loads(json_path.read_text(encoding="utf-8"))
        first_id = data["records"][0]["id"]
        # the same record exported on its own, by her supervisor
        alone = _pages(export_record_pdf(s, acting_as(s, lucja.supervisor_id),
                                         uuid.UUID(first_id),
                                         tmp_path / "record.pdf"))
    pages = _pages(pdf_path)
    text = "\n".join(pages)

    # no raw data: no JSON, no ISO dates or timestamps; dates as dd/mm/yyyy
    assert '{"' not in text and '":' not in text
    assert ISO_DATE.findall(text) == []
    front = pages[0]
    assert "SUBJECT ACCESS" in front and "Łucja Żak" in front and "Social Worker" in front
    assert re.search(r"Employed from\s+01/09/2025", front), front
    assert "Mia Manager" in front  # her supervisor
    assert "P1-subject-access.json" in front  # the companion for computers

    # the contents name each document and the page it starts on
    contents = re.findall(r"(.+?) \.\.\.\. page (\d+)", text)
    titles = [title.strip() for title, _page in contents]
    assert titles == ["Supervision contract, version 1", "Supervision record, 03/02/2026",
                      "Supervision record, 03/03/2026", "Supervision file audit, 20/03/2026",
                      "Access log"]
    starts = {title.strip(): int(page) for title, page in contents}
    record_start = starts["Supervision record, 03/02/2026"] - 1
    assert pages[record_start:record_start + len(alone)] == alone  # printed as its own export
    record = "\n".join(alone)
    assert "Signed: Mia Manager" in record and "Signed: Łucja Żak" in record
    assert "Mia Manager (Supervisor) ·" in record and "Łucja Żak (Supervisee) ·" in record
    assert "Addendum of 10/02/2026 by Mia Manager" in record and "Room 2" in record

    contract = pages[starts["Supervision contract, version 1"] - 1]
    assert "SUPERVISION CONTRACT" in contract.upper() and "content SHA-256" in contract
    audit = "\n".join(pages[starts["Supervision file audit, 20/03/2026"] - 1:
                            starts["Access log"] - 1])
    assert "Supervision File Audit".upper() in audit.upper()
    assert "Sam Head (Auditor) ·" in audit and "Signed: Sam Head" in audit

    log = "\n".join(pages[starts["Access log"] - 1:])
    assert "Who opened, exported, printed or changed your information" in log
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}\s+demo-M1\s+opened a supervision\s+record",
                     log), log

    # the JSON stays the machine-readable companion, with the records and audits too
    assert data["person"]["name"] == "Łucja Żak"
    assert [r["held_on"] for r in data["records"]] == ["2026-02-03", "2026-03-03"]
    assert data["records"][0]["status"] == "Final"
    assert [s["role"] for s in data["records"][0]["signatures"]] == ["supervisor",
                                                                     "supervisee"]
    assert data["records"][0]["addenda"][0]["text"] == "The session was held in Room 2."
    assert data["audits"][0]["judgement"] == "good"
    assert data["audits"][0]["signatures"][0]["role"] == "auditor"
    assert any(e["action"] == "record.open" for e in data["log"])
